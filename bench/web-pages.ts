// The staff pages of the web portal at size: the time to make GET /staff/requests (the queue, first
// page and filtered) and GET /staff/requests/:id (one request) over a million requests. Not a test:
// it prints figures.
//
//   npm run bench -- web-pages [--requests 1000000] [--subjects 200000] [--runs 50] [--warmup 5] [--limit 25]
//
// The table is loaded as the queue bench loads it (support/queue-load.ts: SQL straight into
// `requests`, then VACUUM ANALYZE). Each page is timed two ways, one call at a time:
// - server-side: the page service's own method in this process (StaffPages.queue / .request, the
//   handlers' one line): the form's validation, the review service's query, and the Eta render of
//   the whole HTML page with the layout;
// - over HTTP from this process to the portal on 127.0.0.1, as a browser asks (Accept: text/html;
//   a bearer token instead of the session cookie): the access guard, the interceptor's headers and
//   the bytes of the page included.
//
// Uses DATABASE_URL's server when set (it creates, and afterwards drops, a fresh database there; the
// role needs CREATEDB and CREATEROLE), otherwise a throwaway embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { AccountsService } from '../src/accounts/accounts.service';
import { SYSTEM_ACTOR } from '../src/kernel/actor';
import type { AuthUser } from '../src/kernel/auth-user';
import { Role } from '../src/kernel/role';
import { OPEN_STATUSES, sqlList } from '../src/requests';
import type { PageContext } from '../src/web/web-context';
import type { WebResult } from '../src/web/web-result';
import { StaffPages } from '../src/web/staff/staff-pages.service';
import { describeServer, freshDatabase, withClient } from './support/database';
import { parseFlags } from './support/flags';
import { call } from './support/http';
import { portalEnv, startPortalInProcess } from './support/portal';
import { PortalRole, portalRole } from './support/portal-role';
import { loadQueue } from './support/queue-load';
import { count, describeMachine, ms, percentile, seconds } from './support/stats';

const DEFAULTS = { requests: 1_000_000, subjects: 200_000, staff: 16, legal: 4, runs: 50, warmup: 5, limit: 25, loadBatch: 100_000 };
type Options = typeof DEFAULTS;

/** The target: a page made in under 30 ms at the 95th percentile, server-side. */
const TARGET_P95_MS = 30;

interface Measured {
  label: string;
  bytes: number;
  service: number[];
  http: number[];
}

