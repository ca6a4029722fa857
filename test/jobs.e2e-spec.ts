import { randomUUID } from 'node:crypto';
import { DEFAULT_JOBS_CADENCE, JOBS_CADENCE, JobsCadence } from '../src/jobs/jobs-cadence';
import { JobsService } from '../src/jobs/jobs.service';
import { DuplicateJobError, JobContext, JobHandler, UnknownJobError } from '../src/jobs/jobs.types';
import { NotificationKind } from '../src/notifications/notification-kind';
import { NotificationsService } from '../src/notifications/notifications.service';
import { withAdminClient, TEST_ENV } from './setup/test-cluster';
import { SmtpPeer, startSmtpPeer } from './support/smtp-peer';
import { createTestApp, TestApp } from './support/test-app';

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A job handler that does `work` at once; what it throws fails the job, as a rejection would. */
const handler =
  <T extends object>(work: (data: T, job: JobContext) => void): JobHandler<T> =>
  (data, job) =>
    Promise.resolve().then(() => work(data, job));

/**
 * Cron schedules evaluated every second and their jobs handed over every second (production: 10 s
 * and 5 s), so that a scheduled run comes within seconds; every other setting is production's.
 */
const FAST_CRON: JobsCadence = { ...DEFAULT_JOBS_CADENCE, cronMonitorSeconds: 1, cronWorkerSeconds: 1 };

/**
 * The job queue (pg-boss) worked inside the app (WORKER_MODE=inline). Notice polling is set to an
 * hour, so a notice delivered here was delivered because its commit woke the deliverer's job.
 */
