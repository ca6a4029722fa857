import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For a request filed on someone's behalf (a guardian, a relative of a deceased person, an agent),
 * the app account of the person represented, as a reviewer identified it from the evidence: the
 * filer's own verified link points at the filer, not at them. Named once per request, by whom and
 * when, with the reviewer's note; the copy, the erasure and the correction find records through it.
 */
export class RepresentedAccounts1764800000000 implements MigrationInterface {
  name = 'RepresentedAccounts1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE represented_accounts (
        request_id uuid CONSTRAINT pk_represented_accounts PRIMARY KEY,
        app_user_ref text NOT NULL CONSTRAINT ck_represented_accounts_ref CHECK (length(app_user_ref) BETWEEN 1 AND 200),
        named_by uuid NOT NULL CONSTRAINT fk_represented_accounts_named_by REFERENCES users(id),
        named_at timestamptz NOT NULL DEFAULT now(),
        note text NOT NULL CONSTRAINT ck_represented_accounts_note CHECK (length(note) BETWEEN 1 AND 4000)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE represented_accounts`);
  }
}
