// The review queue at size: the time of one page of GET /api/v1/staff/requests over a million
// requests, first page and deep in the keyset, for the filters reviewers use. Not a test: it prints
// figures and the query plans.
//
//   npm run bench -- queue [--requests 1000000] [--subjects 200000] [--runs 50] [--deep-pages 500] [--limit 25]
//
// The table is loaded with SQL straight into `requests` (see support/queue-load.ts for the spread),
// then VACUUM ANALYZE. Each page is timed two ways: server-side, around ReviewService.queue() in
// this process (cursor decoding, the repository's query, mapping the rows), and over HTTP from
// this process to the portal on 127.0.0.1 (the guard's session lookup, validation and JSON
// included), one call at a time. "Deep" is the page after following `deep-pages` cursors from the
// first page, or half of the filter's pages when it has fewer than twice that (so that a deep page
// is always a full page in the middle of the keyset, not a short last one). Then the plans. The
// schema measured is the product's, as its migrations make it (the open-queue indexes by type and
// by assignee included); the bench adds no index of its own.
//
// Uses DATABASE_URL's server when set (it creates, and afterwards drops, a fresh database there),
// otherwise a throwaway embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { AccountsService } from '../src/accounts/accounts.service';
import { Role } from '../src/kernel/role';
import { SYSTEM_ACTOR } from '../src/kernel/actor';
import type { AuthUser } from '../src/kernel/auth-user';
import { RequestType } from '../src/policy/domain/policy.types';
import { CLOSED_STATUSES, RequestStatus, sqlList } from '../src/requests/domain/request-status';
import { OVERDUE_SQL } from '../src/requests';
import type { QueueQueryDto } from '../src/review/dto/queue-query.dto';
import { ReviewService } from '../src/review/review.service';
import { describeServer, freshDatabase, withClient } from './support/database';
import { parseFlags } from './support/flags';
import { call } from './support/http';
import { PageCursors } from '../src/common/http/page-cursor';
import { portalEnv, startPortalInProcess } from './support/portal';
import { PortalRole, portalRole } from './support/portal-role';
import { loadQueue } from './support/queue-load';
import { count, describeMachine, ms, percentile, seconds } from './support/stats';

const DEFAULTS = { requests: 1_000_000, subjects: 200_000, staff: 16, legal: 4, runs: 50, warmup: 5, deepPages: 500, limit: 25, loadBatch: 100_000 };
type Options = typeof DEFAULTS;

/** The target: one page in under 20 ms at the 95th percentile, server-side. */
const TARGET_P95_MS = 20;

type Filter = Omit<QueueQueryDto, 'limit' | 'cursor'>;

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

interface Measured {
  label: string;
  matching: number;
  service: number[];
  http: number[];
  plan: string[];
}