export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, DEFAULTS);
  const db = await freshDatabase('dsr_bench_web_pages');
  let role: PortalRole | undefined;
  let stop: (() => Promise<void>) | undefined;
  try {
    // The portal connects as a role that owns nothing, as production requires (README, "Database roles").
    role = await portalRole(db);
    const portal = await startPortalInProcess(portalEnv(db.url, role.env));
    stop = () => portal.stop();
    const ds = portal.app.get(DataSource);
    const pages = portal.app.get(StaffPages);
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
    await withClient(db.url, async (c) => {
      await loadQueue(
        c,
        { requests: o.requests, subjects: o.subjects, staffIds: staff.map((s) => s.id), legalIds: legal.map((l) => l.id), batch: o.loadBatch },
        console.log,
      );
    });
    const vacuumStart = performance.now();
    // As the owner: only a table's owner may vacuum it.
    await withClient(db.url, async (c) => {
      await c.query(`VACUUM ANALYZE requests`);
      await c.query(`VACUUM ANALYZE users`);
    });
    console.log(`    loaded in ${seconds(vacuumStart - loadStart)} s; VACUUM ANALYZE in ${seconds(performance.now() - vacuumStart)} s`);

    // One open request the busiest reviewer holds, and one nobody holds yet: the pages a reviewer opens most.
    const [held] = await ds.query(`SELECT id FROM requests WHERE assignee_id = $1 AND status = 'in_review' ORDER BY due_at LIMIT 1`, [busiest.id]);
    const [free] = await ds.query(`SELECT id FROM requests WHERE status = 'submitted' ORDER BY due_at LIMIT 1`);
    const [{ open }] = await ds.query(`SELECT count(*)::int AS open FROM requests WHERE status IN (${sqlList(OPEN_STATUSES)})`);
    console.log(`    ${count(open)} open requests`);

    const context = (path: string): PageContext => ({ locale: 'zh-CN', csrfToken: 'b'.repeat(43), path, user });
    const targets: { label: string; path: string; make: () => Promise<WebResult> }[] = [
      { label: 'queue, first page (every open request)', path: `/staff/requests`, make: () => pages.queue(user, {}, context('/staff/requests')) },
      {
        label: 'queue, filtered: type=access&status=in_review',
        path: `/staff/requests?type=access&status=in_review`,
        make: () => pages.queue(user, { type: 'access', status: 'in_review' }, context('/staff/requests')),
      },
      {
        label: 'queue, filtered: overdue=true',
        path: `/staff/requests?overdue=true`,
        make: () => pages.queue(user, { overdue: 'true' }, context('/staff/requests')),
      },
      {
        label: 'queue, filtered: assignee=<me>&type=access',
        path: `/staff/requests?assignee=${busiest.id}&type=access`,
        make: () => pages.queue(user, { assignee: busiest.id, type: 'access' }, context('/staff/requests')),
      },
      ...(held
        ? [
            {
              label: 'one request (held by me, in_review)',
              path: `/staff/requests/${held.id}`,
              make: () => pages.request(user, held.id as string, context('/x')),
            },
          ]
        : []),
      ...(free
        ? [
            {
              label: 'one request (submitted, unassigned)',
              path: `/staff/requests/${free.id}`,
              make: () => pages.request(user, free.id as string, context('/x')),
            },
          ]
        : []),
    ];

    // Compile the templates and warm every path once before anything is timed.
    for (const target of targets) for (let i = 0; i < 20; i++) await target.make();

    console.log(`\n(b) ${o.runs} runs each after ${o.warmup} warm-up runs, one at a time; server-side = the page service's method in this process`);
    console.log(`    (validation, the query, the Eta render of the whole page); HTTP = GET from this process over 127.0.0.1 with Accept: text/html.`);
    console.log(`    ${'page'.padEnd(48)} ${'bytes'.padStart(8)}   service p50    p95    max   HTTP p50    p95`);
    const results: Measured[] = [];
    for (const target of targets) {
      const m = await measure(target.make, portal.baseUrl, target.path, token, o);
      results.push({ label: target.label, ...m });
      console.log(
        `    ${target.label.padEnd(48)} ${count(m.bytes).padStart(8)}   ${ms(percentile(m.service, 50)).padStart(6)} ${ms(percentile(m.service, 95)).padStart(6)} ` +
          `${ms(Math.max(...m.service)).padStart(6)}   ${ms(percentile(m.http, 50)).padStart(6)} ${ms(percentile(m.http, 95)).padStart(6)}`,
      );
    }

    const missed = results.filter((r) => percentile(r.service, 95) >= TARGET_P95_MS);
    console.log(`\n    Target p95 < ${TARGET_P95_MS} ms server-side: ${missed.length === 0 ? 'met for every page' : `MISSED for ${missed.length}:`}`);
    for (const r of missed) console.log(`      ${r.label}: p95 ${ms(percentile(r.service, 95))} ms`);
    console.log(
      `\nLoad average while measuring (1 min): ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs (other work on the machine shows in the p95 and max columns).`,
    );
  } finally {
    await stop?.();
    await db.release();
    await role?.drop();
  }
}

/** Times one page `runs` times in-process and over HTTP; the page must be a 200 both ways. */
async function measure(make: () => Promise<WebResult>, baseUrl: string, path: string, token: string, o: Options) {
  const service: number[] = [];
  let bytes = 0;
  for (let i = 0; i < o.warmup + o.runs; i++) {
    const t0 = performance.now();
    const result = await make();
    const took = performance.now() - t0;
    if (!('page' in result) || (result.status ?? 200) !== 200) throw new Error(`${path}: the page service answered ${JSON.stringify(result).slice(0, 200)}`);
    bytes = Buffer.byteLength(result.page);
    if (i >= o.warmup) service.push(took);
  }
  const http: number[] = [];
  for (let i = 0; i < o.warmup + o.runs; i++) {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}${path}`, { headers: { accept: 'text/html', authorization: `Bearer ${token}` } });
    const text = await res.text();
    const took = performance.now() - t0;
    if (res.status !== 200 || !text.includes('<html')) throw new Error(`GET ${path} answered ${res.status}`);
    if (i >= o.warmup) http.push(took);
  }
  return { bytes, service, http };
}
