import { join } from 'node:path';
import { forkCompiled } from './compiled';
import type { Measured, WorkerCommand } from './fulfilment-worker';

type Command = WorkerCommand extends infer C ? (C extends { n: number } ? Omit<C, 'n'> : never) : never;

export interface FulfilmentWorker {
  baseUrl: string;
  pid: number;
  /** Sends one command and waits for its answer. */
  ask<T = Measured>(command: Command): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts fulfilment-worker.ts in a process of its own, compiled as production runs the worker
 * (compiled.ts), with --expose-gc so that every measured run starts from a collected heap, and
 * waits until it listens.
 */
export async function startFulfilmentWorker(env: Record<string, string>): Promise<FulfilmentWorker> {
  const child = forkCompiled(join(__dirname, 'fulfilment-worker.ts'), [], {
    env: { ...process.env, ...env },
    execArgv: ['--expose-gc', ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port?: number; error?: string }) => (m.port ? resolve(m.port) : reject(new Error(m.error ?? 'the worker did not start'))));
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before listening`)));
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { n?: number; answer?: unknown; error?: string }) => {
    if (m.n === undefined) return;
    const w = waiting.get(m.n);
    waiting.delete(m.n);
    if (m.error !== undefined) w?.reject(new Error(`in the worker: ${m.error}`));
    else w?.resolve(m.answer);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the worker process exited (${code})`));
    waiting.clear();
  });
  const ask = <T>(command: Command): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const n = next++;
      waiting.set(n, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...command, n });
    });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    ask,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      await ask({ cmd: 'stop' }).catch(() => undefined);
      await exited;
    },
  };
}
