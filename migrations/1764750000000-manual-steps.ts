import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Manual steps (product.md, "Fulfilment: the data map": a named person confirms a system that no
 * connector reaches): one row per request and category whose system is `manual`, waiting
 * (`awaiting_confirmation`) until a reviewer confirms it, and then the proof kept on the request:
 * who confirmed, when, their note and the evidence they cite. The job to send again once the
 * request's last step is confirmed is kept with it (`job`, `job_data`: ids only).
 *
 * A confirmation is never edited afterwards (the trigger refuses it). The request erasure and
 * correction steps gain the status `awaiting_confirmation`, so that staff see the wait where they
 * see the other steps.
 */
export class ManualSteps1764750000000 implements MigrationInterface {
  name = 'ManualSteps1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE manual_steps (
        request_id uuid NOT NULL,
        category text NOT NULL,
        operation text NOT NULL CONSTRAINT ck_manual_steps_operation CHECK (operation IN ('export', 'correct', 'erase')),
        system text NOT NULL,
        owner text,
        subject_id uuid NOT NULL,
        subject_ref uuid NOT NULL,
        status text NOT NULL DEFAULT 'awaiting_confirmation' CONSTRAINT ck_manual_steps_status CHECK (status IN ('awaiting_confirmation', 'confirmed')),
        job text NOT NULL,
        job_data jsonb NOT NULL CONSTRAINT ck_manual_steps_job_data CHECK (jsonb_typeof(job_data) = 'object'),
        requested_at timestamptz NOT NULL DEFAULT now(),
        confirmed_by uuid CONSTRAINT fk_manual_steps_confirmed_by REFERENCES users(id),
        confirmed_at timestamptz,
        note text CONSTRAINT ck_manual_steps_note CHECK (char_length(note) BETWEEN 1 AND 2000),
        evidence_upload_id uuid,
        PRIMARY KEY (request_id, category),
        CONSTRAINT ck_manual_steps_confirmed CHECK ((status = 'confirmed') = (confirmed_by IS NOT NULL AND confirmed_at IS NOT NULL AND note IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ix_manual_steps_awaiting ON manual_steps (requested_at) WHERE status = 'awaiting_confirmation'`);
    await q.query(`
      CREATE FUNCTION manual_steps_confirmed_stand() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'confirmed' THEN
          RAISE EXCEPTION 'a confirmed manual step is never changed' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER tr_manual_steps_confirmed_stand BEFORE UPDATE ON manual_steps FOR EACH ROW EXECUTE FUNCTION manual_steps_confirmed_stand()`);
    await q.query(`ALTER TABLE erasure_steps DROP CONSTRAINT ck_erasure_steps_status`);
    await q.query(`ALTER TABLE erasure_steps ADD CONSTRAINT ck_erasure_steps_status CHECK (status IN ('done', 'kept', 'failed', 'awaiting_confirmation'))`);
    await q.query(`ALTER TABLE correction_steps DROP CONSTRAINT ck_correction_steps_status`);
    await q.query(`ALTER TABLE correction_steps ADD CONSTRAINT ck_correction_steps_status CHECK (status IN ('done', 'failed', 'awaiting_confirmation'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A step still waiting reads as failed to the code before this migration: not done, shown, retried.
    await q.query(`UPDATE correction_steps SET status = 'failed' WHERE status = 'awaiting_confirmation'`);
    await q.query(`ALTER TABLE correction_steps DROP CONSTRAINT ck_correction_steps_status`);
    await q.query(`ALTER TABLE correction_steps ADD CONSTRAINT ck_correction_steps_status CHECK (status IN ('done', 'failed'))`);
    await q.query(`UPDATE erasure_steps SET status = 'failed' WHERE status = 'awaiting_confirmation'`);
    await q.query(`ALTER TABLE erasure_steps DROP CONSTRAINT ck_erasure_steps_status`);
    await q.query(`ALTER TABLE erasure_steps ADD CONSTRAINT ck_erasure_steps_status CHECK (status IN ('done', 'kept', 'failed'))`);
    await q.query(`DROP TABLE manual_steps`);
    await q.query(`DROP FUNCTION manual_steps_confirmed_stand()`);
  }
}
