// The audit trail's throughput: appends per second with concurrent writers while the sealer runs,
// sealing a backlog, and verification speed and memory over a long chain. Not a test: it prints figures.
//
//   npm run bench -- audit [--events 1000000] [--appends 20000] [--writers 32] [--seal-interval 1000]
//                          [--load-batch 5000] [--loaders 8] [--verify-runs 1]
//
// Uses DATABASE_URL's server when set (it creates, and afterwards drops, a fresh database there;
// the role needs CREATEDB), otherwise a throwaway embedded PostgreSQL.
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { DataSource } from 'typeorm';
import { AuditRepository } from '../src/audit/audit.repository';
import { AuditService } from '../src/audit/audit.service';
import { Role } from '../src/kernel/role';
import { buildDataSourceOptions } from '../src/database/typeorm-options';
import { backendsCpuSince, postgresBackendsCpuByPid } from './support/backend-cpu';
import { freshDatabase } from './support/database';

interface Options {
  events: number;
  appends: number;
  writers: number;
  sealIntervalMs: number;
  loadBatch: number;
  loaders: number;
  verifyRuns: number;
}

function parse(args: string[]): Options {
  const o: Options = { events: 1_000_000, appends: 20_000, writers: 32, sealIntervalMs: 1000, loadBatch: 5000, loaders: 8, verifyRuns: 1 };
  const flags: Record<string, keyof Options> = {
    '--events': 'events',
    '--appends': 'appends',
    '--writers': 'writers',
    '--seal-interval': 'sealIntervalMs',
    '--load-batch': 'loadBatch',
    '--loaders': 'loaders',
    '--verify-runs': 'verifyRuns',
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = flags[args[i]];
    const value = Number(args[i + 1]);
    if (!key || !Number.isInteger(value) || value < 1) throw new Error(`unknown flag or bad value: ${args[i]} ${args[i + 1] ?? ''}`);
    o[key] = value;
  }
  return o;
}

