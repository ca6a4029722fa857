// The end of service over many subjects (issue 12, "Benchmarks": "end of service over 100,000 sample
// subjects: subjects erased per second"). Not a test: it prints figures.
//
//   npm run bench -- end-of-service [--subjects 100000] [--logs-per-subject 20] [--hold-every 100]
//                                   [--max-run-seconds 0]
//
// Set-based SQL fills --subjects portal subject accounts (`users`, role subject), as many sample app
// users in operator_app with a little data each (--logs-per-subject access-log rows, one search, one
// transaction), and the identity_links that link them one to one. Every --hold-every-th subject
// (0: none) gets an active legal hold on `transactions`, so the kept path runs too. The portal (its
// AppModule with production settings, WORKER_MODE=off, as a role that owns nothing) runs in a worker
// process of its own; there an administrator schedules the end through EndOfService.schedule, the
// one transaction that notifies every subject (timed); the date is then made to arrive as the e2e
// test makes it (scheduled_at and ends_at moved into the past), and one EndOfService.run() is timed
// in the worker, as the hourly job calls it. Afterwards the bench checks what is left: operator rows
// only for the held subjects, every subject's outcome recorded (done or kept, none failed).
//
// --max-run-seconds N (0: no limit) stops the worker after N seconds of the run and reports the
// rate over the subjects finished by then (from end_of_service_subjects), without the final checks.
//
// Uses DATABASE_URL's server when set (a fresh database there, dropped afterwards; the role needs
// CREATEDB and CREATEROLE), otherwise a throwaway embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { backendsCpuSince, postgresBackendsCpuByPid } from './support/backend-cpu';
import { describeServer, freshDatabase } from './support/database';
import type { Timed } from './support/end-of-service-worker';
import { EndWorker, startEndWorker } from './support/end-of-service-worker-client';
import { parseFlags } from './support/flags';
import { portalEnv } from './support/portal';
import { PortalRole, portalRole } from './support/portal-role';
import { count, describeMachine, ms } from './support/stats';

const DEFAULTS = { subjects: 100_000, logsPerSubject: 20, holdEvery: 100, maxRunSeconds: 0 };
type Options = typeof DEFAULTS;

