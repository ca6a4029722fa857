// Fulfilment of one subject's rights in the operator's systems (issue 12, "Benchmarks"), side by side
// with the plain SQL that does the same to the same rows. Not a test: it prints figures.
//
//   npm run bench -- fulfilment [--small 20000] [--large 200000] [--runs 3] [--other-users 1000]
//                               [--other-rows 200] [--lock-poll-ms 10] [--warmup-rows 20000]
//                               [--exports 1] [--plain-erase 0]
//
// --exports 0 skips (1): the erasure alone, after a warm-up erasure and DELETE of --warmup-rows rows.
// --plain-erase 1 runs the worker with a copy of the data map whose device_access deletion is the
// former plain statement (`id IN (…)`, no $3: one scan of (user_id, id) from the subject's first
// row per batch), to measure it against the keyset statement in the same bench.
//
// (1) Export. An approved `access` request of a subject whose linked app user has N access-log rows
//     (operator_app.access_logs; N = --small, then --large): ExportJob.run(requestId), as the queue
//     would call it, in a worker process of its own; against `COPY (<the data map's device_access
//     access statement>) TO STDOUT` of the same rows, from the same process, its output counted and
//     dropped as it arrives. Wall time, the ratio, and the worker's memory: RSS and heap just before
//     each run (after a full GC) and their peaks during it (RSS from the kernel's VmHWM, reset before
//     the run, and both sampled every 5 ms).
// (2) Erasure. An approved `delete_data` of `device_access` for the same subject: ErasureJob.run,
//     against one plain `DELETE FROM operator_app.access_logs WHERE user_id = $1` from the same
//     process; the rows are put back, and the table vacuumed, before every deletion. Wall time, the
//     ratio, and the longest time any one statement held its lock on access_logs, watched from a
//     connection of the bench's own: every --lock-poll-ms, pg_locks joined with pg_stat_activity
//     (transactions holding RowExclusiveLock on the table, and since when).
//
// Each size runs --runs times per kind, alternating which kind goes first; medians are compared.
// Requests are filed, claimed and approved over HTTP through the real review flow; the subject is
// linked to its app user as the tests link one (a row in identity_links).
//
// Uses DATABASE_URL's server when set (it creates, and afterwards drops, a fresh database there;
// the role needs CREATEDB), otherwise a throwaway embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse } from 'yaml';
import { Role } from '../src/kernel/role';
import { backendsCpuSince, postgresBackendsCpuByPid } from './support/backend-cpu';
import { describeServer, freshDatabase } from './support/database';
import { parseFlags } from './support/flags';
import type { Measured } from './support/fulfilment-worker';
import { FulfilmentWorker, startFulfilmentWorker } from './support/fulfilment-worker-client';
import { call } from './support/http';
import { LockWatch, watchLocks } from './support/lock-watch';
import { portalEnv } from './support/portal';
import { PortalRole, portalRole } from './support/portal-role';
import { count, describeMachine, ms } from './support/stats';

const DEFAULTS = {
  small: 20_000,
  large: 200_000,
  runs: 3,
  otherUsers: 1000,
  otherRows: 200,
  lockPollMs: 10,
  warmupRows: 20_000,
  exports: 1,
  plainErase: 0,
};
type Options = typeof DEFAULTS;

const DATA_MAP = join(__dirname, '..', 'src', 'fulfilment', 'data-map.yaml');
const ACCESS_LOGS = 'operator_app.access_logs';
const PLAIN_DELETE = `DELETE FROM ${ACCESS_LOGS} WHERE user_id = $1`;
/** device_access's deletion before the keyset statement: plain form, one scan of (user_id, id) from the subject's first row per batch. */
const FORMER_ERASE_SQL = `DELETE FROM ${ACCESS_LOGS} WHERE id IN (SELECT id FROM ${ACCESS_LOGS} WHERE user_id = $1 ORDER BY id LIMIT $2)`;
const MiB = 2 ** 20;

/** A subject of the portal linked to a sample app user with some access-log rows. */
interface Subject {
  token: string;
  appUser: string;
  rows: number;
}

interface Run extends Measured {
  /** CPU time (ms) of the PostgreSQL backends serving the bench's database meanwhile (null: unknown) */
  pgCpuMs: number | null;
  locks?: LockWatch;
}

