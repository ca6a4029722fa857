import type { Response } from 'supertest';
import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Legal's pages over HTTP (test/browser/legal.e2e-spec.ts drives them in Chromium): who may open
 * each, the forms' CSRF token, refusals shown on the form with the input kept, and that what a form
 * does is what the API then reads.
 */
describe('legal pages (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  let legal2: TestUser;
  let admin: TestUser;
  let subject: TestUser;
  let other: TestUser;
  let cookie: string;
  let token: string;
  const HTML = { Accept: 'text/html' };
  const HOUR = 3600 * 1000;
  const { auth, staffPost, legalPost, held } = reviewCalls(() => t);
  const refusal = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified', reason: '无法核验申请人身份' };

  /** A page as `u` sees it in a browser. */
  const get = (u: TestUser | null, path: string) => {
    const req = t.http.get(path).set(HTML);
    return u ? req.set(auth(u)) : req;
  };
  /** A form posted as `u`, with this browser's CSRF token (or without it, or another one). */
  const post = (u: TestUser, path: string, form: Record<string, string | string[]>, csrf: 'right' | 'missing' | 'wrong' = 'right') => {
    const field = csrf === 'right' ? { _csrf: token } : csrf === 'wrong' ? { _csrf: 'x'.repeat(43) } : {};
    return t.http
      .post(path)
      .set(HTML)
      .set(auth(u))
      .set('Cookie', cookie)
      .type('form')
      .send({ ...field, ...form });
  };
  const api = (u: TestUser, path: string) => t.http.get(path).set(auth(u));
  const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
  /** `<input type="datetime-local">` in Beijing time, `hours` from now. */
  const localBeijing = (hours: number) => new Date(Date.now() + 8 * HOUR + hours * HOUR).toISOString().slice(0, 16);
  /** A refusal of a form that changes nothing: its status, and every table as it was. */
  const changesNothing = async (call: () => Promise<Response>, status: number): Promise<Response> => {
    const before = await t.tableCounts();
    const res = await call();
    expect(res.status).toBe(status);
    expect(await t.tableCounts()).toEqual(before);
    return res;
  };
  /** A staff refusal awaiting legal. */
  const refusedByStaff = async (): Promise<{ s: TestUser; id: string }> => {
    const r = await held('delete_account', staff);
    const proposed = await staffPost(staff, r.id, 'decision', refusal);
    if (proposed.body.status !== 'awaiting_legal') throw new Error(JSON.stringify(proposed.body));
    return r;
  };
  /** A public security bureau's evidence-collection notice (3.c, PIPL Art. 13) as the form sends it. */
  const policeForm = (subjectIds: string[], overrides: Record<string, string | string[]> = {}) => ({
    subjectIds: subjectIds.join(' '),
    recipientName: '北京市公安局朝阳分局',
    recipientKind: 'authority',
    recipientCountry: 'CN',
    recipientContact: '',
    basis: '3.c',
    law: 'PIPL.13',
    dataCategories: ['account', 'transactions'],
    purpose: '刑事案件侦查调取证据',
    reference: '京公（朝）调证字〔2025〕第 0421 号',
    disclosedAt: localBeijing(-48),
    ...overrides,
  });
  const recordViaApi = async (u: TestUser, body: object = {}): Promise<string> => {
    const res = await t.http
      .post('/api/v1/disclosures')
      .set(auth(u))
      .send({
        subjectIds: [subject.id],
        recipient: { name: '示例征信有限公司', kind: 'authority', country: 'CN' },
        basis: ['3.c'],
        law: ['PIPL.13'],
        dataCategories: ['account'],
        purpose: '协助调查',
        reference: '京公调证字 1 号',
        disclosedAt: ago(24),
        ...body,
      });
    if (res.status !== 201) throw new Error(`recording answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: 'http://localhost:3000' });
    [staff, legal, legal2, admin, subject, other] = [
      await t.user(Role.Staff),
      await t.user(Role.Legal),
      await t.user(Role.Legal),
      await t.user(Role.Admin),
      await t.user(Role.Subject),
      await t.user(Role.Subject),
    ];
    const res = await t.http.get('/login').set(HTML);
    cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('dsr_csrf='))!
      .split(';')[0];
    token = cookie.slice('dsr_csrf='.length);
  });
  afterAll(() => t.close());

  it('opens each page to the roles of the API route it shows, and to no one else', async () => {
    const { id } = await refusedByStaff();
    const entry = await recordViaApi(staff);
    const hold = await t.http
      .post('/api/v1/legal/holds')
      .set(auth(legal))
      .send({
        subjectId: subject.id,
        categories: ['transactions'],
        law: ['ECL.31'],
        retention: '交易完成之日起三年',
        until: new Date(Date.now() + 400 * 24 * HOUR).toISOString(),
        note: '电子商务法',
      });
    expect(hold.status).toBe(201);
    const pages: [string, Partial<Record<Role, number>>][] = [
      ['/legal', { legal: 200, admin: 403, staff: 403, subject: 403 }],
      ['/legal/requests', { legal: 200, admin: 403, staff: 403, subject: 403 }],
      ['/legal/appeals', { legal: 200, admin: 403, staff: 403, subject: 403 }],
      [`/legal/requests/${id}`, { legal: 200, admin: 403, staff: 403, subject: 403 }],
      ['/legal/holds', { legal: 200, admin: 200, staff: 422, subject: 403 }],
      ['/legal/holds/new', { legal: 200, admin: 403, staff: 403, subject: 403 }],
      [`/legal/holds/${hold.body.id}`, { legal: 200, admin: 200, staff: 404, subject: 403 }],
      ['/legal/disclosures', { legal: 200, admin: 200, staff: 403, subject: 403 }],
      ['/legal/disclosures/stats', { legal: 200, admin: 200, staff: 403, subject: 403 }],
      ['/legal/disclosures/new', { legal: 200, admin: 403, staff: 200, subject: 403 }],
      [`/legal/disclosures/${entry}`, { legal: 200, admin: 200, staff: 200, subject: 403 }],
      ['/legal/disclosures.csv', { legal: 200, admin: 200, staff: 403, subject: 403 }],
      ['/legal/audit', { legal: 200, admin: 200, staff: 403, subject: 403 }],
    ];
    const users: Record<string, TestUser> = { legal, admin, staff, subject };
    const seen: string[] = [];
    const expected: string[] = [];
    for (const [path, byRole] of pages) {
      for (const [role, status] of Object.entries(byRole)) {
        const res = await get(users[role], path);
        seen.push(`${role} ${path} ${res.status}`);
        expected.push(`${role} ${path} ${status}`);
      }
      expect((await get(null, path)).status).toBe(401);
    }
    expect(seen).toEqual(expected);
    // An entry another staff member recorded is not there for this one (404, as in the API).
    expect((await get(await t.user(Role.Staff), `/legal/disclosures/${entry}`)).status).toBe(404);
    expect((await get(legal, '/legal/requests/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('shows a staff refusal awaiting legal with its provision linked and quoted, and lets another legal reviewer confirm it', async () => {
    const { s, id } = await refusedByStaff();
    const list = await get(legal, '/legal/requests');
    expect(list.text).toContain(`href="/legal/requests/${id}"`);
    const page = await get(legal, `/legal/requests/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/policy#law-GBT35273.8.7"');
    expect(page.text).toContain('个人信息安全规范');
    expect(page.text).toContain('无法核验申请人身份');
    expect(page.text).toContain(`action="/legal/requests/${id}/confirm"`);
    expect(page.text).toContain(`action="/legal/requests/${id}/replace"`);

    // Without the token, or with another one: 403 and nothing changes.
    await changesNothing(() => post(legal, `/legal/requests/${id}/confirm`, { note: '维持' }, 'missing'), 403);
    await changesNothing(() => post(legal, `/legal/requests/${id}/confirm`, { note: '维持' }, 'wrong'), 403);
    expect((await api(s, `/api/v1/requests/${id}`)).body.status).toBe('awaiting_legal');
    // Staff may not use legal's form at all.
    await changesNothing(() => post(staff, `/legal/requests/${id}/confirm`, {}), 403);

    const done = await post(legal, `/legal/requests/${id}/confirm`, { note: '经复核，维持原决定' });
    expect([done.status, done.headers.location]).toEqual([303, `/legal/requests/${id}`]);
    const mine = (await api(s, `/api/v1/requests/${id}`)).body;
    expect(mine).toMatchObject({ status: 'rejected', decision: { outcome: 'reject', ground: 'identity_not_verified' } });
    expect(mine.timeline.at(-1)).toMatchObject({ action: 'confirm_decision', note: '经复核，维持原决定' });
  });

  it('refuses the author of a refusal on its own confirmation (four eyes): the page says why, nothing changes', async () => {
    const author = await t.user(Role.Staff);
    const { id } = await held('delete_account', author);
    await staffPost(author, id, 'decision', refusal);
    await t.asOwner((m) => m.query(`UPDATE users SET role = 'legal' WHERE id = $1`, [author.id]));
    const asLegal = { ...author, role: Role.Legal, token: await t.login(author.email, author.password) };
    const own = await changesNothing(() => post(asLegal, `/legal/requests/${id}/confirm`, { note: '我自己确认' }), 403);
    expect(own.text).toContain('您不能确认或替换自己提出的决定');
    // The form is shown again with what was typed.
    expect(own.text).toContain('我自己确认');
    expect((await legalPost(legal, id, 'confirm')).status).toBe(200);
  });

  it('shows a replacement that is not valid again with its messages and the input kept (escaped), and one the policy refuses with its reason', async () => {
    const { id } = await refusedByStaff();
    const typed = '<script>alert(1)</script> 理由';
    const invalid = await changesNothing(() => post(legal, `/legal/requests/${id}/replace`, { outcome: 'maybe', reason: typed, expectedVersion: '1' }), 400);
    expect(invalid.text).toMatch(/id="replace-outcome-error"[^>]*>请从列出的选项中选择。/);
    expect(invalid.text).toContain('aria-invalid="true"');
    expect(invalid.text).not.toContain('<script>alert(1)</script>');
    expect(invalid.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; 理由');
    const unjustified = await changesNothing(
      () => post(legal, `/legal/requests/${id}/replace`, { outcome: 'reject', clauses: '3.e', reason: '不予删除' }),
      422,
    );
    expect(unjustified.text).toContain('role="alert"');
    expect(unjustified.text).toContain('GBT35273.8.7');
    // A decision of legal's own: approved at once.
    const replaced = await post(legal, `/legal/requests/${id}/replace`, { outcome: 'approve', clauses: 'face.retain.2' });
    expect([replaced.status, replaced.headers.location]).toEqual([303, `/legal/requests/${id}`]);
    expect((await api(legal, `/api/v1/staff/requests/${id}`)).body.status).not.toBe('awaiting_legal');
  });

  it('lists appeals; legal claims one on its page and decides it', async () => {
    const { s, id } = await refusedByStaff();
    expect((await legalPost(legal2, id, 'confirm')).status).toBe(200);
    expect((await t.http.post(`/api/v1/requests/${id}/appeal`).set(auth(s)).send({ statement: '我已补充身份证件照片' })).status).toBe(200);
    expect((await get(legal, '/legal/appeals')).text).toContain(`href="/legal/requests/${id}"`);
    const page = await get(legal, `/legal/requests/${id}`);
    expect(page.text).toContain('我已补充身份证件照片');
    expect(page.text).toContain(`action="/legal/requests/${id}/claim"`);
    await changesNothing(() => post(legal, `/legal/requests/${id}/claim`, {}, 'missing'), 403);
    expect((await post(legal, `/legal/requests/${id}/claim`, {})).status).toBe(303);
    expect((await get(legal, `/legal/requests/${id}`)).text).toContain(`action="/legal/requests/${id}/appeal"`);
    const decided = await post(legal, `/legal/requests/${id}/appeal`, { outcome: 'approve', clauses: 'face.retain.2' });
    expect(decided.status).toBe(303);
    const view = (await api(legal, `/api/v1/staff/requests/${id}`)).body;
    expect(view.appeal.decision).toMatchObject({ outcome: 'approve', clauses: [{ id: 'face.retain.2' }] });
  });

  it('places a legal hold through its form (a missing category shown on the form) and releases it', async () => {
    const form = {
      subjectId: other.id,
      clauses: '',
      law: 'ECL.31',
      retention: '交易完成之日起三年',
      until: localBeijing(24 * 400),
      note: '电子商务法 <b>第三十一条</b>',
    };
    const missing = await changesNothing(() => post(legal, '/legal/holds/new', form), 400);
    expect(missing.text).toMatch(/id="hold-categories-error"[^>]*>请至少选择一项。/);
    expect(missing.text).toContain('电子商务法 &lt;b&gt;第三十一条&lt;/b&gt;');
    expect(missing.text).toContain(`value="${other.id}"`);
    await changesNothing(() => post(legal, '/legal/holds/new', { ...form, categories: 'transactions' }, 'wrong'), 403);
    const placed = await post(legal, '/legal/holds/new', { ...form, categories: 'transactions' });
    expect(placed.status).toBe(303);
    const id = placed.headers.location.split('/').pop()!;
    const hold = (await api(legal, `/api/v1/legal/holds/${id}`)).body;
    expect(hold).toMatchObject({ subjectId: other.id, categories: ['transactions'], law: ['ECL.31'], active: true });
    const page = await get(legal, `/legal/holds/${id}`);
    expect(page.text).toContain('href="/policy#law-ECL.31"');
    expect((await get(legal, '/legal/holds?active=true')).text).toContain(`href="/legal/holds/${id}"`);

    await changesNothing(() => post(legal, `/legal/holds/${id}/release`, { reason: '案件已结' }, 'missing'), 403);
    const noReason = await changesNothing(() => post(legal, `/legal/holds/${id}/release`, { reason: '' }), 400);
    expect(noReason.text).toContain('id="release-reason-error"');
    expect((await post(legal, `/legal/holds/${id}/release`, { reason: '案件已结' })).status).toBe(303);
    expect((await api(legal, `/api/v1/legal/holds/${id}`)).body).toMatchObject({ active: false, releaseReason: '案件已结' });
  });

  it('records a disclosure through the form; the policy’s basis refusal is shown with the input kept', async () => {
    const before = await t.tableCounts();
    const noReference = await post(legal, '/legal/disclosures/new', policeForm([subject.id], { reference: '' }));
    expect(noReference.status).toBe(422);
    expect(await t.tableCounts()).toEqual(before);
    expect(noReference.text).toContain('role="alert"');
    expect(noReference.text).toMatch(/id="record-problem">The disclosure cannot be recorded: PIPL.13 requires the authority/);
    expect(noReference.text).toContain('北京市公安局朝阳分局');
    expect(noReference.text).toContain(subject.id);
    const invalid = await changesNothing(() => post(legal, '/legal/disclosures/new', policeForm([subject.id], { recipientCountry: 'China' })), 400);
    expect(invalid.text).toContain('id="d-recipientCountry-error"');
    await changesNothing(() => post(legal, '/legal/disclosures/new', policeForm([subject.id]), 'missing'), 403);

    const done = await post(legal, '/legal/disclosures/new', policeForm([subject.id]));
    expect(done.status).toBe(303);
    const id = done.headers.location.split('/').pop()!;
    const entry = (await api(legal, `/api/v1/disclosures/${id}`)).body;
    expect(entry).toMatchObject({
      subjectIds: [subject.id],
      recipient: { name: '北京市公安局朝阳分局', kind: 'authority', country: 'CN', contact: null },
      basis: ['3.c'],
      law: ['PIPL.13'],
      dataCategories: ['account', 'transactions'],
      status: 'pending_review',
      recordedBy: legal.id,
    });
    // Beijing time as typed: 48 hours ago, to the minute.
    expect(Math.abs(new Date(entry.disclosedAt).getTime() - (Date.now() - 48 * HOUR))).toBeLessThan(2 * 60_000);
    const page = await get(legal, `/legal/disclosures/${id}`);
    expect(page.text).toMatch(/href="\/policy\/versions\/\d+#3.c"/);
    expect(page.text).toContain('href="/policy#law-PIPL.13"');
  });

  it('has an entry reviewed by a legal reviewer other than its recorder, and withheld on a confidentiality provision', async () => {
    const id = await recordViaApi(legal);
    const own = await changesNothing(() => post(legal, `/legal/disclosures/${id}/review`, { outcome: 'confirmed', note: '已核对' }), 403);
    expect(own.text).toContain('登记人不能复核自己登记的记录');
    expect(own.text).toContain('已核对');
    const blank = await changesNothing(() => post(legal2, `/legal/disclosures/${id}/review`, { outcome: 'confirmed', note: '' }), 400);
    expect(blank.text).toContain('id="review-note-error"');
    await changesNothing(() => post(legal2, `/legal/disclosures/${id}/review`, { outcome: 'confirmed', note: '已核对' }, 'wrong'), 403);
    expect((await post(legal2, `/legal/disclosures/${id}/review`, { outcome: 'confirmed', note: '调取通知书原件已核对' })).status).toBe(303);
    expect((await api(legal, `/api/v1/disclosures/${id}`)).body).toMatchObject({ status: 'confirmed', countsAsMade: true, review: { reviewedBy: legal2.id } });

    const notConfidential = await changesNothing(
      () => post(legal, `/legal/disclosures/${id}/withhold`, { law: 'PIPL.13', reference: '京公保密字 3 号', until: localBeijing(24 * 30) }),
      422,
    );
    expect(notConfidential.text).toContain('id="withhold-law-error"');
    expect(notConfidential.text).toContain('京公保密字 3 号');
    expect(
      (await post(legal, `/legal/disclosures/${id}/withhold`, { law: 'PIPL.18', reference: '京公保密字 3 号', until: localBeijing(24 * 30) })).status,
    ).toBe(303);
    const withheld = (await api(legal, `/api/v1/disclosures/${id}`)).body;
    expect(withheld.withheldUntil).not.toBeNull();
    expect(withheld.withholdings[0]).toMatchObject({ law: ['PIPL.18'], reference: '京公保密字 3 号', active: true });
  });

  it('corrects an entry with a new one (the register is append-only), started from the entry’s page', async () => {
    const wrong = await recordViaApi(staff, { purpose: '协助调查 <img src=x onerror=alert(1)>' });
    const page = await get(staff, `/legal/disclosures/${wrong}`);
    expect(page.text).toContain('协助调查 &lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).toContain(`href="/legal/disclosures/new?corrects=${wrong}"`);
    const form = await get(staff, `/legal/disclosures/new?corrects=${wrong}`);
    expect(form.text).toContain(`value="${wrong}"`);
    const noReason = await changesNothing(() => post(staff, '/legal/disclosures/new', policeForm([subject.id], { corrects: wrong })), 422);
    expect(noReason.text).toContain('id="d-correctionReason-error"');
    const done = await post(staff, '/legal/disclosures/new', policeForm([subject.id], { corrects: wrong, correctionReason: '目的写错' }));
    expect(done.status).toBe(303);
    const fixed = done.headers.location.split('/').pop()!;
    expect((await api(legal, `/api/v1/disclosures/${wrong}`)).body.correctedBy).toBe(fixed);
    expect((await get(legal, `/legal/disclosures/${wrong}`)).text).toContain(`href="/legal/disclosures/${fixed}"`);
  });

  it('lists the register under the API’s filters in keyset pages; a forged cursor or a bad filter is a 400 page', async () => {
    const a = await recordViaApi(staff, { recipient: { name: '甲公司', kind: 'authority', country: 'CN' }, disclosedAt: ago(3) });
    const b = await recordViaApi(staff, { recipient: { name: '乙公司', kind: 'authority', country: 'CN' }, disclosedAt: ago(2) });
    const first = await get(legal, '/legal/disclosures?kind=authority&limit=1');
    expect(first.status).toBe(200);
    expect(first.text).toContain(`href="/legal/disclosures/${b}"`);
    expect(first.text).not.toContain(`href="/legal/disclosures/${a}"`);
    const next = /id="next-page"|rel="next" href="([^"]+)"/.exec(first.text);
    const href = /rel="next" href="([^"]+)"/.exec(first.text)![1].replace(/&amp;/g, '&');
    expect(next).not.toBeNull();
    expect(href).toMatch(/^\/legal\/disclosures\?kind=authority&limit=1&cursor=/);
    const second = await get(legal, href);
    expect(second.text).toContain(`href="/legal/disclosures/${a}"`);
    // The API's cursor is the page's: the same list, the same seal.
    const apiFirst = (await api(legal, '/api/v1/disclosures?kind=authority&limit=1')).body;
    expect(href).toContain(encodeURIComponent(apiFirst.nextCursor).replace(/%2E/gi, '.'));

    const forged = await get(legal, '/legal/disclosures?cursor=AAAA.' + 'b'.repeat(43));
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('<html');
    const bad = await get(legal, '/legal/disclosures?kind=police&from=2025-13-45');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="f-kind-error"');
    expect(bad.text).toContain('value="2025-13-45"');
    // A date range (Beijing days) and the review status.
    const today = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);
    const ranged = await get(legal, `/legal/disclosures?from=${today}&to=${today}&status=pending_review`);
    expect(ranged.status).toBe(200);
  });

  it('streams the register as CSV under the same filters, and counts it', async () => {
    await recordViaApi(staff, { recipient: { name: '丙公司 "CSV"', kind: 'authority', country: 'CN' } });
    const csv = await get(legal, '/legal/disclosures.csv?kind=authority');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="disclosures.csv"');
    expect(csv.text.split('\n')[0]).toMatch(/^\uFEFFid,status,/);
    expect(csv.text).toContain('丙公司 ""CSV""');
    const none = await get(legal, '/legal/disclosures.csv?kind=partner');
    expect(none.text.trim().split('\n')).toHaveLength(1);
    expect((await get(legal, '/legal/disclosures.csv?kind=nobody')).status).toBe(400);
    const stats = await get(legal, '/legal/disclosures/stats?kind=authority');
    expect(stats.status).toBe(200);
    const counts = (await api(legal, '/api/v1/disclosures/stats?kind=authority')).body;
    expect(stats.text).toMatch(new RegExp(`<dd>${counts.entries}</dd>`));
    expect(stats.text).toContain('href="/policy#law-PIPL.13"');
  });

  it('verifies the audit chain, shows the result on the start page, and checks a recorded head', async () => {
    const before = await get(legal, '/legal');
    expect(before.text).toContain('href="/legal/audit"');
    const page = await get(legal, '/legal/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('审计链完整');
    const head = /id="audit-head">([0-9a-f]{64})</.exec(page.text)![1];
    const events = /id="audit-events">(\d+)</.exec(page.text)![1];
    const start = await get(legal, '/legal');
    expect(start.text).toMatch(/id="audit-status">审计链完整/);
    const anchored = await get(legal, `/legal/audit?seq=${events}&head=${head}`);
    expect(anchored.text).toContain('审计链完整');
    const bad = await get(legal, '/legal/audit?seq=1&head=nothex');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="a-head-error"');
  });

  it('counts what waits for legal on the start page, in English too', async () => {
    const res = await get(legal, '/legal').set('Cookie', 'dsr_lang=en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Refusals and partial decisions awaiting legal');
    expect(res.text).toMatch(/href="\/legal\/requests">[^<]+<\/a><\/dt><dd>\d+( or more)?<\/dd>/);
  });
});
