import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { ExportJob } from '../../src/exports';
import { Role } from '../../src/kernel/role';
import { DESKTOP, noSeriousViolations, PHONE, portalInBrowser, PortalInBrowser, screenshot as shoot, signInWithForm } from '../support/browser';
import { addAppUser, appEmail, codeIn, ensureOperatorUsers } from '../support/identity-link';
import { reviewCalls } from '../support/review-calls';
import { SmtpPeer, startSmtpPeer } from '../support/smtp-peer';
import { TestApp, TestUser } from '../support/test-app';

/**
 * The subject's own pages in Chromium, end to end: linking the app account with the code the
 * operator's mail server delivers, replying to staff's question, cancelling a request, appealing a
 * refusal, downloading a copy, the consents and the public transparency page; axe on every page,
 * screenshots at a phone's and a desktop's width.
 */
describe('the subject’s own pages in Chromium', () => {
  let portal: PortalInBrowser;
  let peer: SmtpPeer;
  let t: TestApp;
  let base: string;
  let page: Page;
  let subject: TestUser;
  let staff: TestUser;
  let legal: TestUser;
  let email: string;
  const { auth, staffPost } = reviewCalls(() => t);
  const REFUSAL = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified', reason: '无法核实申请人身份' };

  const file = async (body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/requests').set(auth(subject)).send(body);
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const ok = async (call: Promise<{ status: number; body: unknown }>) => {
    const res = await call;
    if (res.status !== 200) throw new Error(`answered ${res.status} ${JSON.stringify(res.body)}`);
  };
  const api = async (id: string) => (await t.http.get(`/api/v1/requests/${id}`).set(auth(subject))).body;
  /** A full-page screenshot at a phone's and a desktop's width. */
  const shots = async (name: string) => {
    await page.setViewportSize(PHONE);
    await shoot(page, portal.shots, `${name}-phone`);
    await page.setViewportSize(DESKTOP);
    await shoot(page, portal.shots, `${name}-desktop`);
  };
  const submit = async (formSelector: string) => {
    await Promise.all([page.waitForNavigation(), page.locator(`${formSelector} button[type="submit"]`).click()]);
  };

  beforeAll(async () => {
    peer = await startSmtpPeer();
    portal = await portalInBrowser({ SMTP_URL: peer.url, MAIL_FROM: '"隐私保护团队" <privacy@example.cn>', OPERATOR_NAME: '示例应用' });
    ({ t, base } = portal);
    await ensureOperatorUsers(t);
    email = appEmail('browser');
    await addAppUser(t, { email });
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
    subject = await t.user(Role.Subject, { linked: false });
    ({ page } = await portal.open(DESKTOP));
    await signInWithForm(page, subject);
  });
  afterAll(async () => {
    await portal?.close();
    await peer?.close();
  });

  it('lists my requests with the way to file a new one and to my other pages', async () => {
    expect(page.url()).toBe(`${base}/requests`);
    const fileNew = page.locator('a#new-request');
    await expect(fileNew.getAttribute('href')).resolves.toBe('/new-request');
    await expect(fileNew.textContent()).resolves.toBe('提交新申请');
    // The subject's other pages are in the site's navigation.
    for (const href of ['/account/link', '/consents', '/disclosures', '/transparency'])
      await expect(page.locator(`header nav a[href="${href}"]`).count()).resolves.toBe(1);
    await noSeriousViolations(page);
    await shots('subject-requests');
  });

  it('links the app account with the code sent to the e-mail address the operator holds', async () => {
    await page.locator('a[href="/account/link"]').click();
    await page.waitForURL(`${base}/account/link`);
    await expect(page.locator('#link-status').textContent()).resolves.toBe('尚未关联');
    await noSeriousViolations(page);
    await shots('subject-account-link');

    await page.selectOption('#channel', 'email');
    await page.fill('#address', email.toUpperCase());
    await submit('#send-form');
    await expect(page.locator('#link-sent').isVisible()).resolves.toBe(true);
    // No personal data in the address bar.
    expect(page.url()).toBe(`${base}/account/link`);
    for (let i = 0; i < 300 && !peer.received.some((m) => m.to.includes(email)); i++) await new Promise((r) => setTimeout(r, 50));
    const mail = peer.received.find((m) => m.to.includes(email));
    expect(mail).toBeDefined();
    const code = codeIn(mail!.text);

    // A wrong code first: the form again, with the message beside the field.
    await page.fill('#code', String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
    await submit('#confirm-form');
    await expect(page.locator('#code').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#code-error').textContent()).resolves.toContain('验证码不正确');
    await noSeriousViolations(page);

    await page.fill('#code', code);
    await submit('#confirm-form');
    expect(page.url()).toBe(`${base}/account/link`);
    await expect(page.locator('#link-status').textContent()).resolves.toBe('已关联');
    const me = await t.http.get('/api/v1/me').set(auth(subject));
    expect(me.body.identity).toEqual({ linked: true, linkedAt: expect.any(String) });
    await noSeriousViolations(page);
  });

  it('replies to staff’s question on the request page', async () => {
    const id = await file({ type: 'explanation', question: '你们如何使用我的搜索记录？' });
    await ok(staffPost(staff, id, 'claim'));
    await ok(staffPost(staff, id, 'ask', { question: '请说明您关心的是哪一段时间？' }));
    await page.goto(`/requests/${id}`);
    await expect(page.locator('#h-question + p').textContent()).resolves.toBe('请说明您关心的是哪一段时间？');
    await noSeriousViolations(page);
    await shots('subject-request-question');
    await page.fill('#reply-message', '2024 年全年的记录。');
    await submit('#reply-form');
    expect(page.url()).toBe(`${base}/requests/${id}`);
    await expect(page.locator('#reply-form').count()).resolves.toBe(0);
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('2024 年全年的记录。');
    const view = await api(id);
    expect(view.status).toBe('in_review');
    expect(view.timeline.at(-1)).toMatchObject({ action: 'reply', note: '2024 年全年的记录。' });
    await noSeriousViolations(page);
  });

  it('cancels a request, and the page says it is cancelled', async () => {
    const id = await file({ type: 'delete_data', categories: ['search_keywords'] });
    await page.goto(`/requests/${id}`);
    await submit('#cancel-form');
    expect(page.url()).toBe(`${base}/requests/${id}`);
    await expect(page.locator('.status').first().textContent()).resolves.toBe('已撤销');
    await expect(page.locator('#cancel-form').count()).resolves.toBe(0);
    expect((await api(id)).status).toBe('cancelled');
    await noSeriousViolations(page);
  });

  it('appeals a refusal with a statement', async () => {
    const id = await file({ type: 'disclosure_log' });
    await ok(staffPost(legal, id, 'claim'));
    await ok(staffPost(legal, id, 'decision', REFUSAL));
    await page.goto(`/requests/${id}`);
    await expect(page.locator('#h-appeal-form').isVisible()).resolves.toBe(true);
    await noSeriousViolations(page);
    await shots('subject-request-refused');
    // An empty statement: the browser's own check stops it; sent anyway, the server shows the form again.
    await page.locator('#appeal-statement').evaluate((el) => el.removeAttribute('required'));
    await submit('#appeal-form');
    await expect(page.locator('#appeal-statement').getAttribute('aria-invalid')).resolves.toBe('true');
    await noSeriousViolations(page);
    await page.fill('#appeal-statement', '我能提供注册时使用的手机号，请复核。');
    await submit('#appeal-form');
    expect(page.url()).toBe(`${base}/requests/${id}`);
    await expect(page.locator('#h-appeal').textContent()).resolves.toContain('申诉');
    const view = await api(id);
    expect(view.status).toBe('under_appeal');
    expect(view.appeal.statement).toBe('我能提供注册时使用的手机号，请复核。');
  });

  it('downloads the copy of an approved access request, in JSON and HTML', async () => {
    const id = await file({ type: 'access' });
    await ok(staffPost(staff, id, 'claim'));
    await ok(staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] }));
    await t.app.get(ExportJob).run(id);
    await page.goto(`/requests/${id}`);
    await noSeriousViolations(page);
    await shots('subject-request-downloads');
    const [json] = await Promise.all([page.waitForEvent('download'), page.locator(`a[href="/requests/${id}/export?format=json"]`).click()]);
    expect(json.suggestedFilename()).toBe(`request-${id}-export.json`);
    const copy = JSON.parse(readFileSync(await json.path(), 'utf8'));
    const account = copy.categories.find((c: { category: string }) => c.category === 'account');
    expect(account.rows).toEqual([expect.objectContaining({ email })]);
    const [html] = await Promise.all([page.waitForEvent('download'), page.locator(`a[href="/requests/${id}/export?format=html"]`).click()]);
    expect(readFileSync(await html.path(), 'utf8')).toContain('个人信息副本 / Copy of your personal information');
  });

  it('shows my consents with what each means and its clause, and the way to withdraw one', async () => {
    await ok(t.http.post('/api/v1/consents/marketing').set(auth(subject)).send({ state: 'granted' }));
    await page.goto('/consents');
    await expect(page.locator('#purpose-marketing [data-state]').getAttribute('data-state')).resolves.toBe('granted');
    await expect(page.locator('#purpose-face_basic [data-state]').getAttribute('data-state')).resolves.toBe('never');
    const clause = page.locator('#purpose-marketing a.cite');
    await expect(clause.getAttribute('href')).resolves.toMatch(/^\/policy\/versions\/\d+#2\.c$/);
    await expect(page.locator('#purpose-marketing blockquote').textContent()).resolves.not.toBe('');
    await expect(page.locator('#purpose-marketing a[href="/new-request/withdraw_consent"]').count()).resolves.toBe(1);
    await noSeriousViolations(page);
    await shots('subject-consents');
    await page.goto('/disclosures');
    await expect(page.locator('a#ask-record').getAttribute('href')).resolves.toBe('/new-request/disclosure_log');
    await noSeriousViolations(page);
  });

  it('shows the transparency figures to anyone, small counts as "fewer than 5", in English too', async () => {
    const { context, page: visitor } = await portal.open(DESKTOP);
    const res = await visitor.goto('/transparency');
    expect(res?.status()).toBe(200);
    await expect(visitor.locator('#by-type').textContent()).resolves.toContain('少于 5');
    await noSeriousViolations(visitor);
    page = visitor;
    await shots('transparency-zh');
    await visitor.locator('form[action="/language"] button').click();
    await visitor.waitForURL(`${base}/transparency`);
    await expect(visitor.locator('#by-type').textContent()).resolves.toContain('fewer than 5');
    await noSeriousViolations(visitor);
    await shots('transparency-en');
    await context.close();
  });
});
