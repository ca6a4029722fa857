import axe from 'axe-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../setup/free-port';
import { createTestApp, TestApp, TestUser } from './test-app';

/**
 * The web portal in a real browser: Debian's Chromium driven by playwright-core (which never
 * downloads a browser of its own), against the real AppModule listening on a real port, with
 * PUBLIC_URL set to that address so that the cross-site check sees the pages as the portal's own.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The widths screenshots are taken at: a phone's and a desktop's. */
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

interface AxeViolation {
  id: string;
  impact?: string | null;
  nodes: unknown[];
}

export interface PortalInBrowser {
  t: TestApp;
  base: string;
  browser: Browser;
  /** where this run's screenshots are written (a test artifact) */
  shots: string;
  /** a fresh browser context (its own cookies) with a page at the given viewport */
  open(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** Starts the real application on a free port and Debian's Chromium. `env` is passed to createTestApp. */
export async function portalInBrowser(env: Record<string, string> = {}): Promise<PortalInBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH)`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ PUBLIC_URL: base, ...env });
  await t.app.listen(port, '127.0.0.1');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const shots = process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'dsr-portal-screenshots-'));
  mkdirSync(shots, { recursive: true });
  return {
    t,
    base,
    browser,
    shots,
    async open(viewport = DESKTOP) {
      const context = await browser.newContext({ baseURL: base, viewport, timezoneId: 'Europe/Berlin' });
      return { context, page: await context.newPage() };
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** axe-core over the page as it stands: no serious or critical violation. */
export async function noSeriousViolations(p: Page): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (nothing inline is added to the page).
  await p.evaluate(axe.source);
  const violations = await p.evaluate(async () => {
    const injected = globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } };
    return (await injected.axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact ?? null, nodes: v.nodes.length }));
  });
  expect([p.url(), violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')]).toEqual([p.url(), []]);
}

/** A full-page PNG in `shots`, checked to be one. */
export async function screenshot(p: Page, shots: string, name: string): Promise<void> {
  const path = join(shots, `${name}.png`);
  await p.screenshot({ path, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(PNG_SIGNATURE.length);
  expect(readFileSync(path).subarray(0, 8)).toEqual(PNG_SIGNATURE);
}

/** Signs a user in through the sign-in form (no second factor); ends on the page the portal sends them to. */
export async function signInWithForm(page: Page, user: TestUser): Promise<void> {
  await page.goto('/login');
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type="submit"]').click()]);
}
