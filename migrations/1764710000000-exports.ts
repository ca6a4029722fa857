import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The copies an approved access or copy_transfer request produces (product.md, "Access and copy"):
 * `exports`, one per request, and its files in `export_parts`, written and read in chunks of a few
 * hundred kilobytes so that neither the worker that writes a copy nor the process that serves it
 * holds it whole in memory, and every process of the portal reaches it (it lives in PostgreSQL).
 *
 * No foreign key to `requests` (as for scheduled erasures): an export outlives nothing and is
 * deleted with its parts when it expires.
 */
export class Exports1764710000000 implements MigrationInterface {
  name = 'Exports1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exports (
        request_id uuid PRIMARY KEY,
        subject_id uuid NOT NULL,
        status text NOT NULL CONSTRAINT ck_exports_status CHECK (status IN ('running', 'ready', 'failed')),
        files text[] NOT NULL DEFAULT '{}',
        summary jsonb NOT NULL DEFAULT '{}' CONSTRAINT ck_exports_summary CHECK (jsonb_typeof(summary) = 'object'),
        failure jsonb,
        started_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz,
        expires_at timestamptz,
        CONSTRAINT ck_exports_ready CHECK ((status = 'ready') = (ready_at IS NOT NULL AND expires_at IS NOT NULL)),
        CONSTRAINT ck_exports_failure CHECK ((status = 'failed') = (failure IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ix_exports_subject ON exports (subject_id)`);
    await q.query(`
      CREATE TABLE export_parts (
        request_id uuid NOT NULL,
        file text NOT NULL CONSTRAINT ck_export_parts_file CHECK (file ~ '^[a-z0-9_]+\\.(json|html|csv)$'),
        n integer NOT NULL CONSTRAINT ck_export_parts_n CHECK (n >= 0),
        data bytea NOT NULL,
        PRIMARY KEY (request_id, file, n)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_parts`);
    await q.query(`DROP TABLE exports`);
  }
}
