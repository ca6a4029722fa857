import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

interface AuditRow {
  action: string;
  actor_id: string | null;
  actor_role: string | null;
  entity_id: string;
  data: Record<string, unknown>;
}

describe('admins create accounts and change roles (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user(Role.Admin);
  });
  afterAll(() => t.close());

  const asAdmin = (token = admin.token) => ({ Authorization: `Bearer ${token}` });
  const auditOf = (entityId: string, action: string): Promise<AuditRow[]> =>
    t.dataSource.query(`SELECT action, actor_id, actor_role, entity_id, data FROM audit_events WHERE entity_id = $1 AND action = $2`, [entityId, action]);

  it.each([Role.Staff, Role.Legal, Role.Admin])('creates a %s account that can sign in, audited as account.created', async (role) => {
    const email = `New.${role}@Example.com`;
    const res = await t.http.post('/api/v1/accounts').set(asAdmin()).send({ email, password: 'a long enough password', role, displayName: '王五' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), email: email.toLowerCase(), role, displayName: '王五', locale: 'zh-CN', mfaEnabled: false });
    expect(res.body).not.toHaveProperty('passwordHash');

    expect(await auditOf(res.body.id, 'account.created')).toEqual([
      { action: 'account.created', actor_id: admin.id, actor_role: 'admin', entity_id: res.body.id, data: { role } },
    ]);
    const token = await t.login(email.toLowerCase(), 'a long enough password');
    expect((await t.http.get('/api/v1/me').set(asAdmin(token))).body.role).toBe(role);
  });

  it('refuses a taken email with 409 and writes nothing', async () => {
    const other = await t.user(Role.Subject);
    const before = await t.tableCounts();
    const res = await t.http.post('/api/v1/accounts').set(asAdmin()).send({ email: other.email, password: 'a long enough password', role: 'staff' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email_taken');
    expect(await t.tableCounts()).toEqual(before);
  });

  it('changes a role, audited as account.role_changed with from and to; the change applies to live sessions', async () => {
    const u = await t.user(Role.Subject);
    expect((await t.http.get('/api/v1/audit/verify').set(asAdmin(u.token))).status).toBe(403);

    const res = await t.http.patch(`/api/v1/accounts/${u.id}/role`).set(asAdmin()).send({ role: 'legal' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: u.id, role: 'legal' });
    expect(await auditOf(u.id, 'account.role_changed')).toEqual([
      { action: 'account.role_changed', actor_id: admin.id, actor_role: 'admin', entity_id: u.id, data: { from: 'subject', to: 'legal' } },
    ]);
    // Roles are read on every request, so the same token now reaches a legal route.
    expect((await t.http.get('/api/v1/audit/verify').set(asAdmin(u.token))).status).toBe(200);

    // Setting the role it already has changes nothing and records nothing.
    await t.http.patch(`/api/v1/accounts/${u.id}/role`).set(asAdmin()).send({ role: 'legal' }).expect(200);
    expect(await auditOf(u.id, 'account.role_changed')).toHaveLength(1);
  });

  it.each([Role.Subject, Role.Staff, Role.Legal])('refuses a %s with 403 on both routes, writing nothing', async (role) => {
    const caller = await t.user(role);
    const victim = await t.user(Role.Subject);
    const before = await t.tableCounts();
    const create = await t.http
      .post('/api/v1/accounts')
      .set(asAdmin(caller.token))
      .send({ email: `x.${role}@example.com`, password: 'a long enough password', role: 'admin' });
    const promote = await t.http.patch(`/api/v1/accounts/${victim.id}/role`).set(asAdmin(caller.token)).send({ role: 'admin' });
    for (const res of [create, promote]) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'not_allowed' });
    }
    // Nor can anyone promote themselves.
    const self = await t.http.patch(`/api/v1/accounts/${caller.id}/role`).set(asAdmin(caller.token)).send({ role: 'admin' });
    expect(self.status).toBe(403);
    expect(await t.tableCounts()).toEqual(before);
    const [row] = await t.dataSource.query(`SELECT role FROM users WHERE id = $1`, [victim.id]);
    expect(row.role).toBe('subject');
  });

  it('refuses strangers with 401', async () => {
    expect((await t.http.post('/api/v1/accounts').send({ email: 'a@example.com', password: 'a long enough password', role: 'admin' })).status).toBe(401);
    expect((await t.http.patch(`/api/v1/accounts/${admin.id}/role`).send({ role: 'subject' })).status).toBe(401);
  });

  describe('resetting another account’s second factor (POST /api/v1/accounts/:id/mfa/reset)', () => {
    /** An account with a second factor enrolled (as enrolment leaves it), signed in. */
    const withMfa = async (role: Role): Promise<TestUser> => {
      const u = await t.user(role);
      await t.asOwner((m) => m.query(`UPDATE users SET mfa_secret = 'JBSWY3DPEHPK3PXP', mfa_enabled_at = now() WHERE id = $1`, [u.id]));
      return u;
    };

    it('turns it off, ends every session of the account, and is audited with whether there was one', async () => {
      const lost = await withMfa(Role.Staff);
      expect((await t.http.get('/api/v1/me').set(asAdmin(lost.token))).status).toBe(200);
      const res = await t.http.post(`/api/v1/accounts/${lost.id}/mfa/reset`).set(asAdmin()).send({});
      expect([res.status, res.body]).toEqual([200, expect.objectContaining({ id: lost.id, role: 'staff', mfaEnabled: false })]);
      const [row] = await t.dataSource.query(`SELECT mfa_secret, mfa_enabled_at FROM users WHERE id = $1`, [lost.id]);
      expect(row).toEqual({ mfa_secret: null, mfa_enabled_at: null });
      expect((await t.http.get('/api/v1/me').set(asAdmin(lost.token))).status).toBe(401);
      expect(await auditOf(lost.id, 'account.mfa_reset')).toEqual([
        { action: 'account.mfa_reset', actor_id: admin.id, actor_role: 'admin', entity_id: lost.id, data: { hadMfa: true } },
      ]);
      // The password alone signs in again, to enrol a new factor.
      expect(await t.login(lost.email, lost.password)).toEqual(expect.any(String));
    });

    it('refuses an administrator’s own (another administrator must), an unknown account, a body, and every other role, changing nothing', async () => {
      const self = await withMfa(Role.Admin);
      const victim = await withMfa(Role.Legal);
      const callers = [await t.user(Role.Subject), await t.user(Role.Staff), await t.user(Role.Legal)];
      const before = await t.tableCounts();
      const own = await t.http.post(`/api/v1/accounts/${self.id}/mfa/reset`).set(asAdmin(self.token)).send({});
      expect([own.status, own.body.code]).toEqual([403, 'cannot_reset_own_mfa']);
      const unknown = await t.http.post('/api/v1/accounts/00000000-0000-4000-8000-000000000000/mfa/reset').set(asAdmin()).send({});
      expect([unknown.status, unknown.body.code]).toEqual([404, 'account_not_found']);
      const body = await t.http.post(`/api/v1/accounts/${victim.id}/mfa/reset`).set(asAdmin()).send({ reason: 'x' });
      expect([body.status, body.body.code]).toEqual([400, 'validation_failed']);
      for (const caller of callers) {
        const res = await t.http.post(`/api/v1/accounts/${victim.id}/mfa/reset`).set(asAdmin(caller.token)).send({});
        expect([caller.role, res.status, res.body.code]).toEqual([caller.role, 403, 'not_allowed']);
      }
      expect((await t.http.post(`/api/v1/accounts/${victim.id}/mfa/reset`).send({})).status).toBe(401);
      expect(await t.tableCounts()).toEqual(before);
      const rows = await t.dataSource.query(`SELECT id FROM users WHERE id = ANY($1) AND mfa_enabled_at IS NOT NULL`, [[self.id, victim.id]]);
      expect(rows).toHaveLength(2);
    });
  });
});
