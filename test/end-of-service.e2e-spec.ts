import { END_OF_SERVICE_JOB, EndOfService } from '../src/end-of-service';
import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { sampleAppUser, sampleRows } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const DAY = 86_400_000;

/**
 * End of service (face.retain.3): scheduled by an administrator at least 30 days ahead, every
 * subject notified at once; on the date every subject's data is erased, subject by subject,
 * resumably, with what legal holds keep erased once they end, and the progress visible to admin.
 */
describe('end of service', () => {
  let t: TestApp;
  let admin: TestUser;
  let legal: TestUser;
  const { auth } = reviewCalls(() => t);
  const url = '/api/v1/admin/end-of-service';

  const appUser = (): Promise<string> => sampleAppUser(t, { accessLogs: 30, transactions: [{ counterparty: '赵六', item: '茶叶', amount: 88 }] }, '停运用户');
  const count = (table: 'access_logs' | 'search_history' | 'transactions' | 'face_profiles', userId: string) => sampleRows(t, table, userId);
  /** The date arrives: the schedule is moved into the past, as if 30 days had gone by. */
  const dateArrives = () =>
    t.dataSource.query(`UPDATE end_of_service SET scheduled_at = now() - interval '31 days', ends_at = now() - interval '1 minute' WHERE cancelled_at IS NULL`);

  beforeAll(async () => {
    t = await createTestApp();
    [admin, legal] = [await t.user(Role.Admin), await t.user(Role.Legal)];
  });
  afterAll(() => t.close());

  it('refuses a date under 30 days ahead, a bad date, a blank reason and any role but admin, writing nothing', async () => {
    const others = [await t.user(Role.Subject, { linked: false }), legal, await t.user(Role.Staff)];
    const before = await t.tableCounts();
    const soon = await t.http
      .post(url)
      .set(auth(admin))
      .send({ endsAt: new Date(Date.now() + 29 * DAY).toISOString(), reason: '停止运营' });
    expect([soon.status, soon.body.code]).toEqual([422, 'end_too_soon']);
    const far = await t.http
      .post(url)
      .set(auth(admin))
      .send({ endsAt: new Date(Date.now() + 6 * 365 * DAY).toISOString(), reason: '停止运营' });
    expect([far.status, far.body.code]).toEqual([422, 'end_too_far']);
    expect((await t.http.post(url).set(auth(admin)).send({ endsAt: 'next month', reason: '停止运营' })).status).toBe(400);
    expect(
      (
        await t.http
          .post(url)
          .set(auth(admin))
          .send({ endsAt: new Date(Date.now() + 40 * DAY).toISOString(), reason: '   ' })
      ).status,
    ).toBe(400);
    for (const who of others) {
      expect(
        (
          await t.http
            .post(url)
            .set(auth(who))
            .send({ endsAt: new Date(Date.now() + 40 * DAY).toISOString(), reason: '停止运营' })
        ).status,
      ).toBe(403);
      expect((await t.http.get(url).set(auth(who))).status).toBe(403);
    }
    expect(await t.tableCounts()).toEqual(before);
    expect((await t.http.get(url).set(auth(admin))).body).toEqual({ schedule: null, progress: null });
  });

  it('notifies every subject at once, runs on the date, erases every subject’s data, keeps what a hold keeps until it ends, and finishes', async () => {
    const [a, b, c] = [await appUser(), await appUser(), await appUser()];
    const [sa, sb, sc] = [await t.user(Role.Subject, { appUser: a }), await t.user(Role.Subject, { appUser: b }), await t.user(Role.Subject, { appUser: c })];
    const unlinked = await t.user(Role.Subject, { linked: false });
    const hold = await t.http
      .post('/api/v1/legal/holds')
      .set(auth(legal))
      .send({
        subjectId: sc.id,
        categories: ['transactions'],
        law: ['ECL.31'],
        retention: '3 years (ECL Art. 31)',
        until: new Date(Date.now() + 400 * DAY).toISOString(),
        note: '交易记录',
      });
    expect(hold.status).toBe(201);

    // Scheduled, then called off, then scheduled again: only one stands at a time.
    const endsAt = new Date(Date.now() + 31 * DAY).toISOString();
    const first = await t.http.post(url).set(auth(admin)).send({ endsAt, reason: '业务调整，停止运营' });
    expect(first.status).toBe(201);
    const subjects = (await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE role = 'subject'`))[0].n as number;
    expect(first.body.schedule).toEqual(expect.objectContaining({ endsAt, notified: subjects, startedAt: null }));
    const again = await t.http.post(url).set(auth(admin)).send({ endsAt, reason: '再次' });
    expect([again.status, again.body.code]).toEqual([409, 'end_already_scheduled']);
    expect((await t.http.post(`${url}/cancel`).set(auth(admin)).send({ reason: '决定继续运营' })).status).toBe(200);
    expect((await t.http.get(url).set(auth(admin))).body.schedule).toBeNull();
    expect((await t.http.post(`${url}/cancel`).set(auth(admin)).send({ reason: '无' })).status).toBe(404);
    const scheduled = await t.http.post(url).set(auth(admin)).send({ endsAt, reason: '业务调整，停止运营' });
    expect(scheduled.status).toBe(201);

    // Every subject told, once per schedule, in the scheduling transaction; the job waits for the date.
    const notices = await t.dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT user_id)::int AS users FROM notifications WHERE kind = 'service.ending' AND data->>'endsAt' = $1 AND dedupe_key LIKE $2`,
      [endsAt, `service.ending:${scheduled.body.schedule.id}:%`],
    );
    expect(notices).toEqual([{ n: subjects, users: subjects }]);
    const [{ waiting }] = await t.dataSource.query(
      `SELECT count(*)::int AS waiting FROM pgboss.job WHERE name = $1 AND start_after > now() + interval '30 days'`,
      [END_OF_SERVICE_JOB],
    );
    expect(waiting).toBe(2);

    // Before the date the run does nothing.
    const end = t.app.get(EndOfService);
    await end.run();
    expect([await count('access_logs', a), (await t.http.get(url).set(auth(admin))).body.progress]).toEqual([
      30,
      { total: null, done: 0, kept: 0, failed: 0, remaining: null },
    ]);

    await dateArrives();
    await Promise.all([end.run(), end.run()]);
    for (const app of [a, b]) expect([await count('access_logs', app), await count('transactions', app)]).toEqual([0, 0]);
    expect([await count('access_logs', c), await count('transactions', c)]).toEqual([0, 1]);
    const [anon] = await t.dataSource.query(`SELECT email, display_name FROM operator_app.users WHERE id = $1`, [a]);
    expect(anon).toEqual({ email: null, display_name: '已注销用户' });
    const progress = (await t.http.get(url).set(auth(admin))).body;
    expect(progress.progress).toEqual({ total: subjects, done: subjects - 1, kept: 1, failed: 0, remaining: 0 });
    expect(progress.schedule).toEqual(expect.objectContaining({ startedAt: expect.any(String), finishedAt: null }));
    // Every subject's portal account closed and pseudonymised; staff and legal accounts untouched.
    const accounts = await t.dataSource.query(
      `SELECT role, bool_and(closed_at IS NOT NULL AND pseudonymised_at IS NOT NULL) AS closed FROM users GROUP BY role ORDER BY role`,
    );
    expect(accounts).toEqual(
      expect.arrayContaining([
        { role: 'subject', closed: true },
        { role: 'admin', closed: false },
        { role: 'legal', closed: false },
      ]),
    );
    for (const s of [sa, sb, unlinked]) expect((await t.http.post('/api/v1/auth/login').send({ email: s.email, password: s.password })).status).toBe(401);
    expect((await t.http.post(`${url}/cancel`).set(auth(admin)).send({ reason: '太晚了' })).body.code).toBe('end_already_started');

    // The hold ends: the next hourly run erases what it kept, and the end is finished.
    expect((await t.http.post(`/api/v1/legal/holds/${hold.body.id}/release`).set(auth(legal)).send({ reason: '保存期届满' })).status).toBe(200);
    await end.run();
    expect(await count('transactions', c)).toBe(0);
    const finished = (await t.http.get(url).set(auth(admin))).body;
    expect(finished.progress).toEqual({ total: subjects, done: subjects, kept: 0, failed: 0, remaining: 0 });
    expect(finished.schedule.finishedAt).toEqual(expect.any(String));
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM identity_links WHERE subject_id = ANY($1)`, [[sa.id, sb.id, sc.id]])).toEqual([{ n: 0 }]);
    const audited = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'end_of_service' ORDER BY n`);
    expect(audited.map((e: { action: string }) => e.action)).toEqual(['service.end_scheduled', 'service.end_cancelled', 'service.end_scheduled']);
  });
});
