import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every failed step of every request's fulfilment in one place (`fulfilment_failures`): a copy that
 * failed, an erasure step, a correction item. The queue counts them and filters by them
 * (product.md, "Nothing gets stuck"); each capability keeps recording its own steps. A step that
 * waits for a person's confirmation (a system worked by hand) is waiting, not failed.
 */
export class FulfilmentFailures1764770000000 implements MigrationInterface {
  name = 'FulfilmentFailures1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW fulfilment_failures AS
        SELECT request_id, 'copy'::text AS kind, failure->>'step' AS category, failure->>'reason' AS reason FROM exports WHERE status = 'failed' AND failure->>'reason' IS DISTINCT FROM 'awaiting_confirmation'
        UNION ALL
        SELECT request_id, 'erasure', category, detail->>'reason' FROM erasure_steps WHERE status = 'failed'
        UNION ALL
        SELECT request_id, 'correction', category, detail->>'reason' FROM correction_steps WHERE status = 'failed'`);
    await q.query(`CREATE INDEX ix_erasure_steps_failed ON erasure_steps (request_id) WHERE status = 'failed'`);
    await q.query(`CREATE INDEX ix_correction_steps_failed ON correction_steps (request_id) WHERE status = 'failed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_correction_steps_failed`);
    await q.query(`DROP INDEX ix_erasure_steps_failed`);
    await q.query(`DROP VIEW fulfilment_failures`);
  }
}
