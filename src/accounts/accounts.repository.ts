import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../kernel/role';
import { User } from './user.entity';

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MINUTES = 15;

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
   * Counts one failed attempt in a single statement, so that concurrent attempts serialise on the
   * row: the fifth in a row locks the account for 15 minutes (and starts the count again). While
   * the account is locked nothing is counted, so a burst of parallel attempts locks it exactly once.
   */
  async recordFailedLogin(manager: EntityManager, userId: string): Promise<FailedLoginOutcome> {
    const [rows]: [{ locked_now: boolean }[], number] = await manager.query(
      `UPDATE users SET
         locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE NULL END,
         failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END
       WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
       RETURNING (locked_until IS NOT NULL) AS locked_now`,
      [userId, LOCKOUT_THRESHOLD, LOCKOUT_MINUTES],
    );
    if (rows.length === 0) return FailedLoginOutcome.AlreadyLocked;
    return rows[0].locked_now ? FailedLoginOutcome.LockedNow : FailedLoginOutcome.Counted;
  }

  /**
   * Clears the failure count for a successful sign-in, unless the account is locked: a lock that
   * a concurrent attempt set after this one read the account still wins. Returns whether it was clear.
   */
  async clearFailedLoginsUnlessLocked(manager: EntityManager, userId: string): Promise<boolean> {
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE users SET failed_login_count = 0, locked_until = NULL
       WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())`,
      [userId],
    );
    return affected === 1;
  }

  /** Ends every session of the account (after a password reset, say). */
  async revokeAllSessions(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }

  async updatePasswordHash(manager: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await manager.query(`UPDATE users SET password_hash = $2, failed_login_count = 0, locked_until = NULL, updated_at = now() WHERE id = $1`, [
      userId,
      passwordHash,
    ]);
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
