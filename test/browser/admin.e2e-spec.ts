import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Role } from '../../src/kernel/role';
import { DESKTOP, noSeriousViolations, PHONE, portalInBrowser, PortalInBrowser, screenshot as shoot, signInWithForm } from '../support/browser';
import { TestApp, TestUser } from '../support/test-app';

const V1 = readFileSync(join(__dirname, '../../src/policy/versions/v1/privacy-policy.zh-CN.md'), 'utf8');

/**
 * The administration pages and the reviewers' dashboard in Chromium: an administrator signs in,
 * creates a staff account, runs a policy draft dry and publishes it, schedules the end of service
 * and calls it off; the new staff member signs in and reads the dashboard's charts. axe on every
 * page; screenshots at a phone's and a desktop's width.
 */
describe('administration pages in Chromium', () => {
  let portal: PortalInBrowser;
  let t: TestApp;
  let base: string;
  let admin: TestUser;
  let page: Page;
  const staffEmail = 'browser.staff@example.com';
  const staffPassword = 'a-long-and-unusual-pass';

  const screenshot = (p: Page, name: string) => shoot(p, portal.shots, name);
  /** The page at both widths, in a fresh context signed in as `u` (axe at each). */
  const shots = async (u: TestUser, path: string, name: string) => {
    for (const [width, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      const { context, page: p } = await portal.open(viewport);
      await signInWithForm(p, u);
      expect((await p.goto(path))?.status()).toBe(200);
      await noSeriousViolations(p);
      await screenshot(p, `${name}-${width}`);
      await context.close();
    }
  };
  const submit = async (form: string) => {
    await Promise.all([page.waitForNavigation(), page.locator(`${form} button[type="submit"]`).click()]);
  };

  beforeAll(async () => {
    portal = await portalInBrowser();
    ({ t, base } = portal);
    admin = await t.user(Role.Admin);
    const subject = await t.user(Role.Subject);
    await t.http.post('/api/v1/requests').set('Authorization', `Bearer ${subject.token}`).send({ type: 'access' });
    // decided by the system at once, within a due date of 15 days: a bar on the chart of deadlines met
    const withdrawal = await t.http
      .post('/api/v1/requests')
      .set('Authorization', `Bearer ${subject.token}`)
      .send({ type: 'withdraw_consent', purposes: ['marketing'] });
    await t.dataSource.query(`UPDATE requests SET due_at = submitted_at + interval '15 days' WHERE id = $1`, [withdrawal.body.id]);
    ({ page } = await portal.open());
  });
  afterAll(async () => {
    await portal?.close();
  });

  it('lands the administrator on the start page after signing in', async () => {
    await signInWithForm(page, admin);
    expect(page.url()).toBe(`${base}/admin`);
    await expect(page.locator('h1').textContent()).resolves.toBe('管理');
    await expect(page.locator('#policy-status').textContent()).resolves.toContain('第 1 版');
    await noSeriousViolations(page);
  });

  it('creates a staff account, the form shown again first with a refused password', async () => {
    await page.locator('a[href="/admin/accounts"]').first().click();
    await page.waitForURL(`${base}/admin/accounts`);
    await noSeriousViolations(page);
    await page.fill('#email', staffEmail);
    await page.fill('#password', 'password123');
    await submit('#create-account');
    await expect(page.locator('#password-error').isVisible()).resolves.toBe(true);
    expect(await page.inputValue('#email')).toBe(staffEmail);
    await expect(page.locator('#password').getAttribute('aria-invalid')).resolves.toBe('true');
    await noSeriousViolations(page);
    await page.fill('#password', staffPassword);
    await page.selectOption('#role', 'staff');
    await submit('#create-account');
    expect(page.url()).toMatch(new RegExp(`^${base}/admin/accounts/[0-9a-f-]{36}\\?done=created$`));
    expect(page.url()).not.toContain(staffEmail.split('@')[0]);
    await expect(page.locator('#notice').isVisible()).resolves.toBe(true);
    await expect(page.locator('#account-role').textContent()).resolves.toBe('工作人员');
    await noSeriousViolations(page);
  });

  it('runs a policy draft dry, reads the impact report, then publishes it', async () => {
    await page.goto('/admin/policy');
    await noSeriousViolations(page);
    const draft = V1.replace(/^\(b\)本公司保留.*$/m, '(b)本公司保留随时修改本政策的权利。如对本政策作出重大更改，本公司会通过网站通知及站内信的形式告知。');
    await page.fill('#markdown', draft);
    await page.check('#major-false');
    await submit('#draft');
    await expect(page.locator('#h-impact').isVisible()).resolves.toBe(true);
    await expect(page.locator('#impact-changed a.cite').textContent()).resolves.toBe('7.b');
    await noSeriousViolations(page);
    // Nothing published by the dry run.
    expect((await t.http.get('/api/v1/policy')).body.version).toBe(1);
    await submit('#publish');
    expect(page.url()).toBe(`${base}/admin/policy?published=2`);
    await expect(page.locator('#notice').isVisible()).resolves.toBe(true);
    const current = (await t.http.get('/api/v1/policy')).body;
    expect(current.version).toBe(2);
    // The text as typed: the browser's CRLF line breaks are not what is published.
    expect(current.clauses.find((c: { id: string }) => c.id === '7.b').text).toContain('站内信');
    expect(current.changes).toEqual({ added: [], changed: ['7.b'], removed: [] });
    await noSeriousViolations(page);
  });

  it('schedules the end of service (a date too soon refused on the form), then calls it off', async () => {
    await page.goto('/admin/end-of-service');
    await noSeriousViolations(page);
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    await page.fill('#endsAt', day(5));
    await page.fill('#reason', '服务将停止运营');
    await submit('#schedule');
    await expect(page.locator('#endsAt-error').isVisible()).resolves.toBe(true);
    expect(await page.inputValue('#reason')).toBe('服务将停止运营');
    await noSeriousViolations(page);
    await page.fill('#endsAt', day(45));
    await submit('#schedule');
    expect(page.url()).toBe(`${base}/admin/end-of-service`);
    await expect(page.locator('#end-status time').getAttribute('datetime')).resolves.toBe(new Date(`${day(45)}T00:00:00+08:00`).toISOString());
    await noSeriousViolations(page);
    await screenshot(page, 'admin-end-of-service-scheduled');
    await page.fill('#cancel-reason', '继续运营');
    await submit('#cancel');
    await expect(page.locator('#end-status').textContent()).resolves.toBe('未安排服务终止。');
    const status = await t.http.get('/api/v1/admin/end-of-service').set('Authorization', `Bearer ${admin.token}`);
    expect(status.body.schedule).toBeNull();
  });

  it('shows the new staff member the dashboard with its charts and their tables', async () => {
    const staff: TestUser = { id: '', email: staffEmail, password: staffPassword, role: Role.Staff, subjectRef: '', token: '' };
    const { context, page: p } = await portal.open();
    await signInWithForm(p, staff);
    expect((await p.goto('/staff/dashboard'))?.status()).toBe(200);
    await expect(p.locator('svg[role="img"]').count()).resolves.toBe(3);
    await expect(p.locator('#chart-open rect.bar').count()).resolves.toBe(1);
    await expect(p.locator('#chart-open title').textContent()).resolves.toBe('各类型未结申请');
    await expect(p.locator('#row-access [data-figure="open"]').textContent()).resolves.toBe('1');
    await expect(p.locator('#row-withdraw_consent [data-figure="decided"]').textContent()).resolves.toBe('1');
    await expect(p.locator('#chart-share rect.bar').count()).resolves.toBe(1);
    await expect(p.locator('#row-withdraw_consent [data-figure="share"]').textContent()).resolves.toBe('100%');
    // The charts are drawn: a bar has a width on screen.
    const box = await p.locator('#chart-open rect.bar').boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(10);
    await noSeriousViolations(p);
    await context.close();
  });

  it('takes screenshots of the start page, the policy page and the dashboard at phone and desktop widths', async () => {
    await shots(admin, '/admin', 'admin');
    await shots(admin, '/admin/policy', 'admin-policy');
    await shots(admin, '/admin/accounts', 'admin-accounts');
    await shots(admin, '/staff/dashboard', 'dashboard');
  });
});
