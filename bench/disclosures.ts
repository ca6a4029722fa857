// The disclosure register at size (issue 13, "Benchmarks"): one page of GET /api/v1/disclosures over a
// million entries for every filter legal uses, first page and deep in the keyset, with the plans;
// then the streamed CSV export of 100,000 entries against one of 10,000, with the memory it takes.
// Not a test: it prints figures and plans.
//
//   npm run bench -- disclosures [--entries 1000000] [--subjects 5000] [--pages 1 (0: the export alone)] [--runs 50] [--deep-pages 400] [--limit 25]
//                                [--export 1 (0: the pages alone)] [--only-missed 0 (1: the four filters that missed the target)]
//                                [--compare 0 (1: time the previous page statement too)] [--extra-to 0 (1: eight more filters with `to`)]
//                                [--export-rows 100000] [--export-small 10000] [--export-huge 300000] [--export-runs 2]
//
// The five register tables are loaded with SQL straight from generate_series (see `load` for the
// spread), as the database's owner, with the secondary indexes dropped during the load and rebuilt
// from their migration's definitions afterwards; then VACUUM ANALYZE. Each page is timed
// server-side, around DisclosuresService.list() in this process (cursor decoding, the repository's
// query, mapping the rows), and over HTTP from this process to the portal on 127.0.0.1 (the access
// guard, validation, the sealed cursor and JSON included), one call at a time. "Deep" is the page
// after following `deep-pages` cursors from the first page, or half of the filter's pages when it
// has fewer than twice that. Then EXPLAIN (ANALYZE, BUFFERS) of the statement the repository ran for
// each page (its own `pageStatement`, with the filter and position the service passed it), flagging
// a sequential scan of a big table. With --compare 1, each page is also timed and explained with the
// previous page statement (the export's single-index statement with a LIMIT, as findPage ran it
// before the two-part `to` form), on the same data, and the two pages' rows are compared. The export runs through the real route (GET
// /api/v1/disclosures/export.csv), downloaded by curl in a process of its own, while this process
// (the portal's) samples its memory every 10 ms. The schema
// measured is the product's, as its migrations make it; the bench adds no index of its own.
//
// Uses DATABASE_URL's server when set (it creates, and afterwards drops, a fresh database there),
// otherwise a throwaway embedded PostgreSQL. The portal connects as a role that owns nothing, as in
// production (README, "Database roles").
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AccountsService } from '../src/accounts/accounts.service';
import { PageCursors } from '../src/common/http/page-cursor';
import { DisclosuresRepository, type DisclosureFilter, type DisclosureRow } from '../src/disclosures/disclosures.repository';
import type { DisclosurePosition } from '../src/disclosures/disclosure-cursor';
import { DisclosuresService } from '../src/disclosures/disclosures.service';
import { DisclosureStatus } from '../src/disclosures/domain/disclosure.types';
import type { DisclosuresQueryDto } from '../src/disclosures/dto/disclosure.dto';
import { SYSTEM_ACTOR } from '../src/kernel/actor';
import type { AuthUser } from '../src/kernel/auth-user';
import { Role } from '../src/kernel/role';
import { RecipientKind } from '../src/policy/domain/policy.types';
import { describeServer, freshDatabase, withClient } from './support/database';
import { parseFlags } from './support/flags';
import { call } from './support/http';
import { portalEnv, startPortalInProcess } from './support/portal';
import { PortalRole, portalRole } from './support/portal-role';
import { count, describeMachine, ms, percentile, seconds } from './support/stats';

const DEFAULTS = {
  entries: 1_000_000,
  subjects: 5_000,
  staff: 24,
  legal: 6,
  years: 5,
  pages: 1,
  runs: 50,
  warmup: 5,
  deepPages: 400,
  limit: 25,
  exportRows: 100_000,
  exportSmall: 10_000,
  exportRuns: 2,
  exportHuge: 300_000,
  loadBatch: 250_000,
  /** 0: skip the CSV export */
  export: 1,
  /** 1: only the filters that missed the target in the first figures (the `to` ranges and the deep pending_review page) */
  onlyMissed: 0,
  /** 1: time each page with the previous page statement as well */
  compare: 0,
  /** 1: add more filters with `to` (other driving indexes, `to` alone, a repeated kind) */
  extraTo: 0,
};
type Options = typeof DEFAULTS;

/** The targets: one page in under 20 ms at the 95th percentile, server-side; an export whose memory does not grow with its rows. */
const TARGET_P95_MS = 20;
/** "Flat": the large export's peak RSS growth may exceed the small one's by this much at most (allocator and GC noise). */
const FLAT_MEMORY_SLACK_MIB = 16;

/** Share of the entries that are corrections of a flagged entry (each replaces one flagged entry). */
const CORRECTION_SHARE = 0.015;

const REGISTER_TABLES = ['disclosure_entries', 'disclosure_subjects', 'disclosure_citations', 'disclosure_reviews', 'disclosure_withholdings'];

type Filter = Omit<DisclosuresQueryDto, 'limit' | 'cursor'>;

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

/** The filters whose pages missed the target in the first figures (bench/README.md). */
const MISSED = [
  'from..to: one month, 2 years ago',
  'from..to: one week, 4 years ago',
  'kind=authority&provision=PIPL.18&status=pending_review',
  'clause=3.c&provision=PIPL.18&from..to: a year, 3 years ago',
];

interface Measured {
  label: string;
  page: string;
  /** `current`: the repository's page statement; `previous`: the single-index statement it replaced */
  statement: 'current' | 'previous';
  /** with --compare: whether the previous statement gave the same page (ids, in order) */
  same?: boolean;
  matching: number;
  service: number[];
  http: number[];
  executionMs: number;
  plan: string[];
  seqScans: string[];
}

interface Bench {
  ds: DataSource;
  service: DisclosuresService;
  repo: DisclosuresRepository;
  cursors: PageCursors;
  user: AuthUser;
  baseUrl: string;
  token: string;
  big: Set<string>;
  o: Options;
}