export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, DEFAULTS);
  const db = await freshDatabase('dsr_bench_fulfilment');
  const dbName = new URL(db.url).pathname.slice(1);
  let worker: FulfilmentWorker | undefined;
  let role: PortalRole | undefined;
  let formerMap: { file: string; remove(): void } | undefined;
  const admin = new Client({ connectionString: db.url, application_name: 'dsr-bench-setup' });
  try {
    // As in production: the portal (and its connector to the sample operator schema) connects as a
    // role that owns nothing; the bench sets up and watches as the database's owner.
    role = await portalRole(db);
    formerMap = o.plainErase ? dataMapWithFormerErase() : undefined;
    worker = await startFulfilmentWorker(portalEnv(db.url, { ...role.env, ...(formerMap && { DATA_MAP_FILE: formerMap.file }) }));
    await admin.connect();
    console.log(await describeServer(db.url, db.embedded));
    console.log(`${describeMachine()}; the worker (the portal's AppModule, WORKER_MODE=off, jobs run on the bench's command) in its own Node process\n`);

    const [{ storage }] = (await admin.query(`SELECT attstorage AS storage FROM pg_attribute WHERE attrelid = 'export_parts'::regclass AND attname = 'data'`))
      .rows as { storage: string }[];
    console.log(`export parts: deflated by the portal, kept ${storage === 'e' ? 'as they are (STORAGE EXTERNAL)' : `with storage '${storage}'`}`);
    const accessSql = accessStatement();
    console.log(`device_access copy statement (data-map.yaml): ${accessSql}`);
    console.log(
      `device_access erase statement${formerMap ? ' (--plain-erase 1: a copy of the data map)' : ' (data-map.yaml)'}: ${eraseStatement(formerMap?.file)}`,
    );
    const setupStarted = performance.now();
    await seedOthers(admin, o);
    const staffToken = await account(worker, Role.Staff);
    const subjects = {
      warmup: await subject(worker, admin, o.warmupRows),
      small: await subject(worker, admin, o.small),
      large: await subject(worker, admin, o.large),
    };
    await admin.query(`VACUUM ANALYZE ${ACCESS_LOGS}`);
    const [{ n: tableRows }] = (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ACCESS_LOGS}`)).rows;
    console.log(
      `access_logs: ${count(tableRows)} rows (${count(o.otherUsers)} other app users × ${count(o.otherRows)}, and the subjects'); set up in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s\n`,
    );

    const copySql = (s: Subject) => `COPY (${accessSql.replace(/\$1\b/g, String(Number(s.appUser)))}) TO STDOUT`;
    const measure = async (what: () => Promise<Measured>, locks = false): Promise<Run> => {
      const watch = locks ? await watchLocks(db.url, ACCESS_LOGS, 'RowExclusiveLock', o.lockPollMs) : null;
      const pgBefore = postgresBackendsCpuByPid(dbName);
      const m = await what();
      const pgCpuMs = backendsCpuSince(pgBefore, postgresBackendsCpuByPid(dbName));
      return { ...m, pgCpuMs, locks: watch ? await watch.stop() : undefined };
    };

    // Warm-up (not reported): the first run of each path loads and compiles code and opens pools.
    if (o.exports) {
      await measure(() => worker!.ask({ cmd: 'copy', sql: copySql(subjects.warmup) }));
      await exportRun(worker, admin, staffToken, subjects.warmup, measure);
    } else {
      await erasureRun(worker, admin, staffToken, subjects.warmup, measure);
      await refill(admin, subjects.warmup);
      await measure(() => worker!.ask({ cmd: 'delete', sql: PLAIN_DELETE, params: [subjects.warmup.appUser] }));
    }

    // (1) Export
    if (o.exports) console.log(`(1) Export of one subject: ExportJob.run vs COPY (…) TO STDOUT of the same rows, ${o.runs} runs each, alternating`);
    const exports: Record<'small' | 'large', { job: Run[]; copy: Run[] }> = { small: { job: [], copy: [] }, large: { job: [], copy: [] } };
    for (const size of o.exports ? (['small', 'large'] as const) : []) {
      const s = subjects[size];
      for (let r = 0; r < o.runs; r++) {
        for (const kind of r % 2 === 0 ? (['copy', 'job'] as const) : (['job', 'copy'] as const)) {
          const m =
            kind === 'copy' ? await measure(() => worker!.ask({ cmd: 'copy', sql: copySql(s) })) : await exportRun(worker, admin, staffToken, s, measure);
          if (kind === 'copy' && m.result?.lines !== s.rows) throw new Error(`COPY sent ${m.result?.lines} rows, expected ${s.rows}`);
          exports[size][kind].push(m);
          console.log(`  ${count(s.rows).padStart(7)} rows  ${kind === 'job' ? 'export' : 'COPY  '}  ${line(m)}`);
        }
      }
    }

    // (2) Erasure
    console.log(`\n(2) Erasure of the same subject's device_access: ErasureJob.run vs one plain DELETE, ${o.runs} runs each, alternating;`);
    console.log(`    rows put back and ${ACCESS_LOGS} vacuumed before each; locks watched every ${o.lockPollMs} ms from another connection`);
    const erasures: Record<'small' | 'large', { job: Run[]; plain: Run[] }> = { small: { job: [], plain: [] }, large: { job: [], plain: [] } };
    for (const size of ['small', 'large'] as const) {
      const s = subjects[size];
      for (let r = 0; r < o.runs; r++) {
        for (const kind of r % 2 === 0 ? (['plain', 'job'] as const) : (['job', 'plain'] as const)) {
          await refill(admin, s);
          const m =
            kind === 'plain'
              ? await measure(() => worker!.ask({ cmd: 'delete', sql: PLAIN_DELETE, params: [s.appUser] }), true)
              : await erasureRun(worker, admin, staffToken, s, (what) => measure(what, true));
          const deleted = kind === 'plain' ? m.result?.rows : await rowsErased(admin, s);
          if (deleted !== s.rows) throw new Error(`${kind} erased ${deleted} rows, expected ${s.rows}`);
          erasures[size][kind].push(m);
          const l = m.locks!;
          console.log(
            `  ${count(s.rows).padStart(7)} rows  ${kind === 'job' ? 'erasure' : 'DELETE '}  ${ms(m.ms).padStart(8)} ms  longest lock ${ms(l.longestMs).padStart(7)} ms ` +
              `(${count(l.transactions)} transactions seen, ${count(l.polls)} polls every ${ms(l.meanIntervalMs)} ms)  CPU: worker ${ms(m.cpuMs)} ms, PostgreSQL ${m.pgCpuMs === null ? '?' : ms(m.pgCpuMs)} ms  (load ${loadavg()[0].toFixed(1)})`,
          );
        }
      }
    }

    summary(o, exports, erasures);
  } finally {
    await admin.end().catch(() => undefined);
    await worker?.stop();
    await db.release();
    await role?.drop();
    formerMap?.remove();
  }
}

