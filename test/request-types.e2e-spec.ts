import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** A PNG of one pixel: what a subject uploads as proof in these tests. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

const DAY = 86_400_000;

/** A child's date of birth `years` (and a few days) ago. */
const bornYearsAgo = (years: number) => new Date(Date.now() - years * 365.25 * DAY - 10 * DAY).toISOString().slice(0, 10);

const CORRECTION = {
  type: 'correction',
  items: [
    { category: 'account', field: 'phone', currentValue: '13800000000', correctedValue: '13900000000', explanation: '号码已更换' },
    { category: 'account', field: 'display_name', correctedValue: '小王', explanation: 'typo' },
  ],
};

/**
 * The request types PIPL Arts. 45-49 add to the policy's four (correction, copy_transfer,
 * explanation, delete_data) and requests filed on someone's behalf: filing, refusals of bad input,
 * and the terms each decision records, on the real AppModule and PostgreSQL.
 */
describe('requests: every right, for everyone who may exercise it', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost, legalPost } = reviewCalls(() => t);
  const file = (u: TestUser, body: object) => t.http.post('/api/v1/requests').set(auth(u)).send(body);
  const upload = async (u: TestUser): Promise<string> => {
    const res = await t.http.post('/api/v1/uploads').set(auth(u)).attach('file', PNG, { filename: 'proof.png', contentType: 'image/png' });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  /** Filed by a new subject and claimed by staff. */
  const filedAndHeld = async (body: object): Promise<{ s: TestUser; id: string }> => {
    const s = await t.user(Role.Subject);
    const res = await file(s, body);
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    expect((await staffPost(staff, res.body.id as string, 'claim')).status).toBe(200);
    return { s, id: res.body.id as string };
  };

  beforeAll(async () => {
    t = await createTestApp();
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
  });
  afterAll(() => t.close());

  describe('filing', () => {
    it('files each new type with its own body, due in 15 days, and shows the subject what was asked', async () => {
      const s = await t.user(Role.Subject);
      const bodies = [
        CORRECTION,
        { type: 'copy_transfer', format: 'csv', sendTo: { name: '另一家公司', endpoint: 'https://203.0.114.10/portability' } },
        { type: 'explanation', question: '你们为什么需要我的位置信息？' },
        { type: 'delete_data', categories: ['search_keywords', 'device_access'] },
      ];
      for (const body of bodies) {
        const res = await file(s, body);
        expect([res.status, res.body.type, res.body.status]).toEqual([201, body.type, 'submitted']);
        const due = new Date(res.body.dueAt as string).getTime() - new Date(res.body.submittedAt as string).getTime();
        expect(due).toBe(15 * DAY);
        const { type: _type, ...asked } = body;
        expect(res.body.asked).toEqual(asked);
        expect(res.body.onBehalfOf).toBeNull();
        const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND data->>'requestId' = $2`, [
          s.id,
          res.body.id,
        ]);
        expect(n).toBe(1);
      }
    });

    it('refuses a correction naming an unknown category or field with 400 listing the valid ones, and a category nothing in can be corrected', async () => {
      const s = await t.user(Role.Subject);
      const before = await t.tableCounts();
      const item = { category: 'account', field: 'phone', correctedValue: '1', explanation: 'x' };
      const unknownCategory = await file(s, { type: 'correction', items: [{ ...item, category: 'shoe_size' }] });
      expect([unknownCategory.status, unknownCategory.body.code]).toEqual([400, 'validation_failed']);
      expect(unknownCategory.body.errors).toEqual([
        { field: 'items.0.category', messages: [expect.stringContaining('category must be one of: account, device_access, face_basic')] },
      ]);
      const unknownField = await file(s, { type: 'correction', items: [item, { ...item, field: 'password' }] });
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.errors).toEqual([
        {
          field: 'items.1.field',
          messages: ['field must be one of the fields of account that can be corrected: display_name, email, phone, gender, birthday'],
        },
      ]);
      const uncorrectable = await file(s, { type: 'correction', items: [{ ...item, category: 'face_basic', field: 'template' }] });
      expect(uncorrectable.status).toBe(400);
      expect(uncorrectable.body.message).toContain('nothing in face_basic can be corrected');
      for (const items of [[], undefined, [{ ...item, correctedValue: '' }], Array.from({ length: 21 }, () => item)]) {
        expect((await file(s, { type: 'correction', items })).status).toBe(400);
      }
      expect(await t.tableCounts()).toEqual(before);
    });

    it('sends a copy only over HTTPS to a public address (422), and refuses what is not a URL (400)', async () => {
      const s = await t.user(Role.Subject);
      const before = await t.tableCounts();
      const to = (endpoint: string) => file(s, { type: 'copy_transfer', format: 'json', sendTo: { name: 'X', endpoint } });
      for (const [endpoint, problem] of [
        ['http://handler.example.cn/in', 'not_https'],
        ['https://127.0.0.1/in', 'private_address'],
        ['https://10.0.0.8/in', 'private_address'],
        ['https://[::1]/in', 'private_address'],
        ['https://localhost/in', 'private_address'],
        ['https://169.254.169.254/latest', 'private_address'],
        ['https://me:pw@handler.example.cn/in', 'credentials_in_url'],
      ]) {
        const res = await to(endpoint);
        expect([endpoint, res.status, res.body.code, res.body.problem]).toEqual([endpoint, 422, 'endpoint_not_allowed', problem]);
      }
      expect((await to('not a url')).status).toBe(400);
      expect((await file(s, { type: 'copy_transfer', format: 'xml' })).status).toBe(400);
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses an explanation without a question and a deletion of no or unknown categories (400)', async () => {
      const s = await t.user(Role.Subject);
      expect((await file(s, { type: 'explanation' })).status).toBe(400);
      expect((await file(s, { type: 'explanation', question: '' })).status).toBe(400);
      const unknown = await file(s, { type: 'delete_data', categories: ['everything'] });
      expect([unknown.status, unknown.body.message]).toEqual([400, expect.stringContaining('each value in categories must be one of: account')]);
      expect((await file(s, { type: 'delete_data', categories: [] })).status).toBe(400);
      expect((await file(s, { type: 'delete_data', categories: ['account', 'account'] })).status).toBe(400);
    });
  });

  describe("on someone's behalf", () => {
    it('refuses a filing without proof, a guardian without a child under 14, a relative without an interest, and a withdrawal (422), storing nothing', async () => {
      const s = await t.user(Role.Subject);
      const proof = await upload(s);
      const before = await t.tableCounts();
      const cases: [object, string][] = [
        [{ relation: 'agent', name: '张三' }, 'evidence_required'],
        [{ relation: 'agent', name: '张三', evidence: [] }, 'evidence_required'],
        [{ relation: 'guardian', name: '王小明', evidence: [proof] }, 'date_of_birth_required'],
        [{ relation: 'guardian', name: '王小明', dateOfBirth: bornYearsAgo(15), evidence: [proof] }, 'not_a_child'],
        [{ relation: 'guardian', name: '王小明', dateOfBirth: '2099-01-01', evidence: [proof] }, 'not_a_child'],
        [{ relation: 'relative_of_deceased', name: '李四', evidence: [proof] }, 'interest_required'],
      ];
      for (const [onBehalfOf, codeExpected] of cases) {
        const res = await file(s, { type: 'access', onBehalfOf });
        expect([res.status, res.body.code]).toEqual([422, codeExpected]);
      }
      const withdrawal = await file(s, {
        type: 'withdraw_consent',
        purposes: ['marketing'],
        onBehalfOf: { relation: 'agent', name: '张三', evidence: [proof] },
      });
      expect([withdrawal.status, withdrawal.body.code]).toEqual([422, 'on_behalf_not_possible']);
      expect((await file(s, { type: 'access', onBehalfOf: { relation: 'cousin', name: 'x', evidence: [proof] } })).status).toBe(400);
      expect((await file(s, { type: 'access', onBehalfOf: { relation: 'guardian', name: 'x', dateOfBirth: '2019-02-30', evidence: [proof] } })).status).toBe(
        400,
      );
      expect(await t.tableCounts()).toEqual(before);
    });

    it("refuses another subject's upload (404) and files nothing, the upload staying unattached", async () => {
      const [s, other] = [await t.user(Role.Subject), await t.user(Role.Subject)];
      const theirs = await upload(other);
      const before = await t.tableCounts();
      const res = await file(s, { type: 'access', onBehalfOf: { relation: 'agent', name: '张三', evidence: [theirs] } });
      expect([res.status, res.body.code]).toEqual([404, 'upload_not_found']);
      expect(await t.tableCounts()).toEqual(before);
      const [{ request_id }] = await t.dataSource.query(`SELECT request_id FROM uploads WHERE id = $1`, [theirs]);
      expect(request_id).toBeNull();
    });

    it('files with proof: staff see the relation plainly, the name masked, the age, and the evidence behind its route; the queue filters by it', async () => {
      const s = await t.user(Role.Subject);
      const proof = await upload(s);
      const dateOfBirth = bornYearsAgo(9);
      const res = await file(s, {
        type: 'access',
        onBehalfOf: { relation: 'guardian', name: '王小明', dateOfBirth, evidence: [proof], statement: '我是他的母亲' },
      });
      expect(res.status).toBe(201);
      expect(res.body.onBehalfOf).toEqual({ relation: 'guardian', name: '王小明', dateOfBirth, statement: '我是他的母亲', evidence: [proof] });
      const id = res.body.id as string;

      const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
      expect(page.status).toBe(200);
      expect(page.body.onBehalfOf).toEqual({
        relation: 'guardian',
        name: '王**',
        ageAtFiling: 9,
        statement: '我是他的母亲',
        evidence: [expect.objectContaining({ id: proof, kind: 'png', size: PNG.length, href: `/api/v1/staff/requests/${id}/evidence/${proof}` })],
      });
      const file_ = await t.http.get(`/api/v1/staff/requests/${id}/evidence/${proof}`).set(auth(staff));
      expect([file_.status, Buffer.compare(file_.body as Buffer, PNG)]).toEqual([200, 0]);

      // The timeline and the audit trail say on whose behalf by relation only, never by name.
      const [{ n: named }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE data::text LIKE '%王小明%'`);
      expect(named).toBe(0);
      expect(page.body.timeline[0].data).toEqual(expect.objectContaining({ onBehalfOf: 'guardian' }));

      const own = await file(s, { type: 'access' });
      expect(own.status).toBe(201);
      const ids = async (query: string) => {
        const q = await t.http.get(`/api/v1/staff/requests?type=access&limit=100&${query}`).set(auth(staff));
        expect(q.status).toBe(200);
        return (q.body.items as { id: string; onBehalfOf: string | null }[]).filter((i) => [id, own.body.id].includes(i.id));
      };
      expect(await ids('onBehalf=true')).toEqual([expect.objectContaining({ id, onBehalfOf: 'guardian' })]);
      expect(await ids('relation=guardian')).toEqual([expect.objectContaining({ id })]);
      expect(await ids('relation=agent')).toEqual([]);
      expect(await ids('onBehalf=false')).toEqual([expect.objectContaining({ id: own.body.id, onBehalfOf: null })]);
      expect((await t.http.get('/api/v1/staff/requests?relation=cousin').set(auth(staff))).status).toBe(400);
    });

    it('keeps one open request per type and person: for oneself and for each child, but not twice for the same child', async () => {
      const s = await t.user(Role.Subject);
      const child = (name: string, proof: string) => ({ relation: 'guardian', name, dateOfBirth: bornYearsAgo(6), evidence: [proof] });
      expect((await file(s, { type: 'explanation', question: '?' })).status).toBe(201);
      const first = await file(s, { type: 'explanation', question: '?', onBehalfOf: child('王小明', await upload(s)) });
      expect(first.status).toBe(201);
      expect((await file(s, { type: 'explanation', question: '?', onBehalfOf: child('王小红', await upload(s)) })).status).toBe(201);
      const again = await file(s, { type: 'explanation', question: '?', onBehalfOf: child(' 王小明 ', await upload(s)) });
      expect([again.status, again.body.code, again.body.openRequestId]).toEqual([409, 'duplicate_open_request', first.body.id]);
    });

    it('is refused when the proof does not suffice, or the deceased arranged otherwise, each ground only where it applies', async () => {
      const s = await t.user(Role.Subject);
      const relative = { relation: 'relative_of_deceased', name: '李四', statement: '处理遗产需要其交易记录', evidence: [await upload(s)] };
      const res = await file(s, { type: 'access', onBehalfOf: relative });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      expect((await staffPost(staff, id, 'claim')).status).toBe(200);
      const arranged = {
        outcome: 'reject',
        clauses: [],
        law: ['PIPL.49', 'PIPL.50'],
        ground: 'deceased_arranged_otherwise',
        reason: '死者生前书面表示其个人信息不得由近亲属查阅。',
      };
      expect((await staffPost(staff, id, 'decision', { ...arranged, law: ['GBT35273.8.7'] })).body.code).toBe('ground_law_required');
      const proposed = await staffPost(staff, id, 'decision', arranged);
      expect([proposed.status, proposed.body.status]).toEqual([200, 'awaiting_legal']);
      const confirmed = await legalPost(legal, id, 'confirm', {});
      expect([confirmed.status, confirmed.body.status, confirmed.body.decision.ground]).toEqual([200, 'rejected', 'deceased_arranged_otherwise']);
      const seen = await t.http.get(`/api/v1/requests/${id}`).set(auth(s));
      expect(seen.body.rightsNotice['zh-CN']).toContain('死者生前对其个人信息另有安排');

      const { id: ownId } = await filedAndHeld({ type: 'access' });
      const notProven = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'authority_not_proven', reason: '无代理授权' };
      const refused = await staffPost(staff, ownId, 'decision', notProven);
      expect([refused.status, refused.body.code]).toEqual([422, 'ground_not_applicable']);
    });
  });

  describe('the data-map preview', () => {
    it('shows staff which categories and systems a request will touch, and what it does to each, before they decide', async () => {
      const { s, id } = await filedAndHeld({ type: 'delete_data', categories: ['transactions', 'device_access'] });
      const hold = await t.http
        .post('/api/v1/legal/holds')
        .set(auth(legal))
        .send({
          subjectId: s.id,
          categories: ['transactions'],
          law: ['ECL.31'],
          retention: '3 years after completion (ECL Art. 31)',
          until: new Date(Date.now() + 400 * DAY).toISOString(),
          note: '交易记录保存三年',
        });
      expect(hold.status).toBe(201);
      const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
      expect(page.body.preview).toEqual([
        {
          category: 'transactions',
          system: { id: 'app_db', connector: 'postgres', label: { 'zh-CN': '应用数据库', en: 'App database' } },
          onAccess: null,
          onErasure: 'delete',
          onCorrection: null,
          holds: [hold.body.id],
        },
        expect.objectContaining({ category: 'device_access', onErasure: 'delete', holds: [] }),
      ]);

      const { id: copyId } = await filedAndHeld({ type: 'access' });
      const copy = await t.http.get(`/api/v1/staff/requests/${copyId}`).set(auth(staff));
      expect(copy.body.preview).toHaveLength(9);
      expect(copy.body.preview.find((e: { category: string }) => e.category === 'consents')).toEqual(
        expect.objectContaining({ system: expect.objectContaining({ id: 'consent_ledger', connector: 'portal' }), onAccess: 'exported', onErasure: null }),
      );
      const { id: fixId } = await filedAndHeld(CORRECTION);
      const fix = await t.http.get(`/api/v1/staff/requests/${fixId}`).set(auth(staff));
      expect(fix.body.preview).toEqual([expect.objectContaining({ category: 'account', onCorrection: ['phone', 'display_name'], onErasure: null })]);
      const { id: askId } = await filedAndHeld({ type: 'explanation', question: '?' });
      expect((await t.http.get(`/api/v1/staff/requests/${askId}`).set(auth(staff))).body.preview).toEqual([]);
    });
  });

  describe('deciding', () => {
    it('approves a correction recording exactly what is to change, or in part the items listed (legal confirms)', async () => {
      const { s, id } = await filedAndHeld(CORRECTION);
      const approved = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.46'] });
      expect([approved.status, approved.body.status]).toEqual([200, 'approved']);
      expect(approved.body.decision.corrections).toEqual([
        { category: 'account', field: 'phone', currentValue: '13800000000', correctedValue: '13900000000' },
        { category: 'account', field: 'display_name', correctedValue: '小王' },
      ]);

      const { id: partId } = await filedAndHeld(CORRECTION);
      const partial = { outcome: 'partial', clauses: [], law: ['PIPL.46'], items: [0], reason: '经核实，昵称"小王"已被他人使用。' };
      expect((await staffPost(staff, partId, 'decision', { ...partial, items: [0, 1] })).body.code).toBe('items_required');
      expect((await staffPost(staff, partId, 'decision', partial)).body.status).toBe('awaiting_legal');
      const confirmed = await legalPost(legal, partId, 'confirm', {});
      expect(confirmed.body.decision).toEqual(
        expect.objectContaining({ outcome: 'partial', corrections: [expect.objectContaining({ field: 'phone' })], withheld: ['account'] }),
      );
      expect(s.id).toBeDefined();
    });

    it('refuses a correction of accurate information under PIPL Art. 46', async () => {
      const { id } = await filedAndHeld(CORRECTION);
      const res = await staffPost(staff, id, 'decision', {
        outcome: 'reject',
        clauses: [],
        law: ['PIPL.46'],
        ground: 'information_accurate',
        reason: '经核实信息准确。',
      });
      expect([res.status, res.body.status]).toEqual([200, 'awaiting_legal']);
    });

    it('answers an explanation in writing: the answer is the result, each cited clause and provision linked to its text', async () => {
      const { s, id } = await filedAndHeld({ type: 'explanation', question: '我的浏览记录会被如何使用？' });
      const bare = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['1.b'], law: ['PIPL.48'] });
      expect([bare.status, bare.body.code]).toEqual([422, 'answer_required']);
      const noLaw = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['1.b'], answer: '见 1.b。' });
      expect(noLaw.status).toBe(422);
      const answer = '根据第 1.b 条，我们自动记录您的浏览器和设备信息，用于安全和统计。';
      const res = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['1.b'], law: ['PIPL.48'], answer });
      expect([res.status, res.body.status]).toEqual([200, 'approved']);
      const seen = await t.http.get(`/api/v1/requests/${id}`).set(auth(s));
      expect(seen.body.result).toEqual({
        answer,
        clauses: [{ id: '1.b', text: expect.any(String), href: '/api/v1/policy/clauses/1.b?version=1' }],
        law: [expect.objectContaining({ id: 'PIPL.48', href: '/api/v1/law/PIPL.48' })],
      });
      const clause = await t.http.get(seen.body.result.clauses[0].href as string);
      expect([clause.status, clause.body.text]).toEqual([200, seen.body.result.clauses[0].text]);
    });

    it('approves a transfer to the named handler only with every condition of NDSMR Art. 25, and otherwise gives the copy in part', async () => {
      const body = { type: 'copy_transfer', format: 'json', sendTo: { name: '另一家公司', endpoint: 'https://203.0.114.10/in' } };
      const all = { identityVerified: true, providedByConsentOrContract: true, technicallyFeasible: true, noHarmToOthers: true };
      const { id } = await filedAndHeld(body);
      const approve = { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45', 'NDSMR.25'] };
      expect((await staffPost(staff, id, 'decision', approve)).body.code).toBe('transfer_terms_required');
      const unmet = await staffPost(staff, id, 'decision', { ...approve, transfer: { ...all, technicallyFeasible: false } });
      expect([unmet.status, unmet.body.code, unmet.body.unmet]).toEqual([422, 'transfer_conditions_unmet', ['technicallyFeasible']]);
      const ok = await staffPost(staff, id, 'decision', { ...approve, transfer: all });
      expect([ok.status, ok.body.decision.transfer]).toEqual([200, { approved: true, to: body.sendTo, conditions: all }]);

      const { id: declinedId } = await filedAndHeld(body);
      const declined = await staffPost(staff, declinedId, 'decision', {
        outcome: 'partial',
        clauses: [],
        law: ['NDSMR.25'],
        transfer: { ...all, noHarmToOthers: false },
        reason: '副本中含有他人的个人信息，无法直接转移给该处理者；副本已提供给您本人。',
      });
      expect([declinedId && declined.status, declined.body.status]).toEqual([200, 'awaiting_legal']);
    });

    it('keeps categories of a partial deletion only under legal holds that cover them', async () => {
      const { s, id } = await filedAndHeld({ type: 'delete_data', categories: ['transactions', 'search_keywords'] });
      const hold = await t.http
        .post('/api/v1/legal/holds')
        .set(auth(legal))
        .send({
          subjectId: s.id,
          categories: ['transactions'],
          law: ['ECL.31'],
          retention: '3 years after completion (ECL Art. 31)',
          until: new Date(Date.now() + 400 * DAY).toISOString(),
          note: '交易记录保存三年',
        });
      expect([hold.status, hold.body]).toEqual([201, expect.anything()]);
      const partial = { outcome: 'partial', clauses: ['3.f'], law: ['ECL.31'], withheld: ['transactions'], reason: '交易记录依法保存三年。' };
      expect((await staffPost(staff, id, 'decision', partial)).body.code).toBe('holds_required');
      expect((await staffPost(staff, id, 'decision', { ...partial, withheld: ['account'], holds: [hold.body.id] })).body.code).toBe('withheld_not_asked');
      const kept = await staffPost(staff, id, 'decision', { ...partial, holds: [hold.body.id] });
      expect([kept.status, kept.body.status]).toEqual([200, 'awaiting_legal']);
      const confirmed = await legalPost(legal, id, 'confirm', {});
      expect(confirmed.status).toBe(200);
      const [event] = await t.dataSource.query(`SELECT data FROM request_events WHERE request_id = $1 AND action = 'confirm_decision'`, [id]);
      expect(event.data).toEqual(expect.objectContaining({ withheld: ['transactions'], erase: ['search_keywords'], holds: [hold.body.id] }));
    });
  });
});