export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, DEFAULTS);
  const db = await freshDatabase('dsr_bench_disclosures');
  let role: PortalRole | undefined;
  let stop: (() => Promise<void>) | undefined;
  try {
    role = await portalRole(db);
    const portal = await startPortalInProcess(portalEnv(db.url, role.env));
    stop = () => portal.stop();
    const ds = portal.app.get(DataSource);
    console.log(await describeServer(db.url, db.embedded));
    console.log(`${describeMachine()}\n`);

    // The reader (legal, signs in over HTTP); recorders and reviewers are loaded with SQL.
    const accounts = portal.app.get(AccountsService);
    const password = `bench-${randomBytes(9).toString('hex')}`;
    const reader = await accounts.create({ email: 'bench.legal.reader@example.invalid', password, role: Role.Legal }, SYSTEM_ACTOR);
    const login = await call<{ accessToken: string }>(portal.baseUrl, 'POST', '/api/v1/auth/login', undefined, { email: reader.email, password });
    if (login.status !== 200) throw new Error(`login answered ${login.status}`);
    const user: AuthUser = { id: reader.id, role: Role.Legal, subjectRef: reader.subjectRef, sessionId: '', mfaEnrolmentPending: false };

    console.log(`(a) Loading ${count(o.entries)} register entries (SQL, INSERT … SELECT generate_series, as the database's owner):`);
    const loadStart = performance.now();
    const picks = await withClient(db.url, (c) => load(c, o, console.log));
    const vacuumStart = performance.now();
    await withClient(db.url, async (c) => {
      for (const table of REGISTER_TABLES) await c.query(`VACUUM ANALYZE ${table}`);
      await c.query(`VACUUM ANALYZE users`);
    });
    console.log(`    loaded in ${seconds(vacuumStart - loadStart)} s; VACUUM ANALYZE in ${seconds(performance.now() - vacuumStart)} s`);
    const big = await describeData(ds);

    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    const filters: [string, Filter][] = [
      ['(no filter)', {}],
      ['status=pending_review', { status: DisclosureStatus.PendingReview }],
      ['status=confirmed', { status: DisclosureStatus.Confirmed }],
      ['status=flagged', { status: DisclosureStatus.Flagged }],
      ['kind=authority', { kind: RecipientKind.Authority }],
      ['kind=credit_bureau', { kind: RecipientKind.CreditBureau }],
      ['subjectId=<busiest subject>', { subjectId: picks.busiestSubject }],
      ['subjectId=<median subject>', { subjectId: picks.medianSubject }],
      ['clause=3.c', { clause: '3.c' }],
      ['clause=face.transfer.4 (rare)', { clause: 'face.transfer.4' }],
      ['provision=PIPL.23', { provision: 'PIPL.23' }],
      ['provision=PIPL.41 (rare)', { provision: 'PIPL.41' }],
      ['from=<30 days ago>', { from: daysAgo(30) }],
      ['from..to: one month, 2 years ago', { from: daysAgo(760), to: daysAgo(730) }],
      ['from..to: one week, 4 years ago', { from: daysAgo(1467), to: daysAgo(1460) }],
      ['status=flagged&corrected=false (remediation)', { status: DisclosureStatus.Flagged, corrected: false }],
      [
        'kind=partner&clause=face.share.3&status=confirmed&from=<1 year ago>',
        { kind: RecipientKind.Partner, clause: 'face.share.3', status: DisclosureStatus.Confirmed, from: daysAgo(365) },
      ],
      [
        'kind=authority&provision=PIPL.18&status=pending_review',
        { kind: RecipientKind.Authority, provision: 'PIPL.18', status: DisclosureStatus.PendingReview },
      ],
      [
        'subjectId=<busiest>&kind=authority&status=confirmed',
        { subjectId: picks.busiestSubject, kind: RecipientKind.Authority, status: DisclosureStatus.Confirmed },
      ],
      ['clause=3.c&provision=PIPL.18&from..to: a year, 3 years ago', { clause: '3.c', provision: 'PIPL.18', from: daysAgo(1095), to: daysAgo(730) }],
    ];

    const b: Bench = {
      ds,
      service: portal.app.get(DisclosuresService),
      repo: portal.app.get(DisclosuresRepository),
      cursors: portal.app.get(PageCursors),
      user,
      baseUrl: portal.baseUrl,
      token: login.body.accessToken,
      big,
      o,
    };
    // Compile and warm every path once before anything is timed.
    for (let i = 0; i < 50; i++) await b.service.list(user, { limit: o.limit });
    for (let i = 0; i < 30; i++) await call(portal.baseUrl, 'GET', `/api/v1/disclosures?limit=${o.limit}`, b.token);

    // --pages 0: the export alone.
    if (o.pages === 0) filters.length = 0;
    if (o.onlyMissed === 1) filters.splice(0, filters.length, ...filters.filter(([label]) => MISSED.includes(label)));
    if (o.extraTo === 1)
      filters.push(
        ['to=<3 years ago>', { to: daysAgo(1095) }],
        ['kind=authority&to=<2 years ago>', { kind: RecipientKind.Authority, to: daysAgo(730) }],
        ['clause=face.share.3&to=<1 year ago> (repeated partners)', { clause: 'face.share.3', to: daysAgo(365) }],
        ['provision=PIPL.41&from..to: a year, 3 years ago (rare)', { provision: 'PIPL.41', from: daysAgo(1095), to: daysAgo(730) }],
        ['status=flagged&from..to: one month, 2 years ago', { status: DisclosureStatus.Flagged, from: daysAgo(760), to: daysAgo(730) }],
        [
          'kind=partner&status=pending_review&from..to: a year, 2 years ago',
          { kind: RecipientKind.Partner, status: DisclosureStatus.PendingReview, from: daysAgo(1095), to: daysAgo(730) },
        ],
        ['subjectId=<busiest>&from..to: a year, 3 years ago', { subjectId: picks.busiestSubject, from: daysAgo(1095), to: daysAgo(730) }],
        ['subjectId=<median>&to=<2 years ago>', { subjectId: picks.medianSubject, to: daysAgo(730) }],
      );
    console.log(
      `\n(b) One page of ${o.limit}, ${o.runs} runs each after ${o.warmup} warm-up runs (fewer, at least 5, when a page takes over 40 ms); server-side = DisclosuresService.list() in this process,`,
    );
    console.log(`    HTTP = GET /api/v1/disclosures from this process over 127.0.0.1, one at a time; DB = "Execution Time" of EXPLAIN ANALYZE.`);
    console.log(`    Deep = after following ${o.deepPages} cursors, or half of the filter's pages when it has fewer than ${2 * o.deepPages}.`);
    const results = await measureFilters(b, filters);

    console.log(`\n(c) EXPLAIN (ANALYZE, BUFFERS) of the statement the repository ran, for each filter and depth:`);
    for (const r of results) {
      console.log(
        `\n  -- ${r.label} · ${r.page}${r.statement === 'previous' ? ' · previous statement' : ''}${r.seqScans.length > 0 ? `   ** SEQ SCAN of ${r.seqScans.join(', ')} **` : ''}`,
      );
      for (const line of r.plan) console.log(`  ${line}`);
    }

    if (o.export === 0) {
      summary(results, undefined, big);
      console.log(`\nLoad average at the end (1 min): ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs.`);
      return;
    }
    console.log(
      `\n(d) CSV export through GET /api/v1/disclosures/export.csv (the newest N entries: from=<the N-th newest date>), downloaded by curl in another process;\n    memory of this process (the portal) sampled every 10 ms:`,
    );
    const exports = await measureExports(b, o);

    summary(results, exports, big);
    console.log(
      `\nLoad average at the end (1 min): ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs (other work on the machine shows in the p95 and max columns).`,
    );
  } finally {
    await stop?.();
    await db.release();
    await role?.drop();
  }
}