const DAY = 86_400_000;
const PROGRESS_EVERY_MS = 15_000;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, DEFAULTS);
  if (o.subjects < 1) throw new Error('--subjects must be at least 1');
  const db = await freshDatabase('dsr_bench_eos');
  const dbName = new URL(db.url).pathname.slice(1);
  let worker: EndWorker | undefined;
  let role: PortalRole | undefined;
  const owner = new Client({ connectionString: db.url, application_name: 'dsr-bench-setup' });
  try {
    role = await portalRole(db);
    worker = await startEndWorker(portalEnv(db.url, role.env));
    await owner.connect();
    console.log(await describeServer(db.url, db.embedded));
    console.log(`${describeMachine()}; the portal (AppModule, production settings, WORKER_MODE=off) in a worker process of its own\n`);

    const password = `bench-${randomBytes(12).toString('hex')}`;
    const { id: adminId } = await worker.ask<{ id: string }>({
      cmd: 'admin',
      email: `bench.admin.${randomBytes(4).toString('hex')}@example.invalid`,
      password,
    });

    const setupStarted = performance.now();
    const held = await fill(owner, o, adminId);
    console.log(
      `set up in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s: ${count(o.subjects)} subjects, each linked to an app user with ` +
        `${count(o.logsPerSubject)} access-log rows, 1 search, 1 transaction; ${count(held)} with an active legal hold on transactions (load ${load()})\n`,
    );

    // (1) Scheduling: one transaction writes every subject's notice.
    const endsAt = new Date(Date.now() + 31 * DAY).toISOString();
    const scheduled = await worker.ask<Timed<{ schedule: { id: string; notified: number } }>>({
      cmd: 'schedule',
      adminId,
      endsAt,
      reason: '业务调整，停止运营（基准测试）',
    });
    const endId = scheduled.result.schedule.id;
    const [{ notices }] = (
      await owner.query<{ notices: number }>(`SELECT count(*)::int AS notices FROM notifications WHERE kind = 'service.ending' AND dedupe_key LIKE $1`, [
        `service.ending:${endId}:%`,
      ])
    ).rows;
    if (scheduled.result.schedule.notified !== o.subjects || notices !== o.subjects)
      throw new Error(`scheduling notified ${scheduled.result.schedule.notified} (${notices} notices), expected ${o.subjects}`);
    console.log(
      `(1) EndOfService.schedule (one transaction, every subject notified): ${ms(scheduled.ms)} ms for ${count(notices)} notices ` +
        `= ${count(notices / (scheduled.ms / 1000))} notices/s; worker CPU ${ms(scheduled.cpuMs)} ms (load ${load()})`,
    );

    // The date arrives, as in test/end-of-service.e2e-spec.ts.
    await owner.query(`UPDATE end_of_service SET scheduled_at = now() - interval '31 days', ends_at = now() - interval '1 minute' WHERE cancelled_at IS NULL`);
    await owner.query(`VACUUM ANALYZE`);

    // (2) The run.
    console.log(`(2) EndOfService.run() over ${count(o.subjects)} subjects${o.maxRunSeconds ? `, cut off after ${o.maxRunSeconds} s` : ''} (load ${load()})`);
    const statsBefore = await databaseStats(owner);
    const pgBefore = postgresBackendsCpuByPid(dbName);
    const started = performance.now();
    const progress = setInterval(() => {
      void outcomes(owner, endId).then(
        ({ done, kept, failed }) => {
          const s = (performance.now() - started) / 1000;
          const n = done + kept + failed;
          console.log(`  ${s.toFixed(0).padStart(5)} s: ${count(n)} subjects (${count(n / s)}/s so far; ${count(failed)} failed) (load ${load()})`);
        },
        () => undefined,
      );
    }, PROGRESS_EVERY_MS);
    let timedRun: Timed | null = null;
    try {
      const deadline =
        o.maxRunSeconds > 0 ? new Promise<null>((r) => setTimeout(() => r(null), o.maxRunSeconds * 1000).unref()) : new Promise<null>(() => undefined);
      timedRun = await Promise.race([worker.ask<Timed>({ cmd: 'run' }), deadline]);
    } finally {
      clearInterval(progress);
    }
    const wallMs = performance.now() - started;
    const pgCpuMs = backendsCpuSince(pgBefore, postgresBackendsCpuByPid(dbName));
    const statsAfter = await databaseStats(owner);
    const perSubject = (n: number) =>
      `${((statsAfter.commits - statsBefore.commits) / n).toFixed(1)} transactions committed and ${count((statsAfter.walBytes - statsBefore.walBytes) / n)} bytes of WAL per subject ` +
      `(the whole database's, the bench's progress polls included)`;

    if (!timedRun) {
      const { done, kept, failed } = await outcomes(owner, endId);
      await worker.kill();
      const n = done + kept + failed;
      console.log(
        `  cut off after ${ms(wallMs / 1000)} s: ${count(n)} of ${count(o.subjects)} subjects finished (${count(done)} done, ${count(kept)} kept, ${count(failed)} failed) ` +
          `= ${(n / (wallMs / 1000)).toFixed(1)} subjects/s; PostgreSQL CPU ${pgCpuMs === null ? '?' : `${ms(pgCpuMs / n)} ms per subject`} (load ${load()})`,
      );
      if (n > 0) console.log(`  ${perSubject(n)}`);
      return;
    }
    const rate = o.subjects / (timedRun.ms / 1000);
    console.log(
      `  EndOfService.run(): ${(timedRun.ms / 1000).toFixed(1)} s for ${count(o.subjects)} subjects = **${rate.toFixed(1)} subjects/s**; ` +
        `CPU per subject: worker ${ms(timedRun.cpuMs / o.subjects)} ms, PostgreSQL ${pgCpuMs === null ? '?' : ms(pgCpuMs / o.subjects)} ms (load ${load()})`,
    );
    console.log(`  ${perSubject(o.subjects)}`);

    await verify(owner, o, endId, held);
  } finally {
    await owner.end().catch(() => undefined);
    await worker?.stop();
    await db.release();
    await role?.drop();
  }
}

