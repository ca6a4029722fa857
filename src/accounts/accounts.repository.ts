import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from './role.enum';
import { User } from './user.entity';

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MINUTES = 15;

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

  insert(manager: EntityManager, user: NewUser): Promise<User> {
    return this.repo(manager).save(this.repo(manager).create(user));
  }

  findByEmail(email: string): Promise<User | null> {
    return this.repo().findOneBy({ email });
  }

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.repo(manager).findOneBy({ id });
  }

  async countByRole(): Promise<Record<string, number>> {
    const rows: { role: string; count: string }[] = await this.dataSource.query(`SELECT role, count(*) AS count FROM users GROUP BY role`);
    return Object.fromEntries(rows.map((r) => [r.role, Number(r.count)]));
  }

  /**
   * Count one failed attempt atomically; the fifth in a row locks the account for 15 minutes and
   * starts the count again. Returns whether this attempt caused the lock.
   */
  async recordFailedLogin(manager: EntityManager, userId: string): Promise<{ lockedNow: boolean }> {
    const [rows] = await manager.query(
      `UPDATE users SET
         locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END,
         failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END
       WHERE id = $1
       RETURNING (locked_until > now()) AS locked`,
      [userId, LOCKOUT_THRESHOLD, LOCKOUT_MINUTES],
    );
    return { lockedNow: Boolean(rows[0]?.locked) };
  }

  async clearFailedLogins(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1`, [userId]);
  }

  async updatePasswordHash(manager: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await manager.query(
      `UPDATE users SET password_hash = $2, failed_login_count = 0, locked_until = NULL, updated_at = now() WHERE id = $1`,
      [userId, passwordHash],
    );
  }

  async updateRole(manager: EntityManager, userId: string, role: Role): Promise<void> {
    await manager.query(`UPDATE users SET role = $2, updated_at = now() WHERE id = $1`, [userId, role]);
  }

  async setMfaSecret(manager: EntityManager, userId: string, encryptedSecret: string): Promise<void> {
    await manager.query(`UPDATE users SET mfa_secret = $2, mfa_enabled_at = NULL, updated_at = now() WHERE id = $1`, [userId, encryptedSecret]);
  }

  async enableMfa(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE users SET mfa_enabled_at = now(), updated_at = now() WHERE id = $1`, [userId]);
  }
}
