import { Role } from './role';

/** The portal itself, acting on a schedule or on a rule (a withdrawal decided at once, an overdue scan). */
export const SYSTEM = 'system' as const;

/** Someone at the host's command line (`npm run cli`), acting outside any account. */
export const OPERATOR_CLI = 'operator-cli' as const;

/** The role something is done in: an account's, the system's or the operator's at the command line. */
export type ActorRole = Role | typeof SYSTEM | typeof OPERATOR_CLI;

/** Who did something: an account (by id, which holds no personal data itself) and its role, or the system. */
export interface Actor {
  id: string | null;
  role: ActorRole;
}

export const SYSTEM_ACTOR: Actor = { id: null, role: SYSTEM };

export const OPERATOR_ACTOR: Actor = { id: null, role: OPERATOR_CLI };

/** The signed-in caller as the audit trail and the timeline name them: by account id and role, nothing personal. */
export function actorOf(user: { id: string; role: Role }): Actor {
  return { id: user.id, role: user.role };
}