export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, DEFAULTS);
  const db = await freshDatabase('dsr_bench_queue');
  let role: PortalRole | undefined;
  let stop: (() => Promise<void>) | undefined;
  try {
    // The portal connects as a role that owns nothing, as production requires (README, "Database roles").
    role = await portalRole(db);
    const portal = await startPortalInProcess(portalEnv(db.url, role.env));
    stop = () => portal.stop();
    const ds = portal.app.get(DataSource);
    const review = portal.app.get(ReviewService);
    console.log(await describeServer(db.url, db.embedded));
    console.log(`${describeMachine()}\n`);

    // Reviewers, through the application (so that they can sign in); the busiest is the first.
    const accounts = portal.app.get(AccountsService);
    const password = `bench-${randomBytes(9).toString('hex')}`;
    const create = (role: Role, i: number) => accounts.create({ email: `bench.${role}.${i}@example.invalid`, password, role }, SYSTEM_ACTOR);
    const staff = await Promise.all(Array.from({ length: o.staff }, (_, i) => create(Role.Staff, i)));
    const legal = await Promise.all(Array.from({ length: o.legal }, (_, i) => create(Role.Legal, i)));
    const busiest = staff[0];
    const login = await call<{ accessToken: string }>(portal.baseUrl, 'POST', '/api/v1/auth/login', undefined, { email: busiest.email, password });
    if (login.status !== 200) throw new Error(`login answered ${login.status}`);
    const token = login.body.accessToken;
    const user: AuthUser = { id: busiest.id, role: Role.Staff, subjectRef: busiest.subjectRef, sessionId: '', mfaEnrolmentPending: false };

    console.log(`(a) Loading ${count(o.requests)} requests (SQL, INSERT … SELECT generate_series):`);
    const loadStart = performance.now();
    await withClient(db.url, (c) =>
      loadQueue(
        c,
        { requests: o.requests, subjects: o.subjects, staffIds: staff.map((s) => s.id), legalIds: legal.map((l) => l.id), batch: o.loadBatch },
        console.log,
      ),
    );
    const vacuumStart = performance.now();
    // As the owner: only a table's owner may vacuum it.
    await withClient(db.url, async (c) => {
      await c.query(`VACUUM ANALYZE requests`);
      await c.query(`VACUUM ANALYZE users`);
    });
    console.log(`    loaded in ${seconds(vacuumStart - loadStart)} s; VACUUM ANALYZE in ${seconds(performance.now() - vacuumStart)} s`);
    await describeData(ds, o, busiest.id);

    const filters: [string, Filter][] = [
      ['every open request (default)', {}],
      ['status=submitted', { status: RequestStatus.Submitted }],
      ['status=in_review', { status: RequestStatus.InReview }],
      ['type=access', { type: RequestType.Access }],
      ['type=delete_account', { type: RequestType.DeleteAccount }],
      ['status=in_review&type=disclosure_log', { status: RequestStatus.InReview, type: RequestType.DisclosureLog }],
      ['overdue=true', { overdue: true }],
      ['overdue=true&type=access', { overdue: true, type: RequestType.Access }],
      ['assignee=<busiest reviewer>', { assignee: busiest.id }],
      ['assignee=<busiest>&overdue=true', { assignee: busiest.id, overdue: true }],
      ['assignee=<busiest>&type=access', { assignee: busiest.id, type: RequestType.Access }],
      ['assignee=none', { assignee: 'none' }],
      ['status=completed (closed)', { status: RequestStatus.Completed }],
      ['type=withdraw_consent (none open)', { type: RequestType.WithdrawConsent }],
    ];

    // Compile and warm every path once before anything is timed.
    for (let i = 0; i < 100; i++) await review.queue(user, { limit: o.limit });
    for (let i = 0; i < 50; i++) await call(portal.baseUrl, 'GET', `/api/v1/staff/requests?limit=${o.limit}`, token);

    const bench: Bench = { ds, review, cursors: portal.app.get(PageCursors), user, baseUrl: portal.baseUrl, token, o };
    console.log(`\n(b) One page of ${o.limit}, ${o.runs} runs each after ${o.warmup} warm-up runs; server-side = ReviewService.queue() in this process,`);
    console.log(`    HTTP = GET /api/v1/staff/requests from this process over 127.0.0.1, one at a time. Deep = after following ${o.deepPages} cursors,`);
    console.log(`    or half of the filter's pages when it has fewer than ${2 * o.deepPages}.`);
    const results = await measureFilters(bench, filters);

    const missed = results.filter((r) => percentile(r.service, 95) >= TARGET_P95_MS);
    console.log(
      `\n    Target p95 < ${TARGET_P95_MS} ms server-side: ${missed.length === 0 ? 'met for every filter and depth' : `MISSED for ${missed.length}:`}`,
    );
    for (const r of missed) console.log(`      ${r.label}: p95 ${ms(percentile(r.service, 95))} ms`);

    console.log(`\n(c) EXPLAIN (ANALYZE, BUFFERS) of the query the repository runs, for each filter and depth:`);
    printPlans(results);

    console.log(
      `\nLoad average while measuring (1 min): ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs (other work on the machine shows in the p95 and max columns).`,
    );
  } finally {
    await stop?.();
    await db.release();
    await role?.drop();
  }
}

interface Bench {
  ds: DataSource;
  review: ReviewService;
  /** Seals a cursor the service answered, as the controller does before a client sees it. */
  cursors: PageCursors;
  user: AuthUser;
  baseUrl: string;
  token: string;
  o: Options;
}

/** First and deep page of each filter: timed, explained, and printed as one table. */
async function measureFilters(b: Bench, filters: [string, Filter][]): Promise<Measured[]> {
  console.log(`    ${'filter'.padEnd(38)} ${'matching'.padStart(9)}  page                   service p50    p95    max   HTTP p50    p95`);
  const results: Measured[] = [];
  for (const [label, filter] of filters) {
    const first = await measure(b, filter, undefined);
    const matching = await countMatching(b.ds, first.sql, first.params);
    const pages = Math.ceil(matching / b.o.limit);
    const { cursor, depth, duplicates } = await followCursors(b, filter, Math.min(b.o.deepPages, Math.floor((pages - 1) / 2)));
    if (duplicates > 0) throw new Error(`${label}: keyset pagination returned ${duplicates} rows twice`);
    const deep = cursor ? await measure(b, filter, cursor) : null;
    for (const [page, m] of [
      ['first', first],
      [`deep (${count(depth)} rows in)`, deep],
    ] as const) {
      if (!m) continue;
      results.push({ label: `${label} · ${page}`, matching, service: m.service, http: m.http, plan: m.plan });
      console.log(
        `    ${(page === 'first' ? label : '').padEnd(38)} ${(page === 'first' ? count(matching) : '').padStart(9)}  ${page.padEnd(23)} ` +
          `${ms(percentile(m.service, 50)).padStart(6)} ${ms(percentile(m.service, 95)).padStart(6)} ${ms(Math.max(...m.service)).padStart(6)}   ` +
          `${ms(percentile(m.http, 50)).padStart(6)} ${ms(percentile(m.http, 95)).padStart(6)}`,
      );
    }
  }
  return results;
}

