import { AccountsService } from '../src/accounts/accounts.service';
import { Role } from '../src/kernel/role';
import { SYSTEM_ACTOR } from '../src/kernel/actor';
import { createTestApp, TestApp } from './support/test-app';

describe('sign-in attempts are throttled per client address (LOGIN_RATE_LIMIT=3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '3' });
  });
  afterAll(() => t.close());

  const throttledEvents = async (): Promise<{ entity_id: string | null; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT entity_id, data FROM audit_events WHERE action = 'auth.throttled' ORDER BY n`);

  it('answers the 4th sign-in within a minute with 429 in the API error shape, audited, whether or not the email exists', async () => {
    // Created through the service, so that setting up spends none of the three sign-ins.
    await t.app.get(AccountsService).create({ email: 'someone@example.com', password: 'the real password', role: Role.Subject }, SYSTEM_ACTOR);
    const first = await t.http.post('/api/v1/auth/login').send({ email: 'someone@example.com', password: 'wrong password' });
    expect(first.status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await t.http.post('/api/v1/auth/login').send({ email: 'x@example.com', password: 'y' })).status).toBe(401);

    const unknown = await t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: 'whatever12345' });
    const known = await t.http.post('/api/v1/auth/login').send({ email: 'someone@example.com', password: 'wrong password' });
    for (const res of [unknown, known]) {
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.any(String), code: 'throttled' });
      // Whole seconds until the one-minute window lets this client try again.
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect(known.body).toEqual(unknown.body);

    const events = await throttledEvents();
    // Audited once per client, route and minute: hammering a throttled route does not grow the trail.
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({ entity_id: '/api/v1/auth/login', data: { limit: 3, windowMs: 60000 } });
    expect(JSON.stringify(events)).not.toMatch(/example\.com|127\.0\.0\.1|::1/);
  });

  it('is not fooled by a forged X-Forwarded-For (the proxy is not trusted by default)', async () => {
    const res = await t.http.post('/api/v1/auth/login').set('X-Forwarded-For', '203.0.113.9').send({ email: 'nobody@example.com', password: 'whatever12345' });
    expect(res.status).toBe(429);
  });

  it('throttles the second-factor step and registration as well', async () => {
    for (const path of ['/api/v1/auth/mfa', '/api/v1/auth/register']) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await t.http.post(path).send({})).status);
      expect(statuses).toEqual([400, 400, 400, 429]);
    }
  });
});
