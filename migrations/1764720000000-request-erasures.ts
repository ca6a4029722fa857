import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the erasure an approved delete_data or delete_account request runs has done, category by
 * category (`erasure_steps`): done (with the rows it changed), kept (by the data map, or by a legal
 * hold, until it ends) or failed (which system, why). A run after a crash skips what is done.
 */
export class RequestErasures1764720000000 implements MigrationInterface {
  name = 'RequestErasures1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE erasure_steps (
        request_id uuid NOT NULL,
        category text NOT NULL,
        status text NOT NULL CONSTRAINT ck_erasure_steps_status CHECK (status IN ('done', 'kept', 'failed')),
        action text NOT NULL CONSTRAINT ck_erasure_steps_action CHECK (action IN ('delete', 'anonymise', 'keep')),
        rows bigint NOT NULL DEFAULT 0 CONSTRAINT ck_erasure_steps_rows CHECK (rows >= 0),
        detail jsonb NOT NULL DEFAULT '{}' CONSTRAINT ck_erasure_steps_detail CHECK (jsonb_typeof(detail) = 'object'),
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (request_id, category)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE erasure_steps`);
  }
}