function printPlans(results: Measured[]): void {
  for (const r of results) {
    console.log(`\n  -- ${r.label}`);
    for (const line of r.plan) console.log(`  ${line}`);
  }
}

/** Times one page `runs` times in-process and over HTTP, and explains the query it runs. */
async function measure(b: Bench, filter: Filter, cursor: string | undefined) {
  const { ds, review, cursors, user, baseUrl, token, o } = b;
  const query: QueueQueryDto = { ...filter, limit: o.limit, ...(cursor ? { cursor } : {}) };
  const { sql, params } = await captureQuery(ds, () => review.queue(user, query));
  const service: number[] = [];
  for (let i = 0; i < o.warmup + o.runs; i++) {
    const t0 = performance.now();
    await review.queue(user, query);
    if (i >= o.warmup) service.push(performance.now() - t0);
  }
  const asked = { ...query, ...(cursor ? { cursor: cursors.seal('review-queue', cursor) } : {}) };
  const path = `/api/v1/staff/requests?${new URLSearchParams(Object.entries(asked).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  const http: number[] = [];
  for (let i = 0; i < o.warmup + o.runs; i++) {
    const res = await call<Page>(baseUrl, 'GET', path, token);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    if (i >= o.warmup) http.push(res.ms);
  }
  const plan: { 'QUERY PLAN': string }[] = await ds.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  return { service, http, sql, params, plan: plan.map((p) => p['QUERY PLAN']) };
}

/** Follows nextCursor from the first page `pages` times (fewer if the filter ends first); the last cursor reached. */
async function followCursors(b: Bench, filter: Filter, pages: number) {
  const { review, user, o } = b;
  const seen = new Set<string>();
  let duplicates = 0;
  let cursor: string | undefined;
  let deepest: string | undefined;
  let depth = 0;
  let rowsBeforeDeepest = 0;
  for (let page = 0; page <= pages; page++) {
    const result = (await review.queue(user, { ...filter, limit: o.limit, ...(cursor ? { cursor } : {}) })) as Page;
    for (const item of result.items) {
      if (seen.has(item.id)) duplicates += 1;
      seen.add(item.id);
    }
    if (cursor) {
      deepest = cursor;
      rowsBeforeDeepest = depth;
    }
    depth += result.items.length;
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return { cursor: deepest, depth: rowsBeforeDeepest, duplicates };
}

/** The SQL and parameters of the first query `work` sends through the data source (the review repository's `dataSource.query`). */
async function captureQuery(ds: DataSource, work: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
  const original = ds.query.bind(ds);
  let captured: { sql: string; params: unknown[] } | undefined;
  ds.query = ((sql: string, params?: unknown[]) => {
    captured ??= { sql, params: params ?? [] };
    return original(sql, params);
  }) as typeof ds.query;
  try {
    await work();
  } finally {
    ds.query = original;
  }
  if (!captured) throw new Error('the queue ran no query through the data source');
  return captured;
}

/** How many rows the filter matches: the captured query's own WHERE clause, counted. */
async function countMatching(ds: DataSource, sql: string, params: unknown[]): Promise<number> {
  const where = /FROM requests\s+WHERE([\s\S]*?)ORDER BY due_at, id/.exec(sql)?.[1];
  if (!where) throw new Error('cannot find the WHERE clause of the queue query');
  // The last parameter is the LIMIT, which the count does not use.
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM requests WHERE ${where}`, params.slice(0, -1));
  return n;
}

async function describeData(ds: DataSource, o: Options, busiestId: string): Promise<void> {
  const byStatus: { status: string; n: number }[] = await ds.query(`SELECT status, count(*)::int AS n FROM requests GROUP BY status ORDER BY n DESC`);
  const [open] = await ds.query(
    `SELECT count(*) FILTER (WHERE status NOT IN (${sqlList(CLOSED_STATUSES)}))::int AS open,
            count(*) FILTER (WHERE ${OVERDUE_SQL})::int AS overdue,
            count(*) FILTER (WHERE assignee_id = $1)::int AS busiest,
            count(*) FILTER (WHERE assignee_id = $1 AND status NOT IN (${sqlList(CLOSED_STATUSES)}))::int AS busiest_open
     FROM requests`,
    [busiestId],
  );
  const [{ size }] = await ds.query(`SELECT pg_size_pretty(pg_total_relation_size('requests')) AS size`);
  console.log(`    ${byStatus.map((s) => `${s.status} ${count(s.n)}`).join(', ')}`);
  console.log(
    `    open ${count(open.open)} (overdue ${count(open.overdue)}); the busiest reviewer holds ${count(open.busiest)} (${count(open.busiest_open)} open); ` +
      `${count(o.subjects)} subjects; table with indexes ${size}`,
  );
}
