// The worker of the end-of-service bench, in a process of its own: the portal as it ships (AppModule
// with production settings, WORKER_MODE=off, so the queue never starts a job by itself), which on the
// bench's command makes an administrator account, schedules the end through the real service
// (`EndOfService.schedule`, one transaction that notifies every subject), or times one
// `EndOfService.run()` as the hourly job would call it. Started by end-of-service-worker-client.ts.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/kernel/auth-user';
import { createApp } from './portal';

/** A command from the bench; `n` pairs it with its answer. */
export type EndWorkerCommand =
  | { n: number; cmd: 'admin'; email: string; password: string }
  | { n: number; cmd: 'schedule'; adminId: string; endsAt: string; reason: string }
  | { n: number; cmd: 'run' }
  | { n: number; cmd: 'stop' };

/** What one timed call took in this process. */
export interface Timed<T = unknown> {
  ms: number;
  /** CPU time (user + system) this process used meanwhile */
  cpuMs: number;
  result: T;
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  return { ms, cpuMs: (user + system) / 1000, result };
}

async function main(): Promise<void> {
  const app = await createApp('app');
  await app.init();
  const { EndOfService } = await import('../../src/end-of-service');
  const { AccountsService } = await import('../../src/accounts/accounts.service');
  const { SYSTEM_ACTOR } = await import('../../src/kernel/actor');
  const { Role } = await import('../../src/kernel/role');
  const dataSource = app.get(DataSource);

  const handle = async (m: EndWorkerCommand): Promise<unknown> => {
    switch (m.cmd) {
      case 'admin': {
        const created = await app.get(AccountsService).create({ email: m.email, password: m.password, role: Role.Admin }, SYSTEM_ACTOR);
        return { id: created.id };
      }
      case 'schedule': {
        const [{ subjectRef }] = await dataSource.query<{ subjectRef: string }[]>(`SELECT subject_ref AS "subjectRef" FROM users WHERE id = $1`, [m.adminId]);
        const admin: AuthUser = { id: m.adminId, role: Role.Admin, subjectRef, sessionId: 'bench', mfaEnrolmentPending: false };
        return timed(() => app.get(EndOfService).schedule(admin, { endsAt: m.endsAt, reason: m.reason }));
      }
      case 'run':
        return timed(() => app.get(EndOfService).run());
      case 'stop':
        await app.close();
        return { stopped: true };
    }
  };

  process.on('message', (m: EndWorkerCommand) => {
    handle(m).then(
      (answer) => {
        process.send?.({ n: m.n, answer });
        if (m.cmd === 'stop') process.exit(0);
      },
      (err: unknown) => process.send?.({ n: m.n, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.send?.({ ready: true });
}

main().catch((err: unknown) => {
  process.send?.({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