/** A realistic event: ids and codes, no personal data. */
const sampleEvent = (i: number) => ({
  action: 'request.decided',
  actor: { id: randomUUID(), role: Role.Staff },
  entityType: 'request',
  entityId: randomUUID(),
  subjectRef: randomUUID(),
  data: { outcome: i % 3 === 0 ? 'refused' : 'granted', clauses: ['face.use.4', '7.a'], policyVersion: 3, seq: i },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number) => (ms / 1000).toFixed(1);

export async function run(args: string[]): Promise<void> {
  const o = parse(args);
  const db = await freshDatabase('dsr_bench');
  // One connection per writer plus the sealer's, so that the pool is not what is measured.
  const base = buildDataSourceOptions(db.url);
  const ds = new DataSource({ ...base, extra: { ...(base.extra as object), max: Math.max(o.writers, o.loaders) + 4 } });
  try {
    await ds.initialize();
    await ds.runMigrations();
    const audit = new AuditService(new AuditRepository(ds));
    const [{ version }] = await ds.query(`SELECT current_setting('server_version') AS version`);
    const settings: Array<{ name: string; setting: string }> = await ds.query(
      `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level') ORDER BY name`,
    );
    console.log(`PostgreSQL ${version} (${db.embedded ? 'embedded' : 'DATABASE_URL'}; ${settings.map((s) => `${s.name}=${s.setting}`).join(', ')})`);
    console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB\n`);

    await appends(ds, audit, o);
    await verification(ds, audit, o, new URL(db.url).pathname.slice(1));
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.release();
  }
}

/** (a) `writers` concurrent writers, each append its own transaction; the sealer on its timer. */
async function appends(ds: DataSource, audit: AuditService, o: Options): Promise<void> {
  console.log(`(a) Appends: ${fmt(o.appends)} events, ${o.writers} concurrent writers, each append its own transaction;`);
  console.log(`    the sealer runs alongside every ${o.sealIntervalMs} ms, as in the portal.`);
  let next = 0;
  let writing = true;
  let sealed = 0;
  let sealRounds = 0;
  const latencies: number[] = [];
  const sealer = (async () => {
    while (writing) {
      sealed += await audit.seal();
      sealRounds += 1;
      await sleep(o.sealIntervalMs);
    }
  })();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.writers }, async () => {
      for (let i = next++; i < o.appends; i = next++) {
        const t0 = performance.now();
        await ds.transaction((m) => audit.record(m, sampleEvent(i)));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  writing = false;
  await sealer;
  const lagStart = performance.now();
  const rest = await audit.seal({ wait: true });
  const lagMs = performance.now() - lagStart;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
  console.log(`    ${fmt(o.appends / (elapsed / 1000))} appends/s (${fmt(o.appends)} in ${seconds(elapsed)} s); latency p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
  console.log(`    sealed alongside: ${fmt(sealed)} in ${sealRounds} rounds; left for the final seal: ${fmt(rest)} (${lagMs.toFixed(0)} ms)`);
  const result = await audit.verify();
  if (!result.ok || result.events !== o.appends) throw new Error(`chain not intact after the append run: ${JSON.stringify(result)}`);
  console.log(`    chain intact: ${fmt(result.events)} events\n`);
}

/** (b) Load events through `record` in large transactions, time sealing them, then time `verify()` and sample its memory. */
async function verification(ds: DataSource, audit: AuditService, o: Options, dbName: string): Promise<void> {
  const [{ count }] = await ds.query(`SELECT count(*)::int AS count FROM audit_events`);
  const toLoad = Math.max(0, o.events - count);
  console.log(`(b) Verification over ${fmt(o.events)} events. Loading ${fmt(toLoad)} through AuditService.record,`);
  console.log(`    ${fmt(o.loadBatch)} per transaction, ${o.loaders} loaders at once; then sealing; then verify().`);
  let next = 0;
  const batches = Math.ceil(toLoad / o.loadBatch);
  const loadStart = performance.now();
  let lastReport = loadStart;
  let loaded = 0;
  await Promise.all(
    Array.from({ length: o.loaders }, async () => {
      for (let b = next++; b < batches; b = next++) {
        const size = Math.min(o.loadBatch, toLoad - b * o.loadBatch);
        await ds.transaction(async (m) => {
          for (let i = 0; i < size; i++) await audit.record(m, sampleEvent(b * o.loadBatch + i));
        });
        loaded += size;
        if (performance.now() - lastReport > 15_000) {
          lastReport = performance.now();
          console.log(`    … ${fmt(loaded)} loaded`);
        }
      }
    }),
  );
  const loadMs = performance.now() - loadStart;
  console.log(`    loaded in ${seconds(loadMs)} s (${fmt(toLoad / (loadMs / 1000))} events/s)`);

  // The backlog is every loaded event: one seal() links them all, round after round, as the
  // sealer does after an outage.
  const sealCpu = cpuNow(dbName);
  const sealStart = performance.now();
  const sealed = await audit.seal({ wait: true });
  const sealMs = performance.now() - sealStart;
  console.log(`    sealing the backlog: seal() linked ${fmt(sealed)} events in ${seconds(sealMs)} s = ${fmt(sealed / (sealMs / 1000))} events/s`);
  console.log(`      ${cpuPerEvent(sealCpu, cpuNow(dbName), sealed)}`);

  await ds.query(`VACUUM ANALYZE audit_events`);
  await ds.query(`VACUUM ANALYZE audit_chain`);
  for (let run = 1; run <= o.verifyRuns; run++) {
    const cpu = cpuNow(dbName);
    const { result, ms, before, peakRss, peakHeap } = await sampled(() => audit.verify());
    if (!result.ok) throw new Error(`chain broken: ${JSON.stringify(result)}`);
    const rate = `${fmt(result.events)} events in ${seconds(ms)} s = ${fmt(result.events / (ms / 1000))} events/s`;
    console.log(`    verify()${o.verifyRuns > 1 ? ` run ${run}` : ''}: ${rate} (ok, head ${result.head.slice(0, 12)}…)`);
    console.log(`      ${cpuPerEvent(cpu, cpuNow(dbName), result.events)}`);
    console.log(
      `      memory while it ran: peak RSS ${mib(peakRss)} (${mib(before.rss)} before), peak heap used ${mib(peakHeap)} (${mib(before.heapUsed)} before)`,
    );
  }
}

/** CPU time used so far (ms): this process (the sampler's share is small), and each PostgreSQL backend serving the bench's database. */
function cpuNow(dbName: string): { node: number; postgres: Map<number, number> | null } {
  const { user, system } = process.cpuUsage();
  return { node: (user + system) / 1000, postgres: postgresBackendsCpuByPid(dbName) };
}

/** CPU per event between two readings, and the load average: on a shared machine, what the figures were measured under. */
function cpuPerEvent(from: ReturnType<typeof cpuNow>, to: ReturnType<typeof cpuNow>, events: number): string {
  const perEvent = (ms: number) => `${((ms * 1000) / events).toFixed(1)} µs`;
  const postgres = backendsCpuSince(from.postgres, to.postgres);
  return `CPU per event: Node ${perEvent(to.node - from.node)}, PostgreSQL ${postgres === null ? '?' : perEvent(postgres)}; load average ${loadavg()[0].toFixed(1)}`;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Times `work` and samples this process's memory every 10 ms while it runs. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; before: NodeJS.MemoryUsage; peakRss: number; peakHeap: number }> {
  const before = process.memoryUsage();
  let [peakRss, peakHeap] = [before.rss, before.heapUsed];
  const sample = () => {
    const now = process.memoryUsage();
    [peakRss, peakHeap] = [Math.max(peakRss, now.rss), Math.max(peakHeap, now.heapUsed)];
  };
  const timer = setInterval(sample, 10);
  const start = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - start;
    sample();
    return { result, ms, before, peakRss, peakHeap };
  } finally {
    clearInterval(timer);
  }
}
