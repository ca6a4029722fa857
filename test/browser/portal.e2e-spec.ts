import type { BrowserContext, Page } from 'playwright-core';
import { Role } from '../../src/kernel/role';
import { noSeriousViolations, portalInBrowser, PortalInBrowser, screenshot as shoot } from '../support/browser';
import { TestApp, TestUser } from '../support/test-app';

describe('the web portal in Chromium', () => {
  let portal: PortalInBrowser;
  let t: TestApp;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let subject: TestUser;
  let mine: string;
  let decided: string;
  let othersRequest: string;

  const file = async (u: TestUser, body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/requests').set('Authorization', `Bearer ${u.token}`).send(body);
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  const screenshot = (p: Page, name: string) => shoot(p, portal.shots, name);

  beforeAll(async () => {
    portal = await portalInBrowser();
    ({ t, base } = portal);
    subject = await t.user(Role.Subject);
    mine = await file(subject, { type: 'access' });
    // Decided by the system at once, citing the clauses and provisions of a withdrawal.
    decided = await file(subject, { type: 'withdraw_consent', purposes: ['marketing'] });
    othersRequest = await file(await t.user(Role.Subject), { type: 'access' });
    ({ context, page } = await portal.open());
  });
  afterAll(async () => {
    await portal?.close();
  });

  it('shows the home page in Chinese by default, each right with links to its clauses and provisions', async () => {
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect(page.locator('h1').textContent()).resolves.toBe('您对个人信息享有的权利');
    const clauseLink = page.locator('#right-delete_account a.cite').first();
    expect(await clauseLink.getAttribute('href')).toMatch(/^\/policy\/versions\/\d+#/);
    // The stylesheet is the portal's own, and applied (no inline style is allowed by the CSP).
    const css = await page.request.get('/assets/portal.css');
    expect([css.status(), css.headers()['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
    await noSeriousViolations(page);
    await screenshot(page, 'home-zh');
  });

  it('opens a cited clause at its anchor in the policy viewer', async () => {
    await page.locator('#right-delete_account a.cite').first().click();
    const anchor = decodeURIComponent(new URL(page.url()).hash.slice(1));
    expect(anchor).not.toBe('');
    await expect(page.locator(`[id="${anchor}"] h3`).isVisible()).resolves.toBe(true);
    await noSeriousViolations(page);
  });

  it('switches to English and remembers it across pages', async () => {
    await page.goto('/');
    await page.locator('form[action="/language"] button').click();
    await page.waitForURL(`${base}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Your rights over your personal information');
    await screenshot(page, 'home-en');
    await page.goto('/policy');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Privacy policy · Version \d+/);
    await noSeriousViolations(page);
    await screenshot(page, 'policy-en');
  });

  it('asks a visitor who is not signed in to sign in, and signs a subject in with a web session cookie', async () => {
    const refused = await page.goto('/requests');
    expect(refused?.status()).toBe(401);
    await page.goto('/login');
    await noSeriousViolations(page);
    await page.fill('#email', subject.email);
    await page.fill('#password', subject.password);
    await page.locator('form[action="/login"] button[type="submit"]').click();
    await page.waitForURL(`${base}/requests`);
    const session = (await context.cookies()).find((c) => c.name === 'dsr_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    // No personal data in any address the browser went through.
    expect(page.url()).not.toContain(subject.email);
  });

  it('lists my requests with their status and time left, and opens one with its timeline and cited texts', async () => {
    await expect(page.locator('h1').textContent()).resolves.toBe('My requests');
    await expect(page.locator(`a[href="/requests/${mine}"]`).count()).resolves.toBe(1);
    await expect(page.locator(`a[href="/requests/${othersRequest}"]`).count()).resolves.toBe(0);
    const row = page.locator('tbody tr', { has: page.locator(`a[href="/requests/${mine}"]`) });
    await expect(row.textContent()).resolves.toMatch(/\d+ days? \d+ hours?/);
    // Dates in the reader's own time zone (the browser's is Europe/Berlin here), by the portal's one script; the server wrote Beijing time.
    const submitted = row.locator('time').first();
    await expect(submitted.textContent()).resolves.toContain('(Europe/Berlin)');
    await expect(submitted.getAttribute('title')).resolves.toContain('Beijing time');
    await noSeriousViolations(page);
    await screenshot(page, 'requests-en');
    await page.locator(`a[href="/requests/${decided}"]`).click();
    await page.waitForURL(`${base}/requests/${decided}`);
    await expect(page.locator('ol.timeline li').count()).resolves.toBeGreaterThan(0);
    // The withdrawal cites clauses: each with its text and a link to it in the version filed under.
    const cited = page.locator('ul.cited a.cite[href^="/policy/versions/"]').first();
    expect(await cited.getAttribute('href')).toMatch(/^\/policy\/versions\/\d+#/);
    await expect(page.locator('ul.cited blockquote').first().textContent()).resolves.not.toBe('');
    await noSeriousViolations(page);
    await screenshot(page, 'request-en');
  });

  it('shows the request page in Chinese after switching back', async () => {
    await page.locator('form[action="/language"] button').click();
    await page.waitForURL(`${base}/requests/${decided}`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect(page.locator('#h-timeline').textContent()).resolves.toBe('处理记录');
    await screenshot(page, 'request-zh');
  });

  it('answers 404 for a page of another subject’s request, as the API does', async () => {
    const res = await page.goto(`/requests/${othersRequest}`);
    expect(res?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toContain('404');
    await noSeriousViolations(page);
  });

  it('refuses a form posted without the CSRF token, and one posted from another site, changing nothing', async () => {
    const noToken = await page.request.post('/logout', { form: {}, headers: { Origin: base, Accept: 'text/html' }, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    const token = (await context.cookies()).find((c) => c.name === 'dsr_csrf')?.value ?? '';
    expect(token).not.toBe('');
    const crossSite = await page.request.post('/logout', { form: { _csrf: token }, headers: { Origin: 'http://elsewhere.example' }, maxRedirects: 0 });
    expect([crossSite.status(), ((await crossSite.json()) as { code: string }).code]).toEqual([403, 'cross_site_request']);
    // Still signed in: neither post ended the session.
    expect((await page.goto('/requests'))?.status()).toBe(200);
  });

  it('signs out with the form, and the session is over', async () => {
    await page.locator('form[action="/logout"] button').click();
    await page.waitForURL(`${base}/`);
    expect((await context.cookies()).find((c) => c.name === 'dsr_session')).toBeUndefined();
    expect((await page.goto('/requests'))?.status()).toBe(401);
  });
});
