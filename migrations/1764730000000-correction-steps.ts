import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What applying an approved correction has done, item by item (`correction_steps`): applied and
 * read back as corrected, or failed (which system, why). A run after a failure skips what is done.
 */
export class CorrectionSteps1764730000000 implements MigrationInterface {
  name = 'CorrectionSteps1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE correction_steps (
        request_id uuid NOT NULL,
        item integer NOT NULL CONSTRAINT ck_correction_steps_item CHECK (item >= 0),
        category text NOT NULL,
        field text NOT NULL,
        status text NOT NULL CONSTRAINT ck_correction_steps_status CHECK (status IN ('done', 'failed')),
        detail jsonb NOT NULL DEFAULT '{}' CONSTRAINT ck_correction_steps_detail CHECK (jsonb_typeof(detail) = 'object'),
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (request_id, item)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE correction_steps`);
  }
}
