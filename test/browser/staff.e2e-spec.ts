import type { BrowserContext, Page } from 'playwright-core';
import { ErasureJob } from '../../src/erasure';
import { Role } from '../../src/kernel/role';
import { DESKTOP, noSeriousViolations, PHONE, portalInBrowser, PortalInBrowser, screenshot as shoot, signInWithForm } from '../support/browser';
import { BUNDLED_DATA_MAP, withCategory, withSystem, writeDataMap } from '../support/test-data-map';
import { TestApp, TestUser } from '../support/test-app';

/**
 * The staff pages in Chromium: a reviewer signs in with the form, works the queue (filters it,
 * opens a request, takes it over from its holder), approves a deletion citing face.retain.2, and
 * has a refusal of access citing a clause that does not justify it refused, with what would.
 */
describe('the staff pages in Chromium', () => {
  let portal: PortalInBrowser;
  let t: TestApp;
  let context: BrowserContext;
  let page: Page;
  let staff: TestUser;
  let other: TestUser;
  let deletion: string;
  let access: string;
  let manual: string;
  /** A data map where published content lives in a system worked by hand (a manual step staff confirm). */
  let map: { file: string; remove(): void };

  const bearer = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const file = async (u: TestUser, body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/requests').set(bearer(u)).send(body);
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const apiView = async (id: string) => (await t.http.get(`/api/v1/staff/requests/${id}`).set(bearer(staff))).body;
  /** The page at both widths. */
  const screenshots = async (p: Page, name: string) => {
    await p.setViewportSize(PHONE);
    await shoot(p, portal.shots, `${name}-phone`);
    await p.setViewportSize(DESKTOP);
    await shoot(p, portal.shots, `${name}-desktop`);
  };

  beforeAll(async () => {
    let text = withSystem(BUNDLED_DATA_MAP, 'paper_archive', 'connector: manual\nlabel:\n  zh-CN: 纸质档案\n  en: Paper archive\nowner: 档案组');
    text = withCategory(text, 'published_content', 'system: paper_archive\nfind: app_user\nerase:\n  action: delete');
    map = writeDataMap(text);
    portal = await portalInBrowser({ DATA_MAP_FILE: map.file });
    ({ t } = portal);
    [staff, other] = await Promise.all([t.user(Role.Staff), t.user(Role.Staff)]);
    const s1 = await t.user(Role.Subject);
    const s2 = await t.user(Role.Subject);
    deletion = await file(s1, { type: 'delete_account', password: s1.password });
    access = await file(s2, { type: 'access' });
    // Another reviewer holds the access request: the reviewer under test takes it over.
    const claimed = await t.http.post(`/api/v1/staff/requests/${access}/claim`).set(bearer(other)).send({});
    if (claimed.status !== 200) throw new Error(`claim failed: ${claimed.status}`);
    // An approved deletion of published content, waiting for its manual step.
    const [{ id: appUser }] = await t.dataSource.query(`INSERT INTO operator_app.users (display_name, email) VALUES ('档案用户', $1) RETURNING id::text`, [
      `m${Date.now()}@demo.example`,
    ]);
    const s3 = await t.user(Role.Subject, { appUser });
    manual = await file(s3, { type: 'delete_data', categories: ['published_content'] });
    for (const [action, body] of [
      ['claim', {}],
      ['decision', { outcome: 'approve', clauses: [], law: ['PIPL.47'] }],
    ] as const) {
      const res = await t.http.post(`/api/v1/staff/requests/${manual}/${action}`).set(bearer(other)).send(body);
      if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await t.app.get(ErasureJob).run(manual);
    ({ context, page } = await portal.open());
  });
  afterAll(async () => {
    await context?.close();
    await portal?.close();
    map?.remove();
  });

  it('signs a reviewer in with the form and lands on the queue', async () => {
    await signInWithForm(page, staff);
    expect(new URL(page.url()).pathname).toBe('/staff/requests');
    await expect(page.locator('h1').textContent()).resolves.toBe('申请队列');
    await expect(page.locator('#queue tbody tr').count()).resolves.toBe(3);
    await noSeriousViolations(page);
    await screenshots(page, 'staff-queue');
  });

  it('filters the queue, opens a request and claims it, then approves the deletion citing face.retain.2', async () => {
    await page.selectOption('#f-type', 'delete_account');
    await Promise.all([page.waitForNavigation(), page.locator('form[action="/staff/requests"] button[type="submit"]').click()]);
    expect(new URL(page.url()).searchParams.get('type')).toBe('delete_account');
    await expect(page.locator('#queue tbody tr').count()).resolves.toBe(1);
    await noSeriousViolations(page);
    await Promise.all([page.waitForNavigation(), page.locator('#queue tbody a').first().click()]);
    expect(new URL(page.url()).pathname).toBe(`/staff/requests/${deletion}`);
    await noSeriousViolations(page);
    await Promise.all([page.waitForNavigation(), page.locator('#claim').click()]);
    await expect(page.locator('p[role="status"]').textContent()).resolves.toBe('您已认领该申请。');
    expect((await apiView(deletion)).assigneeId).toBe(staff.id);

    // approve is the picker shown first; face.retain.2 is among the clauses that justify it, with its text
    const justifying = page.locator('#decision-form > fieldset li').filter({ has: page.locator('input[name="clauses"][value="face.retain.2"]') });
    await expect(justifying.locator('blockquote').textContent()).resolves.toMatch(/48/);
    await justifying.locator('input[type="checkbox"]').check();
    await Promise.all([page.waitForNavigation(), page.locator('#decision-form button[type="submit"]').click()]);
    expect(page.url()).toContain(`/staff/requests/${deletion}?done=decided`);
    await expect(page.locator('p[role="status"]').textContent()).resolves.toBe('决定已保存。');
    const after = await apiView(deletion);
    expect(after.decision).toMatchObject({ outcome: 'approve', clauses: [{ id: 'face.retain.2' }] });
    await expect(page.locator('a.cite[href="/policy/versions/1#face.retain.2"]').count()).resolves.toBeGreaterThan(0);
    await noSeriousViolations(page);
  });

  it('takes over an access request another reviewer holds, and is refused a rejection citing a clause that does not justify it', async () => {
    await page.goto('/staff/requests?type=access');
    await Promise.all([page.waitForNavigation(), page.locator('#queue tbody a').first().click()]);
    expect(new URL(page.url()).pathname).toBe(`/staff/requests/${access}`);
    await page.fill('#take-reason', 'The holder is away this week');
    await Promise.all([page.waitForNavigation(), page.locator('form[action$="/take"] button[type="submit"]').click()]);
    await expect(page.locator('p[role="status"]').textContent()).resolves.toBe('您已接手该申请。');
    expect((await apiView(access)).assigneeId).toBe(staff.id);
    await noSeriousViolations(page);
    await screenshots(page, 'staff-request');

    // the reject picker, without script: a link to ?outcome=reject
    await Promise.all([page.waitForNavigation(), page.locator('#decide nav a', { hasText: '拒绝' }).click()]);
    expect(new URL(page.url()).searchParams.get('outcome')).toBe('reject');
    await page.locator('#decide details summary').click();
    await page.locator('#decision-form details input[value="face.retain.2"]').check();
    await page.fill('#decision-reason', 'We keep the account information');
    await page.selectOption('#decision-ground', 'manifestly_unfounded');
    await Promise.all([page.waitForNavigation(), page.locator('#decision-form button[type="submit"]').click()]);
    const refusal = page.locator('#decision-refused');
    await expect(refusal.isVisible()).resolves.toBe(true);
    await expect(refusal.locator('a.cite').allTextContents()).resolves.toEqual(['GBT35273.8.7', 'PIPL.49']);
    for (const text of await refusal.locator('blockquote').allTextContents()) expect(text.trim()).not.toBe('');
    await expect(page.locator('#decision-reason').inputValue()).resolves.toBe('We keep the account information');
    const after = await apiView(access);
    expect([after.status, after.decision]).toEqual(['in_review', null]);
    await noSeriousViolations(page);
    await screenshots(page, 'staff-request-refused');
  });

  it('confirms a manual step of a request in fulfilment, with a note', async () => {
    await page.goto(`/staff/requests/${manual}`);
    const step = page.locator('#manual-steps li').filter({ hasText: 'published_content' });
    await expect(step.textContent()).resolves.toContain('等待确认');
    await noSeriousViolations(page);
    await step.locator('textarea[name="note"]').fill('纸质档案已销毁，见销毁记录');
    await Promise.all([page.waitForNavigation(), step.locator('button[type="submit"]').click()]);
    await expect(page.locator('p[role="status"]').textContent()).resolves.toBe('人工步骤已确认。');
    const after = await apiView(manual);
    expect(after.manualSteps).toEqual([expect.objectContaining({ category: 'published_content', status: 'confirmed', confirmedBy: staff.id })]);
    await expect(page.locator('#manual-steps li').first().textContent()).resolves.toContain('纸质档案已销毁，见销毁记录');
  });
});