/**
 * Portal subjects, sample app users with their rows, the links, and the holds, all set-based. Subject
 * g (1…N) is `eos.subject.g@example.invalid`, linked to app user `eos.g@demo.example`. Returns the
 * number of subjects held.
 */
async function fill(owner: Client, o: Options, adminId: string): Promise<number> {
  const n = o.subjects;
  await owner.query(
    `INSERT INTO users (email, password_hash, role, display_name, locale)
     SELECT 'eos.subject.' || g || '@example.invalid', 'bench-not-a-hash', 'subject', '用户' || g, 'zh-CN' FROM generate_series(1, $1) g`,
    [n],
  );
  await owner.query(
    `INSERT INTO operator_app.users (display_name, email, phone, gender, birthday)
     SELECT '样例用户' || g, 'eos.' || g || '@demo.example', '+86138' || lpad(g::text, 8, '0'),
            (ARRAY['female', 'male', 'other'])[g % 3 + 1], date '1980-01-01' + g % 10000
     FROM generate_series(1, $1) g`,
    [n],
  );
  // The app user of subject g: its number is the email's middle part.
  await owner.query(
    `INSERT INTO identity_links (subject_id, app_user_ref, channel)
     SELECT pu.id, ou.id::text, 'email' FROM operator_app.users ou
     JOIN users pu ON pu.email = 'eos.subject.' || split_part(split_part(ou.email, '@', 1), '.', 2) || '@example.invalid'
     WHERE ou.email LIKE 'eos.%@demo.example'`,
  );
  await owner.query(
    `INSERT INTO operator_app.access_logs (user_id, at, ip, user_agent, language, page)
     SELECT u.id, timestamptz '2023-01-01' + (u.id * 37 + g) * interval '7 minutes 13 seconds',
            ('36.112.' || (u.id % 250) || '.' || (g % 250 + 1))::inet,
            (ARRAY['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47',
                   'DemoApp/5.2.1 (iOS 17.4; zh_CN; iPhone15,2)'])[g % 2 + 1],
            CASE WHEN g % 30 = 0 THEN 'en-US' ELSE 'zh-CN' END,
            CASE WHEN g % 3 = 0 THEN '/items/' || (100000 + g * 7919 % 900000) ELSE (ARRAY['/', '/home', '/orders', '/messages'])[g % 4 + 1] END
     FROM operator_app.users u, generate_series(1, $1) g WHERE u.email LIKE 'eos.%@demo.example'`,
    [o.logsPerSubject],
  );
  await owner.query(
    `INSERT INTO operator_app.search_history (user_id, keywords, searched_at)
     SELECT u.id, '二手手机', timestamptz '2024-03-01' + u.id * interval '1 minute' FROM operator_app.users u WHERE u.email LIKE 'eos.%@demo.example'`,
  );
  await owner.query(
    `INSERT INTO operator_app.transactions (user_id, counterparty_name, item, amount, completed_at)
     SELECT u.id, '赵六', '茶叶', 88.00, timestamptz '2024-04-01' + u.id * interval '1 minute' FROM operator_app.users u WHERE u.email LIKE 'eos.%@demo.example'`,
  );
  let held = 0;
  if (o.holdEvery > 0) {
    const [{ version }] = (await owner.query<{ version: number | null }>(`SELECT max(version) AS version FROM policy_versions`)).rows;
    if (version === null) {
      console.log('no policy version is published: no legal holds (the kept path is not exercised)');
    } else {
      held =
        (
          await owner.query(
            `INSERT INTO legal_holds (subject_id, subject_ref, categories, law, policy_version, retention, note, until, placed_by)
             SELECT id, subject_ref, ARRAY['transactions'], ARRAY['ECL.31'], $2, '3 years (ECL Art. 31)', '交易记录（基准测试）', now() + interval '400 days', $3
             FROM users WHERE role = 'subject' AND email LIKE 'eos.subject.%'
               AND split_part(split_part(email, '@', 1), '.', 3)::int % $1 = 0`,
            [o.holdEvery, version, adminId],
          )
        ).rowCount ?? 0;
    }
  }
  await owner.query(`VACUUM ANALYZE`);
  return held;
}

