import { authenticator } from 'otplib';
import { Role } from '../src/kernel/role';
import { concretePath, declaredRoutes } from './support/route-walk';
import { createTestApp, TestApp } from './support/test-app';

type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete';

describe('MFA_REQUIRED_FOR_STAFF=true: privileged accounts must enrol a second factor first', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MFA_REQUIRED_FOR_STAFF: 'true' });
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('says so at sign-in, and refuses every route but me, logout and enrolment with 403 mfa_enrolment_required', async () => {
    const legal = await t.user(Role.Legal);
    const login = await t.http.post('/api/v1/auth/login').send({ email: legal.email, password: legal.password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ accessToken: expect.any(String), mfaEnrolmentRequired: true });

    // Every guarded route of the application, including ones added by other modules later.
    const gated = declaredRoutes(t.app).filter((r) => !r.isPublic && !r.allowedDuringMfaEnrolment);
    expect(gated.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /api/v1/audit/verify', 'POST /api/v1/accounts']));
    const before = await t.tableCounts();
    const answers: string[] = [];
    for (const r of gated) {
      const res = await t.http[r.method.toLowerCase() as Verb](concretePath(r.path)).set(bearer(legal.token)).send({});
      answers.push(`${r.method} ${r.path} → ${res.status} ${res.body?.code}`);
    }
    expect(answers).toEqual(gated.map((r) => `${r.method} ${r.path} → 403 mfa_enrolment_required`));
    expect(await t.tableCounts()).toEqual(before);

    const allowed = declaredRoutes(t.app)
      .filter((r) => r.allowedDuringMfaEnrolment)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    // The web portal's sign-out form (POST /logout) as well: signing out is never gated.
    expect(allowed).toEqual([
      'GET /api/v1/me',
      'POST /api/v1/auth/logout',
      'POST /api/v1/auth/mfa/enrol',
      'POST /api/v1/auth/mfa/enrol/confirm',
      'POST /logout',
    ]);
    expect((await t.http.get('/api/v1/me').set(bearer(legal.token))).status).toBe(200);
  });

  it('lifts the gate for the same session once enrolment is confirmed', async () => {
    const legal = await t.user(Role.Legal);
    expect((await t.http.get('/api/v1/audit/verify').set(bearer(legal.token))).body.code).toBe('mfa_enrolment_required');
    const start = await t.http.post('/api/v1/auth/mfa/enrol').set(bearer(legal.token));
    expect(start.status).toBe(201);
    // Started but not confirmed: still gated.
    expect((await t.http.get('/api/v1/audit/verify').set(bearer(legal.token))).status).toBe(403);
    const confirm = await t.http
      .post('/api/v1/auth/mfa/enrol/confirm')
      .set(bearer(legal.token))
      .send({ code: authenticator.generate(start.body.secret) });
    expect(confirm.status).toBe(200);
    const verify = await t.http.get('/api/v1/audit/verify').set(bearer(legal.token));
    expect(verify.status).toBe(200);

    const next = await t.http.post('/api/v1/auth/login').send({ email: legal.email, password: legal.password });
    expect(next.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
  });

  it('leaves subjects alone', async () => {
    const subject = await t.user(Role.Subject);
    const login = await t.http.post('/api/v1/auth/login').send({ email: subject.email, password: subject.password });
    expect(login.status).toBe(200);
    expect(login.body.mfaEnrolmentRequired).toBeUndefined();
    expect(login.body.accessToken).toEqual(expect.any(String));
    // A staff-only route answers with the role refusal, not the enrolment gate.
    const staffOnly = await t.http.get('/api/v1/audit/verify').set(bearer(subject.token));
    expect(staffOnly.status).toBe(403);
    expect(staffOnly.body.code).toBe('not_allowed');
  });
});
