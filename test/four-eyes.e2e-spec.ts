import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * A second pair of eyes on every refusal (product.md, Lifecycle): a staff refusal or partial decision
 * waits in `awaiting_legal` until a legal reviewer who is not its author confirms or replaces it;
 * legal's own refusals stand; the subject's notice of a refusal names what it rests on, what was
 * withheld, the deadline to appeal and the remedies. On the real AppModule and PostgreSQL.
 */
describe('four eyes on every refusal', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  let legal2: TestUser;

  const { auth, staffPost, legalPost, held } = reviewCalls(() => t);
  const noticesOf = async (userId: string): Promise<{ kind: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT kind, data FROM notifications WHERE user_id = $1 AND kind = 'request.decided' ORDER BY created_at, id`, [userId]);

  const refusal = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified', reason: '无法核验申请人身份' };

  beforeAll(async () => {
    t = await createTestApp();
    [staff, legal, legal2] = [await t.user(Role.Staff), await t.user(Role.Legal), await t.user(Role.Legal)];
  });
  afterAll(() => t.close());

  it('sends a staff refusal to legal: awaiting_legal, nothing told to the subject yet, the proposal on the staff page', async () => {
    const { s, id } = await held('delete_account', staff);
    const proposed = await staffPost(staff, id, 'decision', refusal);
    expect([proposed.status, proposed.body.status]).toEqual([200, 'awaiting_legal']);
    const mine = await t.http.get(`/api/v1/requests/${id}`).set(auth(s));
    expect(mine.body).toMatchObject({ status: 'awaiting_legal', decision: null });
    expect(mine.body.rightsNotice).toBeUndefined();
    // The timeline says a decision is under legal review, not what it proposes.
    const entry = mine.body.timeline.find((e: { to: string }) => e.to === 'awaiting_legal');
    expect(entry).toMatchObject({ action: 'decide', outcome: null, reason: null, clauses: [], law: [], data: {} });
    expect(await noticesOf(s.id)).toEqual([]);
    const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(legal));
    expect(page.body.proposedDecision).toMatchObject({ outcome: 'reject', ground: 'identity_not_verified', law: [{ id: 'GBT35273.8.7' }] });
    const queue = await t.http.get('/api/v1/staff/requests?status=awaiting_legal&limit=100').set(auth(legal));
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(id);
    // The clock keeps running: it stays on the overdue scan's list of running requests.
    expect(page.body.clockPaused).toBe(false);
  });

  it('lets another legal reviewer confirm it; then it stands and the notice names ground, clause and provision, the appeal deadline and the remedies', async () => {
    const { s, id } = await held('delete_account', staff);
    await staffPost(staff, id, 'decision', refusal);
    const confirmed = await legalPost(legal, id, 'confirm', { note: '经复核，维持原决定' });
    expect([confirmed.status, confirmed.body.status]).toEqual([200, 'rejected']);
    const mine = (await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).body;
    expect(mine.decision).toMatchObject({
      outcome: 'reject',
      ground: 'identity_not_verified',
      law: [{ id: 'GBT35273.8.7', text: expect.stringContaining('') }],
    });
    expect(mine.decision.law[0].text.length).toBeGreaterThan(20);
    expect(mine.rightsNotice['zh-CN']).toContain('无法核验申请人的身份');
    expect(mine.rightsNotice['zh-CN']).toContain('GBT35273.8.7');
    expect(mine.rightsNotice['zh-CN']).toMatch(/可以在 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（UTC）之前在门户中提出一次申诉/);
    expect(mine.rightsNotice.en).toContain('bring a lawsuit');
    expect(mine.timeline.map((e: { action: string; to: string }) => `${e.action}:${e.to}`)).toEqual(
      expect.arrayContaining(['decide:awaiting_legal', 'confirm_decision:rejected']),
    );
    const [notice] = await noticesOf(s.id);
    expect(notice.data).toMatchObject({ outcome: 'reject', law: ['GBT35273.8.7'], ground: 'identity_not_verified', appealBy: expect.any(String) });
  });

  it('refuses confirmation by staff (403) and by the proposal’s own author (403 own_decision), writing nothing', async () => {
    const { id } = await held('delete_account', staff);
    await staffPost(staff, id, 'decision', refusal);
    const before = await t.tableCounts();
    expect((await legalPost(staff, id, 'confirm')).status).toBe(403);
    // The author's account since moved to legal: still not a second pair of eyes.
    const author = await t.user(Role.Staff);
    const other = await held('delete_account', author);
    await staffPost(author, other.id, 'decision', refusal);
    await t.asOwner((m) => m.query(`UPDATE users SET role = 'legal' WHERE id = $1`, [author.id]));
    const asLegal = { ...author, token: await t.login(author.email, author.password) };
    const countsBefore = await t.tableCounts();
    const own = await legalPost(asLegal, other.id, 'confirm');
    expect([own.status, own.body.code]).toEqual([403, 'own_decision']);
    expect((await t.tableCounts()).request_events).toBe(countsBefore.request_events);
    expect((await t.tableCounts()).requests).toBe(before.requests + 1);
  });

  it('lets legal replace a staff partial answer with its own decision, which stands at once', async () => {
    const { s, id } = await held('access', staff);
    const partial = { outcome: 'partial', clauses: ['1.excl.a'], law: ['PIPL.18'], withheld: ['search_keywords'], reason: '部分信息涉及法定保密' };
    expect((await staffPost(staff, id, 'decision', partial)).body.status).toBe('awaiting_legal');
    const replaced = await legalPost(legal2, id, 'replace', { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] });
    expect([replaced.status, replaced.body.status]).toEqual([200, 'approved']);
    const mine = (await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).body;
    expect(mine.decision).toMatchObject({ outcome: 'approve', decidedByRole: 'legal', withheld: [] });
    expect(mine.rightsNotice).toBeUndefined();
    // Replacing is checked like any decision.
    const again = await held('access', staff);
    await staffPost(staff, again.id, 'decision', partial);
    const unjustified = await legalPost(legal2, again.id, 'replace', { outcome: 'reject', clauses: ['1.excl.a'], ground: 'manifestly_unfounded', reason: 'x' });
    expect([unjustified.status, unjustified.body.code, unjustified.body.justifyingLaw]).toEqual([422, 'clauses_do_not_justify', ['GBT35273.8.7', 'PIPL.49']]);
  });

  it('lets legal’s own refusal stand at once, and a partial answer names what was withheld', async () => {
    const { s, id } = await held('access', legal);
    const decided = await staffPost(legal, id, 'decision', {
      outcome: 'partial',
      clauses: [],
      law: ['PIPL.35'],
      withheld: ['violations'],
      reason: '该类信息的告知将妨碍国家机关履行法定职责',
    });
    expect([decided.status, decided.body.status]).toEqual([200, 'approved']);
    const mine = (await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).body;
    expect(mine.decision).toMatchObject({ outcome: 'partial', withheld: ['violations'] });
    expect(mine.rightsNotice['zh-CN']).toContain('未提供或予以保留的个人信息类别：violations');
    // A partial answer is not appealable: the notice gives no appeal deadline.
    expect(mine.rightsNotice['zh-CN']).not.toContain('申诉');
  });

  it.each([
    ['a partial answer without what it withholds', { outcome: 'partial', clauses: [], law: ['PIPL.18'], reason: 'x' }, 'withheld_required'],
    ['a refusal without its ground', { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], reason: 'x' }, 'ground_required'],
    ['a ground on an approval', { outcome: 'approve', clauses: ['1.a'], ground: 'repeated_request' }, 'not_applicable'],
    ['withheld categories on a refusal', { ...refusal, withheld: ['account'] }, 'not_applicable'],
    ['holds on an access request', { outcome: 'partial', clauses: [], law: ['PIPL.18'], withheld: ['account'], holds: [], reason: 'x' }, 'not_applicable'],
  ])('refuses %s (422), writing nothing', async (_what, body, code) => {
    const { id } = await held('access', staff);
    const before = await t.tableCounts();
    const res = await staffPost(staff, id, 'decision', body);
    expect([res.status, res.body.code]).toEqual([422, code]);
    expect(await t.tableCounts()).toEqual(before);
  });

  it('refuses an unknown ground or category (400)', async () => {
    const { id } = await held('access', staff);
    expect((await staffPost(staff, id, 'decision', { ...refusal, ground: 'because' })).status).toBe(400);
    expect((await staffPost(staff, id, 'decision', { outcome: 'partial', clauses: [], law: ['PIPL.18'], withheld: ['diary'], reason: 'x' })).status).toBe(400);
  });

  describe('a partial deletion keeps only what an active legal hold covers', () => {
    const placeHold = async (subjectId: string, categories: string[]) => {
      const res = await t.http
        .post('/api/v1/legal/holds')
        .set(auth(legal))
        .send({
          subjectId,
          categories,
          law: ['ECL.31'],
          retention: '交易完成之日起三年（电子商务法第三十一条）',
          until: new Date(Date.now() + 3 * 365 * 86_400_000).toISOString(),
          note: '订单争议',
        });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const keep = (holds: string[] | undefined, withheld = ['transactions']) => ({
      outcome: 'partial',
      clauses: ['3.f'],
      law: ['ECL.31'],
      withheld,
      ...(holds && { holds }),
      reason: '交易记录依法保存三年后删除',
    });

    it('needs holds, covering every withheld category (422 otherwise), and re-checks them when legal confirms', async () => {
      const { s, id } = await held('delete_account', staff);
      const none = await staffPost(staff, id, 'decision', keep(undefined));
      expect([none.status, none.body.code]).toEqual([422, 'holds_required']);
      const hold = await placeHold(s.id, ['transactions']);
      const uncovered = await staffPost(staff, id, 'decision', keep([hold], ['transactions', 'account']));
      expect([uncovered.status, uncovered.body.code, uncovered.body.uncovered]).toEqual([422, 'holds_do_not_cover', ['account']]);
      const proposed = await staffPost(staff, id, 'decision', keep([hold]));
      expect([proposed.status, proposed.body.status]).toEqual([200, 'awaiting_legal']);
      // The hold is released before legal looks: the decision can no longer stand on it.
      expect((await t.http.post(`/api/v1/legal/holds/${hold}/release`).set(auth(legal2)).send({ reason: '争议已解决' })).status).toBe(200);
      const stale = await legalPost(legal, id, 'confirm');
      expect([stale.status, stale.body.code]).toEqual([422, 'holds_do_not_cover']);
      const fresh = await placeHold(s.id, ['transactions']);
      expect((await legalPost(legal, id, 'replace', keep([fresh]))).body.status).toBe('approved');
    });
  });

  it('closes the appeal window after 30 days (409 appeal_window_closed), and keeps the confirming reviewer off the appeal', async () => {
    const { s, id } = await held('delete_account', staff);
    await staffPost(staff, id, 'decision', refusal);
    await legalPost(legal, id, 'confirm');
    // The reviewer who confirmed took part in the decision: they may not decide its appeal.
    const late = await held('delete_account', staff);
    await staffPost(staff, late.id, 'decision', refusal);
    await legalPost(legal, late.id, 'confirm');
    expect((await t.http.post(`/api/v1/requests/${id}/appeal`).set(auth(s)).send({ statement: '我可以提供身份证明' })).status).toBe(200);
    expect((await staffPost(legal, id, 'claim')).body.code).toBe('decider_cannot_review_appeal');
    await t.asOwner((m) => m.query(`UPDATE requests SET closed_at = now() - interval '31 days' WHERE id = $1`, [late.id]));
    const before = await t.tableCounts();
    const closed = await t.http.post(`/api/v1/requests/${late.id}/appeal`).set(auth(late.s)).send({ statement: '太晚了吗' });
    expect([closed.status, closed.body.code]).toEqual([409, 'appeal_window_closed']);
    expect(await t.tableCounts()).toEqual(before);
  });
});
