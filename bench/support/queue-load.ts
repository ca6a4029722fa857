import type { Client } from 'pg';

export interface QueueLoadOptions {
  requests: number;
  subjects: number;
  /** ids of the reviewer accounts, staff first then legal; requests under appeal go to legal */
  staffIds: string[];
  legalIds: string[];
  /** rows per INSERT statement (progress is printed after each) */
  batch: number;
}

/**
 * Loads the review queue's table the fast way: SQL straight into `requests` (INSERT … SELECT over
 * generate_series), not through the application. The spread aims at a portal some three years into
 * service, taking in about 900 requests a day:
 * - types: access 40 %, withdraw_consent 30 % (always completed at once), delete_account 15 %,
 *   disclosure_log 15 %; submitted uniformly over the last 1,095 days;
 * - open: what was filed within its deadline and a little more (18 days for access and
 *   disclosure_log, 2.5 days for delete_account), so some are overdue, plus 0.3 % of older ones
 *   left stuck (overdue); the open ones are submitted 30 %, in_review 40 %, awaiting_subject 12 %,
 *   approved 6 %, fulfilling 6 %, under_appeal 6 % (delete_account only; legal holds those);
 * - closed: completed 72 %, rejected 8 % (delete_account only), cancelled 20 %;
 * - assignees: none while submitted, for consent withdrawals and for half the cancellations;
 *   otherwise one of the reviewers, skewed so that the busiest holds about 15 % of all requests
 *   (a long history of closed ones, and a queue of open ones);
 * - due dates as the product sets them (15 days, 48 hours, at once), 3 % of disclosure_log
 *   requests extended by 10 days; one open request per subject and type, as the unique index demands;
 * - a request awaiting the subject was asked when it began to wait, its clock paused once (never
 *   an account deletion's).
 * Timelines (`request_events`) are not loaded: the queue does not read them.
 */
