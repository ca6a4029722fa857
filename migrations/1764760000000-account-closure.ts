import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closing an account at the subject's request (delete_account, product.md "Correction and
 * deletion"): `users.closed_at` is set when the deletion is approved (the account signs in no more,
 * its sessions end); `users.pseudonymised_at` when what the portal held about the person has been
 * replaced by the pseudonym (the row stays, so that the request records and the audit trail keep
 * pointing at it). A partial index finds the categories a legal hold kept, for the scan that erases
 * them once the hold has ended.
 */
export class AccountClosure1764760000000 implements MigrationInterface {
  name = 'AccountClosure1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN closed_at timestamptz, ADD COLUMN pseudonymised_at timestamptz`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT ck_users_pseudonymised_closed CHECK (pseudonymised_at IS NULL OR closed_at IS NOT NULL)`);
    await q.query(`CREATE INDEX ix_erasure_steps_held ON erasure_steps (at) WHERE status = 'kept' AND detail ? 'holds'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_erasure_steps_held`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT ck_users_pseudonymised_closed`);
    await q.query(`ALTER TABLE users DROP COLUMN pseudonymised_at, DROP COLUMN closed_at`);
  }
}
