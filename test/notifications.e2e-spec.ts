import { REFUSAL_RIGHTS_NOTICE } from '../src/kernel/rights-notice';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Role } from '../src/kernel/role';
import { AppConfig } from '../src/config/app-config';
import { JobsService } from '../src/jobs/jobs.service';
import { NoticeMailer } from '../src/notifications/notice-mailer';
import { NotificationDeliverer } from '../src/notifications/notification-deliverer';
import { NotificationKind } from '../src/notifications/notification-kind';
import { NotificationsRepository } from '../src/notifications/notifications.repository';
import { NotificationsService, PersonalDataInNoticeError } from '../src/notifications/notifications.service';
import { SmtpPeer, startSmtpPeer } from './support/smtp-peer';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The notice outbox and its deliverer, against a real SMTP server on 127.0.0.1. The deliverer is
 * run by hand here (WORKER_MODE=off: no job queue); test/jobs*.e2e-spec.ts cover the queue path.
 */
describe('notifications: the outbox and its delivery over SMTP', () => {
  let t: TestApp;
  let peer: SmtpPeer;
  let notices: NotificationsService;
  let deliverer: NotificationDeliverer;
  let config: AppConfig;

  beforeAll(async () => {
    peer = await startSmtpPeer();
    t = await createTestApp({ SMTP_URL: peer.url, MAIL_FROM: '"隐私保护团队" <privacy@example.cn>', PUBLIC_URL: 'https://privacy.example.cn' });
    notices = t.app.get(NotificationsService);
    deliverer = t.app.get(NotificationDeliverer);
    config = t.app.get(AppConfig);
  });
  afterAll(async () => {
    await t?.close();
    await peer?.close();
  });
  beforeEach(() => peer.reset());

  const inTransaction = <T>(work: (m: EntityManager) => Promise<T>) => t.dataSource.transaction(work);
  const noticeRow = async (id: string) => (await t.dataSource.query(`SELECT * FROM notifications WHERE id = $1`, [id]))[0];
  const countNotices = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications`))[0].n as number;
  /** time passes: the notice's next attempt is due now */
  const makeDue = (id: string) => t.dataSource.query(`UPDATE notifications SET next_attempt_at = now() WHERE id = $1`, [id]);
  const secondsUntilNextAttempt = async (id: string) =>
    Number((await t.dataSource.query(`SELECT extract(epoch FROM next_attempt_at - now()) AS s FROM notifications WHERE id = $1`, [id]))[0].s);
  const received = (user: TestUser) => peer.received.filter((m) => m.to.includes(user.email));
  const requestData = (requestType = 'access') => ({ requestId: randomUUID(), requestType });

  it('writes no notice when the transaction that enqueued it rolls back', async () => {
    const u = await t.user();
    const before = await countNotices();
    await expect(
      inTransaction(async (m) => {
        await notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestReceived, data: requestData() });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await countNotices()).toBe(before);
    expect(await deliverer.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0, more: false });
    expect(peer.received).toHaveLength(0);
  });

  it("delivers a committed notice to its recipient, in the recipient's language, linking to the portal", async () => {
    const zh = await t.user();
    const en = await t.user();
    await t.dataSource.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [en.id]);
    const data = { ...requestData('delete_account'), outcome: 'reject' as const, clauses: ['3.f'] };
    const [zhId, enId] = await inTransaction(async (m) => [
      await notices.enqueue(m, { userId: zh.id, kind: NotificationKind.RequestDecided, data }),
      await notices.enqueue(m, { userId: en.id, kind: NotificationKind.RequestDecided, data }),
    ]);
    expect(await noticeRow(zhId as string)).toMatchObject({ status: 'pending', attempts: 0, sent_at: null });

    expect(await deliverer.deliverDue()).toEqual({ sent: 2, retried: 0, failed: 0, more: false });

    const [toZh] = received(zh);
    expect(received(zh)).toHaveLength(1);
    expect(toZh.to).toEqual([zh.email]);
    expect(toZh.subject).toBe('您的申请已有处理结果：已拒绝');
    expect(toZh.text).toContain(`您的“注销账号”申请（编号 ${data.requestId}）已经处理，结果为：已拒绝。`);
    expect(toZh.text).toContain(`https://privacy.example.cn/requests/${data.requestId}`);
    expect(toZh.text).toContain(REFUSAL_RIGHTS_NOTICE['zh-CN']);
    expect(toZh.messageId).toBe(`<${zhId}@privacy.example.cn>`);
    expect(toZh.from).toBe('privacy@example.cn');
    expect(toZh.headers['auto-submitted']).toBe('auto-generated');
    expect(toZh.user).toBe('portal');
    // nothing about the other recipient is in this message
    expect(JSON.stringify(toZh)).not.toContain(en.email);

    const [toEn] = received(en);
    expect(toEn.subject).toBe('Your request has been decided: rejected');
    expect(toEn.text).toContain(`Your request for account deletion (reference ${data.requestId}) has been decided: rejected.`);
    expect(toEn.text).toContain(REFUSAL_RIGHTS_NOTICE.en);

    for (const id of [zhId, enId]) {
      const row = await noticeRow(id as string);
      expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
      expect(row.sent_at).toBeInstanceOf(Date);
    }
    // sent once, never again
    expect(await deliverer.deliverDue()).toMatchObject({ sent: 0 });
    expect(peer.received).toHaveLength(2);
  });

  it('looks the address up when it sends, not when the notice was written', async () => {
    const u = await t.user();
    await inTransaction((m) => notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestQuestion, data: requestData() }));
    const moved = `moved.${randomUUID().slice(0, 8)}@example.com`;
    await t.dataSource.query(`UPDATE users SET email = $2 WHERE id = $1`, [u.id, moved]);
    await deliverer.deliverDue();
    expect(peer.received.map((m) => m.to)).toEqual([[moved]]);
  });

  it('retries a temporary refusal (451) with growing waits, then sends it, counting the attempts', async () => {
    const u = await t.user();
    peer.rule = (address, attempt) => (address === u.email && attempt <= 2 ? { code: 451, message: `4.3.0 <${u.email}>: try again later` } : undefined);
    const id = (await inTransaction((m) => notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestQuestion, data: requestData() }))) as string;
    const base = config.env.NOTIFICATIONS_RETRY_BASE_SECONDS;

    expect(await deliverer.deliverDue()).toMatchObject({ sent: 0, retried: 1 });
    let row = await noticeRow(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/451/);
    expect(row.last_error).not.toMatch(/@/);
    expect(await secondsUntilNextAttempt(id)).toBeCloseTo(base, -0.5);

    // not due yet: a run now leaves it alone
    expect(await deliverer.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0, more: false });
    expect(peer.attempts.get(u.email)).toBe(1);

    await makeDue(id);
    expect(await deliverer.deliverDue()).toMatchObject({ retried: 1 });
    expect(await secondsUntilNextAttempt(id)).toBeCloseTo(2 * base, -0.5);

    await makeDue(id);
    expect(await deliverer.deliverDue()).toMatchObject({ sent: 1, retried: 0 });
    row = await noticeRow(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(peer.attempts.get(u.email)).toBe(3);
    expect(received(u)).toHaveLength(1);
    expect(received(u)[0].subject).toBe('处理您的申请需要您补充信息');
  });

  it('marks a notice failed after the last allowed attempt, while the others go out', async () => {
    const bad = await t.user();
    const good = [await t.user(), await t.user()];
    peer.rule = (address) => (address === bad.email ? { code: 550, message: `5.1.1 <${bad.email}>: mailbox unavailable` } : undefined);
    const badId = (await inTransaction(async (m) => {
      const id = await notices.enqueue(m, { userId: bad.id, kind: NotificationKind.RequestReceived, data: requestData() });
      for (const g of good) await notices.enqueue(m, { userId: g.id, kind: NotificationKind.RequestReceived, data: requestData() });
      return id;
    })) as string;
    const max = config.env.NOTIFICATIONS_MAX_ATTEMPTS;
    expect(max).toBe(8);

    // the first run already delivers the others: the refused one does not hold them up
    expect(await deliverer.deliverDue()).toEqual({ sent: 2, retried: 1, failed: 0, more: false });
    expect(good.map((g) => received(g).length)).toEqual([1, 1]);

    for (let attempt = 2; attempt < max; attempt++) {
      await makeDue(badId);
      expect(await deliverer.deliverDue()).toMatchObject({ retried: 1, failed: 0 });
    }
    await makeDue(badId);
    expect(await deliverer.deliverDue()).toMatchObject({ retried: 0, failed: 1 });

    const row = await noticeRow(badId);
    expect(row).toMatchObject({ status: 'failed', attempts: max, sent_at: null });
    expect(row.last_error).toMatch(/^EENVELOPE 550: .*<address>: mailbox unavailable/);
    expect(row.last_error).not.toContain(bad.email);
    expect(peer.attempts.get(bad.email)).toBe(max);
    expect(received(bad)).toHaveLength(0);

    // failed is final
    await makeDue(badId);
    expect(await deliverer.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0, more: false });
    expect(peer.attempts.get(bad.email)).toBe(max);
  });

  it('never delivers a notice twice when two deliverers run at once', async () => {
    const users = [await t.user(), await t.user(), await t.user()];
    const ids = await inTransaction(async (m) => {
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        for (const u of users) out.push((await notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestReceived, data: requestData() })) as string);
      }
      return out;
    });
    expect(ids).toHaveLength(60);
    peer.delayMs = 15;
    // a second deliverer, as another worker process would have: its own SMTP connections
    const otherMailer = new NoticeMailer(config);
    const other = new NotificationDeliverer(t.app.get(NotificationsRepository), otherMailer, config);
    try {
      const [a, b] = await Promise.all([deliverer.deliverDue({ batchSize: 5 }), other.deliverDue({ batchSize: 5 })]);
      expect(a.sent + b.sent).toBe(60);
      // both really worked: this was a race, not one after the other
      expect(a.sent).toBeGreaterThan(0);
      expect(b.sent).toBeGreaterThan(0);
    } finally {
      otherMailer.onApplicationShutdown();
    }
    const perNotice = new Map<string, number>();
    for (const m of peer.received) perNotice.set(m.messageId, (perNotice.get(m.messageId) ?? 0) + 1);
    expect(peer.received).toHaveLength(60);
    expect(ids.every((id) => perNotice.get(`<${id}@privacy.example.cn>`) === 1)).toBe(true);
    const rows: { status: string; attempts: number }[] = await t.dataSource.query(`SELECT status, attempts FROM notifications WHERE id = ANY($1)`, [ids]);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('keeps no address once the account is erased, and never sends the notice', async () => {
    const u = await t.user();
    const id = (await inTransaction((m) => notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestCompleted, data: requestData() }))) as string;
    await t.dataSource.query(`DELETE FROM users WHERE id = $1`, [u.id]);
    const row = await noticeRow(id);
    expect(row.user_id).toBeNull();
    expect(JSON.stringify(row)).not.toContain(u.email);
    expect(await deliverer.deliverDue()).toMatchObject({ sent: 0, failed: 1 });
    expect(await noticeRow(id)).toMatchObject({ status: 'failed', last_error: 'recipient account no longer exists' });
    expect(peer.attempts.size).toBe(0);
  });

  it('writes one notice per dedupe key', async () => {
    const u = await t.user();
    const data = { ...requestData(), dueAt: new Date().toISOString() };
    const first = await inTransaction((m) =>
      notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestOverdue, data, dedupeKey: `request.overdue:${data.requestId}` }),
    );
    const again = await inTransaction((m) =>
      notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestOverdue, data, dedupeKey: `request.overdue:${data.requestId}` }),
    );
    expect(first).toEqual(expect.any(String));
    expect(again).toBeNull();
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE dedupe_key = $1`, [`request.overdue:${data.requestId}`]);
    expect(n).toBe(1);
    await deliverer.deliverDue();
    expect(received(u)).toHaveLength(1);
  });

  it('notifies every account of a role at once, and only once per dedupe key', async () => {
    const staff = [await t.user(Role.Staff), await t.user(Role.Staff)];
    const subject = await t.user();
    const [{ n: staffCount }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE role = 'staff'`);
    const data = { ...requestData(), dueAt: new Date().toISOString() };
    const written = await inTransaction((m) =>
      notices.enqueueForRole(m, Role.Staff, NotificationKind.RequestOverdue, data, { dedupeKey: `overdue:${data.requestId}` }),
    );
    expect(written).toBe(staffCount);
    expect(
      await inTransaction((m) => notices.enqueueForRole(m, Role.Staff, NotificationKind.RequestOverdue, data, { dedupeKey: `overdue:${data.requestId}` })),
    ).toBe(0);

    await deliverer.deliverDue();
    for (const s of staff) {
      expect(received(s)).toHaveLength(1);
      expect(received(s)[0].text).toContain(`https://privacy.example.cn/staff/requests/${data.requestId}`);
    }
    expect(received(subject)).toHaveLength(0);
  });

  it('refuses notice data that holds an address, and writes nothing', async () => {
    const u = await t.user();
    const before = await countNotices();
    await expect(
      inTransaction((m) => notices.enqueue(m, { userId: u.id, kind: NotificationKind.RequestReceived, data: { requestId: u.email, requestType: 'access' } })),
    ).rejects.toBeInstanceOf(PersonalDataInNoticeError);
    expect(await countNotices()).toBe(before);
  });

  it('keeps the job queue out of a process that does not work it (WORKER_MODE=off)', async () => {
    expect(t.app.get(JobsService).worksJobs).toBe(false);
    // The owner installed the queue's schema at start; this process never opened a connection to it.
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'dsr-portal-jobs'`,
    );
    expect(n).toBe(0);
  });
});
