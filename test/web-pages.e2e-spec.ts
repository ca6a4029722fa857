import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The web portal's pages over HTTP (the browser tests in test/browser/ drive them in Chromium):
 * headers, form tokens, escaping, and how the API's edge treats them.
 */
describe('web portal pages (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let subject: TestUser;
  const HTML = { Accept: 'text/html' };
  const ORIGIN = { Origin: 'http://localhost:3000' };

  /** The CSRF cookie a first page hands out, as `name=value`, and its value. */
  const csrf = async (): Promise<{ cookie: string; token: string }> => {
    const res = await t.http.get('/login').set(HTML);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('dsr_csrf='));
    if (!setCookie) throw new Error('no CSRF cookie handed out');
    const cookie = setCookie.split(';')[0];
    return { cookie, token: cookie.slice('dsr_csrf='.length) };
  };

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: 'http://localhost:3000' });
    subject = await t.user(Role.Subject);
  });
  afterAll(() => t.close());

  it('serves pages as HTML with a strict CSP (no inline script or style), no-store, and a CSRF cookie', async () => {
    const res = await t.http.get('/').set(HTML);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("style-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.text).toContain('<html lang="zh-CN">');
    // The one script is the portal's own file; nothing inline (no script body, no style attribute).
    expect(res.text).not.toMatch(/<script(?! src="\/assets\/portal.js" defer><\/script>)|style=/i);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('dsr_csrf='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('signs in with the form: 303 to my requests, the web session cookie HttpOnly and SameSite=Lax', async () => {
    const { cookie, token } = await csrf();
    const res = await t.http
      .post('/login')
      .set(HTML)
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: token, email: subject.email, password: subject.password });
    expect([res.status, res.headers.location]).toEqual([303, '/requests']);
    const session = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('dsr_session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/); // Secure in production only (NODE_ENV=test here)
    const [{ kind }] = await t.dataSource.query(`SELECT kind FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`, [subject.id]);
    expect(kind).toBe('web');
  });

  it('shows a refused sign-in again with the message, keeping the email, escaped', async () => {
    const { cookie, token } = await csrf();
    const email = '"><script>alert(1)</script>@example.com';
    const res = await t.http.post('/login').set(HTML).set('Cookie', cookie).type('form').send({ _csrf: token, email, password: 'not-the-password' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('role="alert"');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('refuses a form without the CSRF token, or with another one, with 403 and changes nothing', async () => {
    const { cookie } = await csrf();
    const before = await t.tableCounts();
    const missing = await t.http.post('/login').set(HTML).set('Cookie', cookie).type('form').send({ email: subject.email, password: subject.password });
    expect(missing.status).toBe(403);
    expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
    const wrong = await t.http
      .post('/login')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: 'x'.repeat(43), email: subject.email, password: subject.password });
    expect([wrong.status, wrong.body.code]).toEqual([403, 'csrf_token_invalid']);
    expect(await t.tableCounts()).toEqual(before);
  });

  it('refuses a cross-site form post made with the session cookie before reading it, as the API does', async () => {
    const { cookie, token } = await csrf();
    const login = await t.http.post('/login').set('Cookie', cookie).type('form').send({ _csrf: token, email: subject.email, password: subject.password });
    const session = ([] as string[])
      .concat(login.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('dsr_session='))!
      .split(';')[0];
    const res = await t.http
      .post('/logout')
      .set('Cookie', `${cookie}; ${session}`)
      .set('Origin', 'https://elsewhere.example')
      .type('form')
      .send({ _csrf: token });
    expect([res.status, res.body.code]).toEqual([403, 'cross_site_request']);
    // From the portal's own origin, the same form signs out.
    const out = await t.http.post('/logout').set('Cookie', `${cookie}; ${session}`).set(ORIGIN).type('form').send({ _csrf: token });
    expect([out.status, out.headers.location]).toEqual([303, '/']);
  });

  it('keeps the API JSON-only: a form body to an /api/v1 route is still 415', async () => {
    const res = await t.http.post('/api/v1/auth/login').type('form').send({ email: subject.email, password: subject.password });
    expect([res.status, res.body.code]).toEqual([415, 'unsupported_media_type']);
  });

  it('answers a client that does not ask for HTML in the API’s error shape, and a browser with a page', async () => {
    const json = await t.http.get('/requests');
    expect([json.status, json.body.code]).toEqual([401, 'not_authenticated']);
    const page = await t.http.get('/requests').set(HTML);
    expect(page.status).toBe(401);
    expect(page.text).toContain('action="/login"');
    const staff = await t.user(Role.Staff);
    const forbidden = await t.http.get('/requests').set(HTML).set('Authorization', `Bearer ${staff.token}`);
    expect(forbidden.status).toBe(403);
  });

  it('refuses a language switch that would send the browser to another site', async () => {
    const { cookie, token } = await csrf();
    for (const next of ['//elsewhere.example/', 'https://elsewhere.example/', '/\\elsewhere.example']) {
      const res = await t.http.post('/language').set('Cookie', cookie).type('form').send({ _csrf: token, lang: 'en', next });
      expect([next, res.status]).toEqual([next, 400]);
    }
    const ok = await t.http.post('/language').set('Cookie', cookie).type('form').send({ _csrf: token, lang: 'en', next: '/policy' });
    expect([ok.status, ok.headers.location]).toEqual([303, '/policy']);
    expect(([] as string[]).concat(ok.headers['set-cookie'] ?? []).some((c) => c.startsWith('dsr_lang=en;'))).toBe(true);
  });

  it('answers an unknown address with the 404 page for a browser, JSON for the API and for other clients', async () => {
    const page = await t.http.get('/no/such/page').set(HTML);
    expect([page.status, page.headers['content-type'], page.headers['content-security-policy']]).toEqual([
      404,
      'text/html; charset=utf-8',
      expect.stringContaining("script-src 'self'"),
    ]);
    expect(page.text).toContain('<h1>');
    expect(page.text).toContain('找不到该页面。');
    const api = await t.http.get('/api/v1/no-such-route').set(HTML);
    expect([api.status, api.headers['content-type'], api.body.statusCode]).toEqual([404, expect.stringContaining('application/json'), 404]);
    const other = await t.http.get('/no/such/page');
    expect([other.status, other.body.statusCode]).toEqual([404, 404]);
  });

  it('shows who is signed in on a public page: the navigation offers sign-out, and a stale session is no refusal', async () => {
    const anonymous = await t.http.get('/').set(HTML);
    expect([anonymous.status, anonymous.text.includes('action="/logout"')]).toEqual([200, false]);
    const signedIn = await t.http.get('/').set(HTML).set('Authorization', `Bearer ${subject.token}`);
    expect([signedIn.status, signedIn.text.includes('action="/logout"')]).toEqual([200, true]);
    const stale = await t.http.get('/policy').set(HTML).set('Authorization', 'Bearer not-a-token');
    expect([stale.status, stale.text.includes('action="/logout"')]).toEqual([200, false]);
  });

  it('serves its one script from itself, which pages load without inline code', async () => {
    const js = await t.http.get('/assets/portal.js');
    expect([js.status, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(js.text).toContain('Intl.DateTimeFormat');
    const home = await t.http.get('/').set(HTML);
    expect(home.text).toContain('<script src="/assets/portal.js" defer></script>');
    expect(home.text).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });
});
