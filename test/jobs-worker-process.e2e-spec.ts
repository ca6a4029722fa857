import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { NotificationKind } from '../src/notifications/notification-kind';
import { NotificationsService } from '../src/notifications/notifications.service';
import { SmtpPeer, startSmtpPeer } from './support/smtp-peer';
import { createTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

/**
 * The split deployment: the portal only enqueues (WORKER_MODE=off, and no SMTP settings at all),
 * a separate worker process (src/worker.ts, as `npm run worker` runs it) delivers, and stops
 * cleanly on SIGTERM.
 */
describe('jobs: the separate worker process', () => {
  let t: TestApp;
  let peer: SmtpPeer;
  let worker: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    peer = await startSmtpPeer();
    t = await createTestApp({ WORKER_MODE: 'off' });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await t?.close();
    await peer?.close();
  });

  it('delivers what the portal enqueued, then stops on SIGTERM', async () => {
    // `npx ts-node --transpile-only src/worker.ts`, without npx in between to swallow the signal
    worker = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...t.databaseEnv,
        // The worker works the queue whatever this says.
        WORKER_MODE: 'off',
        SMTP_URL: peer.url,
        PUBLIC_URL: 'https://privacy.example.cn',
        NOTIFICATIONS_POLL_SECONDS: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    worker.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => worker?.once('exit', (code) => resolve(code)));

    const u = await t.user();
    const id = await t.dataSource.transaction((m) =>
      t.app
        .get(NotificationsService)
        .enqueue(m, { userId: u.id, kind: NotificationKind.RequestReceived, data: { requestId: randomUUID(), requestType: 'access' } }),
    );
    const [mail] = await peer.waitFor(1, 60000).catch((err: Error) => {
      throw new Error(`${err.message}; worker output:\n${output}`);
    });
    expect(mail).toMatchObject({ to: [u.email], messageId: `<${id}@privacy.example.cn>` });
    // The portal's own worker may deliver first while this one is still starting: wait for its word.
    for (let i = 0; i < 120 && !output.includes('The worker is running'); i++) await new Promise((r) => setTimeout(r, 500));
    expect(output).toContain('The worker is running');

    // wait for the notice to be marked sent before stopping
    for (let i = 0; i < 50; i++) {
      const [row] = await t.dataSource.query(`SELECT status FROM notifications WHERE id = $1`, [id]);
      if (row.status === 'sent') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM received');
    const [row] = await t.dataSource.query(`SELECT status, attempts FROM notifications WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'sent', attempts: 1 });
  }, 120000);
});
