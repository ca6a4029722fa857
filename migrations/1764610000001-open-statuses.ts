import { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN_BEFORE = `'submitted', 'in_review', 'awaiting_subject', 'approved', 'fulfilling', 'under_appeal'`;
/** `awaiting_legal` is open (the clock keeps running while legal reviews a refusal); `lapsed` is closed. */
const OPEN_AFTER = `'submitted', 'in_review', 'awaiting_legal', 'awaiting_subject', 'approved', 'fulfilling', 'under_appeal'`;

/**
 * The partial indexes and the citations view that spell out the open statuses, with
 * `awaiting_legal` among them (see the migration before this one).
 */
export class OpenStatuses1764610000001 implements MigrationInterface {
  name = 'OpenStatuses1764610000001';

  async up(q: QueryRunner): Promise<void> {
    await this.openStatuses(q, OPEN_AFTER);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.openStatuses(q, OPEN_BEFORE, '');
  }

  /**
   * `notProposal` leaves out of past decisions staff's proposals awaiting legal, which never stood
   * as such (the confirmation repeats their citations; a replacement overrides them).
   */
  private async openStatuses(q: QueryRunner, open: string, notProposal = ` AND e.to_status <> 'awaiting_legal'`): Promise<void> {
    await q.query(`DROP INDEX uq_requests_one_open_per_type`);
    await q.query(`CREATE UNIQUE INDEX uq_requests_one_open_per_type ON requests (subject_id, type) WHERE status IN (${open})`);
    for (const [name, columns] of [
      ['ix_requests_open_queue', 'due_at, id'],
      ['ix_requests_open_type_queue', 'type, due_at, id'],
      ['ix_requests_open_assignee_queue', 'assignee_id, due_at, id'],
    ]) {
      await q.query(`DROP INDEX ${name}`);
      await q.query(`CREATE INDEX ${name} ON requests (${columns}) WHERE status IN (${open})`);
    }
    await q.query(`
      CREATE OR REPLACE VIEW clause_citations AS
        SELECT DISTINCT 'request'::text AS source, r.id AS entity_id, r.policy_version, c.clause_id, true AS open
        FROM requests r
        JOIN request_events e ON e.request_id = r.id
        CROSS JOIN LATERAL unnest(e.clauses) AS c(clause_id)
        WHERE r.status IN (${open})
        UNION ALL
        SELECT DISTINCT 'decision'::text AS source, r.id AS entity_id, r.policy_version, c.clause_id, false AS open
        FROM request_events e
        JOIN requests r ON r.id = e.request_id
        CROSS JOIN LATERAL unnest(e.clauses) AS c(clause_id)
        WHERE e.outcome IN ('approve', 'reject', 'partial')${notProposal}`);
  }
}
