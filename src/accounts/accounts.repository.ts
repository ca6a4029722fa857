import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../kernel/role';
import { User } from './user.entity';

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MINUTES = 15;
/** A client's failures against an account are forgotten after a day without another (unless it is locked). */
const FAILURES_FORGOTTEN_AFTER_HOURS = 24;

export enum FailedLoginOutcome {
  Counted = 'counted',
  /** this attempt was the one that locked the account */
  LockedNow = 'locked_now',
  /** the account was already locked; the attempt was not counted */
  AlreadyLocked = 'already_locked',
}

export interface NewUser {
  email: string;
  passwordHash: string;
  role: Role;
  displayName?: string | null;
  phone?: string | null;
  locale?: string;
}

@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(User);
  }

  /** The pseudonym is chosen here, not by a column default, so the returned entity carries it. */
  insert(manager: EntityManager, user: NewUser): Promise<User> {
    return this.repo(manager).save(this.repo(manager).create({ ...user, subjectRef: randomUUID() }));
  }

  findByEmail(email: string): Promise<User | null> {
    return this.repo().findOneBy({ email });
  }

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /** Reads the account and holds its row until the transaction ends, so that a change recorded "from → to" really started from "from". */
  findByIdForUpdate(manager: EntityManager, id: string): Promise<User | null> {
    return this.repo(manager).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async countByRole(): Promise<Record<string, number>> {
    const rows: { role: string; count: string }[] = await this.dataSource.query(`SELECT role, count(*) AS count FROM users GROUP BY role`);
    return Object.fromEntries(rows.map((r) => [r.role, Number(r.count)]));
  }

  /**
   * Counts one failed attempt (a sign-in or a password step-up) on the account from one client (a
   * keyed hash of its address, `sign_in_failures`), in a single statement, so that concurrent
   * attempts serialise on the row: the fifth in a row locks the account for that client for 15
   * minutes (and starts the count again). While it is locked nothing is counted, so a burst of
   * parallel attempts locks it exactly once.
   */
  async recordFailedSignIn(manager: EntityManager, userId: string, clientKey: string): Promise<FailedLoginOutcome> {
    const rows: { locked_now: boolean }[] = await manager.query(
      `INSERT INTO sign_in_failures AS f (user_id, client_key, failed_count, locked_until, last_failed_at)
       VALUES ($1, $2, CASE WHEN 1 >= $3 THEN 0 ELSE 1 END, CASE WHEN 1 >= $3 THEN now() + make_interval(mins => $4) END, now())
       ON CONFLICT ON CONSTRAINT pk_sign_in_failures DO UPDATE SET
         locked_until = CASE WHEN f.failed_count + 1 >= $3 THEN now() + make_interval(mins => $4) ELSE NULL END,
         failed_count = CASE WHEN f.failed_count + 1 >= $3 THEN 0 ELSE f.failed_count + 1 END,
         last_failed_at = now()
       WHERE f.locked_until IS NULL OR f.locked_until <= now()
       RETURNING (locked_until IS NOT NULL) AS locked_now`,
      [userId, clientKey, LOCKOUT_THRESHOLD, LOCKOUT_MINUTES],
    );
    if (rows.length === 0) return FailedLoginOutcome.AlreadyLocked;
    return rows[0].locked_now ? FailedLoginOutcome.LockedNow : FailedLoginOutcome.Counted;
  }

  /** Whether the account is locked for this client (other clients are not concerned). */
  async isSignInLocked(userId: string, clientKey: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await this.dataSource.query(
      `SELECT true AS locked FROM sign_in_failures WHERE user_id = $1 AND client_key = $2 AND locked_until > now()`,
      [userId, clientKey],
    );
    return rows.length > 0;
  }

  /**
   * Clears the client's failure count for a successful sign-in or step-up, unless the account is
   * locked for that client: the row is held first, so a lock that a concurrent attempt set after
   * this one read it still wins. Returns whether it was clear.
   */
  async clearFailedSignInsUnlessLocked(manager: EntityManager, userId: string, clientKey: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await manager.query(
      `SELECT (locked_until IS NOT NULL AND locked_until > now()) AS locked FROM sign_in_failures WHERE user_id = $1 AND client_key = $2 FOR UPDATE`,
      [userId, clientKey],
    );
    if (rows.length === 0) return true;
    if (rows[0].locked) return false;
    await manager.query(`DELETE FROM sign_in_failures WHERE user_id = $1 AND client_key = $2`, [userId, clientKey]);
    return true;
  }

  /** Forgets the failures of clients that have not failed for a day and are not locked out; returns how many. */
  async forgetIdleSignInFailures(): Promise<number> {
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM sign_in_failures
       WHERE (locked_until IS NULL OR locked_until <= now()) AND last_failed_at < now() - make_interval(hours => $1)`,
      [FAILURES_FORGOTTEN_AFTER_HOURS],
    );
    return deleted;
  }

  /** Ends every session of the account (after a password reset, say). */
  /** Closes the account once (answers false when it was closed already). */
  async close(manager: EntityManager, userId: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`UPDATE users SET closed_at = now(), updated_at = now() WHERE id = $1 AND closed_at IS NULL`, [
      userId,
    ]);
    return count === 1;
  }

  /**
   * Replaces what identifies the person on a closed account by the pseudonym, once: the address
   * becomes one that can never be delivered to or signed in with (the `.invalid` domain, RFC 2606),
   * the password a hash no password matches, the second factor and its replay guard gone.
   */
  async pseudonymise(manager: EntityManager, userId: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(
      `UPDATE users SET email = 'closed-' || subject_ref || '@closed.invalid', display_name = NULL, phone = NULL,
              password_hash = '!closed', mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_step = NULL, pseudonymised_at = now(), updated_at = now()
       WHERE id = $1 AND closed_at IS NOT NULL AND pseudonymised_at IS NULL`,
      [userId],
    );
    return count === 1;
  }

  async revokeAllSessions(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }

  /** A new password: every client's failures and locks against the account go with the old one. */
  async updatePasswordHash(manager: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await manager.query(`UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [userId, passwordHash]);
    await manager.query(`DELETE FROM sign_in_failures WHERE user_id = $1`, [userId]);
  }

  async updateRole(manager: EntityManager, userId: string, role: Role): Promise<void> {
    await manager.query(`UPDATE users SET role = $2, updated_at = now() WHERE id = $1`, [userId, role]);
  }

  async setMfaSecret(manager: EntityManager, userId: string, encryptedSecret: string): Promise<void> {
    await manager.query(`UPDATE users SET mfa_secret = $2, mfa_enabled_at = NULL, mfa_last_step = NULL, updated_at = now() WHERE id = $1`, [
      userId,
      encryptedSecret,
    ]);
  }

  /** No second factor any more: the secret, its confirmation and the last accepted step go. */
  async clearMfa(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE users SET mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_step = NULL, updated_at = now() WHERE id = $1`, [userId]);
  }

  /** Turns the second factor on; the code that confirmed it counts as used (`step`). */
  async enableMfa(manager: EntityManager, userId: string, step: number): Promise<void> {
    await manager.query(`UPDATE users SET mfa_enabled_at = now(), mfa_last_step = $2, updated_at = now() WHERE id = $1`, [userId, step]);
  }

  /**
   * Records that a code of time step `step` was accepted, unless one of that step or a later one
   * already was: false then (the code is being replayed). Of concurrent uses of one code, one wins.
   */
  async useMfaStep(userId: string, step: number): Promise<boolean> {
    const [, count]: [unknown[], number] = await this.dataSource.query(
      `UPDATE users SET mfa_last_step = $2 WHERE id = $1 AND (mfa_last_step IS NULL OR mfa_last_step < $2)`,
      [userId, step],
    );
    return count === 1;
  }
}
