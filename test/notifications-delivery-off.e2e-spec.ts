import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Role } from '../src/kernel/role';
import { NotificationDeliverer } from '../src/notifications/notification-deliverer';
import { NotificationKind } from '../src/notifications/notification-kind';
import { NotificationsService } from '../src/notifications/notifications.service';
import { createTestApp, TestApp } from './support/test-app';

/** Without SMTP_URL: notices are still written (and visible), nothing is sent. */
describe('notifications without SMTP_URL', () => {
  let t: TestApp;
  let logged = '';
  let notices: NotificationsService;
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    // What the app logs goes through process.stdout (src/common/logging.ts): read it.
    process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged += chunk.toString();
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    };
    try {
      t = await createTestApp({ LOG_LEVEL: 'info' });
      // Start-up logs are held until the app listens (main.ts); the test app never does.
      Logger.flush();
    } finally {
      process.stdout.write = write;
    }
    notices = t.app.get(NotificationsService);
  });
  afterAll(() => t?.close());

  it('says once at start that delivery is off, naming no one', () => {
    const lines = logged.split('\n').filter((l) => l.includes('Notice delivery is off'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SMTP_URL is not set');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 30, msg: expect.stringContaining('notices stay pending') });
  });

  it('keeps notices pending and sends nothing', async () => {
    const u = await t.user();
    const id = await t.dataSource.transaction((m) =>
      notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestReceived, data: { requestId: randomUUID(), requestType: 'access' } }),
    );
    expect(await t.app.get(NotificationDeliverer).deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0, more: false });
    const [row] = await t.dataSource.query(`SELECT status, attempts, last_error FROM notifications WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'pending', attempts: 0, last_error: null });
  });

  it('writes a notice for each of 100,000 subjects in one statement, quickly, and each only once', async () => {
    await t.dataSource.query(
      `INSERT INTO users (email, password_hash, role)
       SELECT 'bulk.' || g || '@example.com', 'not-a-hash', 'subject' FROM generate_series(1, 100000) g`,
    );
    const [{ n: subjects }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE role = 'subject'`);
    expect(subjects).toBeGreaterThanOrEqual(100000);
    const data = { policyVersion: '2', changedClauses: ['face.use.3'] };

    const started = Date.now();
    const written = await t.dataSource.transaction((m) =>
      notices.enqueueForRole(m, Role.Subject, NotificationKind.PolicyMajorChange, data, { dedupeKey: 'policy.major_change:2' }),
    );
    const elapsedMs = Date.now() - started;
    expect(written).toBe(subjects);
    // One statement: about as long as writing the rows. A loop of 100k round trips would take minutes.
    expect(elapsedMs).toBeLessThan(30000);

    const [{ n, users }] = await t.dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT user_id)::int AS users FROM notifications WHERE kind = 'policy.major_change'`,
    );
    expect({ n, users }).toEqual({ n: subjects, users: subjects });
    // publishing again (a retried publication) adds none
    expect(
      await t.dataSource.transaction((m) =>
        notices.enqueueForRole(m, Role.Subject, NotificationKind.PolicyMajorChange, data, { dedupeKey: 'policy.major_change:2' }),
      ),
    ).toBe(0);
  });
});
