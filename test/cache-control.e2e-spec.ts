import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** Answers that can carry tokens, secrets or personal data are never kept by a browser or a proxy. */
describe('Cache-Control: no-store on every /api/v1 answer', () => {
  let t: TestApp;
  let admin: TestUser;
  let legal: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user(Role.Admin);
    legal = await t.user(Role.Legal);
  });
  afterAll(() => t.close());

  const noStore = (res: { headers: Record<string, unknown> }) => expect(res.headers['cache-control']).toBe('no-store');

  it('on sign-in (a token and a cookie), on me, on lists, on the public policy', async () => {
    const login = await t.http.post('/api/v1/auth/login').send({ email: admin.email, password: admin.password });
    expect(login.status).toBe(200);
    noStore(login);
    for (const path of ['/api/v1/me', '/api/v1/audit', '/api/v1/staff/requests', '/api/v1/policy']) {
      const res = await t.http.get(path).set('Authorization', `Bearer ${legal.token}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      noStore(res);
    }
  });

  it('on refusals too: validation, authentication, an unknown route, a body that cannot be read', async () => {
    noStore(await t.http.post('/api/v1/auth/login').send({ email: 'x' }));
    noStore(await t.http.get('/api/v1/me'));
    noStore(await t.http.get('/api/v1/no-such-thing'));
    noStore(await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{'));
  });

  it('keeps helmet’s other headers', async () => {
    const res = await t.http.get('/api/v1/policy');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toEqual(expect.any(String));
  });
});
