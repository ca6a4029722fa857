import { createTestApp, TestApp, TestUser } from './support/test-app';

interface AuditRow {
  action: string;
  entity_id: string | null;
  actor_id: string | null;
  data: Record<string, unknown>;
}

describe('failed sign-ins lock the account (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) => t.http.post('/api/v1/auth/login').send({ email, password });
  const auditOf = (userId: string): Promise<AuditRow[]> =>
    t.dataSource.query(`SELECT action, entity_id, actor_id, data FROM audit_events WHERE entity_id = $1 AND action LIKE 'auth.%' ORDER BY n`, [userId]);
  // Every request of this file comes from one client address, so the account's counts are that client's.
  const lockState = async (userId: string): Promise<{ failed_login_count: number; locked: boolean }> =>
    (
      await t.dataSource.query(
        `SELECT coalesce(sum(failed_count), 0)::int AS failed_login_count, coalesce(bool_or(locked_until > now()), false) AS locked
         FROM sign_in_failures WHERE user_id = $1`,
        [userId],
      )
    )[0];
  const failTimes = async (u: TestUser, n: number) => {
    for (let i = 0; i < n; i++) expect((await login(u.email, `wrong password ${i}`)).status).toBe(401);
  };

  it('locks after 5 failures: even the right password is then refused with the same body as an unknown email', async () => {
    const u = await t.user();
    const unknown = await login('nobody.at.all@example.com', 'whatever12345');
    const wrong = await login(u.email, 'not the password');
    await failTimes(u, 4);
    const right = await login(u.email, u.password);

    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(right.status).toBe(401);
    expect(right.body).toEqual(unknown.body);
    expect(right.body.accessToken).toBeUndefined();
    expect(await lockState(u.id)).toMatchObject({ locked: true });
    const lockedUntil: { minutes: number }[] = await t.dataSource.query(
      `SELECT round(extract(epoch FROM locked_until - now()) / 60)::int AS minutes FROM sign_in_failures WHERE user_id = $1`,
      [u.id],
    );
    expect(lockedUntil[0].minutes).toBe(15);
  });

  it('audits every failure and the lock, without the email', async () => {
    const u = await t.user();
    await failTimes(u, 5);
    await login(u.email, u.password);
    const rows = await auditOf(u.id);
    expect(rows.map((r) => [r.action, r.data.reason ?? null])).toEqual([
      ...Array.from({ length: 5 }, () => ['auth.login_failed', 'wrong_password']),
      ['auth.account_locked', null],
      ['auth.login_failed', 'account_locked'],
    ]);
    expect(rows.find((r) => r.action === 'auth.account_locked')?.data).toEqual({ minutes: 15, afterFailures: 5 });
    expect(rows.every((r) => r.actor_id === null)).toBe(true);

    const everything: { dump: string }[] = await t.dataSource.query(`SELECT coalesce(string_agg(to_jsonb(e)::text, ' '), '') AS dump FROM audit_events e`);
    expect(everything[0].dump).not.toContain(u.email);
    expect(everything[0].dump).not.toContain(u.email.split('@')[0]);
  });

  it('tallies an unknown email instead of auditing each attempt; the tally holds keyed hashes, no email', async () => {
    const before: { n: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.login_failed' AND entity_id IS NULL`,
    );
    await login('ghost.person@example.com', 'whatever12345');
    const rows: AuditRow[] = await t.dataSource.query(
      `SELECT action, entity_id, actor_id, data FROM audit_events WHERE action = 'auth.login_failed' AND entity_id IS NULL ORDER BY n`,
    );
    // Written out as one event per minute (test/auth-sign-in.e2e-spec.ts); none per attempt.
    expect(rows.length).toBeLessThanOrEqual(before[0].n + 1);
    expect(JSON.stringify(rows)).not.toContain('ghost');
    expect(JSON.stringify(await t.dataSource.query(`SELECT * FROM unknown_sign_in_tallies`))).not.toContain('ghost');
  });

  it('lets the account in again once the 15 minutes have passed', async () => {
    const u = await t.user();
    await failTimes(u, 5);
    expect((await login(u.email, u.password)).status).toBe(401);
    await t.dataSource.query(`UPDATE sign_in_failures SET locked_until = now() - interval '1 second' WHERE user_id = $1`, [u.id]);
    const res = await login(u.email, u.password);
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(await lockState(u.id)).toEqual({ failed_login_count: 0, locked: false });
  });

  it('starts the count again after a successful sign-in', async () => {
    const u = await t.user();
    await failTimes(u, 4);
    expect(await lockState(u.id)).toEqual({ failed_login_count: 4, locked: false });
    expect((await login(u.email, u.password)).status).toBe(200);
    expect(await lockState(u.id)).toEqual({ failed_login_count: 0, locked: false });
    await failTimes(u, 4);
    expect((await login(u.email, u.password)).status).toBe(200);
  });

  it('locks exactly once under 10 concurrent wrong attempts, and never answers 500', async () => {
    const u = await t.user();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => login(u.email, `parallel wrong ${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(401));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);

    const rows = await auditOf(u.id);
    expect(rows.filter((r) => r.action === 'auth.account_locked')).toHaveLength(1);
    expect(rows.filter((r) => r.action === 'auth.login_failed')).toHaveLength(10);
    expect(await lockState(u.id)).toEqual({ failed_login_count: 0, locked: true });
    expect((await login(u.email, u.password)).status).toBe(401);
  });

  it('does not let a right password slip through a concurrent burst once the account is locked', async () => {
    const u = await t.user();
    await failTimes(u, 4);
    // The fifth failure and the right password race; whichever wins, the lock is never undone by a refused attempt.
    const [fifth, right] = await Promise.all([login(u.email, 'the fifth wrong one'), login(u.email, u.password)]);
    expect(fifth.status).toBe(401);
    expect([200, 401]).toContain(right.status);
    const state = await lockState(u.id);
    if (right.status === 200) expect(state).toEqual({ failed_login_count: 1, locked: false });
    else expect(state).toEqual({ failed_login_count: 0, locked: true });
  });
});
