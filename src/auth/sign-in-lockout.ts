import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsRepository, FailedLoginOutcome, LOCKOUT_MINUTES, LOCKOUT_THRESHOLD } from '../accounts/accounts.repository';
import type { User } from '../accounts/user.entity';
import { AuditService } from '../audit/audit.service';
import { type Actor, SYSTEM_ACTOR } from '../kernel/actor';

/**
 * The counter of wrong second-factor codes: one per account, for every client. Only someone who has
 * the password reaches that step, so the reason to key by client (that anyone can guess passwords
 * and must not lock the owner out) does not hold there, while guesses from many addresses must add
 * up against a six-digit code. No keyed hash (43 characters) can be this key.
 */
export const ANY_CLIENT = '*';

export type FailureReason = 'wrong_password' | 'wrong_mfa_code' | 'replayed_mfa_code' | 'account_locked';

export interface Failure {
  /** `auth.login_failed` for a sign-in, `account.step_up_failed` for a password step-up */
  action: string;
  actor: Actor;
  reason: FailureReason;
}

/**
 * The lockout, kept per account AND client (the keyed hash of its address, SignInKeys.client):
 * five failures in a row from one client lock the account for that client for 15 minutes; other
 * clients, the owner's among them, are not concerned. An attacker can thus lock out only their own
 * addresses, never the owner: the lockout cannot be used to keep an account out. (Account-wide, it
 * could, by five failures every 15 minutes; a second factor to unlock is no answer for subjects,
 * who have none. The price is that guesses from many addresses do not add up; the throttle and the
 * refusal of common passwords are there for that, see the README's "Sign-in protections".)
 *
 * Wrong passwords at sign-in and at a password step-up share the one counter; wrong second-factor
 * codes are counted for the account as a whole (ANY_CLIENT). Each failure is audited in the
 * transaction that counts it; so is the lock it may set. A password reset clears every count and
 * lock of the account.
 */
@Injectable()
export class SignInLockout {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly audit: AuditService,
  ) {}

  isLocked(userId: string, client: string): Promise<boolean> {
    return this.accounts.isSignInLocked(userId, client);
  }

  /** Counts a failure of `user` from `client` (the repository decides, atomically, whether it locks) and audits it. */
  async recordFailure(user: User, client: string, failure: Failure): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const outcome = await this.accounts.recordFailedSignIn(m, user.id, client);
      const about = { entityType: 'user', entityId: user.id, subjectRef: user.subjectRef };
      await this.audit.record(m, { ...about, action: failure.action, actor: failure.actor, data: { reason: failure.reason } });
      if (outcome === FailedLoginOutcome.LockedNow)
        await this.audit.record(m, {
          ...about,
          action: 'auth.account_locked',
          actor: SYSTEM_ACTOR,
          data: { minutes: LOCKOUT_MINUTES, afterFailures: LOCKOUT_THRESHOLD },
        });
    });
  }

  /** After a success: the client's count starts again, unless it was locked meanwhile (then false: the lock wins). */
  clearUnlessLocked(manager: EntityManager, userId: string, client: string): Promise<boolean> {
    return this.accounts.clearFailedSignInsUnlessLocked(manager, userId, client);
  }
}
