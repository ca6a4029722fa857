import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `users.mfa_last_step`: the TOTP time step of the last code accepted for the account, so that a
 * code is accepted once (RFC 6238, section 5.2), not again within its window.
 */
export class MfaReplay1764403600000 implements MigrationInterface {
  name = 'MfaReplay1764403600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN mfa_last_step bigint`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT ck_users_mfa_last_step CHECK (mfa_last_step IS NULL OR mfa_secret IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT ck_users_mfa_last_step`);
    await q.query(`ALTER TABLE users DROP COLUMN mfa_last_step`);
  }
}
