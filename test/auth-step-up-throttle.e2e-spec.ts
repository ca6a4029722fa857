import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('password step-ups are throttled per account like sign-ins (LOGIN_RATE_LIMIT=3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '3' });
  });
  afterAll(() => t.close());

  const file = (u: TestUser, body: object) => t.http.post('/api/v1/requests').set('Authorization', `Bearer ${u.token}`).send(body);

  it('answers the 4th step-up within a minute with 429 in the API error shape, whatever the password, and counts nothing', async () => {
    const s = await t.user(Role.Subject);
    for (let i = 0; i < 3; i++) expect((await file(s, { type: 'delete_account', password: `wrong password ${i}` })).status).toBe(403);

    const before = await t.tableCounts();
    const right = await file(s, { type: 'delete_account', password: s.password });
    expect(right.status).toBe(429);
    expect(right.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.any(String), code: 'throttled' });
    expect(right.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(right.headers['retry-after'])).toBeLessThanOrEqual(60);
    const wrong = await file(s, { type: 'delete_account', password: 'wrong password 4' });
    expect([wrong.status, wrong.body]).toEqual([429, right.body]);
    // Nothing but the one audit event of the throttling.
    expect(await t.tableCounts()).toEqual({ ...before, audit_events: before.audit_events + 1 });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.throttled' AND actor_id = $1`, [s.id]);
    expect(n).toBe(1);

    // Filings that carry no password are not step-ups; another account has its own allowance.
    expect((await file(s, { type: 'access' })).status).toBe(201);
    const other = await t.user(Role.Subject);
    expect((await file(other, { type: 'delete_account', password: 'wrong password' })).status).toBe(403);
  });
});
