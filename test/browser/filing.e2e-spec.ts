import type { BrowserContext, Page } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { DESKTOP, noSeriousViolations, PHONE, portalInBrowser, PortalInBrowser, screenshot as shoot, signInWithForm } from '../support/browser';
import { pdfFile } from '../support/evidence-files';
import type { TestApp, TestUser } from '../support/test-app';

describe('registering and filing every kind of request in Chromium', () => {
  let portal: PortalInBrowser;
  let t: TestApp;
  let context: BrowserContext;
  let page: Page;
  const person = { email: `filer.${randomBytes(4).toString('hex')}@example.com`, password: 'a sound passphrase 42' };

  const screenshot = (p: Page, name: string) => shoot(p, portal.shots, name);

  /** Sends the page's form and waits for where it leads. */
  const submit = async (p: Page): Promise<void> => {
    await Promise.all([p.waitForNavigation(), p.locator('main form button[type="submit"]').click()]);
  };

  /** Filed: the request's own page, showing its status; answers the id. */
  const onRequestPage = async (p: Page, status: string): Promise<string> => {
    const path = new URL(p.url()).pathname;
    expect(path).toMatch(/^\/requests\/[0-9a-f-]{36}$/);
    await expect(p.locator('.status').first().textContent()).resolves.toBe(status);
    return path.slice('/requests/'.length);
  };

  beforeAll(async () => {
    portal = await portalInBrowser();
    t = portal.t;
    ({ context, page } = await portal.open(DESKTOP));
  });
  afterAll(async () => {
    await context?.close();
    await portal?.close();
  });

  it('registers through the form and lands, signed in, on the choice of request types', async () => {
    await page.goto('/');
    await Promise.all([page.waitForNavigation(), page.locator('header a[href="/register"]').click()]);
    await noSeriousViolations(page);
    await screenshot(page, 'register-desktop');
    await page.fill('#email', person.email);
    await page.fill('#password', person.password);
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/new-request');
    await expect(page.locator('h1').textContent()).resolves.toBe('提交新申请');
    await expect(page.locator('main section').count()).resolves.toBe(8);
    await noSeriousViolations(page);
    await screenshot(page, 'new-request-desktop');
    // Requests that copy, change or erase data need the account linked to the app's (another area's pages do that): linked here.
    const [{ id }] = await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [person.email]);
    await t.dataSource.query(`INSERT INTO identity_links (subject_id, app_user_ref, channel) VALUES ($1, $2, 'email')`, [
      id,
      `web-${randomBytes(6).toString('hex')}`,
    ]);
  });

  it('files access and disclosure_log from the list of types', async () => {
    for (const [type, name] of [
      ['access', '查阅个人信息'],
      ['disclosure_log', '查询提供记录'],
    ]) {
      await page.goto('/new-request');
      await Promise.all([page.waitForNavigation(), page.locator(`main a[href="/new-request/${type}"]`).click()]);
      await noSeriousViolations(page);
      await page.fill('#note', `${name}：网页提交`);
      await submit(page);
      await onRequestPage(page, '已提交');
    }
  });

  it('files an explanation, a deletion of chosen categories and a correction', async () => {
    await page.goto('/new-request/explanation');
    await noSeriousViolations(page);
    await page.fill('#question', '我的人脸信息保存多久？');
    await submit(page);
    await onRequestPage(page, '已提交');

    await page.goto('/new-request/delete_data');
    await noSeriousViolations(page);
    await page.check('#categories-search_keywords');
    await submit(page);
    await onRequestPage(page, '已提交');

    await page.goto('/new-request/correction');
    await noSeriousViolations(page);
    await screenshot(page, 'form-correction-desktop');
    await page.selectOption('#items-0-target', 'account/display_name');
    await page.fill('#items-0-correctedValue', '张山');
    await page.fill('#items-0-explanation', '昵称写错了');
    await submit(page);
    await onRequestPage(page, '已提交');
  });

  it('files a copy sent to another handler, a withdrawal of consent (decided at once) and the cancellation of the account', async () => {
    await page.goto('/new-request/copy_transfer');
    await noSeriousViolations(page);
    await page.check('#format-csv');
    await page.fill('#sendTo-name', '另一家公司');
    await page.fill('#sendTo-endpoint', 'https://8.8.8.8/inbox');
    await submit(page);
    await onRequestPage(page, '已提交');

    await page.goto('/new-request/withdraw_consent');
    await noSeriousViolations(page);
    await screenshot(page, 'form-withdraw-consent-desktop');
    await page.check('input[name="purposes"][value="marketing"]');
    await submit(page);
    await onRequestPage(page, '已完成');

    await page.goto('/new-request/delete_account');
    await noSeriousViolations(page);
    await page.fill('#password', person.password);
    await submit(page);
    await onRequestPage(page, '已提交');
  });

  it('files for someone else with a PDF as proof; without the file the form says it is needed', async () => {
    await page.goto('/new-request');
    await Promise.all([page.waitForNavigation(), page.locator('main a[href="/new-request/explanation/on-behalf"]').click()]);
    await noSeriousViolations(page);
    await page.selectOption('#onBehalfOf-relation', 'agent');
    await page.fill('#onBehalfOf-name', '李四');
    await page.fill('#onBehalfOf-statement', '李四书面授权我查询其个人信息的处理情况');
    await page.fill('#question', '李四的信息如何被处理？');
    await submit(page);
    // No file chosen: the same form, its message beside the file field, the input kept.
    await expect(page.locator('#onBehalfOf-evidence-error').textContent()).resolves.toBe('代他人申请需要上传证明材料（PDF、JPEG 或 PNG）。');
    await expect(page.inputValue('#onBehalfOf-name')).resolves.toBe('李四');
    await noSeriousViolations(page);
    await page.setInputFiles('#onBehalfOf-evidence', { name: '授权书.pdf', mimeType: 'application/pdf', buffer: pdfFile('authorisation') });
    await submit(page);
    const id = await onRequestPage(page, '已提交');
    const [{ kind }] = await t.dataSource.query(`SELECT kind FROM uploads WHERE request_id = $1`, [id]);
    expect(kind).toBe('pdf');
  });

  it('lays the pages out on a phone', async () => {
    const phone = await portal.open(PHONE);
    try {
      await phone.page.goto('/register');
      await noSeriousViolations(phone.page);
      await screenshot(phone.page, 'register-phone');
      await signInWithForm(phone.page, person as unknown as TestUser);
      for (const [path, name] of [
        ['/new-request', 'new-request-phone'],
        ['/new-request/correction', 'form-correction-phone'],
        ['/new-request/withdraw_consent', 'form-withdraw-consent-phone'],
      ]) {
        await phone.page.goto(path);
        await noSeriousViolations(phone.page);
        await screenshot(phone.page, name);
      }
    } finally {
      await phone.context.close();
    }
  });
});