/** First and deep page of each filter: timed, explained, and printed as one table. */
async function measureFilters(b: Bench, filters: [string, Filter][]): Promise<Measured[]> {
  console.log(`    ${'filter'.padEnd(66)} ${'matching'.padStart(9)}  ${'page'.padEnd(22)} service p50    p95    max   HTTP p50    p95   DB ms  seq scan`);
  const results: Measured[] = [];
  for (const [label, filter] of filters) {
    const first = await measure(b, filter, undefined);
    const matching = await countMatching(b, filter);
    const pages = Math.ceil(matching / b.o.limit);
    const { cursor, depth, duplicates } = await followCursors(b, filter, Math.min(b.o.deepPages, Math.floor((pages - 1) / 2)));
    if (duplicates > 0) throw new Error(`${label}: keyset pagination returned ${duplicates} rows twice`);
    const deep = cursor ? await measure(b, filter, cursor) : null;
    const previous = (c: string | undefined) => (b.o.compare === 1 ? withPreviousStatement(b, () => measure(b, filter, c)) : Promise.resolve(null));
    const firstBefore = await previous(undefined);
    const deepBefore = cursor ? await previous(cursor) : null;
    for (const [page, m, before] of [
      ['first', first, firstBefore],
      [`deep (${count(depth)} rows in)`, deep, deepBefore],
    ] as const) {
      if (!m) continue;
      for (const [statement, x] of [
        ['current', m],
        ['previous', before],
      ] as const) {
        if (!x) continue;
        const r: Measured = {
          label,
          page,
          statement,
          same: before ? sameRows(m.rows, before.rows) : undefined,
          matching,
          service: x.service,
          http: x.http,
          executionMs: x.executionMs,
          plan: x.plan,
          seqScans: seqScansOf(x.plan, b.big),
        };
        results.push(r);
        const name = statement === 'current' ? page : `  previous${r.same ? '' : ' DIFFERENT ROWS'}`;
        const head = page === 'first' && statement === 'current';
        console.log(
          `    ${(head ? label : '').padEnd(66)} ${(head ? count(matching) : '').padStart(9)}  ${name.padEnd(22)} ` +
            `${ms(percentile(r.service, 50)).padStart(6)} ${ms(percentile(r.service, 95)).padStart(6)} ${ms(Math.max(...r.service)).padStart(6)}   ` +
            `${ms(percentile(r.http, 50)).padStart(6)} ${ms(percentile(r.http, 95)).padStart(6)}  ${ms(r.executionMs).padStart(6)}  ${r.seqScans.join(', ') || '-'}`,
        );
      }
    }
  }
  return results;
}

/** Times one page `runs` times in-process and over HTTP, and explains the statement the repository ran for it. */
async function measure(b: Bench, filter: Filter, cursor: string | undefined) {
  const { service, user, baseUrl, token, o } = b;
  const query: DisclosuresQueryDto = { ...filter, limit: o.limit, ...(cursor ? { cursor } : {}) };
  const t = performance.now();
  let page: Page | undefined;
  const statement = await captureStatement(b, async () => (page = (await service.list(user, query)) as Page));
  // The page as ids and the next cursor: what the previous statement must give too.
  const rows = [...(page?.items.map((i) => i.id) ?? []), page?.nextCursor ?? ''];
  // A page far over the target is timed fewer times (at least 5), so that one slow filter does not hold the run for minutes.
  const runs = Math.min(o.runs, Math.max(5, Math.floor(2000 / (performance.now() - t))));
  const warmup = runs < o.runs ? 1 : o.warmup;
  const timed: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    await service.list(user, query);
    if (i >= warmup) timed.push(performance.now() - t0);
  }
  // Over HTTP the cursor travels sealed, as the route hands it out.
  const httpQuery: Record<string, string> = Object.fromEntries(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  if (cursor) httpQuery.cursor = b.cursors.seal('disclosures', cursor);
  const path = `/api/v1/disclosures?${new URLSearchParams(httpQuery).toString()}`;
  const http: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const res = await call<Page>(baseUrl, 'GET', path, token);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (i >= warmup) http.push(res.ms);
  }
  const plan = await explain(b.ds, statement);
  const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1] ?? NaN);
  return { service: timed, http, statement, plan, executionMs, rows };
}

/** The statement the repository builds for the page `work` asks for: the filter and position the service passed to findPage, given to pageStatement. */
async function captureStatement(b: Bench, work: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
  const repo = b.repo;
  const own = Object.getOwnPropertyDescriptor(repo, 'findPage');
  const original = repo.findPage.bind(repo);
  let captured: Promise<{ sql: string; params: unknown[] }> | undefined;
  repo.findPage = (filter: DisclosureFilter, limit: number, after?: DisclosurePosition) => {
    captured ??= repo.pageStatement(filter, limit, after);
    return original(filter, limit, after);
  };
  try {
    await work();
  } finally {
    // The method as it was: the prototype's, or the previous statement's (withPreviousStatement).
    if (own) Object.defineProperty(repo, 'findPage', own);
    else Reflect.deleteProperty(repo, 'findPage');
  }
  if (!captured) throw new Error('the service did not call DisclosuresRepository.findPage');
  return await captured;
}

/**
 * The page statement the repository's findPage ran before the two-part `to` form: the export's
 * single-index statement (listStatement) with the LIMIT, in a transaction without parallel workers,
 * as before. `work` runs with it in place of the current one (service and route alike).
 */
async function withPreviousStatement<T>(b: Bench, work: () => Promise<T>): Promise<T> {
  const repo = b.repo;
  const previous = (filter: DisclosureFilter, limit: number, after?: DisclosurePosition) => {
    const st = repo.listStatement(filter, after);
    return { sql: `${st.sql} LIMIT $${st.params.length + 1}`, params: [...st.params, limit + 1] };
  };
  repo.pageStatement = (filter: DisclosureFilter, limit: number, after?: DisclosurePosition) => Promise.resolve(previous(filter, limit, after));
  repo.findPage = (filter: DisclosureFilter, limit: number, after?: DisclosurePosition) => {
    const { sql, params } = previous(filter, limit, after);
    return b.ds.transaction(async (manager): Promise<DisclosureRow[]> => {
      await manager.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      return manager.query(sql, params);
    });
  };
  try {
    return await work();
  } finally {
    Reflect.deleteProperty(repo, 'findPage');
    Reflect.deleteProperty(repo, 'pageStatement');
  }
}

const sameRows = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The plan of a statement as the repository runs it: a page's without parallel workers (findPage), the export's with them. */
async function explain(ds: DataSource, st: { sql: string; params: unknown[] }, parallel = false): Promise<string[]> {
  const plan: { 'QUERY PLAN': string }[] = await ds.transaction(async (m) => {
    if (!parallel) await m.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
    return m.query(`EXPLAIN (ANALYZE, BUFFERS) ${st.sql}`, st.params);
  });
  return plan.map((p) => p['QUERY PLAN']);
}

/** "Seq Scan on <table>" lines of a plan for the big tables. */
function seqScansOf(plan: string[], big: Set<string>): string[] {
  const found = new Set<string>();
  for (const line of plan) {
    const m = /Seq Scan on (\w+)/.exec(line);
    if (m && big.has(m[1])) found.add(m[1]);
  }
  return [...found];
}

