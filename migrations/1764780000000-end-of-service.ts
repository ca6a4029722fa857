import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * End of service (face.retain.3, PIPL Art. 47 para. 1(2)): an administrator schedules the end of
 * operations at least 30 days ahead (`end_of_service`, one standing schedule at a time; a schedule
 * is cancelled, never deleted), and on the date every subject's data is erased, subject by subject,
 * with each subject's outcome recorded (`end_of_service_subjects`) so that a run after a crash goes
 * on where it stopped and the administrator sees the progress.
 */
export class EndOfService1764780000000 implements MigrationInterface {
  name = 'EndOfService1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE end_of_service (
        id uuid CONSTRAINT pk_end_of_service PRIMARY KEY DEFAULT gen_random_uuid(),
        ends_at timestamptz NOT NULL,
        reason text NOT NULL CONSTRAINT ck_end_of_service_reason CHECK (length(reason) BETWEEN 1 AND 4000),
        scheduled_by uuid NOT NULL CONSTRAINT fk_end_of_service_scheduled_by REFERENCES users(id),
        scheduled_at timestamptz NOT NULL DEFAULT now(),
        notified integer NOT NULL DEFAULT 0,
        cancelled_at timestamptz,
        cancelled_by uuid CONSTRAINT fk_end_of_service_cancelled_by REFERENCES users(id),
        started_at timestamptz,
        subjects_total integer,
        finished_at timestamptz,
        CONSTRAINT ck_end_of_service_ahead CHECK (ends_at >= scheduled_at + interval '30 days'),
        CONSTRAINT ck_end_of_service_cancel CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL)),
        CONSTRAINT ck_end_of_service_not_both CHECK (cancelled_at IS NULL OR started_at IS NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_end_of_service_standing ON end_of_service ((true)) WHERE cancelled_at IS NULL`);
    await q.query(`
      CREATE TABLE end_of_service_subjects (
        end_id uuid NOT NULL CONSTRAINT fk_end_of_service_subjects_end REFERENCES end_of_service(id),
        subject_id uuid NOT NULL CONSTRAINT fk_end_of_service_subjects_subject REFERENCES users(id),
        status text NOT NULL CONSTRAINT ck_end_of_service_subjects_status CHECK (status IN ('done', 'kept', 'failed')),
        detail jsonb NOT NULL DEFAULT '{}' CONSTRAINT ck_end_of_service_subjects_detail CHECK (jsonb_typeof(detail) = 'object'),
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (end_id, subject_id)
      )`);
    await q.query(`CREATE INDEX ix_end_of_service_subjects_pending ON end_of_service_subjects (end_id, subject_id) WHERE status <> 'done'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE end_of_service_subjects`);
    await q.query(`DROP TABLE end_of_service`);
  }
}
