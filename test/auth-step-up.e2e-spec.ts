import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

interface AuditRow {
  action: string;
  actor_id: string | null;
  data: Record<string, unknown>;
}

/**
 * The password step-up of a deletion request (`POST /api/v1/requests {type: "delete_account",
 * password}`) is a sign-in in all but name: wrong passwords feed the same lockout, are audited, and
 * the answer never tells a right password from a wrong one by another route.
 */
describe('the deletion step-up is not a password oracle (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const stepUp = (u: TestUser, password: string) => t.http.post('/api/v1/requests').set(auth(u)).send({ type: 'delete_account', password });
  const login = (email: string, password: string) => t.http.post('/api/v1/auth/login').send({ email, password });
  const failures = async (userId: string): Promise<number> =>
    (await t.dataSource.query(`SELECT coalesce(sum(failed_count), 0)::int AS n FROM sign_in_failures WHERE user_id = $1`, [userId]))[0].n;
  const deletions = async (userId: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM requests WHERE subject_id = $1 AND type = 'delete_account'`, [userId]))[0].n;
  const auditOf = (userId: string): Promise<AuditRow[]> =>
    t.dataSource.query(
      `SELECT action, actor_id, data FROM audit_events WHERE entity_id = $1 AND (action LIKE 'auth.%' OR action LIKE 'account.step_up%') ORDER BY n`,
      [userId],
    );

  it('counts wrong step-up passwords toward the lockout of sign-in, audits each one without personal data, and files nothing', async () => {
    const s = await t.user(Role.Subject);
    for (let i = 0; i < 4; i++) {
      const res = await stepUp(s, `not the password ${i}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'password_not_confirmed' });
    }
    expect(await failures(s.id)).toBe(4);
    // The fifth failure, at sign-in, locks the account: the count is one.
    expect((await login(s.email, 'a fifth wrong one')).status).toBe(401);
    expect((await login(s.email, s.password)).status).toBe(401);
    expect(await deletions(s.id)).toBe(0);

    const rows = await auditOf(s.id);
    expect(rows.map((r) => [r.action, r.data.reason ?? null])).toEqual([
      ...Array.from({ length: 4 }, () => ['account.step_up_failed', 'wrong_password']),
      ['auth.login_failed', 'wrong_password'],
      ['auth.account_locked', null],
      ['auth.login_failed', 'account_locked'],
    ]);
    // The signed-in caller made the failed step-ups.
    expect(rows.filter((r) => r.action === 'account.step_up_failed').every((r) => r.actor_id === s.id)).toBe(true);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(s.email);
    expect(dump).not.toContain(s.email.split('@')[0]);
  });

  it('refuses the step-up of a locked account even with the right password, like its sign-in, and counts nothing more', async () => {
    const s = await t.user(Role.Subject);
    for (let i = 0; i < 5; i++) expect((await login(s.email, `wrong password ${i}`)).status).toBe(401);
    const before = await t.tableCounts();
    const res = await stepUp(s, s.password);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'password_not_confirmed' });
    expect(await deletions(s.id)).toBe(0);
    // One audit event (the refused step-up) and nothing else.
    expect(await t.tableCounts()).toEqual({ ...before, audit_events: before.audit_events + 1 });
    const last = (await auditOf(s.id)).pop();
    expect(last).toEqual({ action: 'account.step_up_failed', actor_id: s.id, data: { reason: 'account_locked' } });
  });

  it('locks the account after five wrong step-ups: sign-in is refused too', async () => {
    const s = await t.user(Role.Subject);
    for (let i = 0; i < 5; i++) expect((await stepUp(s, `wrong ${i} password`)).status).toBe(403);
    expect((await login(s.email, s.password)).status).toBe(401);
    expect((await auditOf(s.id)).filter((r) => r.action === 'auth.account_locked')).toHaveLength(1);
  });

  it('answers 409 duplicate_open_request whatever the password once a deletion is open; the password is not tried or counted', async () => {
    const s = await t.user(Role.Subject);
    const first = await stepUp(s, s.password);
    expect(first.status).toBe(201);

    const before = await t.tableCounts();
    const wrong = await stepUp(s, 'not the password at all');
    const right = await stepUp(s, s.password);
    for (const res of [wrong, right]) {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'duplicate_open_request', openRequestId: first.body.id });
    }
    expect(wrong.body).toEqual(right.body);
    expect(await t.tableCounts()).toEqual(before);
    expect(await failures(s.id)).toBe(0);
    expect((await auditOf(s.id)).filter((r) => r.action === 'account.step_up_failed')).toEqual([]);
  });

  it('answers a replayed deletion (same Idempotency-Key and body) with the same request whatever the password', async () => {
    const s = await t.user(Role.Subject);
    const file = (password: string) =>
      t.http.post('/api/v1/requests').set(auth(s)).set('Idempotency-Key', 'del-key').send({ type: 'delete_account', password });
    const first = await file(s.password);
    expect(first.status).toBe(201);
    const wrong = await file('not the password at all');
    const right = await file(s.password);
    expect([wrong.status, wrong.body.id]).toEqual([200, first.body.id]);
    expect(wrong.body).toEqual(right.body);
    expect(await failures(s.id)).toBe(0);
  });

  it('starts the count again after a successful step-up', async () => {
    const s = await t.user(Role.Subject);
    for (let i = 0; i < 4; i++) expect((await stepUp(s, `wrong ${i} password`)).status).toBe(403);
    expect((await stepUp(s, s.password)).status).toBe(201);
    expect(await failures(s.id)).toBe(0);
  });
});
