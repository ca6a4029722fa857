import { Role } from '../src/kernel/role';
import { createTestApp, TestApp } from './support/test-app';

describe('authentication (HTTP, real AppModule and PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('registers a subject, logs in, answers me, and logs out for good', async () => {
    const reg = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'Zhang.San@Example.com', password: 'correct horse battery', displayName: '张三 🙂', phone: '13812341234' });
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({ id: expect.any(String), email: 'zhang.san@example.com', role: 'subject' });

    const login = await t.http.post('/api/v1/auth/login').send({ email: 'zhang.san@example.com', password: 'correct horse battery' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: reg.body.id, role: 'subject' } });
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/dsr_session=.+HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${login.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: reg.body.id, email: 'zhang.san@example.com', role: 'subject', displayName: '张三 🙂', locale: 'zh-CN' });

    const out = await t.http.post('/api/v1/auth/logout').set('Authorization', `Bearer ${login.body.accessToken}`);
    expect(out.status).toBe(200);
    const after = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${login.body.accessToken}`);
    expect(after.status).toBe(401);
  });

  it('accepts the web session cookie and refuses it after logout', async () => {
    const u = await t.user();
    const login = await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password });
    const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    expect((await t.http.get('/api/v1/me').set('Cookie', cookie)).status).toBe(200);
    // A write with the cookie comes from a page of the portal (PUBLIC_URL), as a browser would say.
    await t.http.post('/api/v1/auth/logout').set('Cookie', cookie).set('Origin', 'http://localhost:3000').expect(200);
    expect((await t.http.get('/api/v1/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('refuses a taken email with 409 and writes nothing', async () => {
    const u = await t.user();
    const before = await t.tableCounts();
    const res = await t.http.post('/api/v1/auth/register').send({ email: u.email.toUpperCase(), password: 'another password 1' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'email_taken' });
    expect(await t.tableCounts()).toEqual(before);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const u = await t.user();
    const unknown = await t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: 'whatever12345' });
    const wrong = await t.http.post('/api/v1/auth/login').send({ email: u.email, password: 'whatever12345' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('refuses a token signed with another algorithm or key', async () => {
    const u = await t.user();
    const [header, payload] = u.token.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    expect((await t.http.get('/api/v1/me').set('Authorization', `Bearer ${none}`)).status).toBe(401);
    expect((await t.http.get('/api/v1/me').set('Authorization', `Bearer ${header}.${payload}.AAAA`)).status).toBe(401);
  });

  it('keeps staff routes from subjects (403) and from strangers (401)', async () => {
    const subject = await t.user(Role.Subject);
    expect((await t.http.get('/api/v1/audit/verify')).status).toBe(401);
    expect((await t.http.get('/api/v1/audit/verify').set('Authorization', `Bearer ${subject.token}`)).status).toBe(403);
    const legal = await t.user(Role.Legal);
    const res = await t.http.get('/api/v1/audit/verify').set('Authorization', `Bearer ${legal.token}`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
  });
});
