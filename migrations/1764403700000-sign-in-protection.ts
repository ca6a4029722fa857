import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in protections.
 *
 * `sign_in_failures`: the lockout counter, per account AND client (a keyed hash of the client's
 * address, never the address), so that an attacker's failures lock the account at the attacker's
 * address only, never for its owner elsewhere (src/auth/sign-in-lockout.ts). Wrong second-factor
 * codes are counted in the account's row for every client (`client_key` '*'). It replaces the
 * account-wide `users.failed_login_count` and `users.locked_until`, which are dropped: a lock lasts
 * 15 minutes, and the accounts locked when this runs are let in again (which client failed is not
 * known). down() brings the columns back, empty.
 *
 * `unknown_sign_in_tallies`: failed sign-ins with emails no account has, counted per minute, email
 * and client (keyed hashes), and written out as one audit event per minute
 * (src/auth/unknown-sign-in-tally.ts) instead of one event per attempt.
 */
export class SignInProtection1764403700000 implements MigrationInterface {
  name = 'SignInProtection1764403700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sign_in_failures (
        user_id uuid NOT NULL CONSTRAINT fk_sign_in_failures_user REFERENCES users(id) ON DELETE CASCADE,
        client_key text NOT NULL,
        failed_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_failed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_sign_in_failures PRIMARY KEY (user_id, client_key),
        CONSTRAINT ck_sign_in_failures_count CHECK (failed_count >= 0)
      )`);
    // The housekeeping that forgets idle clients reads by age.
    await q.query(`CREATE INDEX ix_sign_in_failures_last_failed ON sign_in_failures (last_failed_at)`);
    await q.query(`ALTER TABLE users DROP COLUMN failed_login_count, DROP COLUMN locked_until`);

    await q.query(`
      CREATE TABLE unknown_sign_in_tallies (
        window_start timestamptz NOT NULL,
        email_key text NOT NULL,
        client_key text NOT NULL,
        attempts integer NOT NULL,
        CONSTRAINT pk_unknown_sign_in_tallies PRIMARY KEY (window_start, email_key, client_key),
        CONSTRAINT ck_unknown_sign_in_tallies_attempts CHECK (attempts > 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unknown_sign_in_tallies`);
    await q.query(`ALTER TABLE users ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz`);
    await q.query(`DROP TABLE sign_in_failures`);
  }
}