/** The data map's device_access deletion, as the worker runs it (from `file` when given). */
function eraseStatement(file = DATA_MAP): string {
  const map = parse(readFileSync(file, 'utf8')) as { categories: Record<string, { erase?: { sql?: string } }> };
  return map.categories.device_access?.erase?.sql?.trim() ?? '(none)';
}

/** A copy of the shipped data map whose device_access deletion is FORMER_ERASE_SQL, for DATA_MAP_FILE. */
function dataMapWithFormerErase(): { file: string; remove(): void } {
  const text = readFileSync(DATA_MAP, 'utf8').replace(
    /( {2}device_access:\n(?: {4}.*\n)*? {4}erase:\n {6}action: delete\n)(?: {6,}.*\n)*/,
    (_, head: string) => `${head}      sql: ${FORMER_ERASE_SQL}\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-data-map-'));
  const file = join(dir, 'data-map.yaml');
  writeFileSync(file, text);
  if (eraseStatement(file) !== FORMER_ERASE_SQL) throw new Error('could not put the former device_access statement into the copy of the data map');
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The data map's copy statement for device_access, as the export job's connector runs it. */
function accessStatement(): string {
  const map = parse(readFileSync(DATA_MAP, 'utf8')) as { categories: Record<string, { access?: { sql?: string } }> };
  const sql = map.categories.device_access?.access?.sql;
  if (!sql) throw new Error(`no access statement for device_access in ${DATA_MAP}`);
  return sql.trim();
}

/** Other app users' rows, so that the subject's are found among others' through the index. */
async function seedOthers(admin: Client, o: Options): Promise<void> {
  if (o.otherUsers === 0) return;
  await admin.query(
    `INSERT INTO operator_app.users (display_name, email, phone, gender, birthday)
     SELECT '样例用户' || g, 'other' || g || '@demo.example', '+86137' || lpad(g::text, 8, '0'), 'other', date '1990-01-01' + g
     FROM generate_series(1, $1) g`,
    [o.otherUsers],
  );
  await admin.query(
    `INSERT INTO ${ACCESS_LOGS} (user_id, at, ip, user_agent, language, page)
     SELECT u.id, ${ROW_VALUES} FROM operator_app.users u, generate_series(1, $1) g WHERE u.email LIKE 'other%@demo.example'`,
    [o.otherRows],
  );
}

/**
 * One access-log row per `g`, shaped like the sample generator's (src/operator-demo/sample-rows.ts):
 * a few addresses and browsers per user (one address in ten IPv6), mostly zh-CN, item and search pages.
 */
const ROW_VALUES = `timestamptz '2022-01-01' + g * interval '7 minutes 13 seconds',
  (CASE WHEN g % 10 = 0 THEN '240e:' || to_hex(g % 65536) || ':8a2f::' || to_hex(g % 4093 + 1)
        WHEN g % 10 < 7 THEN '36.112.45.' || (g % 3 + 10)
        ELSE (ARRAY['58','101','117','183'])[g % 4 + 1] || '.' || (g % 251) || '.' || (g % 239) || '.' || (g % 250 + 1) END)::inet,
  (ARRAY['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47',
         'Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36',
         'DemoApp/5.2.1 (iOS 17.4; zh_CN; iPhone15,2)'])[g % 3 + 1],
  CASE WHEN g % 30 = 0 THEN 'en-US' ELSE 'zh-CN' END,
  CASE WHEN g % 10 < 3 THEN '/items/' || (100000 + g::bigint * 7919 % 900000)
       WHEN g % 10 = 3 THEN '/search?q=%E4%BA%8C%E6%89%8B%E6%89%8B%E6%9C%BA'
       ELSE (ARRAY['/', '/home', '/orders', '/messages', '/profile', '/settings/privacy'])[g % 6 + 1] END`;

async function insertRows(admin: Client, appUser: string, rows: number): Promise<void> {
  await admin.query(`INSERT INTO ${ACCESS_LOGS} (user_id, at, ip, user_agent, language, page) SELECT $1, ${ROW_VALUES} FROM generate_series(1, $2) g`, [
    appUser,
    rows,
  ]);
}

/** Puts the subject's rows back (none are left after a deletion) and vacuums the table: every deletion starts alike. */
async function refill(admin: Client, s: Subject): Promise<void> {
  const [{ n }] = (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ACCESS_LOGS} WHERE user_id = $1`, [s.appUser])).rows;
  if (n !== s.rows) {
    await admin.query(`DELETE FROM ${ACCESS_LOGS} WHERE user_id = $1`, [s.appUser]);
    await insertRows(admin, s.appUser, s.rows);
  }
  await admin.query(`VACUUM ANALYZE ${ACCESS_LOGS}`);
}

