import { MigrationInterface, QueryRunner } from 'typeorm';

/** As migration 1764610000001 spelled them (a migration must not change when code does). */
const OPEN = `'submitted', 'in_review', 'awaiting_legal', 'awaiting_subject', 'approved', 'fulfilling', 'under_appeal'`;

/**
 * Every right the law gives (PIPL Arts. 45-49), for everyone who may exercise it:
 *
 * - four request types: `correction` (Art. 46), `copy_transfer` (Art. 45 para. 3), `explanation`
 *   (Art. 48) and `delete_data` (Art. 47, without cancelling the account);
 * - `represented`: whom a request is about when it is filed on someone's behalf (a guardian for a
 *   child, a relative for a deceased person, an agent), as a key that says nothing by itself
 *   (src/requests/domain/on-behalf.ts); '' when the subject files for themselves. One open request
 *   per type is now one per type *and person represented*: a guardian may ask for a copy of their
 *   own information and of each child's at the same time.
 */
export class RightsForEveryone1764690000000 implements MigrationInterface {
  name = 'RightsForEveryone1764690000000';

  async up(q: QueryRunner): Promise<void> {
    for (const type of ['correction', 'copy_transfer', 'explanation', 'delete_data']) {
      await q.query(`ALTER TYPE request_type ADD VALUE IF NOT EXISTS '${type}'`);
    }
    await q.query(`ALTER TABLE requests ADD COLUMN represented text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE requests ADD CONSTRAINT ck_requests_represented CHECK (represented ~ '^([a-z_]+:[0-9a-f]{64})?$')`);
    await q.query(`DROP INDEX uq_requests_one_open_per_type`);
    await q.query(`CREATE UNIQUE INDEX uq_requests_one_open_per_type ON requests (subject_id, type, represented) WHERE status IN (${OPEN})`);
    // The queue's filter "filed on someone's behalf".
    await q.query(`CREATE INDEX ix_requests_open_represented_queue ON requests (due_at, id) WHERE represented <> '' AND status IN (${OPEN})`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM requests WHERE type IN ('correction', 'copy_transfer', 'explanation', 'delete_data') OR represented <> ''`);
    await q.query(`DROP INDEX ix_requests_open_represented_queue`);
    await q.query(`DROP INDEX uq_requests_one_open_per_type`);
    await q.query(`CREATE UNIQUE INDEX uq_requests_one_open_per_type ON requests (subject_id, type) WHERE status IN (${OPEN})`);
    await q.query(`ALTER TABLE requests DROP COLUMN represented`);
    // PostgreSQL cannot drop a value of an enum type: the four stay in request_type, unused.
  }
}
