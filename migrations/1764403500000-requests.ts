import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Requests and their timelines.
 *
 * - `requests`: one row per request, with its status, the policy version it was filed under, its
 *   deadline, and a `version` that every change increments (the conditional UPDATE of a transition
 *   checks status and, when the caller names one, version).
 * - `request_events`: the timeline, one row per transition (from → to, who, clauses, reason). It is
 *   append-only except that a subject's own words (`note`: a reply, an appeal statement) may be
 *   erased, since the request record itself is kept for years after an account is erased.
 * - `clause_citations`: the view the policy impact report reads, now over real citations.
 *
 * The status lists below are those of src/requests/domain/request-status.ts, written out: a
 * migration must keep meaning what it meant when it ran.
 */
export class Requests1764403500000 implements MigrationInterface {
  name = 'Requests1764403500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE request_type AS ENUM ('access', 'withdraw_consent', 'delete_account', 'disclosure_log')`);
    await q.query(`
      CREATE TYPE request_status AS ENUM (
        'submitted', 'in_review', 'awaiting_subject', 'approved', 'fulfilling', 'completed', 'rejected', 'cancelled', 'under_appeal'
      )`);
    await q.query(`
      CREATE TABLE requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject_id uuid NOT NULL CONSTRAINT fk_requests_subject REFERENCES users(id),
        subject_ref uuid NOT NULL,
        type request_type NOT NULL,
        status request_status NOT NULL DEFAULT 'submitted',
        version integer NOT NULL DEFAULT 1,
        policy_version integer NOT NULL CONSTRAINT fk_requests_policy_version REFERENCES policy_versions(version),
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        due_at timestamptz NOT NULL,
        awaiting_since timestamptz,
        extended_at timestamptz,
        appealed_at timestamptz,
        assignee_id uuid CONSTRAINT fk_requests_assignee REFERENCES users(id),
        overdue_flagged_at timestamptz,
        closed_at timestamptz,
        idempotency_key text,
        idempotency_fingerprint text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_requests_version CHECK (version > 0),
        CONSTRAINT ck_requests_due_at CHECK (due_at >= submitted_at),
        CONSTRAINT ck_requests_details_object CHECK (jsonb_typeof(details) = 'object'),
        CONSTRAINT ck_requests_awaiting_since CHECK ((status = 'awaiting_subject') = (awaiting_since IS NOT NULL)),
        CONSTRAINT ck_requests_closed_at CHECK ((status IN ('completed', 'rejected', 'cancelled')) = (closed_at IS NOT NULL)),
        CONSTRAINT ck_requests_idempotency CHECK ((idempotency_key IS NULL) = (idempotency_fingerprint IS NULL))
      )`);
    // One open request per subject and type. Concurrent submissions race on this index: one wins.
    await q.query(`
      CREATE UNIQUE INDEX uq_requests_one_open_per_type ON requests (subject_id, type)
      WHERE status IN ('submitted', 'in_review', 'awaiting_subject', 'approved', 'fulfilling', 'under_appeal')`);
    await q.query(`CREATE UNIQUE INDEX uq_requests_idempotency_key ON requests (subject_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    // The subject's own list, newest first.
    await q.query(`CREATE INDEX ix_requests_subject ON requests (subject_id, submitted_at DESC, id DESC)`);
    // The review queue, sorted by due date then id (keyset pagination): open requests (the default
    // view and overdue=true), one status, or one assignee.
    await q.query(`
      CREATE INDEX ix_requests_open_queue ON requests (due_at, id)
      WHERE status IN ('submitted', 'in_review', 'awaiting_subject', 'approved', 'fulfilling', 'under_appeal')`);
    await q.query(`CREATE INDEX ix_requests_status_queue ON requests (status, due_at, id)`);
    await q.query(`CREATE INDEX ix_requests_assignee_queue ON requests (assignee_id, due_at, id) WHERE assignee_id IS NOT NULL`);
    // The open queue filtered by type or by assignee: without these, a page deep in the keyset of a
    // busy reviewer, or of a type with few open requests, sorts the whole open backlog (bench/queue.ts).
    await q.query(`
      CREATE INDEX ix_requests_open_type_queue ON requests (type, due_at, id)
      WHERE status IN ('submitted', 'in_review', 'awaiting_subject', 'approved', 'fulfilling', 'under_appeal')`);
    await q.query(`
      CREATE INDEX ix_requests_open_assignee_queue ON requests (assignee_id, due_at, id)
      WHERE status IN ('submitted', 'in_review', 'awaiting_subject', 'approved', 'fulfilling', 'under_appeal')`);

    await q.query(`
      CREATE TABLE request_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        n bigserial NOT NULL,
        request_id uuid NOT NULL CONSTRAINT fk_request_events_request REFERENCES requests(id),
        at timestamptz NOT NULL DEFAULT now(),
        action text NOT NULL,
        from_status request_status,
        to_status request_status NOT NULL,
        actor_id uuid CONSTRAINT fk_request_events_actor REFERENCES users(id),
        actor_role text NOT NULL,
        outcome text,
        clauses text[] NOT NULL DEFAULT '{}',
        reason text,
        note text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT uq_request_events_n UNIQUE (n),
        CONSTRAINT ck_request_events_outcome CHECK (outcome IN ('approve', 'reject', 'partial', 'extend')),
        CONSTRAINT ck_request_events_outcome_cited CHECK (outcome IS NULL OR cardinality(clauses) > 0),
        CONSTRAINT ck_request_events_data_object CHECK (jsonb_typeof(data) = 'object')
      )`);
    await q.query(`CREATE INDEX ix_request_events_request ON request_events (request_id, n)`);
    await q.query(`
      CREATE FUNCTION request_events_erase_note_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.note IS NULL AND (to_jsonb(NEW) - 'note') = (to_jsonb(OLD) - 'note') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% on request_events is not allowed: the timeline is append-only (only a subject''s note may be erased)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER request_events_append_only BEFORE UPDATE OR DELETE ON request_events FOR EACH ROW EXECUTE FUNCTION request_events_erase_note_only()`,
    );
    await q.query(
      `CREATE TRIGGER request_events_no_truncate BEFORE TRUNCATE ON request_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()`,
    );

    // Who cites which clause, for the impact report of a policy change: every clause cited on the
    // timeline of a request still open, and every clause a decision (or appeal decision) cited.
    await q.query(`
      CREATE OR REPLACE VIEW clause_citations AS
        SELECT DISTINCT 'request'::text AS source, r.id AS entity_id, r.policy_version, c.clause_id, true AS open
        FROM requests r
        JOIN request_events e ON e.request_id = r.id
        CROSS JOIN LATERAL unnest(e.clauses) AS c(clause_id)
        WHERE r.status IN ('submitted', 'in_review', 'awaiting_subject', 'approved', 'fulfilling', 'under_appeal')
        UNION ALL
        SELECT DISTINCT 'decision'::text AS source, r.id AS entity_id, r.policy_version, c.clause_id, false AS open
        FROM request_events e
        JOIN requests r ON r.id = e.request_id
        CROSS JOIN LATERAL unnest(e.clauses) AS c(clause_id)
        WHERE e.outcome IN ('approve', 'reject', 'partial')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW clause_citations AS
        SELECT NULL::text AS source, NULL::uuid AS entity_id, NULL::integer AS policy_version,
               NULL::text AS clause_id, NULL::boolean AS open
        WHERE false`);
    await q.query(`DROP TABLE request_events`);
    await q.query(`DROP FUNCTION request_events_erase_note_only()`);
    await q.query(`DROP TABLE requests`);
    await q.query(`DROP TYPE request_status`);
    await q.query(`DROP TYPE request_type`);
  }
}
