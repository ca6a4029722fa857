// Intake throughput: subjects filing requests over HTTP, concurrently, against the portal listening
// on 127.0.0.1 in a process of its own, side by side with a baseline endpoint of the same stack that
// does one plain INSERT. Not a test: it prints figures.
//
//   npm run bench -- intake [--clients 64] [--subjects-per-client 8] [--epochs 5] [--warmup-epochs 1] [--solo-calls 256]
//
// What is measured. A subject may have one open request per type, so each client owns
// `subjects-per-client` subjects and, in one epoch, files an `access` and a `disclosure_log` request
// for each of them, one call after the other (a closed loop: the next call leaves when the answer
// to the last one has been read). Between epochs every client cancels what it filed; the cancels
// are not measured, and no measured call is in flight while they run. The baseline runs the same
// epochs with the same clients, tokens and bodies against POST /bench/baseline. The two alternate
// epoch by epoch (which of them goes first alternates too), so that both see the same database.
// Throughput is the calls of the measured epochs over their summed wall time; latency is each
// call's time from sending to the last byte of the answer read. With 64 clients the portal is
// saturated, so those latencies are mostly queueing (about clients / throughput); last, one client
// alone makes `solo-calls` calls of each kind, one after the other, for the latency of a call
// that waits on nothing else.
//
// Uses DATABASE_URL's server when set (it creates, and afterwards drops, a fresh database there),
// otherwise a throwaway embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { BASELINE_PATH, BASELINE_TABLE_DDL } from './support/baseline.module';
import { postgresBackendsCpuMs } from './support/cpu';
import { describeServer, freshDatabase, withClient } from './support/database';
import { parseFlags } from './support/flags';
import { call, inParallel } from './support/http';
import { PortalProcess, portalEnv, startPortalProcess } from './support/portal';
import { count, describeMachine, ms, percentile, seconds } from './support/stats';

const DEFAULTS = { clients: 64, subjectsPerClient: 8, epochs: 5, warmupEpochs: 1, soloCalls: 256 };
type Options = typeof DEFAULTS;

/** The two request types filed; both take the same path through intake (no step-up, no consent ledger). */
const TYPES = ['access', 'disclosure_log'] as const;

interface Subject {
  token: string;
}

type Kind = 'intake' | 'baseline';

/** A request filed in an epoch, with the token of its subject (who cancels it afterwards). */
interface Filed {
  id: string;
  token: string;
}

interface Tally {
  calls: number;
  wallMs: number;
  latencies: number[];
  failures: Map<string, number>;
  /** CPU time used meanwhile by the portal process and by the database's backends (null: unknown) */
  portalCpuMs: number;
  postgresCpuMs: number | null;
}

