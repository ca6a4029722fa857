import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Questions to the subject and the clock (product.md, Lifecycle): a question pauses the clock at
 * most twice per request and never for the deletion review, and an unanswered one lapses the
 * request after SUBJECT_REPLY_DAYS.
 *
 * - `question_asked_at`: when the question now awaiting the subject was asked (set exactly while
 *   `awaiting_subject`), what the lapse is counted from.
 * - `awaiting_since` now means "the clock is paused since": set only while awaiting the subject, and
 *   not for a question that does not pause it.
 * - `clock_pauses`: how many times the clock has paused (at most 2; never for `delete_account`).
 * - `lapsed` is closed: `closed_at` is set for it too (the status came in migration 1764610000000).
 *
 * Backfill: a question waiting now was asked when its pause began. A deletion review waiting on
 * the subject stops being paused (its due date does not move: the 48 hours ran on). Pauses taken so
 * far are the questions asked, at most 2.
 */
export class QuestionClock1764660000000 implements MigrationInterface {
  name = 'QuestionClock1764660000000';

  async up(q: QueryRunner): Promise<void> {
    // First: the backfill below updates rows, and one lapsed (after a down()) must pass the check.
    await q.query(`ALTER TABLE requests DROP CONSTRAINT ck_requests_closed_at`);
    await q.query(
      `ALTER TABLE requests ADD CONSTRAINT ck_requests_closed_at CHECK ((status IN ('completed', 'rejected', 'cancelled', 'lapsed')) = (closed_at IS NOT NULL))`,
    );
    await q.query(`ALTER TABLE requests ADD COLUMN question_asked_at timestamptz, ADD COLUMN clock_pauses smallint NOT NULL DEFAULT 0`);
    // The old rule (awaiting the subject = paused) goes before the backfill breaks it.
    await q.query(`ALTER TABLE requests DROP CONSTRAINT ck_requests_awaiting_since`);
    await q.query(`UPDATE requests SET question_asked_at = awaiting_since WHERE status = 'awaiting_subject'`);
    await q.query(`
      UPDATE requests r SET clock_pauses = LEAST(2, (SELECT count(*) FROM request_events e WHERE e.request_id = r.id AND e.action = 'ask'))
      WHERE r.type <> 'delete_account' AND EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id AND e.action = 'ask')`);
    await q.query(`UPDATE requests SET awaiting_since = NULL WHERE type = 'delete_account' AND awaiting_since IS NOT NULL`);
    await q.query(`
      ALTER TABLE requests
        ADD CONSTRAINT ck_requests_question_asked_at CHECK ((status = 'awaiting_subject') = (question_asked_at IS NOT NULL)),
        ADD CONSTRAINT ck_requests_awaiting_since CHECK (awaiting_since IS NULL OR (status = 'awaiting_subject' AND clock_pauses > 0)),
        ADD CONSTRAINT ck_requests_clock_pauses CHECK (clock_pauses BETWEEN 0 AND 2),
        ADD CONSTRAINT ck_requests_deletion_never_paused CHECK (type <> 'delete_account' OR (awaiting_since IS NULL AND clock_pauses = 0))`);
    // The lapse scan: questions waiting, oldest first.
    await q.query(`CREATE INDEX ix_requests_question_waiting ON requests (question_asked_at, id) WHERE status = 'awaiting_subject'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_requests_question_waiting`);
    await q.query(`ALTER TABLE requests DROP CONSTRAINT ck_requests_closed_at`);
    // A request lapsed meanwhile has a closed_at the old rule did not foresee: it is kept, unchecked.
    await q.query(
      `ALTER TABLE requests ADD CONSTRAINT ck_requests_closed_at CHECK ((status IN ('completed', 'rejected', 'cancelled')) = (closed_at IS NOT NULL)) NOT VALID`,
    );
    await q.query(`
      ALTER TABLE requests
        DROP CONSTRAINT ck_requests_deletion_never_paused,
        DROP CONSTRAINT ck_requests_clock_pauses,
        DROP CONSTRAINT ck_requests_awaiting_since,
        DROP CONSTRAINT ck_requests_question_asked_at`);
    // Before, every question paused the clock.
    await q.query(`UPDATE requests SET awaiting_since = question_asked_at WHERE status = 'awaiting_subject' AND awaiting_since IS NULL`);
    await q.query(`ALTER TABLE requests ADD CONSTRAINT ck_requests_awaiting_since CHECK ((status = 'awaiting_subject') = (awaiting_since IS NOT NULL))`);
    await q.query(`ALTER TABLE requests DROP COLUMN clock_pauses, DROP COLUMN question_asked_at`);
  }
}