async function rowsErased(admin: Client, s: Subject): Promise<number> {
  const [{ n }] = (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ACCESS_LOGS} WHERE user_id = $1`, [s.appUser])).rows;
  if (n !== 0) throw new Error(`${n} rows left after the erasure`);
  return s.rows;
}

/** An account of `role` made through AccountsService in the worker, signed in over HTTP; its token. */
async function account(worker: FulfilmentWorker, role: Role): Promise<string> {
  const email = `bench.${role}.${randomBytes(4).toString('hex')}@example.invalid`;
  const password = `bench-${randomBytes(12).toString('hex')}`;
  await worker.ask({ cmd: 'account', role, email, password });
  const login = await call<{ accessToken: string }>(worker.baseUrl, 'POST', '/api/v1/auth/login', undefined, { email, password });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  return login.body.accessToken;
}

/** A sample app user with `rows` access-log rows, and a subject of the portal linked to it as the tests link one. */
async function subject(worker: FulfilmentWorker, admin: Client, rows: number): Promise<Subject> {
  const tag = randomBytes(4).toString('hex');
  const [{ id: appUser }] = (
    await admin.query<{ id: string }>(
      `INSERT INTO operator_app.users (display_name, email, phone, gender, birthday) VALUES ('基准用户', $1, $2, 'female', '1991-03-04') RETURNING id::text AS id`,
      [`bench.${tag}@demo.example`, `+86139${String(parseInt(tag, 16) % 1e8).padStart(8, '0')}`],
    )
  ).rows;
  await insertRows(admin, appUser, rows);
  const email = `bench.subject.${tag}@example.invalid`;
  const password = `bench-${randomBytes(12).toString('hex')}`;
  const { id } = await worker.ask<{ id: string }>({ cmd: 'account', role: Role.Subject, email, password });
  await admin.query(`INSERT INTO identity_links (subject_id, app_user_ref, channel) VALUES ($1, $2, 'email')`, [id, appUser]);
  const login = await call<{ accessToken: string }>(worker.baseUrl, 'POST', '/api/v1/auth/login', undefined, { email, password });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return { token: login.body.accessToken, appUser, rows };
}

/** Files `body` as the subject, then staff claim it and decide `decision`, over HTTP; the request's id. */
async function approved(baseUrl: string, staffToken: string, s: Subject, body: object, decision: object): Promise<string> {
  const filed = await call<{ id: string }>(baseUrl, 'POST', '/api/v1/requests', s.token, body);
  if (filed.status !== 201) throw new Error(`filing answered ${filed.status}: ${JSON.stringify(filed.body)}`);
  const id = filed.body.id;
  const claimed = await call(baseUrl, 'POST', `/api/v1/staff/requests/${id}/claim`, staffToken, {});
  if (claimed.status !== 200) throw new Error(`claim answered ${claimed.status}: ${JSON.stringify(claimed.body)}`);
  const decided = await call<{ status: string }>(baseUrl, 'POST', `/api/v1/staff/requests/${id}/decision`, staffToken, decision);
  if (decided.status !== 200 || decided.body.status !== 'approved') throw new Error(`decision answered ${decided.status}: ${JSON.stringify(decided.body)}`);
  return id;
}

async function statusOf(admin: Client, requestId: string): Promise<string> {
  return (await admin.query<{ status: string }>(`SELECT status FROM requests WHERE id = $1`, [requestId])).rows[0]?.status;
}

/** An approved access request, exported by ExportJob.run in the worker; checked, then its parts dropped (not timed). */
async function exportRun(
  worker: FulfilmentWorker,
  admin: Client,
  staffToken: string,
  s: Subject,
  measure: (what: () => Promise<Measured>) => Promise<Run>,
): Promise<Run> {
  const id = await approved(worker.baseUrl, staffToken, s, { type: 'access' }, { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] });
  const m = await measure(() => worker.ask({ cmd: 'job', kind: 'export', requestId: id }));
  const status = await statusOf(admin, id);
  const [exp] = (
    await admin.query<{ summary: { categories: { category: string; rows: number }[] } | null; failure: unknown; bytes: string; parts: number }>(
      `SELECT e.summary, e.failure, (SELECT sum(length(data)) FROM export_parts p WHERE p.request_id = e.request_id)::text AS bytes,
              (SELECT count(*)::int FROM export_parts p WHERE p.request_id = e.request_id) AS parts
       FROM exports e WHERE e.request_id = $1`,
      [id],
    )
  ).rows;
  const rows = exp?.summary?.categories.find((c) => c.category === 'device_access')?.rows;
  if (status !== 'completed' || rows !== s.rows)
    throw new Error(
      `export of ${id} after ${ms(m.ms)} ms: status ${status}, ${rows} device_access rows (expected ${s.rows}); failure: ${JSON.stringify(exp?.failure ?? null)}; ` +
        `worker RSS ${mib(m.baselineRss)} → peak ${mib(m.peakRss)} MiB, external peak ${mib(m.peakExternal)} MiB`,
    );
  m.result = { bytes: Number(exp.bytes), parts: exp.parts };
  await admin.query(`DELETE FROM export_parts WHERE request_id = $1`, [id]);
  return m;
}

/** An approved delete_data of device_access, erased by ErasureJob.run in the worker. */
async function erasureRun(
  worker: FulfilmentWorker,
  admin: Client,
  staffToken: string,
  s: Subject,
  measure: (what: () => Promise<Measured>) => Promise<Run>,
): Promise<Run> {
  const id = await approved(
    worker.baseUrl,
    staffToken,
    s,
    { type: 'delete_data', categories: ['device_access'] },
    { outcome: 'approve', clauses: [], law: ['PIPL.47'] },
  );
  const m = await measure(() => worker.ask({ cmd: 'job', kind: 'erase', requestId: id }));
  const status = await statusOf(admin, id);
  if (status !== 'completed') throw new Error(`erasure of ${id}: status ${status}`);
  return m;
}

/** CPU time of the worker and of the PostgreSQL backends together (NaN when the backends' is unknown). */
const cpuOf = (m: Run) => m.cpuMs + (m.pgCpuMs ?? NaN);
const mib = (bytes: number) => (bytes / MiB).toFixed(1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function line(m: Run): string {
  const out =
    m.result?.bytes !== undefined
      ? `${mib(m.result.bytes)} MiB ${m.result.parts !== undefined ? `stored (compressed) in ${m.result.parts} parts` : 'out'}`
      : '';
  return (
    `${ms(m.ms).padStart(8)} ms  RSS ${mib(m.baselineRss)} → peak ${mib(m.peakRss)} MiB (+${mib(m.peakRss - m.baselineRss)})  ` +
    `heap used ${mib(m.baselineHeap)} → ${mib(m.peakHeap)}, reserved ${mib(m.baselineHeapTotal)} → ${mib(m.peakHeapTotal)}, external ${mib(m.baselineExternal)} → ${mib(m.peakExternal)} MiB  CPU: worker ${ms(m.cpuMs)} ms (GC ${ms(m.gcMs)}), PostgreSQL ${m.pgCpuMs === null ? '?' : ms(m.pgCpuMs)} ms  ${out}  (load ${loadavg()[0].toFixed(1)})`
  );
}

function summary(
  o: Options,
  exports: Record<'small' | 'large', { job: Run[]; copy: Run[] }>,
  erasures: Record<'small' | 'large', { job: Run[]; plain: Run[] }>,
): void {
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log('\nSummary (medians of the runs; memory: the largest growth over the baseline seen in any run)');
  const growth: Record<string, number> = {};
  for (const size of o.exports ? (['small', 'large'] as const) : []) {
    const rows = size === 'small' ? o.small : o.large;
    const e = exports[size];
    const ratio = median(e.job.map((m) => m.ms)) / median(e.copy.map((m) => m.ms));
    growth[size] = Math.max(...e.job.map((m) => m.peakRss - m.baselineRss));
    const heap = Math.max(...e.job.map((m) => m.peakHeap - m.baselineHeap));
    console.log(
      `  export ${count(rows).padStart(7)} rows: ${ms(median(e.job.map((m) => m.ms)))} ms vs COPY ${ms(median(e.copy.map((m) => m.ms)))} ms = ${ratio.toFixed(2)}× ` +
        `(target ≤ 3×: ${verdict(ratio <= 3)}); worker RSS +${mib(growth[size])} MiB, heap +${mib(heap)} MiB over the baseline; ` +
        `CPU per run: worker ${ms(median(e.job.map((m) => m.cpuMs)))} ms (GC ${ms(median(e.job.map((m) => m.gcMs)))}), PostgreSQL ${ms(median(e.job.map((m) => m.pgCpuMs ?? NaN)))} ms; ` +
        `COPY: ${ms(median(e.copy.map((m) => m.cpuMs)))} ms, ${ms(median(e.copy.map((m) => m.pgCpuMs ?? NaN)))} ms (CPU ratio ${(median(e.job.map(cpuOf)) / median(e.copy.map(cpuOf))).toFixed(1)}×)`,
    );
  }
  const flat = growth.large - growth.small < 16 * MiB;
  if (o.exports)
    console.log(
      `  export memory: peak RSS growth ${mib(growth.small)} MiB at ${count(o.small)} rows, ${mib(growth.large)} MiB at ${count(o.large)} rows ` +
        `(target: does not grow with the rows; a difference under 16 MiB counted as flat): ${verdict(flat)}`,
    );
  for (const size of ['small', 'large'] as const) {
    const rows = size === 'small' ? o.small : o.large;
    const e = erasures[size];
    const ratio = median(e.job.map((m) => m.ms)) / median(e.plain.map((m) => m.ms));
    const longest = Math.max(...e.job.map((m) => m.locks!.longestMs));
    const plainLongest = Math.max(...e.plain.map((m) => m.locks!.longestMs));
    console.log(
      `  erasure ${count(rows).padStart(7)} rows: ${ms(median(e.job.map((m) => m.ms)))} ms vs DELETE ${ms(median(e.plain.map((m) => m.ms)))} ms = ${ratio.toFixed(2)}× ` +
        `(target ≤ 2×: ${verdict(ratio <= 2)}); longest lock held by one statement: ${ms(longest)} ms (target < 1 s: ${verdict(longest < 1000)}; ` +
        `the plain DELETE held it ${ms(plainLongest)} ms)`,
    );
  }
}
