import { Role } from '../src/kernel/role';
import { TRANSPARENCY_CACHE_MS } from '../src/transparency';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The public statistics (face.use.4; issue 13, "Transparency"; api.md, `GET /api/v1/transparency`)
 * on the real application over a known set of requests and register entries: requests by type and
 * outcome, median days to decide, share decided within the deadline, disclosures made by recipient
 * kind and basis; counts from 1 to 4 answered as null; nothing that names a person; a period.
 */
describe('the transparency page (public, aggregate)', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost } = reviewCalls(() => t);
  const DAY = 86_400_000;
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
  const CACHE_MS = 1500;
  const subjects: TestUser[] = [];
  const recipientNames = new Set<string>();
  const report = (query = '') => t.http.get(`/api/v1/transparency${query}`);
  const byType = (body: { requests: { byType: { type: string }[] } }, type: string) => body.requests.byType.find((r) => r.type === type);
  const kinds = (body: { disclosures: { byRecipientKind: { kind: string; entries: number | null }[] } }) =>
    Object.fromEntries(body.disclosures.byRecipientKind.map((k) => [k.kind, k.entries]));
  const bases = (body: { disclosures: { byBasis: { basis: string; entries: number | null }[] } }) =>
    Object.fromEntries(body.disclosures.byBasis.map((b) => [b.basis, b.entries]));

  const file = async (s: TestUser, type: string): Promise<string> => {
    const res = await t.http.post('/api/v1/requests').set(auth(s)).send({ type });
    if (res.status !== 201) throw new Error(`filing answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const approve = async (id: string, body: object) => {
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', { outcome: 'approve', ...body })).status).toBe(200);
  };
  const record = async (body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/disclosures').set(auth(staff)).send(body);
    if (res.status !== 201) throw new Error(`recording answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const monthAgo = () => new Date(Date.now() - 30 * DAY).toISOString();

  beforeAll(async () => {
    t = await createTestApp({}, { provide: [{ provide: TRANSPARENCY_CACHE_MS, useValue: CACHE_MS }] });
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
    for (let i = 0; i < 6; i++) subjects.push(await t.user(Role.Subject));

    // access: six approved; three filed two days before their decision, three four days before (median 3 days), all on time.
    for (const [i, s] of subjects.entries()) {
      const id = await file(s, 'access');
      await t.dataSource.query(`UPDATE requests SET submitted_at = now() - $2 * interval '1 day' WHERE id = $1`, [id, i < 3 ? 2 : 4]);
      await approve(id, { clauses: ['1.a'], law: ['PIPL.45'] });
    }
    // disclosure_log: five approved the day they were filed, one of them after its due date; three cancelled; one open.
    for (const [i, s] of subjects.slice(0, 5).entries()) {
      const id = await file(s, 'disclosure_log');
      if (i === 0) await t.dataSource.query(`UPDATE requests SET due_at = submitted_at WHERE id = $1`, [id]);
      await approve(id, { clauses: ['3'], law: ['PIPL.45'] });
    }
    for (let i = 0; i < 3; i++)
      expect((await t.http.post(`/api/v1/requests/${await file(subjects[5], 'disclosure_log')}/cancel`).set(auth(subjects[5]))).status).toBe(200);
    await file(subjects[5], 'disclosure_log');

    // The register, a month ago: five affiliate disclosures; five authority ones legal confirmed and three it has not (not made yet); one corrected.
    for (const s of subjects.slice(0, 5)) {
      expect((await t.http.post('/api/v1/consents/affiliate_sharing').set(auth(s)).send({ state: 'granted' })).status).toBe(200);
      const name = `示例关联科技有限公司 ${s.id.slice(0, 4)}`;
      recipientNames.add(name);
      await record({
        subjectIds: [s.id],
        recipient: { name, kind: 'affiliate', country: 'CN' },
        basis: ['face.share.2'],
        dataCategories: ['account'],
        purpose: '统一会员服务',
        consentPurpose: 'affiliate_sharing',
        disclosedAt: monthAgo(),
      });
    }
    const police = (s: TestUser) => ({
      subjectIds: [s.id],
      recipient: { name: '北京市公安局朝阳分局', kind: 'authority', country: 'CN' },
      basis: ['3.c'],
      law: ['PIPL.13'],
      dataCategories: ['account'],
      purpose: '刑事案件侦查调取证据',
      reference: `京公（朝）调证字〔2025〕第 ${s.id.slice(0, 6)} 号`,
      disclosedAt: monthAgo(),
    });
    for (const [i, s] of subjects.entries()) {
      const id = await record(police(s));
      if (i < 5)
        expect((await t.http.post(`/api/v1/disclosures/${id}/review`).set(auth(legal)).send({ outcome: 'confirmed', note: '已核对' })).status).toBe(200);
    }
    await record(police(subjects[0]));
    await record(police(subjects[1]));
    recipientNames.add('北京市公安局朝阳分局');
  });
  afterAll(() => t.close());

  it('answers anyone, signed in or not, with requests by type and outcome, small counts null, and the timing', async () => {
    const res = await report();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ period: { from: null, to: null }, smallestPublishedCount: 5, generatedAt: expect.any(String) });
    expect(res.body.requests.byType.map((r: { type: string }) => r.type)).toEqual([
      'access',
      'withdraw_consent',
      'delete_account',
      'disclosure_log',
      'correction',
      'copy_transfer',
      'explanation',
      'delete_data',
    ]);
    expect(byType(res.body, 'access')).toEqual({
      type: 'access',
      outcomes: { approved: 6, partial: 0, rejected: 0, cancelled: 0, lapsed: 0, open: 0 },
      medianDaysToDecide: 3,
      decidedWithinDeadline: 1,
    });
    // Five decided, one late: the share would give the one away, so it is not published.
    expect(byType(res.body, 'disclosure_log')).toEqual({
      type: 'disclosure_log',
      outcomes: { approved: 5, partial: 0, rejected: 0, cancelled: null, lapsed: 0, open: null },
      medianDaysToDecide: 0,
      decidedWithinDeadline: null,
    });
    expect(byType(res.body, 'delete_data')).toEqual({
      type: 'delete_data',
      outcomes: { approved: 0, partial: 0, rejected: 0, cancelled: 0, lapsed: 0, open: 0 },
      medianDaysToDecide: null,
      decidedWithinDeadline: null,
    });
    // Eleven decisions: [0 ×5, 2 ×3, 4 ×3] → median 2 days; one late of eleven → not published.
    expect(res.body.requests).toMatchObject({ medianDaysToDecide: 2, decidedWithinDeadline: null });
    // The same answer with a token: nothing depends on who asks.
    const signedIn = await report().set(auth(subjects[0]));
    expect(signedIn.body.requests).toEqual(res.body.requests);
  });

  it('counts the disclosures made by recipient kind and by basis: an unconfirmed authority disclosure is not made, a corrected entry counts once', async () => {
    const res = await report();
    expect(kinds(res.body)).toEqual({ authority: 5, complaint_party: 0, counterparty: 0, affiliate: 5, partner: 0, credit_bureau: 0, other: 0 });
    expect(bases(res.body)).toEqual({ '3.c': 5, 'PIPL.13': 5, 'face.share.2': 5 });

    // A sixth affiliate entry, then corrected: still six, not seven.
    const s = subjects[5];
    expect((await t.http.post('/api/v1/consents/affiliate_sharing').set(auth(s)).send({ state: 'granted' })).status).toBe(200);
    const entry = {
      subjectIds: [s.id],
      recipient: { name: '示例关联科技有限公司', kind: 'affiliate', country: 'CN' },
      basis: ['face.share.2'],
      dataCategories: ['account'],
      purpose: '统一会员服务',
      consentPurpose: 'affiliate_sharing',
      disclosedAt: monthAgo(),
    };
    const id = await record(entry);
    const corrected = await t.http
      .post('/api/v1/disclosures')
      .set(auth(staff))
      .send({ ...entry, corrects: id, correctionReason: '用途写错' });
    expect(corrected.status).toBe(201);
    const again = await report(`?to=${day(0)}`);
    expect(kinds(again.body)).toMatchObject({ affiliate: 6, authority: 5 });
    expect(bases(again.body)).toMatchObject({ 'face.share.2': 6 });
  });

  it('names nobody: no account, recipient, purpose or reference appears', async () => {
    const body = JSON.stringify((await report(`?from=${day(365)}`)).body);
    for (const u of [...subjects, staff, legal])
      for (const value of [u.id, u.email, u.subjectRef]) expect([value, body.includes(value)]).toEqual([value, false]);
    for (const value of [...recipientNames, '统一会员服务', '刑事案件', '调证字']) expect([value, body.includes(value)]).toEqual([value, false]);
  });

  it('covers a period: requests submitted and disclosures made between two days, both included', async () => {
    // The last five days: every request, and none of the disclosures (a month ago).
    const recent = await report(`?from=${day(5)}`);
    expect(recent.body.period).toEqual({ from: day(5), to: null });
    expect(byType(recent.body, 'access')).toMatchObject({ outcomes: { approved: 6 } });
    expect(kinds(recent.body)).toEqual({ authority: 0, complaint_party: 0, counterparty: 0, affiliate: 0, partner: 0, credit_bureau: 0, other: 0 });
    expect(recent.body.disclosures.byBasis).toEqual([]);
    // Since yesterday: the access requests filed two and four days ago are left out, and their timing with them.
    const today = await report(`?from=${day(1)}&to=${day(0)}`);
    expect(byType(today.body, 'access')).toMatchObject({ outcomes: { approved: 0 }, medianDaysToDecide: null });
    expect(byType(today.body, 'disclosure_log')).toMatchObject({ outcomes: { approved: 5 } });
    // Up to ten days ago: the disclosures, no request.
    const older = await report(`?from=${day(40)}&to=${day(10)}`);
    expect(byType(older.body, 'access')).toMatchObject({ outcomes: { approved: 0 } });
    expect(kinds(older.body)).toMatchObject({ authority: 5 });
  });

  it('refuses a period that is not one with 400, naming the problem, and writes nothing', async () => {
    const before = await t.tableCounts();
    const cases: [string, string, string][] = [
      ['?from=2025-13-01', 'validation_failed', 'from'],
      ['?from=2025-02-30', 'validation_failed', 'from'],
      ['?from=yesterday', 'validation_failed', 'from'],
      ['?to=2025-01-01T00:00:00Z', 'validation_failed', 'to'],
      ['?from=2025-01-01&from=2025-02-01', 'validation_failed', 'from'],
      ['?subjectId=00000000-0000-4000-8000-000000000000', 'validation_failed', 'subjectId'],
      [`?from=${day(1)}&to=${day(3)}`, 'invalid_period', 'to'],
      [`?from=${day(-2)}`, 'invalid_period', 'from'],
      ['?from=1999-12-31', 'invalid_period', 'from'],
    ];
    for (const [query, code, field] of cases) {
      const res = await report(query);
      expect([query, res.status, res.body.code]).toEqual([query, 400, code]);
      expect([query, JSON.stringify(res.body)]).toEqual([query, expect.stringContaining(field)]);
    }
    expect(await t.tableCounts()).toEqual(before);
  });

  it('is described in the OpenAPI document as public, with suppressed counts as null', async () => {
    const doc = (await t.http.get('/api/docs-json')).body;
    const op = doc.paths['/api/v1/transparency'].get;
    expect(op.security ?? []).toEqual([]);
    expect(JSON.stringify(op.responses['200'])).toContain('#/components/schemas/TransparencyReport');
    expect(doc.components.schemas.TransparencyOutcomeCounts.properties.rejected).toMatchObject({
      nullable: true,
      description: expect.stringContaining('1 to 4'),
    });
    expect(doc.components.schemas.TransparencyKindCount.properties.entries).toMatchObject({ nullable: true });
  });

  it('keeps the figures of a period a short while, then computes them again', async () => {
    const query = `?from=${day(2)}`;
    const first = await report(query);
    const s = await t.user(Role.Subject);
    for (let i = 0; i < 5; i++) expect((await t.http.post(`/api/v1/requests/${await file(s, 'disclosure_log')}/cancel`).set(auth(s))).status).toBe(200);
    const kept = await report(query);
    expect(kept.body).toEqual(first.body);
    await new Promise((resolve) => setTimeout(resolve, CACHE_MS + 200));
    const fresh = await report(query);
    expect(fresh.body.generatedAt).not.toBe(first.body.generatedAt);
    expect(fresh.body.requests).not.toEqual(first.body.requests);
  });
});