export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, DEFAULTS);
  const perEpoch = o.clients * o.subjectsPerClient * TYPES.length;
  const db = await freshDatabase('dsr_bench_intake');
  let portal: PortalProcess | undefined;
  const dbName = new URL(db.url).pathname.slice(1);
  try {
    await withClient(db.url, (c) => c.query(BASELINE_TABLE_DDL));
    portal = await startPortalProcess(portalEnv(db.url), 'bench');
    console.log(await describeServer(db.url, db.embedded));
    console.log(`${describeMachine()}; the portal in its own Node process, the load generator in this one\n`);

    const signUpStart = performance.now();
    const subjects = await signUp(portal.baseUrl, o.clients * o.subjectsPerClient);
    console.log(`Registered and signed in ${count(subjects.length)} subjects in ${seconds(performance.now() - signUpStart)} s.`);
    console.log(
      `${o.clients} clients × ${o.subjectsPerClient} subjects × ${TYPES.length} types = ${count(perEpoch)} calls per epoch; ` +
        `${o.warmupEpochs} warm-up + ${o.epochs} measured epochs of each kind, alternating.\n`,
    );

    const tallies: Record<Kind, Tally> = { intake: emptyTally(), baseline: emptyTally() };
    for (let epoch = 0; epoch < o.warmupEpochs + o.epochs; epoch++) {
      const measured = epoch >= o.warmupEpochs;
      const order: Kind[] = epoch % 2 === 0 ? ['baseline', 'intake'] : ['intake', 'baseline'];
      const filed: Filed[][] = [];
      for (const kind of order) {
        const cpuBefore = [await portal.cpuMs(), postgresBackendsCpuMs(dbName)] as const;
        const result = await runEpoch(portal.baseUrl, subjects, o, kind, filed);
        const pgAfter = postgresBackendsCpuMs(dbName);
        result.portalCpuMs = (await portal.cpuMs()) - cpuBefore[0];
        result.postgresCpuMs = pgAfter !== null && cpuBefore[1] !== null ? pgAfter - cpuBefore[1] : null;
        if (measured) merge(tallies[kind], result);
        const label = measured ? `epoch ${epoch - o.warmupEpochs + 1}` : 'warm-up';
        console.log(
          `  ${label.padEnd(9)} ${kind.padEnd(8)} ${count(rate(result)).padStart(6)} req/s  p50 ${ms(percentile(result.latencies, 50)).padStart(6)} ms  ` +
            `p99 ${ms(percentile(result.latencies, 99)).padStart(6)} ms  CPU/call: portal ${ms(result.portalCpuMs / result.calls)} ms, ` +
            `PostgreSQL ${result.postgresCpuMs === null ? '?' : ms(result.postgresCpuMs / result.calls)} ms  (load ${loadavg()[0].toFixed(1)})`,
        );
      }
      await cancelAll(portal.baseUrl, filed);
    }

    const solo = await soloLatencies(portal.baseUrl, subjects, o);

    const [{ n: requestRows }] = (await withClient(db.url, (c) => c.query(`SELECT count(*)::int AS n FROM requests`))).rows;
    const expected = (o.warmupEpochs + o.epochs) * perEpoch + solo.intake.length;
    if (requestRows !== expected) throw new Error(`expected ${expected} requests in the database, found ${requestRows}`);

    console.log('\nResults (measured epochs only):');
    console.log('  endpoint                         calls    req/s    p50 ms   p90 ms   p99 ms   max ms   CPU ms/call: portal  PostgreSQL   failures');
    for (const [kind, label] of [
      ['intake', 'POST /api/v1/requests'],
      ['baseline', `POST ${BASELINE_PATH} (1 INSERT)`],
    ] as const) {
      const t = tallies[kind];
      const failures = [...t.failures].map(([k, v]) => `${k}×${v}`).join(' ') || '0';
      const pg = t.postgresCpuMs === null ? '?' : ms(t.postgresCpuMs / t.calls);
      console.log(
        `  ${label.padEnd(30)} ${count(t.calls).padStart(7)} ${count(rate(t)).padStart(8)} ${ms(percentile(t.latencies, 50)).padStart(9)} ` +
          `${ms(percentile(t.latencies, 90)).padStart(8)} ${ms(percentile(t.latencies, 99)).padStart(8)} ${ms(Math.max(...t.latencies)).padStart(8)} ` +
          `${ms(t.portalCpuMs / t.calls).padStart(20)} ${pg.padStart(11)}   ${failures}`,
      );
    }
    console.log(
      `\n  one client alone, ${solo.intake.length} calls each: intake p50 ${ms(percentile(solo.intake, 50))} ms, p99 ${ms(percentile(solo.intake, 99))} ms; ` +
        `baseline p50 ${ms(percentile(solo.baseline, 50))} ms, p99 ${ms(percentile(solo.baseline, 99))} ms`,
    );
    const ratio = rate(tallies.intake) / rate(tallies.baseline);
    console.log(`\n  intake / baseline throughput: ${ratio.toFixed(3)} (target: at least 0.50) → ${ratio >= 0.5 ? 'met' : 'MISSED'}`);
    if (tallies.intake.failures.size > 0 || tallies.baseline.failures.size > 0) throw new Error('some calls failed: the figures above are not valid');
  } finally {
    await portal?.stop();
    await db.release();
  }
}