describe('jobs: the PostgreSQL job queue, worked inline', () => {
  let t: TestApp;
  let peer: SmtpPeer;
  let jobs: JobsService;
  let closed = false;

  beforeAll(async () => {
    peer = await startSmtpPeer();
    t = await createTestApp(
      { WORKER_MODE: 'inline', SMTP_URL: peer.url, NOTIFICATIONS_POLL_SECONDS: '3600', PUBLIC_URL: 'https://privacy.example.cn' },
      { provide: [{ provide: JOBS_CADENCE, useValue: FAST_CRON }] },
    );
    jobs = t.app.get(JobsService);
  });
  afterAll(async () => {
    if (!closed) await t?.close();
    await peer?.close();
  });

  it('delivers a notice enqueued through the service, by the job its commit triggers', async () => {
    expect(jobs.worksJobs).toBe(true);
    const u = await t.user();
    // the run sent when the queue started is over: only a new trigger can deliver what comes next
    await eventually(
      async () =>
        (await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.deliver' AND state < 'completed'`))[0].n === 0,
      10000,
      'the start-up run to finish',
    );
    const requestId = randomUUID();
    const id = await t.dataSource.transaction((m) =>
      t.app.get(NotificationsService).enqueue(m, { userId: u.id, kind: NotificationKind.RequestReceived, data: { requestId, requestType: 'access' } }),
    );
    await eventually(
      async () => (await t.dataSource.query(`SELECT status FROM notifications WHERE id = $1`, [id]))[0].status === 'sent',
      20000,
      'the notice to be sent',
    );
    expect(peer.received).toHaveLength(1);
    expect(peer.received[0]).toMatchObject({ to: [u.email], subject: '已收到您的申请：查阅、复制个人信息', messageId: `<${id}@privacy.example.cn>` });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.deliver' AND state = 'completed'`);
    expect(n).toBeGreaterThanOrEqual(1);
  });

  it('runs a registered job with its data', async () => {
    const seen: { n: number; jobName: string }[] = [];
    jobs.register<{ n: number }>(
      'test.echo',
      handler((data, job) => seen.push({ n: data.n, jobName: job.name })),
    );
    const id = await jobs.send('test.echo', { n: 42 });
    expect(id).toEqual(expect.any(String));
    await eventually(() => seen.length > 0, 10000, 'the job to run');
    expect(seen).toEqual([{ n: 42, jobName: 'test.echo' }]);
  });

  it('enqueues inside a transaction: a rolled-back job never runs, a committed one does', async () => {
    const seen: string[] = [];
    jobs.register<{ label: string }>(
      'test.tx',
      handler((data) => seen.push(data.label)),
    );
    await expect(
      t.dataSource.transaction(async (m) => {
        await jobs.send('test.tx', { label: 'rolled back' }, { manager: m });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await t.dataSource.transaction((m) => jobs.send('test.tx', { label: 'committed' }, { manager: m }));
    await eventually(() => seen.includes('committed'), 10000, 'the committed job');
    // the job written later ran; the earlier one, had it existed, would have run first
    expect(seen).toEqual(['committed']);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'test.tx'`);
    expect(n).toBe(1);
  });

  it('retries a job whose handler fails', async () => {
    let runs = 0;
    jobs.register(
      'test.flaky',
      handler(() => {
        runs += 1;
        if (runs === 1) throw new Error('first run fails');
      }),
      { retryLimit: 2, retryDelaySeconds: 0 },
    );
    const id = await jobs.send('test.flaky', {});
    await eventually(async () => (await t.dataSource.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id]))[0]?.state === 'completed', 15000, 'the retry');
    expect(runs).toBe(2);
    const [job] = await t.dataSource.query(`SELECT retry_count FROM pgboss.job WHERE id = $1`, [id]);
    expect(job.retry_count).toBe(1);
  });

  it('runs a job every N seconds', async () => {
    let runs = 0;
    jobs.register(
      'test.every-second',
      handler(() => (runs += 1)),
      { everySeconds: 1 },
    );
    await eventually(() => runs >= 3, 10000, 'three periodic runs');
    // Each run was a job of its own, one per one-second slot, sent under the periodic key.
    const sent: { key: string; slot: Date }[] = await t.dataSource.query(
      `SELECT singleton_key AS key, singleton_on AS slot FROM pgboss.job WHERE name = 'test.every-second'`,
    );
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(new Set(sent.map((j) => j.key))).toEqual(new Set(['periodic']));
    expect(new Set(sent.map((j) => j.slot.getTime())).size).toBe(sent.length);
  });

  it('runs a job on a cron schedule (the hook for periodic scans)', async () => {
    let runs = 0;
    jobs.register(
      'test.every-minute',
      handler(() => (runs += 1)),
      { schedule: '* * * * *' },
    );
    await eventually(async () => (await t.dataSource.query(`SELECT cron FROM pgboss.schedule WHERE name = 'test.every-minute'`))[0], 5000, 'the schedule');
    const [schedule] = await t.dataSource.query(`SELECT cron, timezone FROM pgboss.schedule WHERE name = 'test.every-minute'`);
    expect(schedule).toEqual({ cron: '* * * * *', timezone: 'UTC' });
    await eventually(() => runs >= 1, 15000, 'the scheduled run');
  });

  it('refuses an unknown job name and a second registration of one', async () => {
    await expect(jobs.send('test.nobody-registered-this', {})).rejects.toBeInstanceOf(UnknownJobError);
    expect(() => jobs.register('test.echo', () => Promise.resolve())).toThrow(DuplicateJobError);
  });

  it('stops the queue and closes its connections when the app closes', async () => {
    const database = new URL(t.databaseUrl).pathname.slice(1);
    const queueConnections = () =>
      withAdminClient(process.env[TEST_ENV.adminUrl] as string, async (c) => {
        const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'dsr-portal-jobs'`, [
          database,
        ]);
        return rows[0].n as number;
      });
    expect(await queueConnections()).toBeGreaterThan(0);
    const started = Date.now();
    await t.close();
    closed = true;
    expect(Date.now() - started).toBeLessThan(15000);
    expect(await queueConnections()).toBe(0);
  });
});