/** Transactions committed in the bench's database, and WAL written by the whole server, so far. */
async function databaseStats(owner: Client): Promise<{ commits: number; walBytes: number }> {
  const [row] = (
    await owner.query<{ commits: string; wal: string }>(
      `SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())::text AS commits, (SELECT wal_bytes FROM pg_stat_wal)::text AS wal`,
    )
  ).rows;
  return { commits: Number(row.commits), walBytes: Number(row.wal) };
}

async function outcomes(owner: Client, endId: string): Promise<{ done: number; kept: number; failed: number }> {
  const { rows } = await owner.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM end_of_service_subjects WHERE end_id = $1 GROUP BY status`,
    [endId],
  );
  const of = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return { done: of('done'), kept: of('kept'), failed: of('failed') };
}

/** What is left after the run: operator rows only for the held subjects, every outcome recorded. */
async function verify(owner: Client, o: Options, endId: string, held: number): Promise<void> {
  const { done, kept, failed } = await outcomes(owner, endId);
  const q = async (sql: string) => (await owner.query<{ n: number }>(sql)).rows[0].n;
  const eos = `u.email LIKE 'eos.%@demo.example' OR u.display_name = '已注销用户'`;
  const left = {
    accessLogs: await q(`SELECT count(*)::int AS n FROM operator_app.access_logs`),
    searches: await q(`SELECT count(*)::int AS n FROM operator_app.search_history`),
    transactions: await q(`SELECT count(*)::int AS n FROM operator_app.transactions`),
    // Transactions left that belong to a subject without an active hold (should be none).
    unheldTransactions: await q(
      `SELECT count(*)::int AS n FROM operator_app.transactions t
       WHERE NOT EXISTS (SELECT 1 FROM identity_links l JOIN legal_holds h ON h.subject_id = l.subject_id AND h.released_at IS NULL AND h.until > now()
                         WHERE l.app_user_ref = t.user_id::text)`,
    ),
    appUsersIdentifiable: await q(`SELECT count(*)::int AS n FROM operator_app.users u WHERE (${eos}) AND (u.email IS NOT NULL OR u.phone IS NOT NULL)`),
    links: await q(`SELECT count(*)::int AS n FROM identity_links`),
    openSubjects: await q(`SELECT count(*)::int AS n FROM users WHERE role = 'subject' AND (closed_at IS NULL OR pseudonymised_at IS NULL)`),
  };
  const [end] = (
    await owner.query<{ total: number | null; finished: boolean }>(
      `SELECT subjects_total AS total, finished_at IS NOT NULL AS finished FROM end_of_service WHERE id = $1`,
      [endId],
    )
  ).rows;
  const checks: [string, boolean][] = [
    [
      `outcomes: ${count(done)} done, ${count(kept)} kept, ${count(failed)} failed (expected ${count(o.subjects - held)}, ${count(held)}, 0)`,
      done === o.subjects - held && kept === held && failed === 0,
    ],
    [
      `subjects_total ${end.total} (expected ${o.subjects}); finished: ${end.finished} (expected ${held === 0})`,
      end.total === o.subjects && end.finished === (held === 0),
    ],
    [`access-log rows left: ${count(left.accessLogs)}; searches left: ${count(left.searches)} (expected 0, 0)`, left.accessLogs === 0 && left.searches === 0],
    [
      `transactions left: ${count(left.transactions)} (expected ${count(held)}, the held subjects'); of subjects without a hold: ${count(left.unheldTransactions)}`,
      left.transactions === held && left.unheldTransactions === 0,
    ],
    [`sample app users still with an email or phone: ${count(left.appUsersIdentifiable)} (expected 0)`, left.appUsersIdentifiable === 0],
    [`identity links left: ${count(left.links)} (expected ${count(held)}: kept while something waits)`, left.links === held],
    [`subject accounts not closed and pseudonymised: ${count(left.openSubjects)} (expected 0)`, left.openSubjects === 0],
  ];
  console.log('\nChecks after the run:');
  for (const [what, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (checks.some(([, ok]) => !ok)) throw new Error('the end of service did not leave what it should');
}
