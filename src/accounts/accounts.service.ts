import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { actorOf, Actor, SYSTEM_ACTOR } from '../kernel/actor';
import { isUniqueViolation } from '../common/errors/database-errors';
import { accountNotFound, cannotChangeOwnRole, cannotResetOwnMfa, emailTaken, unacceptablePassword } from './accounts.errors';
import { AccountsRepository, NewUser } from './accounts.repository';
import { PasswordHasher } from './password-hasher';
import { passwordProblem } from './password-rules';
import { Role } from '../kernel/role';
import { User } from './user.entity';
import { AccountViewDto } from './dto/account.dto';

export interface NewAccount {
  email: string;
  password: string;
  role: Role;
  displayName?: string | null;
  phone?: string | null;
  locale?: string;
}

/** An account as answered to the admin and to its owner (AccountViewDto, the document's description of it). */
export type AccountView = AccountViewDto;

/** Why an account closes: an approved account deletion, or the end of the service. */
export type ClosureCause = { requestId: string } | { endOfServiceId: string };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The password rule, for every caller, whether or not a DTO applied it already. */
function assertAcceptablePassword(password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem !== null) throw unacceptablePassword(problem);
}

export function toAccountView(u: User): AccountView {
  return { id: u.id, email: u.email, role: u.role, displayName: u.displayName, locale: u.locale, mfaEnabled: u.mfaEnabledAt !== null };
}

@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  /** Self-registration (always a subject) or an operator creating staff; audited either way. */
  async create(input: NewAccount, actor: Actor | 'self'): Promise<User> {
    assertAcceptablePassword(input.password, input.email);
    const row: NewUser = {
      email: normaliseEmail(input.email),
      passwordHash: await this.hasher.hash(input.password),
      role: input.role,
      displayName: input.displayName ?? null,
      phone: input.phone ?? null,
      locale: input.locale ?? 'zh-CN',
    };
    try {
      return await this.dataSource.transaction(async (m) => {
        const user = await this.repo.insert(m, row);
        await this.audit.record(m, {
          action: actor === 'self' ? 'account.registered' : 'account.created',
          actor: actor === 'self' ? actorOf(user) : actor,
          entityType: 'user',
          entityId: user.id,
          subjectRef: user.subjectRef,
          data: { role: user.role },
        });
        return user;
      });
    } catch (err) {
      if (isUniqueViolation(err, 'uq_users_email')) throw emailTaken();
      throw err;
    }
  }

  async get(id: string): Promise<User> {
    const user = await this.repo.findById(id);
    if (!user) throw accountNotFound();
    return user;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.repo.findByEmail(normaliseEmail(email));
  }

  /** Sets a new password, clears a lockout and ends every session of the account. */
  async resetPassword(email: string, password: string, actor: Actor): Promise<User> {
    assertAcceptablePassword(password, email);
    const user = await this.findByEmail(email);
    if (!user) throw accountNotFound();
    const passwordHash = await this.hasher.hash(password);
    await this.dataSource.transaction(async (m) => {
      await this.repo.updatePasswordHash(m, user.id, passwordHash);
      await this.repo.revokeAllSessions(m, user.id);
      await this.audit.record(m, { action: 'account.password_reset', actor, entityType: 'user', entityId: user.id, subjectRef: user.subjectRef });
    });
    return user;
  }

  /**
   * Turns the second factor off for an account whose owner lost it, and ends every session: the
   * owner signs in with the password and enrols a new one (staff and legal are asked to at once
   * when MFA_REQUIRED_FOR_STAFF is on). `hadMfa` tells whether there was one to remove.
   */
  async resetMfa(email: string, actor: Actor): Promise<{ user: User; hadMfa: boolean }> {
    const user = await this.findByEmail(email);
    if (!user) throw accountNotFound();
    return this.clearMfa(user, actor);
  }

  /** The same for another account, by id, as an administrator asks it (never their own: another administrator must). */
  async resetMfaOf(id: string, actor: Actor): Promise<{ user: User; hadMfa: boolean }> {
    if (actor.id === id) throw cannotResetOwnMfa();
    return this.clearMfa(await this.get(id), actor);
  }

  private async clearMfa(user: User, actor: Actor): Promise<{ user: User; hadMfa: boolean }> {
    const hadMfa = user.mfaSecret !== null;
    await this.dataSource.transaction(async (m) => {
      await this.repo.clearMfa(m, user.id);
      await this.repo.revokeAllSessions(m, user.id);
      await this.audit.record(m, { action: 'account.mfa_reset', actor, entityType: 'user', entityId: user.id, subjectRef: user.subjectRef, data: { hadMfa } });
    });
    user.mfaSecret = null;
    user.mfaEnabledAt = null;
    return { user, hadMfa };
  }

  /** Another account's role: an administrator never changes their own (separation of duties). */
  async changeRole(id: string, role: Role, actor: Actor): Promise<User> {
    if (actor.id === id) throw cannotChangeOwnRole();
    return this.dataSource.transaction(async (m) => {
      const user = await this.repo.findByIdForUpdate(m, id);
      if (!user) throw accountNotFound();
      if (user.role !== role) {
        await this.repo.updateRole(m, id, role);
        await this.audit.record(m, {
          action: 'account.role_changed',
          actor,
          entityType: 'user',
          entityId: id,
          subjectRef: user.subjectRef,
          data: { from: user.role, to: role },
        });
      }
      user.role = role;
      return user;
    });
  }

  /**
   * Closes a subject's account in the caller's transaction (an approved account deletion): it
   * signs in no more and every session ends now. Audited once (`account.closed`); closing a closed
   * account changes nothing.
   */
  async close(manager: EntityManager, userId: string, cause: ClosureCause): Promise<void> {
    const user = await this.repo.findById(userId, manager);
    if (!user || !(await this.repo.close(manager, userId))) return;
    await this.repo.revokeAllSessions(manager, userId);
    await this.audit.record(manager, {
      action: 'account.closed',
      actor: SYSTEM_ACTOR,
      entityType: 'user',
      entityId: userId,
      subjectRef: user.subjectRef,
      data: { ...cause },
    });
  }

  /**
   * Replaces what identifies the person on a closed account (email, name, phone, password, second
   * factor) by the pseudonym, in the caller's transaction; the row stays, so the request records
   * and the audit trail keep their references. Audited once (`account.pseudonymised`).
   */
  async pseudonymise(manager: EntityManager, userId: string, cause: ClosureCause): Promise<boolean> {
    const user = await this.repo.findById(userId, manager);
    if (!user || !(await this.repo.pseudonymise(manager, userId))) return false;
    await this.audit.record(manager, {
      action: 'account.pseudonymised',
      actor: SYSTEM_ACTOR,
      entityType: 'user',
      entityId: userId,
      subjectRef: user.subjectRef,
      data: { ...cause },
    });
    return true;
  }

  async isPseudonymised(userId: string, manager?: EntityManager): Promise<boolean> {
    const user = await this.repo.findById(userId, manager);
    return (user?.pseudonymisedAt ?? null) !== null;
  }
}
