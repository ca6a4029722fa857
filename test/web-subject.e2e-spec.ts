import type { Response } from 'supertest';
import { DisclosureRecordJob } from '../src/exports/disclosure-record.job';
import { ExportJob } from '../src/exports';
import { Role } from '../src/kernel/role';
import { TRANSPARENCY_CACHE_MS } from '../src/transparency';
import { pdfFile } from './support/evidence-files';
import { addAppUser, appEmail, ensureOperatorUsers, setPendingCode } from './support/identity-link';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The subject's own pages beyond filing (src/web/subject) over HTTP: acting on a request (cancel,
 * reply, appeal, the result's files), linking the app account, the consents, the record of
 * disclosures; and the public transparency page. Each change is checked through the API.
 */
describe('web portal: the subject’s own pages and the transparency page (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost } = reviewCalls(() => t);
  const HTML = { Accept: 'text/html' };
  /** A CSRF cookie value of the shape the portal hands out; the form echoes it in `_csrf`. */
  const TOKEN = 'T'.repeat(43);
  const REFUSAL = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified', reason: '无法核实申请人身份' };

  const page = (u: TestUser | null, path: string, cookie = '') => {
    const req = t.http.get(path).set(HTML);
    if (cookie) req.set('Cookie', cookie);
    return u ? req.set(auth(u)) : req;
  };
  const form = (u: TestUser, path: string, body: Record<string, string>, token: string | null = TOKEN) =>
    t.http
      .post(path)
      .set(HTML)
      .set(auth(u))
      .set('Cookie', `dsr_csrf=${TOKEN}`)
      .type('form')
      .send(token === null ? body : { _csrf: token, ...body });
  const api = async (u: TestUser, id: string) => (await t.http.get(`/api/v1/requests/${id}`).set(auth(u))).body;
  const file = async (u: TestUser, body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/requests').set(auth(u)).send(body);
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const bytes = (req: ReturnType<typeof page>) =>
    req.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  const text = (res: Response) => (res.body as Buffer).toString('utf8');
  /** A request of `type` by a new subject, claimed by staff and asked a question. */
  const asked = async (): Promise<{ s: TestUser; id: string }> => {
    const s = await t.user(Role.Subject);
    const id = await file(s, { type: 'explanation', question: '你们如何使用我的搜索记录？' });
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'ask', { question: '请说明您关心的是哪一段时间？' })).status).toBe(200);
    return { s, id };
  };
  /** A refusal that stands: legal's own decision. */
  const refused = async (): Promise<{ s: TestUser; id: string }> => {
    const s = await t.user(Role.Subject);
    const id = await file(s, { type: 'disclosure_log' });
    expect((await staffPost(legal, id, 'claim')).status).toBe(200);
    expect((await staffPost(legal, id, 'decision', REFUSAL)).status).toBe(200);
    return { s, id };
  };

  /** A disclosure of `s`'s account data to an affiliate, on their consent (no legal review needed for it to count as made). */
  const affiliateDisclosure = async (s: TestUser, name: string) => {
    expect((await t.http.post('/api/v1/consents/affiliate_sharing').set(auth(s)).send({ state: 'granted' })).status).toBe(200);
    const recorded = await t.http
      .post('/api/v1/disclosures')
      .set(auth(staff))
      .send({
        subjectIds: [s.id],
        recipient: { name, kind: 'affiliate', country: 'CN', contact: 'privacy@affiliate.example' },
        basis: ['face.share.2'],
        dataCategories: ['account'],
        purpose: '统一会员服务',
        consentPurpose: 'affiliate_sharing',
        disclosedAt: new Date(Date.now() - 3600_000).toISOString(),
      });
    expect(recorded.status).toBe(201);
  };

  beforeAll(async () => {
    // The transparency figures are computed afresh on every call here (they are kept five minutes otherwise).
    t = await createTestApp({ PUBLIC_URL: 'http://localhost:3000' }, { provide: [{ provide: TRANSPARENCY_CACHE_MS, useValue: 0 }] });
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
    await ensureOperatorUsers(t);
  });
  afterAll(() => t.close());

  it('serves each page to a subject, the transparency page to anyone, and refuses staff (403) and strangers (401)', async () => {
    const s = await t.user(Role.Subject);
    const id = await file(s, { type: 'explanation', question: '?' });
    for (const path of ['/requests', `/requests/${id}`, '/account/link', '/consents', '/disclosures', '/transparency']) {
      const res = await page(s, path);
      expect([path, res.status, res.headers['content-type']]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.text).not.toMatch(/<script(?! src="\/assets\/portal.js" defer><\/script>)|style=/i);
    }
    const list = await page(s, '/requests');
    expect(list.text).toContain('href="/new-request"');
    expect(list.text).toContain('<a href="/new-request" id="new-request"><strong>提交新申请</strong></a>');
    for (const path of ['/requests', `/requests/${id}`, '/account/link', '/consents', '/disclosures', `/requests/${id}/export`]) {
      expect([path, (await page(staff, path)).status]).toEqual([path, 403]);
      expect([path, (await page(null, path)).status]).toEqual([path, 401]);
    }
    expect((await form(staff, `/requests/${id}/cancel`, {})).status).toBe(403);
    expect((await page(null, '/transparency')).status).toBe(200);
    expect((await page(staff, '/transparency')).status).toBe(200);
  });

  it('cancels a request with its form: 303 back to the page, the API shows it cancelled', async () => {
    const s = await t.user(Role.Subject);
    const id = await file(s, { type: 'explanation', question: '?' });
    const before = await page(s, `/requests/${id}`);
    expect(before.text).toContain(`action="/requests/${id}/cancel"`);
    expect(before.text).not.toContain(`action="/requests/${id}/reply"`);
    expect(before.text).not.toContain(`action="/requests/${id}/appeal"`);
    const res = await form(s, `/requests/${id}/cancel`, {});
    expect([res.status, res.headers.location]).toEqual([303, `/requests/${id}`]);
    expect((await api(s, id)).status).toBe('cancelled');
    const after = await page(s, `/requests/${id}`);
    expect(after.text).not.toContain(`action="/requests/${id}/cancel"`);
  });

  it('shows the page again with the message when the request can no longer be cancelled (409), changing nothing', async () => {
    const { s, id } = await refused();
    const before = await t.tableCounts();
    const res = await form(s, `/requests/${id}/cancel`, {});
    expect(res.status).toBe(409);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('该申请已有决定，不能再撤销。');
    expect(res.text).toContain('<h1>');
    expect(await t.tableCounts()).toEqual(before);
    expect((await api(s, id)).status).toBe('rejected');
  });

  it('refuses every form without the CSRF token, or with another one (403), and nothing changes', async () => {
    const a = await asked();
    const r = await refused();
    const unlinked = await t.user(Role.Subject, { linked: false });
    const before = await t.tableCounts();
    const posts: [TestUser, string, Record<string, string>][] = [
      [a.s, `/requests/${a.id}/cancel`, {}],
      [a.s, `/requests/${a.id}/reply`, { message: '2024 年' }],
      [r.s, `/requests/${r.id}/appeal`, { statement: '请复核' }],
      [unlinked, '/account/link', { channel: 'email', address: appEmail('csrf') }],
      [unlinked, '/account/link/confirm', { code: '123456' }],
    ];
    for (const [u, path, body] of posts) {
      const missing = await form(u, path, body, null);
      const wrong = await form(u, path, body, 'W'.repeat(43));
      expect([path, missing.status, wrong.status]).toEqual([path, 403, 403]);
    }
    expect(await t.tableCounts()).toEqual(before);
    expect((await api(a.s, a.id)).status).toBe('awaiting_subject');
    expect((await api(r.s, r.id)).status).toBe('rejected');
  });

  it('answers 404 for another subject’s request: its page, its actions and its files, changing nothing', async () => {
    const a = await asked();
    const other = await t.user(Role.Subject);
    const before = await t.tableCounts();
    expect((await page(other, `/requests/${a.id}`)).status).toBe(404);
    for (const [action, body] of [
      ['cancel', {}],
      ['reply', { message: 'x' }],
      ['appeal', { statement: 'x' }],
    ] as const) {
      expect([action, (await form(other, `/requests/${a.id}/${action}`, body)).status]).toEqual([action, 404]);
    }
    expect((await page(other, `/requests/${a.id}/export?format=json`)).status).toBe(404);
    expect((await page(a.s, '/requests/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await t.tableCounts()).toEqual(before);
    expect((await api(a.s, a.id)).status).toBe('awaiting_subject');
  });

  it('replies to staff’s question: an empty reply is the form again (400), the reply is kept escaped on the timeline', async () => {
    const { s, id } = await asked();
    const shown = await page(s, `/requests/${id}`);
    expect(shown.text).toContain('请说明您关心的是哪一段时间？');
    expect(shown.text).toMatch(/id="h-asked"[\s\S]*你们如何使用我的搜索记录？/);
    expect(shown.text).toContain(`action="/requests/${id}/reply"`);

    const empty = await form(s, `/requests/${id}/reply`, { message: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/<textarea id="reply-message"[^>]*aria-invalid="true"/);
    expect(empty.text).toContain('id="reply-error"');
    expect(empty.text).toContain('至少 1 个字符。');
    const tooLong = await form(s, `/requests/${id}/reply`, { message: `${'长'.repeat(4001)}` });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('最多 4000 个字符。');
    expect(tooLong.text).toContain('长'.repeat(4001));
    expect((await api(s, id)).status).toBe('awaiting_subject');

    const message = '2024 年 <script>alert(1)</script> 的记录';
    const res = await form(s, `/requests/${id}/reply`, { message });
    expect([res.status, res.headers.location]).toEqual([303, `/requests/${id}`]);
    const view = await api(s, id);
    expect(view.status).toBe('in_review');
    expect(view.timeline.at(-1)).toMatchObject({ action: 'reply', note: message });
    const after = await page(s, `/requests/${id}`);
    expect(after.text).toContain('2024 年 &lt;script&gt;alert(1)&lt;/script&gt; 的记录');
    expect(after.text).not.toContain('<script>alert(1)</script>');
    expect(after.text).not.toContain(`action="/requests/${id}/reply"`);
  });

  it('appeals a refusal within its deadline, once: the API shows it under appeal with the statement', async () => {
    const { s, id } = await refused();
    const shown = await page(s, `/requests/${id}`);
    expect(shown.text).toContain(`action="/requests/${id}/appeal"`);
    expect(shown.text).not.toContain(`action="/requests/${id}/cancel"`);
    expect(shown.text).toContain('GBT35273.8.7');
    const en = await page(s, `/requests/${id}`, 'dsr_lang=en');
    expect(en.text).toContain('Appeal the refusal');
    expect(en.text).toMatch(/You may appeal a refusal once, until \d+ \w+ \d{4}/);

    const empty = await form(s, `/requests/${id}/appeal`, { statement: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/<textarea id="appeal-statement"[^>]*aria-invalid="true"/);

    const res = await form(s, `/requests/${id}/appeal`, { statement: '我已经上传了身份证明，请复核。' });
    expect([res.status, res.headers.location]).toEqual([303, `/requests/${id}`]);
    const view = await api(s, id);
    expect(view.status).toBe('under_appeal');
    expect(view.appeal).toMatchObject({ statement: '我已经上传了身份证明，请复核。' });
    const after = await page(s, `/requests/${id}`);
    expect(after.text).toContain('我已经上传了身份证明，请复核。');
    expect(after.text).not.toContain(`action="/requests/${id}/appeal"`);

    // Appealed once: a second appeal is the service's refusal, shown on the page.
    const again = await form(s, `/requests/${id}/appeal`, { statement: '再次申诉' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('role="alert"');
  });

  it('offers no appeal once its window has passed, and the service refuses one posted anyway (409, the page with the message)', async () => {
    const { s, id } = await refused();
    // 31 days on: the decision and the closing moved back (the timeline is append-only: its trigger is off for this one statement).
    await t.asOwner(async (m) => {
      await m.query(`ALTER TABLE request_events DISABLE TRIGGER USER`);
      await m.query(`UPDATE request_events SET at = at - interval '31 days' WHERE request_id = $1 AND action = 'decide'`, [id]);
      await m.query(`ALTER TABLE request_events ENABLE TRIGGER USER`);
      await m.query(`UPDATE requests SET closed_at = closed_at - interval '31 days' WHERE id = $1`, [id]);
    });
    const shown = await page(s, `/requests/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.text).not.toContain(`action="/requests/${id}/appeal"`);
    const late = await form(s, `/requests/${id}/appeal`, { statement: '请复核' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('申诉期限已过。');
    expect((await api(s, id)).status).toBe('rejected');
  });

  it('shows whom a request was filed for', async () => {
    const s = await t.user(Role.Subject);
    const upload = await t.http
      .post('/api/v1/uploads')
      .set(auth(s))
      .attach('file', pdfFile('Power of attorney'), { filename: 'proof.pdf', contentType: 'application/pdf' });
    expect(upload.status).toBe(201);
    const id = await file(s, {
      type: 'explanation',
      question: '?',
      onBehalfOf: { relation: 'agent', name: '王<b>小明</b>', statement: '受其委托', evidence: [upload.body.id] },
    });
    const shown = await page(s, `/requests/${id}`);
    expect(shown.text).toContain('受托代理人');
    expect(shown.text).toContain('王&lt;b&gt;小明&lt;/b&gt;');
    expect(shown.text).toContain('受其委托');
  });

  it('lists the result’s files of a completed copy and downloads them with the web page’s route, the subject’s own only', async () => {
    const appUser = await addAppUser(t, { email: appEmail('copy') });
    const s = await t.user(Role.Subject, { appUser });
    const id = await file(s, { type: 'access' });
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] })).status).toBe(200);
    expect((await page(s, `/requests/${id}`)).text).not.toContain(`/requests/${id}/export`);
    await t.app.get(ExportJob).run(id);

    const shown = await page(s, `/requests/${id}`);
    expect(shown.text).toContain(`href="/requests/${id}/export?format=json"`);
    expect(shown.text).toContain(`href="/requests/${id}/export?format=html"`);
    const json = await bytes(page(s, `/requests/${id}/export?format=json`));
    expect([json.status, json.headers['content-type'], json.headers['content-disposition']]).toEqual([
      200,
      expect.stringContaining('application/json'),
      `attachment; filename="request-${id}-export.json"`,
    ]);
    expect(json.headers['x-content-type-options']).toBe('nosniff');
    const copy = JSON.parse(text(json));
    expect(copy.categories.map((c: { category: string }) => c.category)).toContain('account');
    const html = await bytes(page(s, `/requests/${id}/export?format=html`));
    expect(text(html)).toContain('个人信息副本 / Copy of your personal information');
    expect((await page(s, `/requests/${id}/export?format=pdf`)).status).toBe(400);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'export.downloaded' AND entity_id = $1`, [id]);
    expect(n).toBe(2);
  });

  it('links the app account with a code: the form again for a wrong code, then linked, as the API tells', async () => {
    const email = appEmail('link');
    await addAppUser(t, { email });
    const s = await t.user(Role.Subject, { linked: false });
    const status = await page(s, '/account/link');
    expect(status.text).toContain('尚未关联');
    expect((await page(s, '/account/link', 'dsr_lang=en')).text).toContain('Step 1: get a code');
    expect(status.text).toContain('action="/account/link"');

    const bad = await form(s, '/account/link', { channel: 'email', address: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<input id="address"[^>]*value="not an address"[^>]*aria-invalid="true"/);

    const sent = await form(s, '/account/link', { channel: 'email', address: email });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('id="link-sent"');
    expect(sent.text).not.toContain(email);
    await setPendingCode(t, s.id, '246810');

    const wrong = await form(s, '/account/link/confirm', { code: '135791' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toMatch(/<input id="code"[^>]*aria-invalid="true"/);
    expect(wrong.text).toContain('验证码不正确，还可以再试 4 次。');
    expect((await t.http.get('/api/v1/me').set(auth(s))).body.identity).toEqual({ linked: false, linkedAt: null });

    const right = await form(s, '/account/link/confirm', { code: '246810' });
    expect([right.status, right.headers.location]).toEqual([303, '/account/link']);
    const me = (await t.http.get('/api/v1/me').set(auth(s))).body;
    expect(me.identity).toEqual({ linked: true, linkedAt: expect.any(String) });
    const after = await page(s, '/account/link');
    expect(after.text).toContain('已关联');
    expect(after.text).not.toContain('action="/account/link/confirm"');

    const twice = await form(s, '/account/link', { channel: 'email', address: email });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('您的账号已经关联。');
  });

  it('shows each consent purpose, its state, what it means and its clause, linked; withdrawing is a request of the filing pages', async () => {
    const s = await t.user(Role.Subject);
    expect((await t.http.post('/api/v1/consents/marketing').set(auth(s)).send({ state: 'granted' })).status).toBe(200);
    const res = await page(s, '/consents');
    for (const purpose of ['face_basic', 'face_additional', 'marketing', 'partner_marketing', 'affiliate_sharing', 'personalised_ads', 'cross_border']) {
      expect(res.text).toContain(`id="purpose-${purpose}"`);
    }
    expect(res.text).toMatch(
      /id="purpose-marketing"[\s\S]*?data-state="granted"[\s\S]*?href="\/policy\/versions\/\d+#2\.c"[\s\S]*?href="\/new-request\/withdraw_consent"/,
    );
    expect(res.text).toMatch(/id="purpose-cross_border"[\s\S]*?data-state="never"/);
    expect(res.text).toContain('营销信息');
    const en = await page(s, '/consents', 'dsr_lang=en');
    expect(en.text).toContain('Marketing: news of our own products and events.');
    expect(en.text).toContain('Given');
  });

  it('shows the record of disclosures of the latest completed disclosure_log request, or how to ask for one', async () => {
    const s = await t.user(Role.Subject);
    const none = await page(s, '/disclosures');
    expect(none.text).toContain('id="no-record"');
    expect(none.text).toContain('href="/new-request/disclosure_log"');

    await affiliateDisclosure(s, '示例<b>关联</b>公司');
    const id = await file(s, { type: 'disclosure_log' });
    const pending = await page(s, '/disclosures');
    expect(pending.text).toContain(`href="/requests/${id}"`);
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['3'], law: ['PIPL.45'] })).status).toBe(200);
    await t.app.get(DisclosureRecordJob).run(id);

    const res = await page(s, '/disclosures');
    expect(res.status).toBe(200);
    expect(res.text).toContain('示例&lt;b&gt;关联&lt;/b&gt;公司');
    expect(res.text).toContain('统一会员服务');
    expect(res.text).toMatch(/href="\/policy\/versions\/\d+#face\.share\.2"/);
    expect(res.text).toContain(`href="/requests/${id}/export?format=html"`);
    const download = await bytes(page(s, `/requests/${id}/export?format=json`));
    expect(JSON.parse(text(download)).entries).toEqual([expect.objectContaining({ purpose: '统一会员服务' })]);
  });

  it('publishes the transparency figures to anyone, small counts as "fewer than 5", each figure explained; a wrong period is the form again', async () => {
    // One request cancelled and one disclosure made, at least: counts from 1 to 4 of this file's own.
    const s = await t.user(Role.Subject);
    const cancelled = await file(s, { type: 'explanation', question: '?' });
    expect((await t.http.post(`/api/v1/requests/${cancelled}/cancel`).set(auth(s)).send({})).status).toBe(200);
    await affiliateDisclosure(s, '示例关联公司');
    const res = await page(null, '/transparency');
    expect(res.status).toBe(200);
    expect(res.text).toContain('少于 5');
    expect(res.text).toContain('决定所需天数（中位数）');
    expect(res.text).toContain('<th scope="col">');
    expect(res.text).toMatch(/<a class="cite" href="\/policy\/versions\/\d+#face\.share\.2">face\.share\.2<\/a>/);
    const en = await page(null, '/transparency', 'dsr_lang=en');
    expect(en.text).toContain('fewer than 5');
    expect(en.text).toContain('What each figure means');
    const api = (await t.http.get('/api/v1/transparency')).body;
    const explanation = api.requests.byType.find((r: { type: string }) => r.type === 'explanation');
    expect(explanation.outcomes.cancelled).toBeNull();

    const wrong = await page(null, '/transparency?from=2025-06-10&to=2025-06-01');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('role="alert"');
    expect(wrong.text).toContain('value="2025-06-10"');
    const notADate = await page(null, '/transparency?from=%3Cb%3E');
    expect(notADate.status).toBe(400);
    expect(notADate.text).toContain('value="&lt;b&gt;"');
    const unknown = await page(null, '/transparency?foo=1');
    expect([unknown.status, unknown.text]).toEqual([400, expect.stringContaining('表单包含无法识别的字段。')]);
    const period = await page(null, '/transparency?from=2025-01-01&to=2025-01-31');
    expect(period.status).toBe(200);
    expect(period.text).toContain('2025-01-01 – 2025-01-31');
  });
});
