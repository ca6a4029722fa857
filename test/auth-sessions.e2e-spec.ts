import { AccountsService } from '../src/accounts/accounts.service';
import { SYSTEM_ACTOR } from '../src/kernel/actor';
import { createTestApp, TestApp } from './support/test-app';

describe('sessions end for good (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) => t.http.post('/api/v1/auth/login').send({ email, password });
  const me = (auth: { bearer?: string; cookie?: string }) => {
    const req = t.http.get('/api/v1/me');
    if (auth.bearer) req.set('Authorization', `Bearer ${auth.bearer}`);
    if (auth.cookie) req.set('Cookie', auth.cookie);
    return req;
  };
  const sessionCookie = (res: { headers: Record<string, unknown> }): string => (res.headers['set-cookie'] as string[])[0].split(';')[0];

  it('logging out with the bearer token also ends the web cookie of the same sign-in, and clears it', async () => {
    const u = await t.user();
    const signIn = await login(u.email, u.password);
    const cookie = sessionCookie(signIn);
    expect((await me({ cookie })).status).toBe(200);

    const out = await t.http.post('/api/v1/auth/logout').set('Authorization', `Bearer ${signIn.body.accessToken}`);
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/dsr_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
    expect((await me({ bearer: signIn.body.accessToken })).status).toBe(401);
    expect((await me({ cookie })).status).toBe(401);
    // Another sign-in of the same account is a session of its own and lives on.
    expect((await me({ bearer: u.token })).status).toBe(200);
    const audited = await t.dataSource.query(`SELECT 1 FROM audit_events WHERE action = 'auth.logged_out' AND actor_id = $1`, [u.id]);
    expect(audited).toHaveLength(1);
  });

  it('a password reset (through the service) ends every session, refuses the old password and unlocks', async () => {
    const u = await t.user();
    const otherSession = await t.login(u.email, u.password);
    for (let i = 0; i < 5; i++) await login(u.email, `wrong password ${i}`);
    expect((await login(u.email, u.password)).status).toBe(401);

    await t.app.get(AccountsService).resetPassword(u.email, 'a brand new password', SYSTEM_ACTOR);

    for (const bearer of [u.token, otherSession]) expect((await me({ bearer })).status).toBe(401);
    expect((await login(u.email, u.password)).status).toBe(401);
    expect((await login(u.email, 'a brand new password')).status).toBe(200);
    const live: { n: number }[] = await t.dataSource.query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [u.id]);
    expect(live[0].n).toBe(1);
    const reset: { data: unknown }[] = await t.dataSource.query(`SELECT data FROM audit_events WHERE entity_id = $1 AND action = 'account.password_reset'`, [
      u.id,
    ]);
    expect(reset).toHaveLength(1);
  });
});
