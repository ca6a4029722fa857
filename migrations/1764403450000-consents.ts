import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger: `consent_events` is the history (append-only, refused UPDATE/DELETE by the
 * database), `consents` the current state per subject and purpose, written in the same transaction
 * as the event it points to. Purposes: the fixed ones of the policy and `new_purpose:<name>`
 * (face.use.6).
 */
export class Consents1764403450000 implements MigrationInterface {
  name = 'Consents1764403450000';

  async up(q: QueryRunner): Promise<void> {
    const purposeCheck = (table: string) => `CONSTRAINT ck_${table}_purpose CHECK (
          purpose IN ('face_basic', 'face_additional', 'marketing', 'partner_marketing', 'affiliate_sharing', 'personalised_ads', 'cross_border')
          OR purpose ~ '^new_purpose:[a-z0-9][a-z0-9_.-]{0,63}$')`;
    await q.query(`
      CREATE TABLE consent_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL CONSTRAINT fk_consent_events_user REFERENCES users(id),
        subject_ref uuid NOT NULL,
        purpose text NOT NULL,
        state text NOT NULL,
        policy_version integer NOT NULL,
        clause_id text NOT NULL,
        source text NOT NULL,
        request_id uuid,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        ${purposeCheck('consent_events')},
        CONSTRAINT ck_consent_events_state CHECK (state IN ('granted', 'withdrawn')),
        CONSTRAINT ck_consent_events_source CHECK (source IN ('subject', 'request')),
        CONSTRAINT ck_consent_events_request CHECK (source <> 'request' OR request_id IS NOT NULL),
        CONSTRAINT fk_consent_events_clause FOREIGN KEY (policy_version, clause_id) REFERENCES policy_clauses(version, clause_id)
      )`);
    await q.query(`CREATE INDEX ix_consent_events_user ON consent_events (user_id, at)`);
    await q.query(`CREATE INDEX ix_consent_events_request ON consent_events (request_id) WHERE request_id IS NOT NULL`);
    await q.query(
      `CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()`,
    );
    await q.query(
      `CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()`,
    );

    await q.query(`
      CREATE TABLE consents (
        user_id uuid NOT NULL CONSTRAINT fk_consents_user REFERENCES users(id),
        purpose text NOT NULL,
        state text NOT NULL,
        policy_version integer NOT NULL,
        clause_id text NOT NULL,
        -- Checked at commit: the state moves first (taking the row lock), then its event is appended.
        last_event_id uuid NOT NULL CONSTRAINT fk_consents_last_event REFERENCES consent_events(id) DEFERRABLE INITIALLY DEFERRED,
        changed_at timestamptz NOT NULL,
        CONSTRAINT pk_consents PRIMARY KEY (user_id, purpose),
        ${purposeCheck('consents')},
        CONSTRAINT ck_consents_state CHECK (state IN ('granted', 'withdrawn')),
        CONSTRAINT fk_consents_clause FOREIGN KEY (policy_version, clause_id) REFERENCES policy_clauses(version, clause_id)
      )`);
    // "Who has consented to X" (the disclosure register's consent check) reads only granted rows.
    await q.query(`CREATE INDEX ix_consents_granted_purpose ON consents (purpose, user_id) WHERE state = 'granted'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consents`);
    await q.query(`DROP TABLE consent_events`);
  }
}