export async function loadQueue(c: Client, o: QueueLoadOptions, log: (line: string) => void): Promise<void> {
  await c.query(`SELECT setseed(0.42)`);
  let started = performance.now();
  await c.query(
    `INSERT INTO users (email, password_hash, role)
     SELECT 'bench.subject.' || g || '@example.invalid', '!not-a-password-hash', 'subject' FROM generate_series(1, $1::int) g`,
    [o.subjects],
  );
  await c.query(
    `CREATE UNLOGGED TABLE bench_subjects AS SELECT row_number() OVER (ORDER BY id)::int AS idx, id, subject_ref FROM users WHERE role = 'subject'`,
  );
  await c.query(`ALTER TABLE bench_subjects ADD PRIMARY KEY (idx)`);
  await c.query(`CREATE UNLOGGED TABLE bench_staff (idx int PRIMARY KEY, id uuid NOT NULL)`);
  await c.query(`INSERT INTO bench_staff SELECT i::int, id FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i)`, [o.staffIds]);
  await c.query(`CREATE UNLOGGED TABLE bench_legal (idx int PRIMARY KEY, id uuid NOT NULL)`);
  await c.query(`INSERT INTO bench_legal SELECT i::int, id FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i)`, [o.legalIds]);
  log(`    ${o.subjects.toLocaleString('en-US')} subjects in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  // Step 1: what each request is (type, age, status, assignee), with independent random draws.
  await c.query(
    `CREATE UNLOGGED TABLE bench_stage AS
     WITH draws AS (
       SELECT g, random() AS r_type, random() AS r_age, random() AS r_stuck, random() AS r_status,
              random() AS r_assignee, random() AS r_extra, random() AS r_subject
       FROM generate_series(1, $1::int) g
     ), typed AS (
       SELECT *, (CASE WHEN r_type < 0.40 THEN 'access' WHEN r_type < 0.70 THEN 'withdraw_consent'
                       WHEN r_type < 0.85 THEN 'delete_account' ELSE 'disclosure_log' END)::request_type AS type,
              r_age * 1095 AS age_days
       FROM draws
     ), opened AS (
       SELECT *, type <> 'withdraw_consent' AND (
                   age_days < CASE WHEN type = 'delete_account' THEN 2.5 ELSE 18 END OR r_stuck < 0.003) AS open
       FROM typed
     )
     SELECT g, type, age_days, r_assignee, r_extra, r_subject, open,
            (CASE
               WHEN type = 'withdraw_consent' THEN 'completed'
               WHEN open AND r_status < 0.30 THEN 'submitted'
               WHEN open AND r_status < 0.70 THEN 'in_review'
               WHEN open AND r_status < 0.82 THEN 'awaiting_subject'
               WHEN open AND r_status < 0.88 THEN 'approved'
               WHEN open AND r_status < 0.94 THEN 'fulfilling'
               WHEN open AND type = 'delete_account' THEN 'under_appeal'
               WHEN open THEN 'in_review'
               WHEN r_status < 0.72 THEN 'completed'
               WHEN r_status < 0.80 AND type = 'delete_account' THEN 'rejected'
               WHEN r_status < 0.80 THEN 'completed'
               ELSE 'cancelled'
             END)::request_status AS status,
            -- One open request per subject and type: the k-th open one of a type goes to subject k.
            CASE WHEN open THEN row_number() OVER (PARTITION BY open, type ORDER BY g) END AS open_rank
     FROM opened`,
    [o.requests],
  );
  await c.query(`ALTER TABLE bench_stage ADD PRIMARY KEY (g)`);
  log(`    staged ${o.requests.toLocaleString('en-US')} requests in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Step 2: into `requests`, in batches, with every column consistent with its status. The
  // secondary indexes are dropped for the load and rebuilt after it from their own definitions, as
  // the migrations made them (rebuilding the unique ones also proves the data respects them).
  const indexes: { indexname: string; indexdef: string }[] = (
    await c.query(
      `SELECT indexname, indexdef FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = 'requests'
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'requests'::regclass)`,
    )
  ).rows;
  for (const { indexname } of indexes) await c.query(`DROP INDEX "${indexname}"`);
  for (let from = 1; from <= o.requests; from += o.batch) {
    const t0 = performance.now();
    await c.query(
      `WITH s AS (
         SELECT st.*, now() - st.age_days * interval '1 day' AS submitted_at,
                CASE st.type WHEN 'delete_account' THEN interval '48 hours' WHEN 'withdraw_consent' THEN interval '0' ELSE interval '15 days' END AS span,
                st.type = 'disclosure_log' AND st.r_extra < 0.03 AND st.status NOT IN ('submitted', 'cancelled') AS extended
         FROM bench_stage st WHERE st.g BETWEEN $1 AND $2
       ), assigned AS (
         SELECT s.*,
                CASE
                  WHEN s.status = 'submitted' OR s.type = 'withdraw_consent' OR (s.status = 'cancelled' AND s.r_extra < 0.5) THEN NULL
                  WHEN s.status = 'under_appeal' THEN (SELECT id FROM bench_legal WHERE idx = 1 + floor(s.r_assignee * $4::int)::int)
                  ELSE (SELECT id FROM bench_staff WHERE idx = 1 + least(floor(power(s.r_assignee, 1.6) * $3::int)::int, $3::int - 1))
                END AS assignee_id,
                CASE WHEN s.status IN ('completed', 'rejected', 'cancelled')
                     THEN least(now(), s.submitted_at + greatest(s.span, interval '1 day') * s.r_extra) END AS closed_at,
                CASE WHEN s.status = 'awaiting_subject' THEN s.submitted_at + (now() - s.submitted_at) * (0.5 + s.r_extra / 2) END AS awaiting_since
         FROM s
       )
       INSERT INTO requests (subject_id, subject_ref, type, status, version, policy_version, details, submitted_at, due_at,
                             awaiting_since, question_asked_at, clock_pauses, extended_at, appealed_at, assignee_id, overdue_flagged_at,
                             closed_at, updated_at)
       SELECT sub.id, sub.subject_ref, a.type, a.status,
              CASE WHEN a.status = 'submitted' THEN 1 ELSE 2 + floor(a.r_extra * 3)::int END,
              1,
              CASE WHEN a.type = 'withdraw_consent' THEN '{"purposes": ["marketing"], "confirmFaceBasic": false}'::jsonb ELSE '{}'::jsonb END,
              a.submitted_at,
              a.submitted_at + a.span + CASE WHEN a.extended THEN interval '10 days' ELSE interval '0' END,
              -- The question clock (migration 1764660000000): a request awaiting the subject was asked
              -- when it began to wait, and its clock paused once; an account deletion's clock never pauses.
              CASE WHEN a.type <> 'delete_account' THEN a.awaiting_since END,
              CASE WHEN a.status = 'awaiting_subject' THEN a.awaiting_since END,
              CASE WHEN a.type <> 'delete_account' AND a.awaiting_since IS NOT NULL THEN 1 ELSE 0 END,
              CASE WHEN a.extended THEN a.submitted_at + interval '10 days' END,
              CASE WHEN a.status = 'under_appeal' THEN a.submitted_at + interval '1 day' END,
              a.assignee_id,
              CASE WHEN a.open AND a.status <> 'awaiting_subject' AND a.submitted_at + a.span < now() - interval '5 minutes'
                   THEN a.submitted_at + a.span + interval '3 minutes' END,
              a.closed_at,
              coalesce(a.closed_at, a.awaiting_since, a.submitted_at)
       FROM assigned a
       JOIN bench_subjects sub ON sub.idx = CASE WHEN a.open THEN a.open_rank ELSE 1 + floor(a.r_subject * $5::int)::int END`,
      [from, Math.min(o.requests, from + o.batch - 1), o.staffIds.length, o.legalIds.length, o.subjects],
    );
    log(`    requests ${Math.min(o.requests, from + o.batch - 1).toLocaleString('en-US')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  started = performance.now();
  for (const { indexdef } of indexes) await c.query(indexdef);
  log(`    rebuilt ${indexes.map((i) => i.indexname).join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await c.query(`DROP TABLE bench_stage, bench_subjects, bench_staff, bench_legal`);
  const { rows } = await c.query(`SELECT count(*)::int AS n FROM requests`);
  if (rows[0].n !== o.requests) throw new Error(`loaded ${rows[0].n} requests instead of ${o.requests}: give more --subjects than open requests of one type`);
}