/** Registers and signs in `n` subjects over HTTP (argon2 hashing and verifying: a few at a time). */
async function signUp(baseUrl: string, n: number): Promise<Subject[]> {
  const run = randomBytes(3).toString('hex');
  return inParallel(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const email = `bench.${run}.${i}@example.invalid`;
      const password = `bench-${randomBytes(9).toString('hex')}`;
      const registered = await call(baseUrl, 'POST', '/api/v1/auth/register', undefined, { email, password });
      if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
      const login = await call<{ accessToken: string }>(baseUrl, 'POST', '/api/v1/auth/login', undefined, { email, password });
      if (login.status !== 200) throw new Error(`login answered ${login.status}`);
      return { token: login.body.accessToken };
    },
  );
}

/**
 * One epoch of one kind: every client files (or inserts) for each of its subjects and each type,
 * one call at a time. The ids filed are kept per client for the cancels that follow.
 */
async function runEpoch(baseUrl: string, subjects: Subject[], o: Options, kind: Kind, filed: Filed[][]): Promise<Tally> {
  const tally = emptyTally();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.clients }, async (_, c) => {
      const mine = subjects.slice(c * o.subjectsPerClient, (c + 1) * o.subjectsPerClient);
      filed[c] ??= [];
      for (const type of TYPES) {
        for (const s of mine) {
          const res = await call<{ id: string; status?: string }>(baseUrl, 'POST', kind === 'intake' ? '/api/v1/requests' : BASELINE_PATH, s.token, { type });
          tally.calls += 1;
          tally.latencies.push(res.ms);
          if (res.status !== 201 || (kind === 'intake' && res.body.status !== 'submitted')) {
            const key = `${res.status}`;
            tally.failures.set(key, (tally.failures.get(key) ?? 0) + 1);
          } else if (kind === 'intake') filed[c].push({ id: res.body.id, token: s.token });
        }
      }
    }),
  );
  tally.wallMs = performance.now() - started;
  return tally;
}

/** Makes room for the next epoch: each client cancels what it filed (not measured). */
async function cancelAll(baseUrl: string, filed: Filed[][]): Promise<void> {
  await Promise.all(
    filed.map(async (mine) => {
      for (const { id, token } of mine) {
        const res = await call(baseUrl, 'POST', `/api/v1/requests/${id}/cancel`, token);
        if (res.status !== 200) throw new Error(`cancel answered ${res.status}`);
      }
    }),
  );
}

/** One client alone, one call at a time: filing (then cancelling, not timed) and the baseline. */
async function soloLatencies(baseUrl: string, subjects: Subject[], o: Options): Promise<Record<Kind, number[]>> {
  const slots = subjects.flatMap((s) => TYPES.map((type) => ({ s, type }))).slice(0, o.soloCalls);
  const out: Record<Kind, number[]> = { intake: [], baseline: [] };
  const filed: Filed[] = [];
  for (const { s, type } of slots) {
    const res = await call<{ id: string }>(baseUrl, 'POST', '/api/v1/requests', s.token, { type });
    if (res.status !== 201) throw new Error(`filing answered ${res.status}`);
    out.intake.push(res.ms);
    filed.push({ id: res.body.id, token: s.token });
    const base = await call(baseUrl, 'POST', BASELINE_PATH, s.token, { type });
    if (base.status !== 201) throw new Error(`baseline answered ${base.status}`);
    out.baseline.push(base.ms);
  }
  await cancelAll(baseUrl, [filed]);
  return out;
}

function emptyTally(): Tally {
  return { calls: 0, wallMs: 0, latencies: [], failures: new Map(), portalCpuMs: 0, postgresCpuMs: 0 };
}

function merge(into: Tally, from: Tally): void {
  into.calls += from.calls;
  into.wallMs += from.wallMs;
  for (const l of from.latencies) into.latencies.push(l);
  for (const [k, v] of from.failures) into.failures.set(k, (into.failures.get(k) ?? 0) + v);
  into.portalCpuMs += from.portalCpuMs;
  into.postgresCpuMs = into.postgresCpuMs === null || from.postgresCpuMs === null ? null : into.postgresCpuMs + from.postgresCpuMs;
}

const rate = (t: Tally): number => t.calls / (t.wallMs / 1000);
