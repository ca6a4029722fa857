import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { EndWorkerCommand } from './end-of-service-worker';

type Command = EndWorkerCommand extends infer C ? (C extends { n: number } ? Omit<C, 'n'> : never) : never;

export interface EndWorker {
  pid: number;
  /** Sends one command and waits for its answer. */
  ask<T>(command: Command): Promise<T>;
  stop(): Promise<void>;
  /** Ends the process at once (SIGKILL), e.g. when a run is cut short. */
  kill(): Promise<void>;
}

/** Starts end-of-service-worker.ts in a process of its own and waits until the portal is up. */
export async function startEndWorker(env: Record<string, string>): Promise<EndWorker> {
  const child = fork(join(__dirname, 'end-of-service-worker.ts'), [], {
    env: { ...process.env, ...env },
    execArgv: ['-r', 'ts-node/register/transpile-only', ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error ?? 'the worker did not start'))));
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it was ready`)));
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
  child.on('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`the worker process exited (${code ?? signal})`));
    waiting.clear();
  });
  const ask = <T>(command: Command): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const n = next++;
      waiting.set(n, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...command, n });
    });
  const exited = () => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  return {
    pid: child.pid ?? 0,
    ask,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = exited();
      await ask({ cmd: 'stop' }).catch(() => undefined);
      await done;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = exited();
      child.kill('SIGKILL');
      await done;
    },
  };
}
