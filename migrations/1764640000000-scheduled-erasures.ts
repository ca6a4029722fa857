import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasures the portal has scheduled in the operator's systems, one row per subject and data
 * category: written in the transaction of what caused it (a withdrawn facial consent, PIPL Art.
 * 47(1)(3)), carried out later by fulfilment (`scheduled` → `done` or `failed`).
 *
 * At most one erasure of a category per subject waits at a time (`uq_scheduled_erasures_pending`):
 * scheduling again while one is `scheduled` inserts nothing (ON CONFLICT DO NOTHING).
 *
 * The category list is that of src/policy/domain/policy.types.ts (DataCategory), written out: a
 * migration must keep meaning what it meant when it ran.
 */
export class ScheduledErasures1764640000000 implements MigrationInterface {
  name = 'ScheduledErasures1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scheduled_erasures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject_id uuid NOT NULL CONSTRAINT fk_scheduled_erasures_subject REFERENCES users(id),
        category text NOT NULL,
        cause text NOT NULL,
        -- What caused it, by id only (as consent_events.request_id): the consent ledger and the
        -- requests belong to other capabilities, whose migrations stay reversible on their own.
        request_id uuid,
        consent_event_id uuid,
        scheduled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        status text NOT NULL DEFAULT 'scheduled',
        done_at timestamptz,
        detail text,
        CONSTRAINT ck_scheduled_erasures_category CHECK (
          category IN ('account', 'device_access', 'face_basic', 'face_additional', 'consents', 'published_content', 'transactions', 'search_keywords', 'violations')),
        CONSTRAINT ck_scheduled_erasures_cause CHECK (cause IN ('consent_withdrawn')),
        CONSTRAINT ck_scheduled_erasures_status CHECK (status IN ('scheduled', 'done', 'failed')),
        CONSTRAINT ck_scheduled_erasures_done_at CHECK ((status = 'done') = (done_at IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_scheduled_erasures_pending ON scheduled_erasures (subject_id, category) WHERE status = 'scheduled'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scheduled_erasures`);
  }
}
