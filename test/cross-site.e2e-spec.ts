import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const PORTAL = 'http://portal.example.test';
const PARTNER = 'https://partner.example.test';
const EVIL = 'https://evil.example.test';

/**
 * A request from another site can change nothing: bodies are JSON only, and a write authenticated
 * by the session cookie must come from the portal's own origin (or a configured CORS origin).
 */
describe('no cross-site request changes anything (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: `${PORTAL}/portal/`, CORS_ORIGINS: `${PARTNER}, http://localhost:5173` });
  });
  afterAll(() => t.close());

  /** A subject signed in through the web: the session cookie, and the bearer token of the same sign-in. */
  async function webSubject(): Promise<TestUser & { cookie: string }> {
    const u = await t.user(Role.Subject);
    const login = await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password });
    expect(login.status).toBe(200);
    const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    return { ...u, cookie };
  }
  const consentState = async (u: TestUser, purpose = 'partner_marketing') =>
    ((await t.http.get('/api/v1/consents').set('Authorization', `Bearer ${u.token}`)).body as { purpose: string; state: string }[]).find(
      (c) => c.purpose === purpose,
    )?.state;

  it('a form-encoded grant carrying only the session cookie, from another origin, is refused and grants nothing', async () => {
    const u = await webSubject();
    const before = await t.tableCounts();
    for (const origin of [EVIL, undefined]) {
      const req = t.http.post('/api/v1/consents/partner_marketing').set('Cookie', u.cookie).type('form').send('state=granted');
      if (origin) req.set('Origin', origin);
      const res = await req;
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toMatchObject({ statusCode: res.status, error: expect.any(String), message: expect.any(String), code: expect.any(String) });
    }
    expect(await consentState(u)).toBe('never');
    expect(await t.tableCounts()).toEqual(before);
  });

  it('a cookie-authenticated write from another origin, or naming none, → 403 cross_site_request', async () => {
    const u = await webSubject();
    const before = await t.tableCounts();
    const attempts: [string, Record<string, string>][] = [
      ['evil origin', { Origin: EVIL }],
      ['null origin', { Origin: 'null' }],
      ['a look-alike origin', { Origin: `${PORTAL}.evil.example` }],
      ['the right host on another scheme', { Origin: PORTAL.replace('http:', 'https:') }],
      ['evil referer, no origin', { Referer: `${EVIL}/page` }],
      ['a referer that is not a URL', { Referer: 'not a url' }],
      ['neither origin nor referer', {}],
      ['evil origin with our referer', { Origin: EVIL, Referer: `${PORTAL}/portal/consents` }],
    ];
    for (const [name, headers] of attempts) {
      for (const send of [
        () => t.http.post('/api/v1/consents/partner_marketing').set('Cookie', u.cookie).set(headers).send({ state: 'granted' }),
        () => t.http.post('/api/v1/auth/logout').set('Cookie', u.cookie).set(headers),
        () => t.http.patch('/api/v1/accounts/00000000-0000-4000-8000-000000000000/role').set('Cookie', u.cookie).set(headers).send({ role: 'admin' }),
        () => t.http.delete('/api/v1/consents/partner_marketing').set('Cookie', u.cookie).set(headers),
        () => t.http.put('/api/v1/consents/partner_marketing').set('Cookie', u.cookie).set(headers).send({ state: 'granted' }),
      ]) {
        const res = await send();
        expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 403, code: 'cross_site_request' });
        expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String), code: 'cross_site_request' });
      }
    }
    expect(await consentState(u)).toBe('never');
    // Still signed in: the refused logout ended nothing.
    expect((await t.http.get('/api/v1/me').set('Cookie', u.cookie)).status).toBe(200);
    expect(await t.tableCounts()).toEqual(before);
  });

  it('the portal’s own origin (or referer) and a configured CORS origin may write with the cookie', async () => {
    for (const headers of [{ Origin: PORTAL }, { Referer: `${PORTAL}/portal/consents?x=1` }, { Origin: PARTNER }, { Origin: 'http://localhost:5173' }]) {
      const u = await webSubject();
      const res = await t.http.post('/api/v1/consents/partner_marketing').set('Cookie', u.cookie).set(headers).send({ state: 'granted' });
      expect({ headers, status: res.status }).toEqual({ headers, status: 200 });
      expect(await consentState(u)).toBe('granted');
      expect((await t.http.post('/api/v1/auth/logout').set('Cookie', u.cookie).set(headers)).status).toBe(200);
    }
  });

  it('reads with the cookie need no origin', async () => {
    const u = await webSubject();
    expect((await t.http.get('/api/v1/me').set('Cookie', u.cookie).set('Origin', EVIL)).status).toBe(200);
    expect((await t.http.get('/api/v1/consents').set('Cookie', u.cookie)).status).toBe(200);
  });

  it('bearer-token requests are unaffected, whatever the origin and whatever cookie rides along', async () => {
    const u = await webSubject();
    const res = await t.http
      .post('/api/v1/consents/partner_marketing')
      .set('Authorization', `Bearer ${u.token}`)
      .set('Cookie', u.cookie)
      .set('Origin', EVIL)
      .send({ state: 'granted' });
    expect(res.status).toBe(200);
    expect(await consentState(u)).toBe('granted');
    // A bearer header the strategy would not take does not open the cookie path: still refused.
    const basic = await t.http.post('/api/v1/auth/logout').set('Authorization', 'Basic dXNlcjpwYXNz').set('Cookie', u.cookie).set('Origin', EVIL);
    expect([basic.status, basic.body.code]).toEqual([403, 'cross_site_request']);
  });

  it('bodies are JSON only: any other content type → 415 in the usual shape, even with a bearer token', async () => {
    const u = await t.user(Role.Subject);
    const before = await t.tableCounts();
    const bodies: [string, string][] = [
      ['application/x-www-form-urlencoded', 'state=granted'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="state"\r\n\r\ngranted\r\n--x--\r\n'],
      ['text/plain', '{"state":"granted"}'],
      ['application/xml', '<state>granted</state>'],
      ['application/json-seq', '{"state":"granted"}'],
    ];
    for (const [type, body] of bodies) {
      const res = await t.http.post('/api/v1/consents/partner_marketing').set('Authorization', `Bearer ${u.token}`).set('Content-Type', type).send(body);
      expect({ type, status: res.status, code: res.body.code }).toEqual({ type, status: 415, code: 'unsupported_media_type' });
      expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type', message: expect.any(String) });
    }
    // Unauthenticated too: the login form cannot be posted from a page either.
    const login = await t.http.post('/api/v1/auth/login').type('form').send({ email: u.email, password: u.password });
    expect([login.status, login.body.code]).toEqual([415, 'unsupported_media_type']);
    expect(await consentState(u)).toBe('never');
    expect(await t.tableCounts()).toEqual(before);
  });

  it('JSON with a charset, and a body-less POST with no content type, still work', async () => {
    const u = await t.user(Role.Subject);
    const res = await t.http
      .post('/api/v1/consents/partner_marketing')
      .set('Authorization', `Bearer ${u.token}`)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ state: 'granted' }));
    expect(res.status).toBe(200);
    const out = await t.http.post('/api/v1/auth/logout').set('Authorization', `Bearer ${u.token}`);
    expect(out.status).toBe(200);
  });
});
