import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** A disclosure_log is extended under GB/T 35273 §8.7; 3.c (an authority's requirement) is context. */
const EXTENSION_GROUNDS = { clauses: ['3.c'], law: ['GBT35273.8.7'] };

/**
 * Who works a request (the holder), taking one over, deadlines nobody can stretch, and separation of
 * duties: on the real AppModule and PostgreSQL.
 */
describe('review: a request is worked by whoever holds it', () => {
  let t: TestApp;
  let staff: TestUser;
  let staff2: TestUser;
  let legal: TestUser;
  let admin: TestUser;

  const { auth, staffPost, held } = reviewCalls(() => t);
  const auditOf = async (requestId: string): Promise<{ action: string; actor_id: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT action, actor_id, data FROM audit_events WHERE entity_type = 'request' AND entity_id = $1 ORDER BY n`, [requestId]);
  const noticesOf = async (userId: string): Promise<{ kind: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT kind, data FROM notifications WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  const row = async (id: string): Promise<{ assignee_id: string | null; status: string; version: number; due_at: Date }> =>
    (await t.dataSource.query(`SELECT assignee_id, status, version, due_at FROM requests WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    t = await createTestApp();
    [staff, staff2, legal, admin] = [await t.user(Role.Staff), await t.user(Role.Staff), await t.user(Role.Legal), await t.user(Role.Admin)];
  });
  afterAll(() => t.close());

  it('refuses decide, ask, extend and assign to a reviewer who does not hold the request (403 not_holder), changing nothing', async () => {
    const { id } = await held('disclosure_log', staff);
    const before = await t.tableCounts();
    const calls: [string, object][] = [
      ['decision', { outcome: 'approve', clauses: ['3.g'] }],
      ['ask', { question: '请提供注册手机号后四位' }],
      ['extend', { until: new Date(Date.now() + 20 * 86_400_000).toISOString(), reason: '等待机关答复', ...EXTENSION_GROUNDS }],
      ['assign', { assigneeId: staff2.id }],
    ];
    for (const [action, body] of calls) {
      for (const caller of [staff2, legal].filter((c) => action !== 'assign' || c === staff2)) {
        const res = await staffPost(caller, id, action, body);
        expect([action, res.status, res.body.code, res.body.assigneeId]).toEqual([action, 403, 'not_holder', staff.id]);
      }
    }
    expect(await t.tableCounts()).toEqual(before);
    expect((await row(id)).assignee_id).toBe(staff.id);
  });

  it('lets staff take a request over only with a reason; it is audited, on the timeline, and the holder is told and can no longer decide', async () => {
    const { s, id } = await held('access', staff);
    const before = await t.tableCounts();
    const bare = await staffPost(staff2, id, 'take', {});
    expect([bare.status, bare.body.code]).toEqual([422, 'reason_required']);
    expect(await t.tableCounts()).toEqual(before);

    const taken = await staffPost(staff2, id, 'take', { reason: '原负责人休假，交由我继续处理' });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: 'in_review', assigneeId: staff2.id });
    expect(taken.body.timeline.at(-1)).toMatchObject({
      action: 'take',
      reason: '原负责人休假，交由我继续处理',
      data: { assigneeId: staff2.id, previousAssigneeId: staff.id },
    });
    const events = await auditOf(id);
    expect(events.at(-1)).toMatchObject({ action: 'request.taken', actor_id: staff2.id, data: { assigneeId: staff2.id, previousAssigneeId: staff.id } });
    expect(JSON.stringify(events)).not.toContain('休假');
    expect((await noticesOf(staff.id)).filter((n) => n.kind === 'request.reassigned')).toEqual([
      { kind: 'request.reassigned', data: { requestId: id, requestType: 'access', assigneeId: staff2.id, byRole: 'staff' } },
    ]);
    // The subject sees the step, never who held it.
    const seen = await t.http.get(`/api/v1/requests/${id}`).set(auth(s));
    expect(JSON.stringify(seen.body)).not.toContain(staff.id);
    expect(JSON.stringify(seen.body)).not.toContain(staff2.id);

    const formerHolder = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['1.a'] });
    expect([formerHolder.status, formerHolder.body.code]).toEqual([403, 'not_holder']);
    expect((await staffPost(staff2, id, 'decision', { outcome: 'approve', clauses: ['1.a'] })).status).toBe(200);
  });

  it('lets legal take over without a reason, and reassign a request another reviewer holds (the holder is told)', async () => {
    const first = await held('access', staff);
    expect((await staffPost(legal, first.id, 'take', {})).body).toMatchObject({ assigneeId: legal.id });
    const second = await held('access', staff);
    const reassigned = await staffPost(legal, second.id, 'assign', { assigneeId: staff2.id });
    expect(reassigned.body).toMatchObject({ assigneeId: staff2.id });
    const told = (await noticesOf(staff.id)).filter((n) => n.kind === 'request.reassigned').map((n) => n.data);
    expect(told).toEqual(
      expect.arrayContaining([
        { requestId: first.id, requestType: 'access', assigneeId: legal.id, byRole: 'legal' },
        { requestId: second.id, requestType: 'access', assigneeId: staff2.id, byRole: 'legal' },
      ]),
    );
  });

  it('refuses to take a request nobody holds (409: claim it instead) and answers a no-op for the holder', async () => {
    const s = await t.user(Role.Subject);
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'access' });
    const unheld = await staffPost(staff, filed.body.id, 'take', { reason: 'x' });
    expect([unheld.status, unheld.body.code]).toEqual([409, 'transition_not_allowed']);
    // An appeal waits for legal with nobody holding it.
    const appealed = await held('delete_account', staff);
    const refusal = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified', reason: '无法核实申请人身份' };
    expect((await staffPost(staff, appealed.id, 'decision', refusal)).body.status).toBe('awaiting_legal');
    // Four eyes: another legal reviewer confirms staff's refusal, so that `legal` took no part in it.
    const confirmer = await t.user(Role.Legal);
    const confirmed = await t.http.post(`/api/v1/legal/requests/${appealed.id}/confirm`).set(auth(confirmer)).send({});
    expect([confirmed.status, confirmed.body.status]).toEqual([200, 'rejected']);
    expect((await t.http.post(`/api/v1/requests/${appealed.id}/appeal`).set(auth(appealed.s)).send({ statement: '我已补充身份证件照片' })).status).toBe(200);
    const unheldAppeal = await staffPost(legal, appealed.id, 'take', {});
    expect([unheldAppeal.status, unheldAppeal.body.code]).toEqual([409, 'not_held']);
    const { id } = await held('access', staff);
    const before = await t.tableCounts();
    expect((await staffPost(staff, id, 'take', { reason: 'mine already' })).body).toMatchObject({ assigneeId: staff.id, version: 2 });
    expect(await t.tableCounts()).toEqual(before);
  });

  describe('deadlines nobody can stretch', () => {
    it('refuses an extension past the type’s ceiling from submission (30 days), 9999-12-31 included, and one in the past', async () => {
      const { id } = await held('disclosure_log', staff);
      const before = await t.tableCounts();
      for (const until of ['9999-12-31T00:00:00Z', new Date(Date.now() + 31 * 86_400_000).toISOString()]) {
        const res = await staffPost(staff, id, 'extend', { until, reason: '等待机关答复', ...EXTENSION_GROUNDS });
        expect([res.status, res.body.code]).toEqual([422, 'extension_beyond_ceiling']);
        const [{ submitted_at }] = await t.dataSource.query(`SELECT submitted_at FROM requests WHERE id = $1`, [id]);
        expect(Date.parse(res.body.latestDueAt)).toBe(new Date(submitted_at).getTime() + 30 * 86_400_000);
      }
      const past = await staffPost(staff, id, 'extend', { until: '2020-01-01T00:00:00Z', reason: '等待机关答复', ...EXTENSION_GROUNDS });
      expect([past.status, past.body.code]).toEqual([422, 'extension_in_past']);
      expect(await t.tableCounts()).toEqual(before);
      const atCeiling = new Date(Date.now() + 29 * 86_400_000).toISOString();
      expect((await staffPost(staff, id, 'extend', { until: atCeiling, reason: '等待机关答复', ...EXTENSION_GROUNDS })).status).toBe(200);
      const again = await staffPost(staff, id, 'extend', { until: atCeiling, reason: 'again', ...EXTENSION_GROUNDS });
      expect([again.status, again.body.code]).toEqual([409, 'already_extended']);
    });
  });

  describe('separation of duties', () => {
    it('refuses a reviewer any request about their own account: claim, take, decide (403 own_request), or being assigned it (422)', async () => {
      // A subject who later became staff, with a request of their own still open.
      const insider = await t.user(Role.Subject);
      const filed = await t.http.post('/api/v1/requests').set(auth(insider)).send({ type: 'access' });
      expect(filed.status).toBe(201);
      expect((await t.http.patch(`/api/v1/accounts/${insider.id}/role`).set(auth(admin)).send({ role: 'staff' })).status).toBe(200);
      const asStaff = { ...insider, token: await t.login(insider.email, insider.password) };
      const id = filed.body.id as string;

      const before = await t.tableCounts();
      const claim = await staffPost(asStaff, id, 'claim');
      expect([claim.status, claim.body.code]).toEqual([403, 'own_request']);
      const assigned = await staffPost(staff, id, 'assign', { assigneeId: insider.id });
      expect([assigned.status, assigned.body.code]).toEqual([422, 'own_request']);
      expect(await t.tableCounts()).toEqual(before);

      expect((await staffPost(staff, id, 'claim')).status).toBe(200);
      const take = await staffPost(asStaff, id, 'take', { reason: 'I know this one' });
      expect([take.status, take.body.code]).toEqual([403, 'own_request']);
      // Even if it were handed to them behind the workflow's back, they could not decide it.
      await t.dataSource.query(`UPDATE requests SET assignee_id = $2 WHERE id = $1`, [id, insider.id]);
      const decide = await staffPost(asStaff, id, 'decision', { outcome: 'approve', clauses: ['1.a'] });
      expect([decide.status, decide.body.code]).toEqual([403, 'own_request']);
      expect((await row(id)).status).toBe('in_review');
    });

    it('refuses an administrator a change of their own role (403), audited nowhere, and allows it on another account', async () => {
      const before = await t.tableCounts();
      const own = await t.http.patch(`/api/v1/accounts/${admin.id}/role`).set(auth(admin)).send({ role: 'legal' });
      expect([own.status, own.body.code]).toEqual([403, 'cannot_change_own_role']);
      expect(await t.tableCounts()).toEqual(before);
      const [{ role }] = await t.dataSource.query(`SELECT role FROM users WHERE id = $1`, [admin.id]);
      expect(role).toBe('admin');
      const other = await t.user(Role.Subject);
      expect((await t.http.patch(`/api/v1/accounts/${other.id}/role`).set(auth(admin)).send({ role: 'staff' })).status).toBe(200);
    });
  });
});
