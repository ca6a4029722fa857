// The worker of the fulfilment bench, in a process of its own: the portal as it ships (AppModule,
// listening on 127.0.0.1 for the bench's filing and review calls; WORKER_MODE=off, so the queue
// never starts a job by itself), which on the bench's command runs one job through its public
// `run(requestId)` (ExportJob, ErasureJob), or the plain SQL it is compared with, and answers the
// wall time and this process's memory meanwhile. Started by fulfilment-worker-client.ts.
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { Client } from 'pg';
import type { Role } from '../../src/kernel/role';
import { copyOut } from './copy-out';
import { createApp } from './portal';

/** A command from the bench; `n` pairs it with its answer. */
export type WorkerCommand =
  | { n: number; cmd: 'account'; role: Role; email: string; password: string }
  | { n: number; cmd: 'job'; kind: 'export' | 'erase'; requestId: string }
  | { n: number; cmd: 'copy'; sql: string }
  | { n: number; cmd: 'delete'; sql: string; params: unknown[] }
  | { n: number; cmd: 'stop' };

/** What one measured run took. Memory in bytes; `baseline` just before it starts (after a full GC). */
export interface Measured {
  ms: number;
  baselineRss: number;
  peakRss: number;
  baselineHeap: number;
  peakHeap: number;
  /** the V8 heap's reserved size (heapTotal: old and young generations) before and at its peak */
  baselineHeapTotal: number;
  peakHeapTotal: number;
  /** memory outside the V8 heap held by JavaScript objects (external, which includes Buffers), before and at its peak */
  baselineExternal: number;
  peakExternal: number;
  /** CPU time (user + system) this process used meanwhile */
  cpuMs: number;
  /** time spent in garbage collection meanwhile (V8's gc performance entries) */
  gcMs: number;
  /** what the run answered: rows for a DELETE, bytes and lines for a COPY */
  result?: Record<string, number>;
}

const SAMPLE_EVERY_MS = 5;

/** Peak resident set size since the last reset (VmHWM), in bytes; null where /proc is not there. */
function highWaterMark(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0): the peak read afterwards is this run's alone. */
function resetHighWaterMark(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the sampled peak stands alone.
  }
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Times `work` and watches this process's memory while it runs: RSS and heap sampled every 5 ms,
 * and the kernel's own peak RSS (VmHWM, reset just before), which no sampling interval can miss.
 */
async function measured(work: () => Promise<Record<string, number> | void>): Promise<Measured> {
  gc?.();
  gc?.();
  await new Promise((r) => setTimeout(r, 100));
  const before = process.memoryUsage();
  resetHighWaterMark();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let peakHeapTotal = before.heapTotal;
  let peakExternal = before.external;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.heapTotal > peakHeapTotal) peakHeapTotal = m.heapTotal;
    if (m.external > peakExternal) peakExternal = m.external;
  }, SAMPLE_EVERY_MS);
  let gcMs = 0;
  const gcWatch = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gcWatch.observe({ entryTypes: ['gc'] });
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    const peak = Math.max(peakRss, highWaterMark() ?? 0);
    // Entries are delivered asynchronously: let the last ones arrive.
    await new Promise((r) => setImmediate(r));
    return {
      ms,
      baselineRss: before.rss,
      peakRss: peak,
      baselineHeap: before.heapUsed,
      peakHeap,
      baselineHeapTotal: before.heapTotal,
      peakHeapTotal,
      baselineExternal: before.external,
      peakExternal,
      cpuMs: (user + system) / 1000,
      gcMs,
      result: result ?? undefined,
    };
  } finally {
    clearInterval(sampler);
    gcWatch.disconnect();
  }
}

async function main(): Promise<void> {
  const app = await createApp('app');
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const { ExportJob } = await import('../../src/exports');
  const { ErasureJob } = await import('../../src/erasure');
  const { AccountsService } = await import('../../src/accounts/accounts.service');
  const { SYSTEM_ACTOR } = await import('../../src/kernel/actor');
  // The plain statements' own connection to the operator's database (the portal's, where the sample schema lives), opened once.
  const sql = new Client({ connectionString: process.env.OPERATOR_DATABASE_URL ?? process.env.DATABASE_URL, application_name: 'dsr-bench-plain-sql' });
  await sql.connect();

  const handle = async (m: WorkerCommand): Promise<unknown> => {
    switch (m.cmd) {
      case 'account': {
        const created = await app.get(AccountsService).create({ email: m.email, password: m.password, role: m.role }, SYSTEM_ACTOR);
        return { id: created.id };
      }
      case 'job':
        return measured(() => (m.kind === 'export' ? app.get(ExportJob).run(m.requestId) : app.get(ErasureJob).run(m.requestId)));
      case 'copy':
        return measured(() => copyOut(sql, m.sql));
      case 'delete':
        return measured(async () => ({ rows: (await sql.query(m.sql, m.params)).rowCount ?? 0 }));
      case 'stop':
        await sql.end();
        await app.close();
        return { stopped: true };
    }
  };

  process.on('message', (m: WorkerCommand) => {
    handle(m).then(
      (answer) => {
        process.send?.({ n: m.n, answer });
        if (m.cmd === 'stop') process.exit(0);
      },
      (err: unknown) => process.send?.({ n: m.n, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.send?.({ port });
}

main().catch((err: unknown) => {
  process.send?.({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
