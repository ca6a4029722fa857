import { QuestionClock1764660000000 } from '../migrations/1764660000000-question-clock';
import { Role } from '../src/kernel/role';
import { LapseScanner } from '../src/requests/lapse-scanner';
import { OverdueScanner } from '../src/review/overdue-scanner';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Deadlines nobody can stretch (product.md, Lifecycle): a question never pauses the 48-hour
 * deletion review, pauses any other request at most twice and never past its ceiling, lapses the
 * request when left unanswered for SUBJECT_REPLY_DAYS (15), and a paused request is overdue once
 * even the paused clock cannot save it.
 */
describe('deadlines the law sets (HTTP)', () => {
  let t: TestApp;
  let staff: TestUser;
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const staffPost = (id: string, action: string, body: object = {}) => t.http.post(`/api/v1/staff/requests/${id}/${action}`).set(auth(staff)).send(body);
  const reply = (s: TestUser, id: string, message = '补充信息') => t.http.post(`/api/v1/requests/${id}/reply`).set(auth(s)).send({ message });
  const subjectView = async (s: TestUser, id: string) => (await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).body;
  const staffView = async (id: string) => (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body;
  const overdueQueue = async (): Promise<string[]> =>
    (await t.http.get('/api/v1/staff/requests?overdue=true&limit=100').set(auth(staff))).body.items.map((i: { id: string }) => i.id);
  const noticesOf = async (userId: string): Promise<{ kind: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT kind, data FROM notifications WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  const row = async (id: string) =>
    (
      await t.dataSource.query(
        `SELECT status, due_at, awaiting_since, question_asked_at, clock_pauses, overdue_flagged_at, closed_at FROM requests WHERE id = $1`,
        [id],
      )
    )[0];
  /** Moves a request's times back, as the owner of the tables (the clock cannot be waited for). */
  const backdate = (id: string, set: string) => t.asOwner((m) => m.query(`UPDATE requests SET ${set} WHERE id = $1`, [id]));
  const lastEvent = (view: { timeline: { action: string; data: Record<string, unknown> }[] }) => view.timeline[view.timeline.length - 1];

  /** A subject with a request of `type`, filed and claimed by staff. */
  async function claimed(type: 'access' | 'delete_account' | 'disclosure_log'): Promise<{ s: TestUser; id: string }> {
    const s = await t.user(Role.Subject);
    const res = await t.http
      .post('/api/v1/requests')
      .set(auth(s))
      .send(type === 'delete_account' ? { type, password: s.password } : { type });
    expect(res.status).toBe(201);
    expect((await staffPost(res.body.id, 'claim')).status).toBe(200);
    return { s, id: res.body.id };
  }

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.user(Role.Staff);
  });
  afterAll(() => t.close());

  describe('the 48-hour deletion review', () => {
    it('shows the subject the question but never pauses: the due date does not move, and it goes overdue while waiting', async () => {
      const { s, id } = await claimed('delete_account');
      const asked = await staffPost(id, 'ask', { question: '请确认您要注销的账号绑定的手机号' });
      expect(asked.status).toBe(200);
      expect(asked.body).toMatchObject({ status: 'awaiting_subject', clockPaused: false });
      expect(lastEvent(asked.body)).toMatchObject({ action: 'ask', data: { clockPaused: false, clockNotPausedBecause: 'deletion_review' } });
      const waiting = await subjectView(s, id);
      expect(waiting).toMatchObject({ status: 'awaiting_subject', question: '请确认您要注销的账号绑定的手机号', clockPaused: false });
      const question = (await noticesOf(s.id)).find((n) => n.kind === 'request.question');
      expect(question?.data).toMatchObject({ requestId: id, clockPaused: false, replyBy: expect.any(String) });
      expect(await row(id)).toMatchObject({ awaiting_since: null, clock_pauses: 0, question_asked_at: expect.any(Date) });

      // Three days pass while the subject thinks about it: the 48 hours ran on.
      await backdate(
        id,
        `submitted_at = submitted_at - interval '3 days', due_at = due_at - interval '3 days', question_asked_at = question_asked_at - interval '3 days'`,
      );
      expect(await staffView(id)).toMatchObject({ status: 'awaiting_subject', overdue: true });
      expect(await overdueQueue()).toContain(id);
      await t.app.get(OverdueScanner).scan();
      expect((await row(id)).overdue_flagged_at).toEqual(expect.any(Date));

      const dueBefore = (await subjectView(s, id)).dueAt;
      const replied = await reply(s, id);
      expect(replied.status).toBe(200);
      expect(replied.body).toMatchObject({ status: 'in_review', clockPaused: false, dueAt: dueBefore });
      expect(lastEvent(replied.body)).toMatchObject({ action: 'reply', data: { clockPaused: false, dueAt: dueBefore } });
      expect(await staffView(id)).toMatchObject({ overdue: true, overdueFlaggedAt: expect.any(String) });
    });
  });

  describe('other requests', () => {
    it('pause at most twice: a third question is allowed, says it does not pause, and moves nothing', async () => {
      const { s, id } = await claimed('access');
      for (const n of [1, 2]) {
        const asked = await staffPost(id, 'ask', { question: `问题 ${n}` });
        expect(asked.body).toMatchObject({ status: 'awaiting_subject', clockPaused: true });
        expect(lastEvent(asked.body).data).toMatchObject({ clockPaused: true, clockPauses: n });
        await backdate(id, `awaiting_since = awaiting_since - interval '1 day'`);
        const replied = await reply(s, id);
        expect(replied.status).toBe(200);
        expect(lastEvent(replied.body).data).toMatchObject({ clockPaused: true, pausedSeconds: expect.any(Number) });
        expect(Date.parse(replied.body.dueAt) - Date.parse(lastEvent(replied.body).data.previousDueAt as string)).toBeGreaterThanOrEqual(DAY);
      }
      const third = await staffPost(id, 'ask', { question: '问题 3' });
      expect(third.status).toBe(200);
      expect(third.body).toMatchObject({ status: 'awaiting_subject', clockPaused: false });
      expect(lastEvent(third.body).data).toMatchObject({ clockPaused: false, clockNotPausedBecause: 'pauses_used' });
      expect((await subjectView(s, id)).question).toBe('问题 3');
      expect((await noticesOf(s.id)).filter((n) => n.kind === 'request.question').map((n) => n.data.clockPaused)).toEqual([true, true, false]);
      await backdate(id, `question_asked_at = question_asked_at - interval '2 days'`);
      const dueBefore = third.body.dueAt;
      const replied = await reply(s, id);
      expect(replied.body).toMatchObject({ status: 'in_review', dueAt: dueBefore });
      expect(await row(id)).toMatchObject({ clock_pauses: 2, awaiting_since: null, question_asked_at: null });
    });

    it('never carries the due date past the ceiling, 30 days from submission, however long the pause', async () => {
      const { s, id } = await claimed('disclosure_log');
      await staffPost(id, 'ask', { question: '请说明您要查询的时间段' });
      // Filed 10 days ago (due in 5), paused for 40: the pause would carry it 25 days past the ceiling.
      await backdate(id, `submitted_at = submitted_at - interval '10 days', due_at = due_at - interval '10 days', awaiting_since = now() - interval '40 days'`);
      const replied = await reply(s, id);
      expect(replied.status).toBe(200);
      const ceiling = Date.parse(replied.body.submittedAt) + 30 * DAY;
      expect(Date.parse(replied.body.dueAt)).toBe(ceiling);
      expect(lastEvent(replied.body).data).toMatchObject({ clockPaused: true, dueAtCeiling: true, dueAt: replied.body.dueAt });
    });
  });

  describe('overdue while paused', () => {
    it('is overdue once even the paused clock, capped at the ceiling, has run out; not before', async () => {
      const scanner = t.app.get(OverdueScanner);
      const lost = await claimed('access');
      const saved = await claimed('access');
      for (const { id } of [lost, saved]) await staffPost(id, 'ask', { question: '请提供订单号' });
      // Filed 35 days ago, due 20 days ago, paused for 25 days: the pause would carry it to 40 days, the ceiling stops it at 30.
      await backdate(
        lost.id,
        `submitted_at = now() - interval '35 days', due_at = now() - interval '20 days', awaiting_since = now() - interval '25 days', question_asked_at = now() - interval '10 days'`,
      );
      // Filed 10 days ago, due yesterday, paused 3 days ago: the pause carries it to tomorrow.
      await backdate(
        saved.id,
        `submitted_at = now() - interval '10 days', due_at = now() - interval '1 day', awaiting_since = now() - interval '3 days', question_asked_at = now() - interval '3 days'`,
      );
      expect(await staffView(lost.id)).toMatchObject({ status: 'awaiting_subject', clockPaused: true, overdue: true });
      expect(await staffView(saved.id)).toMatchObject({ status: 'awaiting_subject', clockPaused: true, overdue: false });
      const queue = await overdueQueue();
      expect(queue).toContain(lost.id);
      expect(queue).not.toContain(saved.id);
      await scanner.scan();
      expect((await row(lost.id)).overdue_flagged_at).toEqual(expect.any(Date));
      expect((await row(saved.id)).overdue_flagged_at).toBeNull();
      expect((await noticesOf(staff.id)).filter((n) => n.kind === 'request.overdue').map((n) => n.data.requestId)).toContain(lost.id);
    });
  });

  describe('an unanswered question', () => {
    it('lapses the request after SUBJECT_REPLY_DAYS, once, with a notice that it can be filed again', async () => {
      const scanner = t.app.get(LapseScanner);
      const old = await claimed('access');
      const deletion = await claimed('delete_account');
      const recent = await claimed('disclosure_log');
      for (const { id } of [old, deletion, recent]) expect((await staffPost(id, 'ask', { question: '请补充材料' })).status).toBe(200);
      await backdate(
        old.id,
        `submitted_at = now() - interval '17 days', due_at = now() + interval '5 days', awaiting_since = now() - interval '16 days', question_asked_at = now() - interval '16 days'`,
      );
      await backdate(
        deletion.id,
        `submitted_at = now() - interval '16 days', due_at = now() - interval '14 days', question_asked_at = now() - interval '15 days 1 minute'`,
      );
      await backdate(recent.id, `awaiting_since = now() - interval '14 days', question_asked_at = now() - interval '14 days'`);

      // Two scans at once, as two workers would run them: each request lapses once, and neither fails.
      const counts = await Promise.all([scanner.scan(), scanner.scan()]);
      expect(counts[0] + counts[1]).toBe(2);
      expect(await scanner.scan()).toBe(0);

      for (const { s, id } of [old, deletion]) {
        const view = await subjectView(s, id);
        expect(view).toMatchObject({ status: 'lapsed', clockPaused: false, question: null });
        expect(view.timeline.filter((e: { action: string }) => e.action === 'lapse')).toEqual([
          expect.objectContaining({ from: 'awaiting_subject', to: 'lapsed', actorRole: 'system', data: expect.objectContaining({ replyDays: 15 }) }),
        ]);
        const lapsedNotices = (await noticesOf(s.id)).filter((n) => n.kind === 'request.lapsed');
        expect(lapsedNotices).toEqual([
          { kind: 'request.lapsed', data: expect.objectContaining({ requestId: id, replyDays: 15, questionAskedAt: expect.any(String) }) },
        ]);
        expect(await row(id)).toMatchObject({ status: 'lapsed', closed_at: expect.any(Date), question_asked_at: null, awaiting_since: null });
        const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'request.lapsed' AND entity_id = $1`, [id]);
        expect(n).toBe(1);
      }
      expect((await row(recent.id)).status).toBe('awaiting_subject');

      // Closed, it takes no answer; the subject files the request again.
      const before = await t.tableCounts();
      const late = await reply(old.s, old.id);
      expect([late.status, late.body.code]).toEqual([409, 'transition_not_allowed']);
      expect((await staffPost(old.id, 'ask', { question: '还在吗？' })).status).toBe(409);
      expect(await t.tableCounts()).toEqual(before);
      const again = await t.http.post('/api/v1/requests').set(auth(old.s)).send({ type: 'access' });
      expect(again.status).toBe(201);
    });

    it('does not lapse a request whose subject answered in time', async () => {
      const { s, id } = await claimed('access');
      await staffPost(id, 'ask', { question: '请补充材料' });
      await backdate(id, `awaiting_since = now() - interval '14 days', question_asked_at = now() - interval '14 days'`);
      expect((await reply(s, id)).status).toBe(200);
      await t.app.get(LapseScanner).scan();
      expect((await row(id)).status).toBe('in_review');
    });
  });

  describe('bad input', () => {
    it('refuses an empty question or an unknown field with 400 and changes nothing', async () => {
      const { id } = await claimed('access');
      const before = await t.tableCounts();
      const versionBefore = (await staffView(id)).version;
      for (const body of [{}, { question: '' }, { question: '请补充', clockPaused: false }, { question: 42 }]) {
        const res = await staffPost(id, 'ask', body);
        expect(res.status).toBe(400);
      }
      expect(await t.tableCounts()).toEqual(before);
      expect(await staffView(id)).toMatchObject({ status: 'in_review', version: versionBefore });
      expect(await row(id)).toMatchObject({ clock_pauses: 0, question_asked_at: null });
    });
  });

  it('keeps the database to the rules: no pause for a deletion review, no third pause', async () => {
    const deletion = await claimed('delete_account');
    await staffPost(deletion.id, 'ask', { question: '请确认' });
    await expect(backdate(deletion.id, `awaiting_since = now(), clock_pauses = 1`)).rejects.toThrow(/ck_requests_deletion_never_paused/);
    const access = await claimed('access');
    await expect(backdate(access.id, `clock_pauses = 3`)).rejects.toThrow(/ck_requests_clock_pauses/);
    await expect(backdate(access.id, `question_asked_at = now()`)).rejects.toThrow(/ck_requests_question_asked_at/);
  });

  it('has a real down() (every waiting question paused again, as before) and up() backfills from it', async () => {
    const deletion = await claimed('delete_account');
    const access = await claimed('access');
    for (const { id } of [deletion, access]) await staffPost(id, 'ask', { question: '请补充' });
    const runner = (await t.owner()).createQueryRunner();
    await runner.startTransaction();
    try {
      const columns = `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'requests' AND column_name IN ('question_asked_at', 'clock_pauses')`;
      await new QuestionClock1764660000000().down(runner);
      expect(await runner.query(columns)).toEqual([{ n: 0 }]);
      const [waiting] = await runner.query(`SELECT awaiting_since FROM requests WHERE id = $1`, [deletion.id]);
      expect(waiting.awaiting_since).toEqual(expect.any(Date));
      await new QuestionClock1764660000000().up(runner);
      expect(await runner.query(columns)).toEqual([{ n: 2 }]);
      const rows = await runner.query(`SELECT id, awaiting_since, question_asked_at, clock_pauses FROM requests WHERE id = ANY($1)`, [
        [deletion.id, access.id],
      ]);
      const byId = Object.fromEntries(rows.map((r: { id: string }) => [r.id, r]));
      expect(byId[deletion.id]).toMatchObject({ awaiting_since: null, question_asked_at: expect.any(Date), clock_pauses: 0 });
      expect(byId[access.id]).toMatchObject({ awaiting_since: expect.any(Date), question_asked_at: expect.any(Date), clock_pauses: 1 });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