/** Follows nextCursor from the first page `pages` times (fewer if the filter ends first); the last cursor reached. */
async function followCursors(b: Bench, filter: Filter, pages: number) {
  const { service, user, o } = b;
  const seen = new Set<string>();
  let duplicates = 0;
  let cursor: string | undefined;
  let deepest: string | undefined;
  let depth = 0;
  let rowsBeforeDeepest = 0;
  const started = performance.now();
  for (let page = 0; page <= pages; page++) {
    // At most a minute of following (a filter far over the target stops earlier, its depth printed).
    if (page > 1 && performance.now() - started > 60_000) break;
    const result = (await service.list(user, { ...filter, limit: o.limit, ...(cursor ? { cursor } : {}) })) as Page;
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

/** How many entries the filter selects: the export's statement's own FROM and WHERE (the list's, from one index), counted. */
async function countMatching(b: Bench, filter: Filter): Promise<number> {
  const st = b.repo.listStatement({
    ...filter,
    from: filter.from ? new Date(filter.from) : undefined,
    to: filter.to ? new Date(filter.to) : undefined,
  });
  const from = st.sql.search(/ FROM disclosure_\w+ [de] (LEFT )?JOIN /);
  const orderBy = st.sql.lastIndexOf('ORDER BY');
  if (from < 0 || orderBy < 0) throw new Error('cannot find the FROM and ORDER BY of the list statement');
  const [{ n }] = await b.ds.query(`SELECT count(*)::int AS n ${st.sql.slice(from, orderBy)}`, st.params);
  return n;
}

interface ExportRun {
  rows: number;
  bytes: number;
  ms: number;
  rssBefore: number;
  peakRss: number;
  heapBefore: number;
  peakHeap: number;
}

/** The export of the newest `exportSmall` and `exportRows` entries, alternately, `exportRuns` times each, through the route. */
interface Exports {
  small: ExportRun[];
  large: ExportRun[];
  huge: ExportRun[];
  /** one run of the small and the large size with a full collection every second: the heap the export holds */
  live: ExportRun[];
  plan: string[];
}

async function measureExports(b: Bench, o: Options): Promise<Exports> {
  const gc = exposeGc();
  const fromFor = async (n: number): Promise<string> => {
    const [{ at }] = await b.ds.query(`SELECT last_disclosed_at AS at FROM disclosure_entries ORDER BY last_disclosed_at DESC OFFSET $1 LIMIT 1`, [n - 1]);
    return new Date(at).toISOString();
  };
  const froms = { small: await fromFor(o.exportSmall), large: await fromFor(o.exportRows), huge: o.exportHuge > 0 ? await fromFor(o.exportHuge) : null };
  // Warm-up (not reported): the route's first use compiles its code.
  await exportOnce(b, froms.small, gc);
  const runs: Exports = { small: [], large: [], huge: [], live: [], plan: [] };
  console.log(
    `    ${'rows'.padStart(9)} ${'MiB'.padStart(7)} ${'time s'.padStart(7)} ${'rows/s'.padStart(8)}   RSS before → peak (growth)        heap used before → peak (growth)`,
  );
  const print = (run: ExportRun, live: boolean) =>
    console.log(
      `    ${count(run.rows).padStart(9)} ${(run.bytes / 2 ** 20).toFixed(1).padStart(7)} ${seconds(run.ms).padStart(7)} ${count(run.rows / (run.ms / 1000)).padStart(8)}   ` +
        `${mib(run.rssBefore)} → ${mib(run.peakRss)} (${grow(run.peakRss - run.rssBefore)})`.padEnd(34) +
        (live
          ? `live heap: ${mib(run.heapBefore)} before → ${mib(run.peakHeap)} at most after a collection (${grow(run.peakHeap - run.heapBefore)})`
          : `${mib(run.heapBefore)} → ${mib(run.peakHeap)} (${grow(run.peakHeap - run.heapBefore)})`),
    );
  for (let r = 0; r < o.exportRuns; r++) {
    for (const size of ['small', 'large'] as const) {
      const run = await exportOnce(b, froms[size], gc);
      runs[size].push(run);
      print(run, false);
    }
  }
  if (froms.huge) {
    const run = await exportOnce(b, froms.huge, gc);
    runs.huge.push(run);
    print(run, false);
  }
  console.log(`    the same with a full garbage collection every second (the heap the export holds, not the garbage between collections):`);
  for (const from of [froms.small, froms.large]) {
    const run = await exportOnce(b, from, gc, true);
    runs.live.push(run);
    print(run, true);
  }
  // The statement the stream runs: the list's, without the LIMIT, for the large export's filter.
  const filter: DisclosureFilter = { from: new Date(froms.large) };
  const plan = await explain(b.ds, b.repo.listStatement(filter), true);
  console.log(`\n    EXPLAIN (ANALYZE, BUFFERS) of the export's statement for the ${count(o.exportRows)}-entry export:`);
  for (const line of plan) console.log(`    ${line}`);
  return { ...runs, plan };
}

/**
 * One export, read and dropped chunk by chunk. Memory is sampled every 10 ms; with `live`, a full
 * garbage collection runs every second instead and the heap left after it is the peak: what the
 * export holds, without the garbage V8 lets pile up between collections.
 */
async function exportOnce(b: Bench, from: string, gc: () => void, live = false): Promise<ExportRun> {
  gc();
  const gcOnce = runInNewContext('gc') as () => void;
  const before = process.memoryUsage();
  let [peakRss, peakHeap] = [before.rss, live ? 0 : before.heapUsed];
  const sample = () => {
    const now = process.memoryUsage();
    [peakRss, peakHeap] = [Math.max(peakRss, now.rss), live ? peakHeap : Math.max(peakHeap, now.heapUsed)];
  };
  const collect = () => {
    gcOnce();
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = live ? setInterval(collect, 1000) : setInterval(sample, 10);
  const started = performance.now();
  try {
    const { lines, bytes } = await download(`${b.baseUrl}/api/v1/disclosures/export.csv?${new URLSearchParams({ from }).toString()}`, b.token);
    const elapsed = performance.now() - started;
    if (live) collect();
    else sample();
    return { rows: lines - 1, bytes, ms: elapsed, rssBefore: before.rss, peakRss, heapBefore: before.heapUsed, peakHeap };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The export downloaded by curl in a process of its own, its lines and bytes counted by wc: this
 * process holds only the portal's side of the export, so its memory is the portal's.
 */
function download(url: string, token: string): Promise<{ lines: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'set -o pipefail; curl -sS --fail -H "authorization: Bearer $TOKEN" "$URL" | wc -lc'], {
      env: { ...process.env, TOKEN: token, URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const [lines, bytes] = out.trim().split(/\s+/).map(Number);
      if (code !== 0 || !Number.isFinite(lines)) reject(new Error(`curl | wc exited ${code}: ${out}`));
      else resolve({ lines, bytes });
    });
  });
}

/** global.gc, without restarting Node with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const grow = (bytes: number) => `${bytes < 0 ? '−' : '+'}${mib(Math.abs(bytes))}`;

function summary(measured: Measured[], exports: Exports | undefined, big: Set<string>): void {
  const results = measured.filter((r) => r.statement === 'current');
  const before = measured.filter((r) => r.statement === 'previous');
  if (before.length > 0) {
    console.log(`\n(e) The current page statement against the previous one, same data, server-side p95 (DB execution) in ms:`);
    for (const r of results) {
      const p = before.find((x) => x.label === r.label && x.page === r.page);
      if (!p) continue;
      console.log(
        `    ${`${r.label} · ${r.page}`.padEnd(90)} ${`${ms(percentile(p.service, 95))} (${ms(p.executionMs)})`.padStart(18)} → ` +
          `${`${ms(percentile(r.service, 95))} (${ms(r.executionMs)})`.padEnd(18)} ${r.same ? 'same rows' : 'DIFFERENT ROWS'}`,
      );
    }
  }
  console.log(`\n(f) Targets`);
  if (results.length === 0) console.log(`    pages: not measured (--pages 0)`);
  const missed = results.filter((r) => !(percentile(r.service, 95) < TARGET_P95_MS));
  const scanned = results.filter((r) => r.seqScans.length > 0);
  if (results.length > 0)
    console.log(
      `    p95 < ${TARGET_P95_MS} ms server-side, every filter and depth: ${missed.length === 0 ? 'HELD' : `MISSED for ${missed.length} of ${results.length}:`}`,
    );
  for (const r of missed)
    console.log(`      ${r.label} · ${r.page}: p95 ${ms(percentile(r.service, 95))} ms (DB ${ms(r.executionMs)} ms, ${count(r.matching)} matching)`);
  if (results.length > 0)
    console.log(`    index-backed plans (no Seq Scan of a big table): ${scanned.length === 0 ? 'HELD' : `MISSED for ${scanned.length}:`}`);
  for (const r of scanned) console.log(`      ${r.label} · ${r.page}: Seq Scan on ${r.seqScans.join(', ')}`);
  if (!exports) {
    console.log(`    CSV export: not measured (--export 0)`);
    return;
  }
  const rss = (runs: ExportRun[]) => Math.max(...runs.map((r) => r.peakRss - r.rssBefore));
  const heap = (run: ExportRun) => run.peakHeap - run.heapBefore;
  const slack = FLAT_MEMORY_SLACK_MIB * 2 ** 20;
  const { small, large, huge, live } = exports;
  const rssFlat = rss(large) - rss(small) <= slack;
  console.log(
    `    CSV export, peak RSS growth of ${count(large[0].rows)} rows within ${FLAT_MEMORY_SLACK_MIB} MiB of ${count(small[0].rows)} rows': ${rssFlat ? 'HELD' : 'MISSED'} ` +
      `(${grow(rss(small))} vs ${grow(rss(large))}, the larger of ${large.length} runs each${huge.length > 0 ? `; ${count(huge[0].rows)} rows: ${grow(rss(huge))}` : ''})`,
  );
  const liveFlat = live.every((r) => heap(r) - heap(live[0]) <= slack);
  console.log(
    `    CSV export, live heap (after a full collection) the same whatever the rows: ${liveFlat ? 'HELD' : 'MISSED'} ` +
      `(${live.map((r) => `${count(r.rows)} rows ${grow(heap(r))}`).join(', ')})`,
  );
  const exportSeq = seqScansOf(exports.plan, big);
  console.log(`    export's plan: ${exportSeq.length === 0 ? 'index-backed' : `Seq Scan on ${exportSeq.join(', ')}`}`);
}

async function describeData(ds: DataSource): Promise<Set<string>> {
  const sizes: { table: string; rows: number; size: string }[] = await ds.query(
    `SELECT c.relname AS table, c.reltuples::bigint::int AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
     FROM unnest($1::text[]) AS t(name) JOIN pg_class c ON c.oid = to_regclass(t.name) ORDER BY c.relname`,
    [[...REGISTER_TABLES, 'users']],
  );
  console.log(`    ${sizes.map((s) => `${s.table} ${count(s.rows)} rows (${s.size} with indexes)`).join('; ')}`);
  const byKind: { kind: string; n: number }[] = await ds.query(
    `SELECT recipient_kind AS kind, count(*)::int AS n FROM disclosure_entries GROUP BY 1 ORDER BY 2 DESC`,
  );
  console.log(`    kinds: ${byKind.map((k) => `${k.kind} ${count(k.n)}`).join(', ')}`);
  const [st] = await ds.query(
    `SELECT (SELECT count(*) FROM disclosure_entries)::int - (SELECT count(*) FROM disclosure_reviews)::int AS pending,
            (SELECT count(*) FROM disclosure_reviews WHERE outcome = 'confirmed')::int AS confirmed,
            (SELECT count(*) FROM disclosure_reviews WHERE outcome = 'flagged')::int AS flagged,
            (SELECT count(*) FROM disclosure_entries WHERE corrects IS NOT NULL)::int AS corrections,
            (SELECT count(*) FROM disclosure_entries WHERE frequency IS NOT NULL)::int AS repeated,
            (SELECT count(*) FROM disclosure_entries WHERE recipient_country <> 'CN')::int AS abroad,
            (SELECT count(*) FROM disclosure_withholdings)::int AS withholdings,
            (SELECT min(last_disclosed_at) FROM disclosure_entries) AS oldest`,
  );
  console.log(
    `    pending_review ${count(st.pending)}, confirmed ${count(st.confirmed)}, flagged ${count(st.flagged)}; corrections ${count(st.corrections)}; ` +
      `repeated ${count(st.repeated)}; outside mainland China ${count(st.abroad)}; withholdings ${count(st.withholdings)}; oldest ${new Date(st.oldest).toISOString().slice(0, 10)}`,
  );
  return new Set(sizes.filter((s) => s.rows >= 10_000).map((s) => s.table));
}

/**
 * Loads the register the fast way: SQL straight into the five tables, not through the application
 * (whose checks, audit events and one transaction per entry would take hours for a million). The
 * spread aims at a platform five years into keeping the register (more entries in recent years):
 * - kinds: authority 25 %, partner 25 %, affiliate 15 %, complaint_party 10 %, counterparty 10 %,
 *   other 10 %, credit_bureau 5 %, with the clauses each kind may cite (rules.yaml, `disclosures`)
 *   and the provisions that go with them (PIPL.13, .18 for a confidential authority request, .23,
 *   .38/.39/.55 and .41/DSL.36 abroad, ECL.42, CRR.13/.18); 8 % of partners, 5 % of affiliates and
 *   1 % of authorities outside mainland China; 30 % of partner, affiliate and credit-bureau entries
 *   repeated (first date 30 to 730 days before the last);
 * - subjects: one per entry for 85 %, two for 10 %, three to five for 4 %, ten to thirty for 1 %,
 *   drawn with a skew (the busiest subject is named in about 0.3 % of the entries);
 * - review: 96 % of entries older than 14 days are reviewed, fewer of the newer ones; of the
 *   reviews 4 % flag; 1.5 % of all entries are corrections, each of a flagged entry (so about four
 *   in ten flagged entries are corrected and the rest form the remediation list);
 * - 0.2 % of entries withheld (half of the withholdings over), by a legal reviewer.
 * Rows are inserted in the order they were recorded. The append-only and date triggers do not run
 * (session_replication_role = replica, when the role may set it): every row is written consistent
 * with them (the date columns copied from the entry, the reviewer never the recorder, only clauses
 * of the policy version), which the load checks afterwards.
 */
async function load(c: Client, o: Options, log: (line: string) => void): Promise<{ busiestSubject: string; medianSubject: string }> {
  await c.query(`SELECT setseed(0.13)`);
  let started = performance.now();
  const since = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
  await c.query(
    `INSERT INTO users (email, password_hash, role)
     SELECT 'bench.subject.' || g || '@example.invalid', '!not-a-password-hash', 'subject' FROM generate_series(1, $1::int) g`,
    [o.subjects],
  );
  const insertRole = async (role: string, n: number): Promise<string[]> =>
    (
      await c.query<{ id: string }>(
        `INSERT INTO users (email, password_hash, role)
         SELECT 'bench.' || $1 || '.' || g || '@example.invalid', '!not-a-password-hash', $1::user_role FROM generate_series(1, $2::int) g RETURNING id`,
        [role, n],
      )
    ).rows.map((r) => r.id);
  const staff = await insertRole('staff', o.staff);
  const legal = await insertRole('legal', o.legal);
  const recorders = [...staff, ...staff, ...staff, ...legal]; // staff record three entries in four
  await c.query(
    `CREATE UNLOGGED TABLE bench_subjects AS
     SELECT row_number() OVER (ORDER BY id)::int AS idx, id, subject_ref FROM users WHERE role = 'subject' AND email LIKE 'bench.subject.%'`,
  );
  await c.query(`ALTER TABLE bench_subjects ADD PRIMARY KEY (idx)`);
  const [{ version }] = (await c.query<{ version: number }>(`SELECT max(version) AS version FROM policy_versions`)).rows;
  log(`    ${count(o.subjects)} subjects, ${o.staff} staff and ${o.legal} legal recorders in ${since(started)}; policy version ${version}`);

  started = performance.now();
  const base = o.entries - Math.round(o.entries * CORRECTION_SHARE);
  await c.query(
    `CREATE UNLOGGED TABLE bench_disc AS
     WITH d AS (
       SELECT g, random() AS r_kind, random() AS r_basis, random() AS r_age, random() AS r_rep, random() AS r_abroad, random() AS r_rev,
              random() AS r_flag, random() AS r_rec, random() AS r_cat, random() AS r_law, random() AS r_span, random() AS r_who, random() AS r_nsub
       FROM generate_series(1, $1::int) g
     ), k AS (
       SELECT d.*,
              CASE WHEN r_kind < 0.25 THEN 'authority' WHEN r_kind < 0.35 THEN 'complaint_party' WHEN r_kind < 0.45 THEN 'counterparty'
                   WHEN r_kind < 0.60 THEN 'affiliate' WHEN r_kind < 0.85 THEN 'partner' WHEN r_kind < 0.90 THEN 'credit_bureau' ELSE 'other' END AS kind,
              -- more entries in recent years; whole seconds, so that entries share a date and the keyset's id decides
              date_trunc('second', now() - interval '2 hours' - power(r_age, 1.25) * ($2::int * interval '365 days')) AS last_at
       FROM d
     ), b AS (
       SELECT k.*,
              (kind = 'authority' AND r_abroad < 0.01) OR (kind = 'partner' AND r_abroad < 0.08) OR (kind = 'affiliate' AND r_abroad < 0.05) AS abroad,
              kind IN ('partner', 'affiliate', 'credit_bureau') AND r_rep < 0.3 AS repeated,
              (CASE kind
                 WHEN 'authority' THEN CASE WHEN r_basis < 0.70 THEN '{3.c}' WHEN r_basis < 0.78 THEN '{face.transfer.3}' WHEN r_basis < 0.84 THEN '{face.share.1.4}'
                                            WHEN r_basis < 0.90 THEN '{face.transfer.2}' WHEN r_basis < 0.94 THEN '{face.transfer.1}'
                                            WHEN r_basis < 0.97 THEN '{face.transfer.4}' ELSE '{face.share.1.5}' END
                 WHEN 'complaint_party' THEN '{3.e}'
                 WHEN 'counterparty' THEN '{3.f}'
                 WHEN 'affiliate' THEN CASE WHEN r_basis < 0.7 THEN '{face.share.2}' ELSE '{3.a}' END
                 WHEN 'partner' THEN CASE WHEN r_basis < 0.5 THEN '{face.share.3}' WHEN r_basis < 0.7 THEN '{face.share.3,2.a}' WHEN r_basis < 0.85 THEN '{3.b}'
                                          WHEN r_basis < 0.95 THEN '{2.c}' ELSE '{3.a}' END
                 WHEN 'credit_bureau' THEN '{face.share.5}'
                 ELSE CASE WHEN r_basis < 0.5 THEN '{3.d,3.a}' WHEN r_basis < 0.8 THEN '{3.a}' WHEN r_basis < 0.9 THEN '{face.transfer.5}' ELSE '{face.share.1.7}' END
               END)::text[] AS basis
       FROM k
     ), e AS (
       SELECT b.*,
              CASE WHEN repeated THEN date_trunc('second', last_at - (30 + r_span * 700) * interval '1 day') ELSE last_at END AS first_at,
              least(now(), last_at + r_rec * interval '3 days') AS recorded_at,
              ($3::uuid[])[1 + floor(r_who * cardinality($3::uuid[]))::int] AS recorder
       FROM b
     )
     SELECT g, gen_random_uuid() AS id, kind, basis, abroad, last_at, first_at, recorded_at, recorder,
            CASE WHEN repeated THEN (ARRAY['daily', 'weekly', 'monthly', 'quarterly'])[1 + floor(r_span * 4)::int] END AS frequency,
            (CASE kind
               WHEN 'authority' THEN ARRAY['PIPL.13'] || CASE WHEN r_law < 0.3 THEN ARRAY['PIPL.18'] ELSE '{}' END
                                     || CASE WHEN abroad THEN ARRAY['PIPL.41', 'DSL.36'] ELSE '{}' END
               WHEN 'complaint_party' THEN ARRAY['ECL.42']
               WHEN 'counterparty' THEN ARRAY['PIPL.13']
               WHEN 'affiliate' THEN ARRAY['PIPL.23'] || CASE WHEN abroad THEN ARRAY['PIPL.38', 'PIPL.39', 'PIPL.55'] ELSE '{}' END
               WHEN 'partner' THEN ARRAY['PIPL.23'] || CASE WHEN abroad THEN ARRAY['PIPL.38', 'PIPL.39', 'PIPL.55'] ELSE '{}' END
               WHEN 'credit_bureau' THEN ARRAY['CRR.13', 'CRR.18']
               ELSE CASE WHEN r_law < 0.5 THEN ARRAY['PIPL.13'] ELSE '{}' END
             END)::text[] AS law,
            (CASE kind
               WHEN 'authority' THEN CASE WHEN r_cat < 0.5 THEN '{account,transactions}' WHEN r_cat < 0.8 THEN '{account,device_access}'
                                          WHEN r_cat < 0.9 THEN '{account,face_basic}' ELSE '{account,published_content,violations}' END
               WHEN 'partner' THEN CASE WHEN r_cat < 0.7 THEN '{account,device_access}' ELSE '{account,transactions}' END
               WHEN 'affiliate' THEN '{account,transactions}'
               WHEN 'credit_bureau' THEN '{account,transactions}'
               WHEN 'complaint_party' THEN '{account,published_content}'
               ELSE '{account}'
             END)::text[] AS categories,
            (1 + (g::bigint * 7919) % 300)::int AS recipient_no,
            CASE WHEN abroad THEN (ARRAY['US', 'SG', 'HK', 'DE', 'JP'])[1 + g % 5] ELSE 'CN' END AS country,
            CASE WHEN r_nsub < 0.85 THEN 1 WHEN r_nsub < 0.95 THEN 2 WHEN r_nsub < 0.99 THEN 3 + g % 3 ELSE 10 + g % 21 END AS nsub,
            CASE WHEN (now() - recorded_at > interval '14 days' AND r_rev < 0.96)
                   OR (now() - recorded_at <= interval '14 days' AND r_rev < 0.9 * extract(epoch FROM now() - recorded_at) / (14 * 86400))
                 THEN CASE WHEN r_flag < 0.04 THEN 'flagged' ELSE 'confirmed' END END AS outcome,
            least(now(), recorded_at + r_rev * interval '10 days') AS reviewed_at,
            NULL::uuid AS corrects
     FROM e`,
    [base, o.years, recorders],
  );
  await c.query(`CREATE INDEX ON bench_disc (g)`);
  // Corrections: each of a flagged entry, reviewed at least a day ago; the same disclosure, recorded after the review.
  await c.query(
    `INSERT INTO bench_disc
     SELECT $1::int + row_number() OVER (ORDER BY t.g)::int, gen_random_uuid(), t.kind, t.basis, t.abroad, t.last_at, t.first_at,
            least(now(), t.reviewed_at + random() * interval '7 days'), t.recorder, t.frequency, t.law, t.categories, t.recipient_no, t.country, t.nsub,
            CASE WHEN random() < 0.9 THEN 'confirmed' END, now(), t.id
     FROM (SELECT * FROM bench_disc WHERE outcome = 'flagged' AND reviewed_at < now() - interval '1 day' ORDER BY (g * 2654435761::bigint) % 1000003 LIMIT $2) t`,
    [base, o.entries - base],
  );
  const [{ n: staged }] = (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_disc`)).rows;
  if (staged !== o.entries) throw new Error(`staged ${staged} entries instead of ${o.entries}: too few flagged entries to correct`);
  // A correction's review comes after it was recorded.
  await c.query(
    `CREATE UNLOGGED TABLE bench_corr_review AS SELECT g, least(now(), recorded_at + random() * interval '2 days') AS reviewed_at FROM bench_disc WHERE corrects IS NOT NULL`,
  );

  // Subjects: drawn with a skew, distinct per entry; a correction names its entry's subjects.
  await c.query(
    `CREATE UNLOGGED TABLE bench_disc_subj AS
     SELECT DISTINCT b.g, 1 + floor(power(random(), 1.5) * $1::int)::int AS sidx
     FROM bench_disc b CROSS JOIN LATERAL generate_series(1, b.nsub) WHERE b.corrects IS NULL`,
    [o.subjects],
  );
  await c.query(`CREATE INDEX ON bench_disc_subj (g)`);
  await c.query(`INSERT INTO bench_disc_subj SELECT c.g, s.sidx FROM bench_disc c JOIN bench_disc t ON t.id = c.corrects JOIN bench_disc_subj s ON s.g = t.g`);
  // In the order recorded, with everything the tables take.
  await c.query(
    `CREATE UNLOGGED TABLE bench_entries AS
     SELECT row_number() OVER (ORDER BY b.recorded_at, b.g)::int AS ord, b.*, n.n AS subject_count, coalesce(cr.reviewed_at, b.reviewed_at) AS review_at,
            CASE WHEN ($1::uuid[])[1 + b.g % cardinality($1::uuid[])] = b.recorder
                 THEN ($1::uuid[])[1 + (b.g + 1) % cardinality($1::uuid[])] ELSE ($1::uuid[])[1 + b.g % cardinality($1::uuid[])] END AS reviewer
     FROM bench_disc b JOIN (SELECT g, count(*)::int AS n FROM bench_disc_subj GROUP BY g) n ON n.g = b.g
     LEFT JOIN bench_corr_review cr ON cr.g = b.g`,
    [legal],
  );
  await c.query(`ALTER TABLE bench_entries ADD PRIMARY KEY (ord)`);
  await c.query(`CREATE INDEX ON bench_entries (g)`);
  log(`    staged ${count(o.entries)} entries (${count(o.entries - base)} of them corrections) and their subjects in ${since(started)}`);

  const missing = (
    await c.query<{ clause: string }>(
      `SELECT DISTINCT unnest(basis) AS clause FROM bench_disc EXCEPT SELECT clause_id FROM policy_clauses WHERE version = $1`,
      [version],
    )
  ).rows.map((r) => r.clause);
  if (missing.length > 0) throw new Error(`the load cites clauses policy version ${version} does not have: ${missing.join(', ')}`);

  // The load: triggers off where the role may (see above), secondary indexes dropped and rebuilt after.
  const replica = await c.query(`SET session_replication_role = replica`).then(
    () => true,
    () => false,
  );
  log(`    triggers and foreign-key checks during the load: ${replica ? 'off (session_replication_role = replica)' : 'on (the role may not switch them off)'}`);
  const indexes: { indexname: string; indexdef: string }[] = (
    await c.query(
      `SELECT indexname, indexdef FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = ANY($1)
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))`,
      [REGISTER_TABLES],
    )
  ).rows;
  for (const { indexname } of indexes) await c.query(`DROP INDEX "${indexname}"`);
  started = performance.now();
  for (let from = 1; from <= o.entries; from += o.loadBatch) {
    const t0 = performance.now();
    const to = Math.min(o.entries, from + o.loadBatch - 1);
    await c.query(
      `INSERT INTO disclosure_entries (id, recipient_name, recipient_kind, recipient_country, recipient_contact, basis, law, categories, purpose,
         reference, emergency, consent_purpose, agreement_ref, transfer_mechanism, transfer_ref, impact_assessment_ref, prc_approval_ref,
         first_disclosed_at, last_disclosed_at, frequency, policy_version, corrects, correction_reason, subject_count, content_hash, recorded_by, recorded_at)
       SELECT b.id,
              CASE b.kind WHEN 'authority' THEN '某市公安局第' || b.recipient_no || '分局' WHEN 'complaint_party' THEN '被投诉商户 ' || b.recipient_no
                          WHEN 'counterparty' THEN '交易相对方 ' || b.recipient_no WHEN 'affiliate' THEN '关联公司 ' || (b.recipient_no % 12)
                          WHEN 'partner' THEN 'Partner Analytics ' || (b.recipient_no % 80) WHEN 'credit_bureau' THEN '征信机构 ' || (b.recipient_no % 4)
                          ELSE 'Research Institute ' || (b.recipient_no % 40) END,
              b.kind, b.country, 'contact-' || b.recipient_no || '@recipient.example', b.basis, b.law, b.categories,
              CASE b.kind WHEN 'authority' THEN '配合案件调查（协查通知书）' WHEN 'complaint_party' THEN '知识产权投诉处理'
                          WHEN 'counterparty' THEN '完成交易、处理纠纷' WHEN 'affiliate' THEN '关联公司共享账户服务'
                          WHEN 'partner' THEN 'completing the service with a partner' WHEN 'credit_bureau' THEN '信用风险评估'
                          ELSE 'a study the subject consented to' END,
              CASE WHEN b.kind = 'authority' THEN '（' || extract(year FROM b.last_at) || '）协查字第' || b.g || '号' WHEN b.kind = 'complaint_party' THEN 'IP-' || b.g END,
              CASE WHEN b.basis && ARRAY['face.transfer.4', 'face.share.1.5'] THEN '紧急情况：保护生命安全' END,
              CASE WHEN b.kind = 'affiliate' THEN 'affiliate_sharing' WHEN b.kind = 'partner' AND b.basis && ARRAY['2.c', '3.a'] THEN 'partner_marketing'
                   WHEN b.kind = 'other' AND '3.a' = ANY(b.basis) THEN 'new_purpose:research' END,
              CASE WHEN b.kind = 'partner' THEN 'NDA-' || (b.recipient_no % 80) END,
              CASE WHEN b.abroad AND b.kind <> 'authority' THEN 'standard_contract' END,
              CASE WHEN b.abroad AND b.kind <> 'authority' THEN 'SCC-' || b.recipient_no END,
              CASE WHEN b.abroad AND b.kind <> 'authority' THEN 'PIA-' || b.recipient_no END,
              CASE WHEN b.abroad AND b.kind = 'authority' THEN 'PRC-APPROVAL-' || b.g END,
              b.first_at, b.last_at, b.frequency, $3::int, b.corrects, CASE WHEN b.corrects IS NOT NULL THEN '更正：接收方或类别记录有误' END,
              b.subject_count, md5(b.id::text) || md5(b.g::text), b.recorder, b.recorded_at
       FROM bench_entries b WHERE b.ord BETWEEN $1 AND $2 ORDER BY b.ord`,
      [from, to, version],
    );
    log(`    entries ${count(to)} (${since(t0)})`);
  }
  let t0 = performance.now();
  await c.query(
    `INSERT INTO disclosure_subjects (entry_id, subject_id, subject_ref, last_disclosed_at)
     SELECT e.id, s.id, s.subject_ref, e.last_at FROM bench_disc_subj x JOIN bench_entries e ON e.g = x.g JOIN bench_subjects s ON s.idx = x.sidx ORDER BY e.ord`,
  );
  log(`    subjects (${since(t0)})`);
  t0 = performance.now();
  await c.query(
    `INSERT INTO disclosure_citations (entry_id, cited, last_disclosed_at)
     SELECT DISTINCT ON (e.ord, c.cited) e.id, c.cited, e.last_at FROM bench_entries e CROSS JOIN LATERAL unnest(e.basis || e.law) AS c(cited) ORDER BY e.ord, c.cited`,
  );
  log(`    citations (${since(t0)})`);
  t0 = performance.now();
  await c.query(
    `INSERT INTO disclosure_reviews (entry_id, outcome, note, reviewed_by, reviewed_at, last_disclosed_at)
     SELECT id, outcome, CASE outcome WHEN 'flagged' THEN '依据不足：缺少书面文书编号' ELSE '已核对法律依据与文书' END, reviewer, review_at, last_at
     FROM bench_entries WHERE outcome IS NOT NULL ORDER BY review_at`,
  );
  await c.query(
    `INSERT INTO disclosure_withholdings (entry_id, law, reference, until, note, withheld_by, withheld_at)
     SELECT id, ARRAY['PIPL.18'], '（' || extract(year FROM last_at) || '）保密通知第' || g || '号',
            recorded_at + interval '1 day' + (g % 730 + 1) * interval '1 day', NULL, reviewer, recorded_at + interval '1 day'
     FROM bench_entries WHERE kind = 'authority' AND 'PIPL.18' = ANY(law) AND recorded_at < now() - interval '1 day' AND g % 150 = 0`,
  );
  log(`    reviews and withholdings (${since(t0)})`);
  t0 = performance.now();
  for (const { indexdef } of indexes) await c.query(indexdef);
  log(`    rebuilt ${indexes.map((i) => i.indexname).join(', ')} in ${since(t0)}; the load took ${since(started)}`);
  if (replica) await c.query(`SET session_replication_role = DEFAULT`);

  // What the skipped triggers would have enforced, checked set-wise.
  const [check] = (
    await c.query(
      `SELECT (SELECT count(*) FROM disclosure_subjects d JOIN disclosure_entries e ON e.id = d.entry_id WHERE d.last_disclosed_at <> e.last_disclosed_at)::int AS subjects,
              (SELECT count(*) FROM disclosure_citations d JOIN disclosure_entries e ON e.id = d.entry_id WHERE d.last_disclosed_at <> e.last_disclosed_at)::int AS citations,
              (SELECT count(*) FROM disclosure_reviews d JOIN disclosure_entries e ON e.id = d.entry_id
                WHERE d.last_disclosed_at <> e.last_disclosed_at OR d.reviewed_by = e.recorded_by OR d.reviewed_at < e.recorded_at)::int AS reviews,
              (SELECT count(*) FROM disclosure_entries e WHERE e.subject_count <> (SELECT count(*) FROM disclosure_subjects s WHERE s.entry_id = e.id))::int AS counts`,
    )
  ).rows;
  if (check.subjects + check.citations + check.reviews + check.counts > 0) throw new Error(`the load is inconsistent: ${JSON.stringify(check)}`);

  const picks = (
    await c.query<{ busiest: string; median: string }>(
      `WITH n AS (SELECT subject_id, count(*) AS n FROM disclosure_subjects GROUP BY subject_id)
       SELECT (SELECT subject_id FROM n ORDER BY n DESC, subject_id LIMIT 1) AS busiest,
              (SELECT subject_id FROM n ORDER BY n, subject_id OFFSET (SELECT count(*) / 2 FROM n) LIMIT 1) AS median`,
    )
  ).rows[0];
  const perSubject = (
    await c.query<{ id: string; n: number }>(`SELECT subject_id AS id, count(*)::int AS n FROM disclosure_subjects WHERE subject_id = ANY($1) GROUP BY 1`, [
      [picks.busiest, picks.median],
    ])
  ).rows;
  const nOf = (id: string) => perSubject.find((p) => p.id === id)?.n ?? 0;
  log(`    the busiest subject is named in ${count(nOf(picks.busiest))} entries, the median one in ${count(nOf(picks.median))}`);
  await c.query(`DROP TABLE bench_disc, bench_disc_subj, bench_entries, bench_corr_review, bench_subjects`);
  return { busiestSubject: picks.busiest, medianSubject: picks.median };
}
