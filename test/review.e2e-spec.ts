import { Role } from '../src/kernel/role';
import { OPEN_STATUSES } from '../src/requests/domain/request-status';
import { OverdueScanner } from '../src/review/overdue-scanner';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** The staff workflow (api.md, Review) against the real application and PostgreSQL. */
describe('review: the staff workflow (HTTP)', () => {
  let t: TestApp;
  let staff: TestUser;
  let staff2: TestUser;
  let legal: TestUser;
  let legal2: TestUser;
  const { auth, staffPost, legalPost } = reviewCalls(() => t);
  const subjectView = async (s: TestUser, id: string) => (await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).body;
  const auditOf = async (requestId: string): Promise<{ action: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT action, data FROM audit_events WHERE entity_type = 'request' AND entity_id = $1 ORDER BY n`, [requestId]);
  const noticesOf = async (userId: string): Promise<{ kind: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT kind, data FROM notifications WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  /**
   * A refusal as version 1 allows one: under GB/T 35273-2020 §8.7 on the ground that the requester's
   * identity could not be verified, a provision and no clause.
   */
  const refusal = (reason = '无法核实申请人身份：提交的身份信息与注册信息不一致') => ({
    outcome: 'reject',
    clauses: [],
    law: ['GBT35273.8.7'],
    ground: 'identity_not_verified',
    reason,
  });
  /** Phrases of the cited provisions' text, as the catalogue publishes it. */
  const GBT_8_7_TEXT = '在验证个人信息主体身份后';

  /** A subject with a request of `type`, filed (and claimed by `claimer` when given). */
  async function filed(type: string, claimer?: TestUser, phone?: string): Promise<{ s: TestUser; id: string }> {
    const s = await t.user(Role.Subject, phone ? { phone, displayName: '张三丰' } : {});
    const body = type === 'delete_account' ? { type, password: s.password } : { type };
    const res = await t.http.post('/api/v1/requests').set(auth(s)).send(body);
    expect(res.status).toBe(201);
    if (claimer) expect((await staffPost(claimer, res.body.id, 'claim')).status).toBe(200);
    return { s, id: res.body.id };
  }

  /**
   * A refusal that stands, the four-eyes way: staff proposes it (→ awaiting_legal), then `confirmer`,
   * a legal reviewer, confirms it (→ rejected). The confirmer took part in the decision, so a test
   * that has a legal reviewer decide the appeal passes another one here.
   */
  async function refusedByStaff(id: string, confirmer: TestUser, proposer: TestUser = staff): Promise<void> {
    const proposed = await staffPost(proposer, id, 'decision', refusal());
    expect([proposed.status, proposed.body.status]).toEqual([200, 'awaiting_legal']);
    const confirmed = await legalPost(confirmer, id, 'confirm');
    expect([confirmed.status, confirmed.body.status]).toEqual([200, 'rejected']);
  }

  beforeAll(async () => {
    t = await createTestApp();
    [staff, staff2, legal, legal2] = [await t.user(Role.Staff), await t.user(Role.Staff), await t.user(Role.Legal), await t.user(Role.Legal)];
  });
  afterAll(() => t.close());

  describe('the request page', () => {
    it('shows the request, its subject masked, and the clauses that could justify each outcome', async () => {
      const { s, id } = await filed('delete_account', undefined, '13812341234');
      const res = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, type: 'delete_account', status: 'submitted', version: 1, assigneeId: null, overdue: false, subjectId: s.id });
      expect(res.body.subject).toMatchObject({ id: s.id, phone: '138****1234' });
      expect(res.body.subject.email).not.toBe(s.email);
      expect(JSON.stringify(res.body)).not.toContain(s.email);
      expect(JSON.stringify(res.body)).not.toContain('13812341234');
      const ids = (outcome: string) => res.body.options[outcome].map((c: { id: string }) => c.id);
      expect(ids('approve')).toEqual(['face.retain.2', 'face.use.3']);
      // No clause of version 1 lets the operator keep an account open: a refusal rests on the law alone.
      expect(ids('reject')).toEqual([]);
      expect(ids('partial')).toEqual(['3.c', '3.e', '3.f']);
      expect(ids('extend')).toEqual([]);
      expect(res.body.options.approve[0].text).toContain('48');
    });

    it('shows the provisions of law that could justify each outcome, and which outcomes need one (refusing delete_account: GB/T 35273 §8.7)', async () => {
      const { id } = await filed('delete_account');
      const res = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
      expect(res.status).toBe(200);
      expect(res.body.lawOptions.reject).toEqual({
        provisions: [
          { id: 'GBT35273.8.7', instrument: expect.stringContaining('GB/T 35273-2020'), article: '8.7', text: expect.stringContaining(GBT_8_7_TEXT) },
          // a relative of a deceased person: the deceased arranged otherwise
          expect.objectContaining({ id: 'PIPL.49', article: '第四十九条' }),
        ],
        needsLaw: true,
      });
      expect(res.body.lawOptions.approve).toEqual({
        provisions: [expect.objectContaining({ id: 'PIPL.47', article: '第四十七条' }), expect.objectContaining({ id: 'NDSMR.24', article: '第二十四条' })],
        needsLaw: false,
      });
      // Keeping some data after the account is gone: the provision that sets the period must be cited.
      expect(res.body.lawOptions.partial.provisions.map((p: { id: string }) => p.id)).toEqual(['PIPL.47', 'NDSMR.24', 'ECL.31', 'CSL.23']);
      expect(res.body.lawOptions.partial.needsLaw).toBe(true);
      // face.retain.2's 48 hours are never stretched.
      expect(res.body.lawOptions.extend).toEqual({ provisions: [], needsLaw: false });
    });

    it('is for staff and legal only', async () => {
      const { s, id } = await filed('access');
      expect((await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(s))).status).toBe(403);
      expect((await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(legal))).status).toBe(200);
      expect((await t.http.get('/api/v1/staff/requests').set(auth(s))).status).toBe(403);
    });
  });

  describe('claiming and assigning', () => {
    it('claims a submitted request (→ in_review), refuses a second claimer, and reassigns on purpose', async () => {
      const { s, id } = await filed('access');
      const claimed = await staffPost(staff, id, 'claim');
      expect(claimed.status).toBe(200);
      expect(claimed.body).toMatchObject({ status: 'in_review', assigneeId: staff.id, version: 2 });
      expect((await staffPost(staff, id, 'claim')).body.version).toBe(2);
      const before = await t.tableCounts();
      const second = await staffPost(staff2, id, 'claim');
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ code: 'already_claimed', assigneeId: staff.id });
      expect(await t.tableCounts()).toEqual(before);
      const reassigned = await staffPost(staff, id, 'assign', { assigneeId: staff2.id });
      expect(reassigned.body).toMatchObject({ status: 'in_review', assigneeId: staff2.id });
      expect((await auditOf(id)).map((e) => e.action)).toEqual(['request.submitted', 'request.claimed', 'request.assigned']);
      const seenBySubject = await subjectView(s, id);
      expect(seenBySubject.timeline.map((e: { action: string; actorRole: string }) => `${e.action}:${e.actorRole}`)).toEqual([
        'submit:subject',
        'claim:staff',
        'assign:staff',
      ]);
      expect(JSON.stringify(seenBySubject)).not.toContain(staff.id);
    });

    it('refuses to assign to an account that is not staff or legal (422)', async () => {
      const { s, id } = await filed('access');
      const res = await staffPost(staff, id, 'assign', { assigneeId: s.id });
      expect([res.status, res.body.code]).toEqual([422, 'assignee_not_reviewer']);
    });
  });

  describe('deciding', () => {
    it('refuses a decision no cited clause justifies (422 with the justifying clauses) and writes nothing', async () => {
      const { id } = await filed('delete_account', staff);
      const before = await t.tableCounts();
      const res = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['3.c'], reason: 'ok' });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'clauses_do_not_justify',
        justifyingClauses: ['face.retain.2', 'face.use.3'],
        justifyingLaw: ['PIPL.47', 'NDSMR.24'],
        needsLaw: false,
      });
      const unknown = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['face.retain.2', '9.z'] });
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({ code: 'unknown_clauses', unknownClauses: ['9.z'] });
      expect(unknown.body.validClauses).toContain('face.retain.2');
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses an outcome no clause of the version can justify (rejecting access): only GB/T 35273 §8.7 can', async () => {
      const { id } = await filed('access', staff);
      const res = await staffPost(staff, id, 'decision', { outcome: 'reject', clauses: ['1.a'], reason: 'no' });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'clauses_do_not_justify', justifyingClauses: [], justifyingLaw: ['GBT35273.8.7', 'PIPL.49'], needsLaw: true });
    });

    it('answers access in part only under PIPL Art. 18 or 35: 1.excl.a alone is refused (422), with PIPL.18 the subject reads its text', async () => {
      const { s, id } = await filed('access', staff);
      const reason = '您的部分搜索记录涉及依法须保密的调查，暂不提供；其余信息已全部提供';
      const before = await t.tableCounts();
      // 1.excl.a only names the category withheld (search keywords): the law decides whether it may be.
      const clauseOnly = await staffPost(staff, id, 'decision', { outcome: 'partial', clauses: ['1.excl.a'], reason });
      expect(clauseOnly.status).toBe(422);
      expect(clauseOnly.body).toMatchObject({ code: 'clauses_do_not_justify', justifyingLaw: ['PIPL.18', 'PIPL.35'], needsLaw: true });
      expect(clauseOnly.body.message).toContain('PIPL.18');
      expect(await t.tableCounts()).toEqual(before);

      const partial = { outcome: 'partial', clauses: ['1.excl.a'], law: ['PIPL.18'], withheld: ['search_keywords'], reason };
      const withLaw = await staffPost(staff, id, 'decision', partial);
      expect([withLaw.status, withLaw.body.status]).toEqual([200, 'awaiting_legal']);
      // Staff's partial answer is only proposed: the subject reads nothing of it until legal confirms.
      expect(await subjectView(s, id)).toMatchObject({ status: 'awaiting_legal', decision: null });
      expect((await legalPost(legal, id, 'confirm')).body.status).toBe('approved');
      const view = await subjectView(s, id);
      expect(view.decision).toMatchObject({ outcome: 'partial', reason, clauses: [{ id: '1.excl.a' }], withheld: ['search_keywords'] });
      expect(view.decision.law).toEqual([
        { id: 'PIPL.18', instrument: '中华人民共和国个人信息保护法', article: '第十八条', text: expect.stringContaining('应当保密或者不需要告知') },
      ]);
      expect(view.timeline.at(-1)).toMatchObject({
        action: 'confirm_decision',
        outcome: 'partial',
        law: [{ id: 'PIPL.18', text: expect.stringContaining('应当保密') }],
      });
    });

    it('refuses a provision the law catalogue does not have (422 unknown_law, listing the valid ids) and writes nothing', async () => {
      const { id } = await filed('delete_account', staff);
      const catalogue = (await t.http.get('/api/v1/law')).body.map((p: { id: string }) => p.id);
      const before = await t.tableCounts();
      const unknown = await staffPost(staff, id, 'decision', { ...refusal(), law: ['PIPL.999'] });
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({ code: 'unknown_law', unknownLaw: ['PIPL.999'] });
      expect(unknown.body.validLaw).toEqual(catalogue);
      expect(unknown.body.validLaw).toContain('GBT35273.8.7');
      // Beside a provision that would justify the refusal, it is refused all the same.
      const beside = await staffPost(staff, id, 'decision', { ...refusal(), law: ['GBT35273.8.7', 'PIPL.999'] });
      expect([beside.status, beside.body.code, beside.body.unknownLaw]).toEqual([422, 'unknown_law', ['PIPL.999']]);
      expect(await t.tableCounts()).toEqual(before);
    });

    it.each([
      ['a lower-case id', ['pipl-47']],
      ['a NUL byte', ['GBT35273.8.7\u0000']],
      ['an article with no instrument', ['47']],
      ['an id too long', [`PIPL.${'4'.repeat(40)}`]],
      ['law not a list', 'GBT35273.8.7'],
      ['a wrong-typed id', [47]],
      ['the same id twice', ['GBT35273.8.7', 'GBT35273.8.7']],
    ])('refuses a malformed law citation (%s) with 400, writing nothing', async (_, law) => {
      const { id } = await filed('delete_account', staff);
      const before = await t.tableCounts();
      const res = await staffPost(staff, id, 'decision', { ...refusal(), law });
      expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses to decide a request nobody claimed (409)', async () => {
      const { id } = await filed('delete_account');
      const res = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['face.retain.2'] });
      expect([res.status, res.body.code]).toEqual([409, 'transition_not_allowed']);
      expect(res.body.allowedFrom).toEqual(['in_review']);
    });

    it('approves with a justifying clause: the decision carries the clause text, the subject is notified, and it is audited', async () => {
      const { s, id } = await filed('delete_account', staff);
      const res = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['face.retain.2'], reason: '符合注销条件' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'approved', version: 3 });
      // An approved account deletion closes the account at once: the subject learns of it by notice.
      expect((await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).status).toBe(401);
      const view = res.body;
      expect(view.decision).toMatchObject({ outcome: 'approve', reason: '符合注销条件', decidedByRole: 'staff' });
      expect(view.decision.clauses).toEqual([{ id: 'face.retain.2', text: expect.stringContaining('48') }]);
      expect(view.decision.law).toEqual([]);
      expect(view.rightsNotice).toBeUndefined();
      const last = view.timeline[view.timeline.length - 1];
      expect(last).toMatchObject({ action: 'decide', from: 'in_review', to: 'approved', actorRole: 'staff', outcome: 'approve' });
      expect((await noticesOf(s.id)).map((n) => n.kind)).toEqual(['request.received', 'request.decided']);
      const decided = (await auditOf(id)).find((e) => e.action === 'request.decided');
      expect(decided?.data).toMatchObject({ outcome: 'approve', clauses: ['face.retain.2'], from: 'in_review', to: 'approved' });
      expect(JSON.stringify(decided?.data)).not.toContain('符合注销条件');
      const again = await staffPost(staff, id, 'decision', refusal('changed my mind'));
      expect([again.status, again.body.code]).toEqual([409, 'already_decided']);
    });

    it('refuses a decision whose expectedVersion is stale (409) and takes one that is current', async () => {
      const { id } = await filed('delete_account', staff);
      const stale = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['face.retain.2'], expectedVersion: 1 });
      expect([stale.status, stale.body.code, stale.body.currentVersion]).toEqual([409, 'request_changed', 2]);
      expect((await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['face.retain.2'], expectedVersion: 2 })).status).toBe(200);
    });

    it('lets exactly one of 20 concurrent decisions win: one 200, nineteen 409, one decision, one audit event', async () => {
      const { id } = await filed('delete_account', staff);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => staffPost(staff, id, 'decision', i % 3 ? { outcome: 'approve', clauses: ['face.retain.2'] } : refusal())),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      // The winner's approval stands; its refusal waits for legal. Either way the request is decided.
      const [winner] = answers.filter((a) => a.status === 200);
      expect(winner.body.status).toBe(winner.body.timeline.at(-1).outcome === 'approve' ? 'approved' : 'awaiting_legal');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND action = 'decide'`, [id]);
      expect(n).toBe(1);
      expect((await auditOf(id)).filter((e) => e.action === 'request.decided')).toHaveLength(1);
    });

    it('lets exactly one of 10 concurrent answers to a proposed refusal win (two legal reviewers confirming and replacing): one 200, nine 409', async () => {
      const { s, id } = await filed('delete_account', staff);
      expect((await staffPost(staff, id, 'decision', refusal())).body.status).toBe('awaiting_legal');
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 ? legalPost(legal, id, 'confirm') : legalPost(legal2, id, 'replace', refusal('经复核：身份证件照片与注册信息不一致')),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((st) => st === 200)).toHaveLength(1);
      expect(statuses.filter((st) => st === 409)).toHaveLength(9);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND action IN ('confirm_decision', 'replace_decision')`,
        [id],
      );
      expect(n).toBe(1);
      // The subject is told once, of the one decision that stands.
      expect((await noticesOf(s.id)).filter((x) => x.kind === 'request.decided')).toHaveLength(1);
      expect((await subjectView(s, id)).status).toBe('rejected');
    });
  });

  describe('rejection and appeal', () => {
    it('refuses to reject delete_account on 3.c, face.transfer.3 or face.share.1.4 (they permit a disclosure, not keeping the account): 422 naming GB/T 35273 §8.7', async () => {
      const { id } = await filed('delete_account', staff);
      const before = await t.tableCounts();
      for (const clause of ['3.c', 'face.transfer.3', 'face.share.1.4']) {
        const res = await staffPost(staff, id, 'decision', { outcome: 'reject', clauses: [clause], reason: '法院保全裁定要求保留账户' });
        expect([clause, res.status]).toEqual([clause, 422]);
        expect(res.body).toMatchObject({ code: 'clauses_do_not_justify', justifyingClauses: [], justifyingLaw: ['GBT35273.8.7', 'PIPL.49'], needsLaw: true });
        expect(res.body.message).toContain('GBT35273.8.7');
      }
      // A provision that grounds another outcome (deletion, PIPL Art. 47) is no ground to refuse either.
      const wrongLaw = await staffPost(staff, id, 'decision', { ...refusal(), law: ['PIPL.47'] });
      expect([wrongLaw.status, wrongLaw.body.code, wrongLaw.body.justifyingLaw]).toEqual([422, 'clauses_do_not_justify', ['GBT35273.8.7', 'PIPL.49']]);
      expect(await t.tableCounts()).toEqual(before);
      const proposed = await staffPost(staff, id, 'decision', refusal());
      expect([proposed.status, proposed.body.status]).toEqual([200, 'awaiting_legal']);
    });

    it('needs a reason to reject; once legal confirms, the subject reads it, the provision with its text, and the notice of the right to complain and to sue (PIPL Art. 50)', async () => {
      const { s, id } = await filed('delete_account', staff);
      const before = await t.tableCounts();
      const { reason, ...noReason } = refusal();
      const refused = await staffPost(staff, id, 'decision', noReason);
      expect([refused.status, refused.body.code]).toEqual([422, 'reason_required']);
      expect(await t.tableCounts()).toEqual(before);
      expect((await staffPost(staff, id, 'decision', refusal())).body.status).toBe('awaiting_legal');
      // Proposed, not yet standing: no decision and no notice of remedies for the subject.
      const proposed = await subjectView(s, id);
      expect(proposed).toMatchObject({ status: 'awaiting_legal', decision: null });
      expect(proposed.rightsNotice).toBeUndefined();
      expect((await legalPost(legal, id, 'confirm')).status).toBe(200);
      const view = await subjectView(s, id);
      expect(view.status).toBe('rejected');
      expect(view.decision).toMatchObject({ outcome: 'reject', reason, clauses: [], ground: 'identity_not_verified' });
      expect(view.decision.law).toEqual([
        { id: 'GBT35273.8.7', instrument: expect.stringContaining('个人信息安全规范'), article: '8.7', text: expect.stringContaining(GBT_8_7_TEXT) },
      ]);
      expect(view.timeline.at(-1)).toMatchObject({ action: 'confirm_decision', outcome: 'reject', clauses: [], law: [{ id: 'GBT35273.8.7' }] });
      expect(view.rightsNotice['zh-CN']).toContain('第五十条');
      expect(view.rightsNotice['zh-CN']).toContain('人民法院');
      expect(view.rightsNotice.en).toContain('Article 50');
      expect(view.rightsNotice.en).toContain('complain');
    });

    it('takes one appeal, decided by legal only (staff 403), citing clauses and provisions through the same check', async () => {
      const { s, id } = await filed('delete_account', staff);
      // legal2 confirms the refusal; legal, who took no part in it, decides the appeal.
      await refusedByStaff(id, legal2);
      const appeal = await t.http.post(`/api/v1/requests/${id}/appeal`).set(auth(s)).send({ statement: '我已补充身份证件照片' });
      expect(appeal.status).toBe(200);
      expect(appeal.body).toMatchObject({ status: 'under_appeal', appeal: { statement: '我已补充身份证件照片', decision: null } });
      // The refusal still stands while appealed: its notice keeps the remedies but offers no second appeal.
      expect(appeal.body.rightsNotice['zh-CN']).toContain('第五十条');
      expect(appeal.body.rightsNotice['zh-CN']).not.toContain('申诉');

      expect((await staffPost(legal, id, 'claim')).status).toBe(200);
      const before = await t.tableCounts();
      const byStaff = await staffPost(staff, id, 'appeal/decision', { outcome: 'approve', clauses: ['face.retain.2'] });
      expect(byStaff.status).toBe(403);
      const viaDecision = await staffPost(legal, id, 'decision', { outcome: 'approve', clauses: ['face.retain.2'] });
      expect(viaDecision.status).toBe(409);
      const unjustified = await staffPost(legal, id, 'appeal/decision', { outcome: 'reject', clauses: ['3.e'], reason: 'x' });
      expect([unjustified.status, unjustified.body.code]).toEqual([422, 'clauses_do_not_justify']);
      // A criminal matter (face.transfer.3) permits a disclosure; it is no ground to uphold a refusal.
      const onClause = await staffPost(legal, id, 'appeal/decision', { outcome: 'reject', clauses: ['face.transfer.3'], reason: '侦查机关书面确认仍在进行' });
      expect(onClause.status).toBe(422);
      expect(onClause.body).toMatchObject({ code: 'clauses_do_not_justify', justifyingLaw: ['GBT35273.8.7', 'PIPL.49'], needsLaw: true });
      expect(await t.tableCounts()).toEqual(before);

      const upheld = await staffPost(legal, id, 'appeal/decision', refusal('补充的证件照片与注册信息仍不一致，无法核实身份'));
      expect(upheld.status).toBe(200);
      const view = await subjectView(s, id);
      expect(view.status).toBe('rejected');
      expect(view.appeal.decision).toMatchObject({
        outcome: 'reject',
        decidedByRole: 'legal',
        clauses: [],
        law: [{ id: 'GBT35273.8.7', text: expect.stringContaining(GBT_8_7_TEXT) }],
      });
      // Refused again on appeal: the subject is told, in both languages, of the right to sue and to complain.
      expect(view.rightsNotice).toMatchObject({
        'zh-CN': expect.stringMatching(/第五十条.*人民法院/),
        en: expect.stringMatching(/Article 50.*people's court.*complain/),
      });
      expect((await auditOf(id)).map((e) => e.action)).toEqual([
        'request.submitted',
        'request.claimed',
        'request.decided',
        'request.decision_confirmed',
        'request.appealed',
        'request.claimed',
        'request.appeal_decided',
      ]);
      const again = await t.http.post(`/api/v1/requests/${id}/appeal`).set(auth(s)).send({ statement: 'once more' });
      expect([again.status, again.body.code]).toEqual([409, 'already_appealed']);
    });

    it('lets legal overturn a rejection on appeal', async () => {
      const { s, id } = await filed('delete_account', staff);
      await refusedByStaff(id, legal2);
      await t.http.post(`/api/v1/requests/${id}/appeal`).set(auth(s)).send({ statement: '我已补充身份证件照片' });
      expect((await staffPost(legal, id, 'claim')).status).toBe(200);
      const overturned = await staffPost(legal, id, 'appeal/decision', { outcome: 'approve', clauses: ['face.retain.2'], reason: '身份已核实' });
      expect(overturned.status).toBe(200);
      expect(overturned.body.status).toBe('approved');
      // Staff's proposal told the subject nothing; legal's confirmation and the appeal's decision did.
      expect((await noticesOf(s.id)).map((n) => n.kind)).toEqual(['request.received', 'request.decided', 'request.decided']);
    });
    it('takes the appeal out of the rejecting reviewer’s hands; the legal reviewer who rejected may not claim, be assigned or decide it', async () => {
      const { s, id } = await filed('delete_account', legal);
      // Legal's own refusal stands at once (no second reviewer confirms it).
      const refused = await staffPost(legal, id, 'decision', refusal());
      expect([refused.status, refused.body.status]).toEqual([200, 'rejected']);
      const appeal = await t.http.post(`/api/v1/requests/${id}/appeal`).set(auth(s)).send({ statement: '我已补充身份证件照片' });
      expect(appeal.status).toBe(200);
      const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(legal2));
      expect(page.body).toMatchObject({ status: 'under_appeal', assigneeId: null });
      const unassigned = await t.http.get('/api/v1/staff/requests').query({ status: 'under_appeal', assignee: 'none' }).set(auth(legal2));
      expect(unassigned.body.items.map((r: { id: string }) => r.id)).toContain(id);

      const before = await t.tableCounts();
      const claim = await staffPost(legal, id, 'claim');
      expect([claim.status, claim.body.code]).toEqual([403, 'decider_cannot_review_appeal']);
      const decide = await staffPost(legal, id, 'appeal/decision', refusal('补充的材料仍不足以核实身份'));
      expect([decide.status, decide.body.code]).toEqual([403, 'decider_cannot_review_appeal']);
      const assign = await staffPost(legal2, id, 'assign', { assigneeId: legal.id });
      expect([assign.status, assign.body.code]).toEqual([422, 'decider_cannot_review_appeal']);
      expect(await t.tableCounts()).toEqual(before);

      expect((await staffPost(legal2, id, 'claim')).body).toMatchObject({ status: 'under_appeal', assigneeId: legal2.id });
      const decided = await staffPost(legal2, id, 'appeal/decision', { outcome: 'approve', clauses: ['face.retain.2'], reason: '身份已核实' });
      expect(decided.status).toBe(200);
      expect(decided.body.status).toBe('approved');
    });

    it('refuses an appeal that would reopen a request while another of its type is open (409 naming it)', async () => {
      const { s, id } = await filed('delete_account', staff);
      // While the refusal awaits legal the request is still open; once confirmed, a new one may be filed.
      await refusedByStaff(id, legal);
      const fresh = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'delete_account', password: s.password });
      expect(fresh.status).toBe(201);
      const before = await t.tableCounts();
      const appeal = await t.http.post(`/api/v1/requests/${id}/appeal`).set(auth(s)).send({ statement: '请复核' });
      expect(appeal.status).toBe(409);
      expect(appeal.body).toMatchObject({ code: 'duplicate_open_request', openRequestId: fresh.body.id });
      expect(await t.tableCounts()).toEqual(before);
    });
  });

  describe('asking the subject (the clock pauses)', () => {
    it('moves to awaiting_subject, and on the reply moves the deadline later by the time spent waiting', async () => {
      const { s, id } = await filed('access', staff);
      const asked = await staffPost(staff, id, 'ask', { question: '请提供注册时使用的手机号后四位' });
      expect(asked.status).toBe(200);
      expect(asked.body).toMatchObject({ status: 'awaiting_subject', clockPaused: true });
      const waiting = await subjectView(s, id);
      expect(waiting).toMatchObject({ status: 'awaiting_subject', question: '请提供注册时使用的手机号后四位', clockPaused: true });
      expect((await noticesOf(s.id)).map((n) => n.kind)).toEqual(['request.received', 'request.question']);
      // Two days pass while the subject thinks about it.
      await t.dataSource.query(`UPDATE requests SET awaiting_since = awaiting_since - interval '2 days' WHERE id = $1`, [id]);
      const dueBefore = Date.parse(waiting.dueAt);
      const replied = await t.http.post(`/api/v1/requests/${id}/reply`).set(auth(s)).send({ message: '1234' });
      expect(replied.status).toBe(200);
      expect(replied.body).toMatchObject({ status: 'in_review', clockPaused: false, question: null });
      const moved = Date.parse(replied.body.dueAt) - dueBefore;
      expect(moved).toBeGreaterThanOrEqual(2 * 24 * 3600 * 1000);
      expect(moved).toBeLessThan(2 * 24 * 3600 * 1000 + 60_000);
      const resumed = replied.body.timeline[replied.body.timeline.length - 1];
      expect(resumed).toMatchObject({ action: 'reply', from: 'awaiting_subject', to: 'in_review', actorRole: 'subject', note: '1234' });
      expect(resumed.data.pausedSeconds).toBeGreaterThanOrEqual(2 * 24 * 3600);
      expect(resumed.data.dueAt).toBe(replied.body.dueAt);
      expect(JSON.stringify((await auditOf(id)).map((e) => e.data))).not.toContain('手机号');
    });

    it('does not count a paused request as overdue while the pause still carries it (test/deadlines-law.e2e-spec.ts: once it cannot)', async () => {
      const { id } = await filed('access', staff);
      await staffPost(staff, id, 'ask', { question: 'which account?' });
      // Due yesterday, paused three days ago: the pause carries it to tomorrow, within its 30 days.
      await t.dataSource.query(
        `UPDATE requests SET submitted_at = now() - interval '10 days', due_at = now() - interval '1 day', awaiting_since = now() - interval '3 days' WHERE id = $1`,
        [id],
      );
      await t.app.get(OverdueScanner).scan();
      const [row] = await t.dataSource.query(`SELECT overdue_flagged_at FROM requests WHERE id = $1`, [id]);
      expect(row.overdue_flagged_at).toBeNull();
    });
  });

  describe('extending the deadline', () => {
    it('extends once, before the deadline, under GB/T 35273 §8.7 with 3.c as context; the subject is told and reads the provision', async () => {
      const { s, id } = await filed('disclosure_log', staff);
      const current = await subjectView(s, id);
      const until = new Date(Date.parse(current.dueAt) + 10 * 24 * 3600 * 1000).toISOString();
      const unchanged = await t.tableCounts();
      // 3.c says why an authority is involved; only the provision allows more time.
      const clauseOnly = await staffPost(staff, id, 'extend', { until, reason: '需要等待机关答复是否可以告知', clauses: ['3.c'] });
      expect(clauseOnly.status).toBe(422);
      expect(clauseOnly.body).toMatchObject({ code: 'clauses_do_not_justify', justifyingClauses: ['3.c'], justifyingLaw: ['GBT35273.8.7'], needsLaw: true });
      expect(await t.tableCounts()).toEqual(unchanged);
      const res = await staffPost(staff, id, 'extend', { until, reason: '需要等待机关答复是否可以告知', clauses: ['3.c'], law: ['GBT35273.8.7'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'in_review',
        dueAt: until,
        extension: {
          until,
          reason: '需要等待机关答复是否可以告知',
          clauses: [{ id: '3.c' }],
          law: [{ id: 'GBT35273.8.7', article: '8.7', text: expect.stringContaining('三十天内') }],
        },
      });
      const notice = (await noticesOf(s.id)).find((n) => n.kind === 'request.extended');
      expect(notice?.data).toEqual({ requestId: id, requestType: 'disclosure_log', dueAt: until, clauses: ['3.c'], law: ['GBT35273.8.7'] });
      const before = await t.tableCounts();
      const later = new Date(Date.parse(until) + 24 * 3600 * 1000).toISOString();
      const twice = await staffPost(staff, id, 'extend', { until: later, reason: 'more', clauses: ['3.c'], law: ['GBT35273.8.7'] });
      expect([twice.status, twice.body.code]).toEqual([409, 'already_extended']);
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses an extension nothing justifies (422), one not later than the deadline (422), and one after it passed (422)', async () => {
      const { id } = await filed('delete_account', staff);
      const far = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
      const unjustified = await staffPost(staff, id, 'extend', { until: far, reason: 'busy', clauses: ['face.retain.2'], law: ['GBT35273.8.7'] });
      expect([unjustified.status, unjustified.body.code, unjustified.body.justifyingClauses, unjustified.body.justifyingLaw]).toEqual([
        422,
        'clauses_do_not_justify',
        [],
        [],
      ]);

      const log = await filed('disclosure_log', staff);
      const grounds = { clauses: ['3.c'], law: ['GBT35273.8.7'] };
      const early = await staffPost(staff, log.id, 'extend', { until: new Date(Date.now() + 3600_000).toISOString(), reason: 'x', ...grounds });
      expect([early.status, early.body.code]).toEqual([422, 'extension_not_later']);
      await t.dataSource.query(`UPDATE requests SET submitted_at = now() - interval '20 days', due_at = now() - interval '1 hour' WHERE id = $1`, [log.id]);
      const late = await staffPost(staff, log.id, 'extend', { until: far, reason: 'x', ...grounds });
      expect([late.status, late.body.code]).toEqual([422, 'deadline_passed']);
    });
  });

  describe('the queue', () => {
    const walk = async (query: string, limit: number): Promise<{ id: string; dueAt: string }[]> => {
      const items: { id: string; dueAt: string }[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: { id: string; dueAt: string }[]; nextCursor: string | null } } = await t.http
          .get(`/api/v1/staff/requests?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`)
          .set(auth(staff));
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return items;
    };

    it('lists open requests by due date then id, in pages that neither repeat nor skip (ties to the microsecond included)', async () => {
      const mine = [await filed('access'), await filed('access'), await filed('access'), await filed('disclosure_log')];
      // Three share one due date exactly, to the microsecond.
      await t.dataSource.query(`UPDATE requests SET due_at = now() + interval '10 days 0.123456 seconds' WHERE id = ANY($1)`, [
        mine.slice(0, 3).map((m) => m.id),
      ]);
      const [{ n }] = await t.dataSource.query(`SELECT count(DISTINCT due_at)::int AS n FROM requests WHERE id = ANY($1)`, [mine.slice(0, 3).map((m) => m.id)]);
      expect(n).toBe(1);
      const paged = await walk('', 2);
      const expected: { id: string }[] = await t.dataSource.query(`SELECT id FROM requests WHERE status = ANY($1) ORDER BY due_at, id`, [OPEN_STATUSES]);
      expect(paged.map((i) => i.id)).toEqual(expected.map((r) => r.id));
      for (const m of mine) expect(paged.map((i) => i.id)).toContain(m.id);
      expect(await walk('', 1)).toEqual(paged);
    });

    it('filters by status, type and assignee (me / none / id)', async () => {
      const mineClaimed = await filed('disclosure_log', staff2);
      const unassigned = await filed('disclosure_log');
      const refused = await filed('delete_account', staff2);
      expect((await staffPost(staff2, refused.id, 'decision', refusal())).body.status).toBe('awaiting_legal');
      // A refusal awaiting legal is still open: on the queue, found by its status.
      expect((await walk('&status=awaiting_legal', 100)).map((i) => i.id)).toContain(refused.id);
      expect((await walk('', 100)).map((i) => i.id)).toContain(refused.id);
      expect((await legalPost(legal, refused.id, 'confirm')).status).toBe(200);
      const byType = await walk('&type=disclosure_log', 50);
      expect(byType.every((i) => (i as unknown as { type: string }).type === 'disclosure_log')).toBe(true);
      const asStaff2 = await t.http.get('/api/v1/staff/requests?assignee=me&limit=100').set(auth(staff2));
      expect(asStaff2.body.items.map((i: { id: string }) => i.id)).toContain(mineClaimed.id);
      expect(asStaff2.body.items.every((i: { assigneeId: string }) => i.assigneeId === staff2.id)).toBe(true);
      const byId = await walk(`&assignee=${staff2.id}`, 100);
      expect(byId.map((i) => i.id)).toEqual(asStaff2.body.items.map((i: { id: string }) => i.id));
      const none = await walk('&assignee=none', 100);
      expect(none.map((i) => i.id)).toContain(unassigned.id);
      expect(none.map((i) => i.id)).not.toContain(mineClaimed.id);
      const submitted = await walk('&status=submitted', 100);
      expect(submitted.every((i) => (i as unknown as { status: string }).status === 'submitted')).toBe(true);
      const rejected = await walk('&status=rejected', 100);
      expect(rejected.map((i) => i.id)).toContain(refused.id);
      expect((await walk('', 100)).map((i) => i.id)).not.toContain(refused.id);
    });
  });

  describe('overdue', () => {
    it('flags overdue open requests once, notifies the assignee once, and shows them with overdue=true', async () => {
      const scanner = t.app.get(OverdueScanner);
      await scanner.scan(); // whatever earlier tests left overdue
      const assigned = await filed('access', staff2);
      const unassigned = await filed('disclosure_log');
      const onTime = await filed('delete_account', staff2);
      await t.dataSource.query(`UPDATE requests SET submitted_at = now() - interval '20 days', due_at = now() - interval '1 hour' WHERE id = ANY($1)`, [
        [assigned.id, unassigned.id],
      ]);
      expect(await scanner.scan()).toBe(2);
      expect(await scanner.scan()).toBe(0);
      const flagged: { id: string }[] = await t.dataSource.query(`SELECT id FROM requests WHERE overdue_flagged_at IS NOT NULL AND id = ANY($1)`, [
        [assigned.id, unassigned.id, onTime.id],
      ]);
      expect(flagged.map((r) => r.id).sort()).toEqual([assigned.id, unassigned.id].sort());
      const overdueNotices = (await noticesOf(staff2.id)).filter((n) => n.kind === 'request.overdue');
      expect(overdueNotices.map((n) => n.data.requestId)).toEqual([assigned.id]);
      // Nobody holds the other one: every legal reviewer hears of it, once, and no one else does.
      for (const reviewer of [legal, legal2]) {
        const digests = (await noticesOf(reviewer.id)).filter(
          (n) => n.kind === 'requests.overdue_unassigned' && (n.data.requestIds as string[]).includes(unassigned.id),
        );
        expect(digests).toEqual([{ kind: 'requests.overdue_unassigned', data: { count: 1, requestIds: [unassigned.id] } }]);
      }
      expect((await noticesOf(staff2.id)).filter((n) => n.kind === 'requests.overdue_unassigned')).toEqual([]);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'request.overdue_flagged' AND entity_id = $1`, [
        assigned.id,
      ]);
      expect(n).toBe(1);

      const res = await t.http.get('/api/v1/staff/requests?overdue=true&limit=100').set(auth(staff));
      const ids = res.body.items.map((i: { id: string }) => i.id);
      expect(ids).toEqual(expect.arrayContaining([assigned.id, unassigned.id]));
      expect(ids).not.toContain(onTime.id);
      expect(res.body.items.every((i: { overdue: boolean }) => i.overdue)).toBe(true);
      const page = await t.http.get(`/api/v1/staff/requests/${assigned.id}`).set(auth(staff));
      expect(page.body).toMatchObject({ overdue: true, overdueFlaggedAt: expect.any(String) });
    });
  });

  describe('the citations the policy impact report reads', () => {
    it('lists clauses cited on open requests and by past decisions (provisions cited beside them are not clauses)', async () => {
      // The account is cancelled; what a court's preservation order (3.c) covers is kept, storage only (PIPL Art. 47 para. 2).
      const decided = await filed('delete_account', staff);
      // A partial deletion keeps only what an active legal hold covers: legal places the court's order first.
      const order = await t.http
        .post('/api/v1/legal/holds')
        .set(auth(legal))
        .send({
          subjectId: decided.s.id,
          categories: ['transactions'],
          clauses: ['3.c'],
          law: ['PIPL.47'],
          reference: '（2025）京0105财保123号',
          until: new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString(),
          note: '法院保全裁定',
        });
      expect(order.status).toBe(201);
      const keep = {
        outcome: 'partial',
        clauses: ['3.c'],
        law: ['PIPL.47'],
        withheld: ['transactions'],
        holds: [order.body.id],
        reason: '账户已注销；法院保全裁定所涉交易记录仅作存储，保全解除后删除',
      };
      expect((await staffPost(staff, decided.id, 'decision', keep)).body.status).toBe('awaiting_legal');
      expect((await legalPost(legal, decided.id, 'confirm')).body.status).toBe('approved');
      const refused = await filed('delete_account', staff);
      await refusedByStaff(refused.id, legal);
      const open = await filed('disclosure_log', staff);
      const until = new Date(Date.now() + 20 * 24 * 3600 * 1000).toISOString();
      expect((await staffPost(staff, open.id, 'extend', { until, reason: '等待答复', clauses: ['3.c'], law: ['GBT35273.8.7'] })).status).toBe(200);
      const rows: { source: string; entity_id: string; policy_version: number; clause_id: string; open: boolean }[] = await t.dataSource.query(
        `SELECT * FROM clause_citations WHERE entity_id = ANY($1) ORDER BY source, open`,
        [[decided.id, refused.id, open.id]],
      );
      // A partial approval leaves the request open until it is fulfilled, so its clause is on an open request too.
      // Staff's proposal and legal's confirmation cite the same clause: one decision row.
      const onOpen = (entityId: string) => ({ source: 'request', entity_id: entityId, policy_version: 1, clause_id: '3.c', open: true });
      expect(rows).toHaveLength(3);
      expect(rows[0]).toEqual({ source: 'decision', entity_id: decided.id, policy_version: 1, clause_id: '3.c', open: false });
      expect(rows.slice(1)).toEqual(expect.arrayContaining([onOpen(decided.id), onOpen(open.id)]));
    });
  });
});
