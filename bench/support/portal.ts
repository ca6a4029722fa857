import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The settings the benches run the portal with: production mode, request logging below `warn`
 * (one JSON line per request would flood the console; both endpoints of a comparison pay the same),
 * no job worker in the process (WORKER_MODE=off: production runs `npm run worker` beside it), no
 * demo accounts, and no login throttle (the bench signs in hundreds of accounts from one address).
 */
export function portalEnv(databaseUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    APP_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'dsr-bench-data-')),
    LOG_LEVEL: 'warn',
    WORKER_MODE: 'off',
    DEMO_SEED: 'false',
    LOGIN_RATE_LIMIT: '10000',
    ACCOUNT_WRITE_RATE_LIMIT: '100000',
    ...overrides,
  };
}

export interface RunningPortal {
  baseUrl: string;
  stop(): Promise<void>;
}

export interface PortalProcess extends RunningPortal {
  /** CPU time (user + system) the portal process has used so far, in milliseconds. */
  cpuMs(): Promise<number>;
}

/** The portal in this process (to time service calls from inside), listening on 127.0.0.1. */
export async function startPortalInProcess(env: Record<string, string>, root: 'app' | 'bench' = 'app'): Promise<RunningPortal & { app: INestApplication }> {
  Object.assign(process.env, env);
  const app = await createApp(root);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}`, stop: () => app.close() };
}

/**
 * The portal in a process of its own, so that the load generator does not share its event loop:
 * it answers over HTTP only, as in production. BENCH_PORTAL_NODE_ARGS adds Node options to that
 * process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes under load.
 */
export async function startPortalProcess(env: Record<string, string>, root: 'app' | 'bench'): Promise<PortalProcess> {
  const child = fork(join(__dirname, 'portal-process.ts'), [root], {
    env: { ...process.env, ...env },
    execArgv: ['-r', 'ts-node/register/transpile-only', ...(process.env.BENCH_PORTAL_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port?: number; error?: string }) => (m.port ? resolve(m.port) : reject(new Error(m.error ?? 'the portal did not start'))));
    child.once('exit', (code) => reject(new Error(`the portal process exited (${code}) before listening`)));
  });
  const cpuMs = () =>
    new Promise<number>((resolve) => {
      const onMessage = (m: { cpuMicros?: number }) => {
        if (m.cpuMicros === undefined) return;
        child.off('message', onMessage);
        resolve(m.cpuMicros / 1000);
      };
      child.on('message', onMessage);
      child.send({ cpu: true });
    });
  return { baseUrl: `http://127.0.0.1:${port}`, stop: () => stopChild(child), cpuMs };
}

export async function createApp(root: 'app' | 'bench'): Promise<NestExpressApplication> {
  // Loaded only now: AppModule reads process.env when it is first imported.
  const module = root === 'bench' ? (await import('./bench-root.module')).BenchRootModule : (await import('../../src/app.module')).AppModule;
  const { configureApp } = await import('../../src/app.setup');
  const app = await NestFactory.create<NestExpressApplication>(module, { bodyParser: false, bufferLogs: true });
  configureApp(app);
  return app;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.send({ stop: true });
  });
}
