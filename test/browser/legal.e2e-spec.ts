import { readFileSync } from 'node:fs';
import { authenticator } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { Role } from '../../src/kernel/role';
import { DESKTOP, noSeriousViolations, PHONE, portalInBrowser, PortalInBrowser, screenshot as shoot, signInWithForm } from '../support/browser';
import { reviewCalls } from '../support/review-calls';
import { TestApp, TestUser } from '../support/test-app';

/**
 * Legal's pages in Chromium: legal signs in with a second factor and lands on the legal desk,
 * confirms a staff refusal, records a disclosure through the form (the policy's refusal shown on
 * it first), has another legal reviewer review it, downloads the register as CSV, places and
 * releases a legal hold, and sees the audit chain verified. axe-core on every page; screenshots of
 * the desk, the register and an entry at a phone's and a desktop's width.
 */
describe('legal pages in Chromium', () => {
  let portal: PortalInBrowser;
  let t: TestApp;
  let context: BrowserContext;
  let page: Page;
  let staff: TestUser;
  let legal: TestUser;
  let legal2: TestUser;
  let subject: TestUser;
  let secret: string;
  let refused: string;
  let entry: string;
  const HOUR = 3600 * 1000;
  const { auth, staffPost, held } = reviewCalls(() => t);
  /** `<input type="datetime-local">` in Beijing time, `hours` from now. */
  const localBeijing = (hours: number) => new Date(Date.now() + 8 * HOUR + hours * HOUR).toISOString().slice(0, 16);
  const screenshot = (p: Page, name: string) => shoot(p, portal.shots, name);
  /** Screenshots of the page as it stands at both widths, back at the desktop's. */
  const bothWidths = async (p: Page, name: string) => {
    await p.setViewportSize(PHONE);
    await screenshot(p, `${name}-phone`);
    await p.setViewportSize(DESKTOP);
    await screenshot(p, `${name}-desktop`);
  };
  /** Submits the form holding `button` and waits for the page it leads to. */
  const submit = async (p: Page, button: string) => {
    await Promise.all([p.waitForNavigation(), p.locator(button).click()]);
  };

  beforeAll(async () => {
    portal = await portalInBrowser();
    ({ t } = portal);
    [staff, legal, legal2, subject] = [await t.user(Role.Staff), await t.user(Role.Legal), await t.user(Role.Legal), await t.user(Role.Subject)];
    // Legal enrols a second factor (confirmed with the previous step's code: the sign-in uses the current one, each once).
    const enrol = await t.http.post('/api/v1/auth/mfa/enrol').set(auth(legal));
    secret = enrol.body.secret as string;
    const previous = authenticator.clone({ epoch: Date.now() - 30_000 }).generate(secret);
    expect((await t.http.post('/api/v1/auth/mfa/enrol/confirm').set(auth(legal)).send({ code: previous })).status).toBeLessThan(300);
    // A staff refusal awaiting legal.
    const r = await held('delete_account', staff);
    refused = r.id;
    const proposed = await staffPost(staff, refused, 'decision', {
      outcome: 'reject',
      clauses: [],
      law: ['GBT35273.8.7'],
      ground: 'identity_not_verified',
      reason: '无法核验申请人身份',
    });
    expect(proposed.body.status).toBe('awaiting_legal');
    ({ context, page } = await portal.open());
  });
  afterAll(async () => {
    await portal?.close();
  });

  it('signs legal in with the second factor and lands on the legal desk', async () => {
    await page.goto('/login');
    await page.fill('#email', legal.email);
    await page.fill('#password', legal.password);
    await submit(page, 'form[action="/login"] button[type="submit"]');
    await page.fill('#code', authenticator.generate(secret));
    await submit(page, 'form[action="/login/mfa"] button[type="submit"]');
    expect(new URL(page.url()).pathname).toBe('/legal');
    await expect(page.locator('h1').textContent()).resolves.toBe('法务工作台');
    await expect(page.locator('#legal-counts a[href="/legal/requests"]').isVisible()).resolves.toBe(true);
    await noSeriousViolations(page);
    await bothWidths(page, 'legal-home');
  });

  it('confirms a staff refusal, reading its provision with its text', async () => {
    await page.goto('/legal/requests');
    await noSeriousViolations(page);
    await submit(page, `a[href="/legal/requests/${refused}"]`);
    await expect(page.locator('#h-proposed').textContent()).resolves.toContain('拒绝');
    expect(await page.locator('section[aria-labelledby="h-proposed"] a.cite').first().getAttribute('href')).toBe('/policy#law-GBT35273.8.7');
    await noSeriousViolations(page);
    await page.fill('#confirm-note', '经复核，维持原决定');
    await submit(page, '#confirm-form button[type="submit"]');
    await expect(page.locator('.status').first().textContent()).resolves.toBe('已拒绝');
    const view = (await t.http.get(`/api/v1/staff/requests/${refused}`).set(auth(legal2))).body;
    expect(view).toMatchObject({ status: 'rejected' });
    await noSeriousViolations(page);
    await page.goto('/legal/appeals');
    await noSeriousViolations(page);
  });

  it('records a disclosure through the form: the policy names what is missing, the input stays, then it is recorded', async () => {
    await page.goto('/legal/disclosures/new');
    await noSeriousViolations(page);
    await page.fill('#d-subjectIds', subject.id);
    await page.fill('#d-recipientName', '北京市公安局朝阳分局');
    await page.selectOption('#d-recipientKind', 'authority');
    await page.fill('#d-recipientCountry', 'CN');
    await page.fill('#d-basis', '3.c');
    await page.fill('#d-law', 'PIPL.13');
    await page.check('input[name="dataCategories"][value="account"]');
    await page.fill('#d-purpose', '刑事案件侦查调取证据');
    await page.fill('#d-disclosedAt', localBeijing(-24));
    await submit(page, '#record-form button[type="submit"]');
    // An authority's disclosure needs its instrument's reference: the policy says so, the form keeps what was typed.
    await expect(page.locator('#record-problem').textContent()).resolves.toContain('PIPL.13 requires the authority');
    expect(await page.inputValue('#d-recipientName')).toBe('北京市公安局朝阳分局');
    expect(await page.isChecked('input[name="dataCategories"][value="account"]')).toBe(true);
    await noSeriousViolations(page);
    await page.fill('#d-reference', '京公（朝）调证字〔2025〕第 0421 号');
    await submit(page, '#record-form button[type="submit"]');
    entry = new URL(page.url()).pathname.split('/').pop()!;
    expect(page.url()).toMatch(/\/legal\/disclosures\/[0-9a-f-]{36}$/);
    await expect(page.locator('#entry-status').textContent()).resolves.toBe('待复核');
    expect(await page.locator('section[aria-labelledby="h-basis"] a.cite').first().getAttribute('href')).toMatch(/^\/policy\/versions\/\d+#3.c$/);
    await noSeriousViolations(page);
    await bothWidths(page, 'legal-disclosure');
    // The recorder cannot review it: the form says why.
    await page.selectOption('#review-outcome', 'confirmed');
    await page.fill('#review-note', '自己复核');
    await submit(page, '#review-form button[type="submit"]');
    await expect(page.locator('#review-problem').textContent()).resolves.toContain('登记人不能复核');
    await noSeriousViolations(page);
  });

  it('has another legal reviewer review the entry', async () => {
    const other = await portal.open();
    await signInWithForm(other.page, legal2);
    expect(new URL(other.page.url()).pathname).toBe('/legal');
    await other.page.goto(`/legal/disclosures/${entry}`);
    await other.page.selectOption('#review-outcome', 'confirmed');
    await other.page.fill('#review-note', '调取通知书原件已核对');
    await submit(other.page, '#review-form button[type="submit"]');
    await expect(other.page.locator('#entry-status').textContent()).resolves.toBe('确认');
    await noSeriousViolations(other.page);
    const api = (await t.http.get(`/api/v1/disclosures/${entry}`).set(auth(legal))).body;
    expect(api).toMatchObject({ status: 'confirmed', countsAsMade: true, review: { reviewedBy: legal2.id } });
    await other.context.close();
  });

  it('lists the register under a filter, downloads it as CSV, and shows the counts', async () => {
    await page.goto('/legal/disclosures');
    await page.selectOption('#f-kind', 'authority');
    await submit(page, '#filters button[type="submit"]');
    expect(new URL(page.url()).search).toBe('?kind=authority&clause=&provision=&subjectId=&from=&to=&status=&corrected=');
    await expect(page.locator(`#register a[href="/legal/disclosures/${entry}"]`).isVisible()).resolves.toBe(true);
    await noSeriousViolations(page);
    await bothWidths(page, 'legal-register');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv-link').click()]);
    expect(download.suggestedFilename()).toBe('disclosures.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^\uFEFFid,status,/);
    expect(csv).toContain(entry);
    expect(csv).toContain('北京市公安局朝阳分局');
    await page.goto('/legal/disclosures/stats');
    await noSeriousViolations(page);
  });

  it('places a legal hold and releases it', async () => {
    await page.goto('/legal/holds/new');
    await noSeriousViolations(page);
    await page.fill('#hold-subjectId', subject.id);
    await page.check('input[name="categories"][value="transactions"]');
    await page.fill('#hold-law', 'ECL.31');
    await page.fill('#hold-retention', '交易完成之日起三年');
    await page.fill('#hold-until', localBeijing(24 * 400));
    await page.fill('#hold-note', '电子商务法第三十一条');
    await submit(page, '#hold-form button[type="submit"]');
    await expect(page.locator('#hold-state').textContent()).resolves.toBe('生效中');
    await noSeriousViolations(page);
    await page.fill('#release-reason', '保存期限已由法院裁定缩短');
    await submit(page, '#release-form button[type="submit"]');
    await expect(page.locator('#hold-state').textContent()).resolves.toBe('已解除');
    await page.goto('/legal/holds');
    await noSeriousViolations(page);
  });

  it('verifies the audit chain and shows it on the desk', async () => {
    await page.goto('/legal/audit');
    await expect(page.locator('#audit-result').textContent()).resolves.toBe('审计链完整');
    await noSeriousViolations(page);
    await page.goto('/legal');
    await expect(page.locator('#audit-status').textContent()).resolves.toContain('审计链完整');
    await context.close();
  });
});
