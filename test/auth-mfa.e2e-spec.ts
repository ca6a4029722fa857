import { authenticator } from 'otplib';
import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** A code for the step after the current one would be outside the accepted window; this one is now. */
const codeFor = (secret: string): string => authenticator.generate(secret);
/** The code of `offset` steps from now (one step either way is accepted). */
const codeAt = (secret: string, offset: number): string => authenticator.clone({ epoch: Date.now() + offset * 30_000 }).generate(secret);
/** A valid-looking code that is not the current one (nor one step either side). */
const wrongCodeFor = (secret: string): string => {
  const valid = new Set([-1, 0, 1].map((step) => authenticator.clone({ epoch: Date.now() + step * 30_000 }).generate(secret)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
};

describe('TOTP second factor (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const login = (u: TestUser) => t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password });

  /**
   * A staff account with a confirmed second factor; returns its secret. It is confirmed with the
   * previous step's code, so that the current one is still unused for signing in.
   */
  async function enrol(u: TestUser): Promise<string> {
    const start = await t.http.post('/api/v1/auth/mfa/enrol').set(bearer(u.token));
    expect(start.status).toBe(201);
    // The previous step's code is two steps old once a step boundary passes before the server checks
    // it: start well inside a step, so that a slow machine cannot turn it into a refusal.
    const intoStep = Date.now() % 30_000;
    if (intoStep > 25_000) await new Promise((r) => setTimeout(r, 30_500 - intoStep));
    const confirm = await t.http
      .post('/api/v1/auth/mfa/enrol/confirm')
      .set(bearer(u.token))
      .send({ code: codeAt(start.body.secret, -1) });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toEqual({ mfaEnabled: true });
    return start.body.secret as string;
  }

  it('enrols: a secret and an otpauth URL, kept encrypted, in force only once a code is confirmed', async () => {
    const staff = await t.user(Role.Staff);
    const start = await t.http.post('/api/v1/auth/mfa/enrol').set(bearer(staff.token));
    expect(start.status).toBe(201);
    expect(start.body).toEqual({ secret: expect.stringMatching(/^[A-Z2-7]{16,}$/), otpauthUrl: expect.stringMatching(/^otpauth:\/\/totp\//) });
    expect(new URL(start.body.otpauthUrl).searchParams.get('secret')).toBe(start.body.secret);

    const [stored] = await t.dataSource.query(`SELECT mfa_secret, mfa_enabled_at FROM users WHERE id = $1`, [staff.id]);
    expect(stored.mfa_secret).toEqual(expect.any(String));
    expect(stored.mfa_secret).not.toContain(start.body.secret);
    expect(stored.mfa_enabled_at).toBeNull();
    // Not yet in force: the password alone still signs in.
    expect((await login(staff)).body.accessToken).toEqual(expect.any(String));

    const wrong = await t.http
      .post('/api/v1/auth/mfa/enrol/confirm')
      .set(bearer(staff.token))
      .send({ code: wrongCodeFor(start.body.secret) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('invalid_mfa_code');
    const ok = await t.http
      .post('/api/v1/auth/mfa/enrol/confirm')
      .set(bearer(staff.token))
      .send({ code: codeFor(start.body.secret) });
    expect(ok.status).toBe(200);
    expect((await t.http.get('/api/v1/me').set(bearer(staff.token))).body.mfaEnabled).toBe(true);
    const again = await t.http.post('/api/v1/auth/mfa/enrol').set(bearer(staff.token));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('mfa_already_enabled');
  });

  it('then asks for the code at sign-in, and only the code completes it', async () => {
    const staff = await t.user(Role.Staff);
    const secret = await enrol(staff);

    const first = await login(staff);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    expect(first.headers['set-cookie']).toBeUndefined();

    const done = await t.http.post('/api/v1/auth/mfa').send({ mfaToken: first.body.mfaToken, code: codeFor(secret) });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ accessToken: expect.any(String), user: { id: staff.id, role: 'staff' } });
    expect(String(done.headers['set-cookie'])).toMatch(/dsr_session=.+HttpOnly/);
    expect((await t.http.get('/api/v1/me').set(bearer(done.body.accessToken))).status).toBe(200);
  });

  it('accepts a code once: the same code again, or an older one, is refused as a replay (401, counted, audited)', async () => {
    const staff = await t.user(Role.Staff);
    const secret = await enrol(staff);
    const signIn = async (code: string) => t.http.post('/api/v1/auth/mfa').send({ mfaToken: (await login(staff)).body.mfaToken, code });

    // The code that confirmed the enrolment is used already.
    const enrolmentCode = await signIn(codeAt(secret, -1));
    expect([enrolmentCode.status, enrolmentCode.body.code]).toEqual([401, 'invalid_mfa_code']);
    const current = codeFor(secret);
    expect((await signIn(current)).status).toBe(200);
    const replay = await signIn(current);
    expect([replay.status, replay.body.code]).toEqual([401, 'invalid_mfa_code']);
    expect(replay.body.accessToken).toBeUndefined();
    const [row] = await t.dataSource.query(`SELECT sum(failed_count)::int AS failed_login_count FROM sign_in_failures WHERE user_id = $1`, [staff.id]);
    expect(row.failed_login_count).toBe(1);
    const reasons = await t.dataSource.query(
      `SELECT data->>'reason' AS reason FROM audit_events WHERE entity_id = $1 AND action = 'auth.login_failed' ORDER BY n`,
      [staff.id],
    );
    expect(reasons.map((r: { reason: string }) => r.reason)).toEqual(['replayed_mfa_code', 'replayed_mfa_code']);
    // The next step's code is new: it signs in.
    expect((await signIn(codeAt(secret, 1))).status).toBe(200);
  });

  it('lets one of several concurrent sign-ins with the same code through', async () => {
    const staff = await t.user(Role.Staff);
    const secret = await enrol(staff);
    const tokens = await Promise.all(Array.from({ length: 5 }, async () => (await login(staff)).body.mfaToken as string));
    const code = codeFor(secret);
    const answers = await Promise.all(tokens.map((mfaToken) => t.http.post('/api/v1/auth/mfa').send({ mfaToken, code })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401]);
  });

  it('refuses a wrong code with 401 and counts it as a failed attempt', async () => {
    const staff = await t.user(Role.Staff);
    const secret = await enrol(staff);
    const { mfaToken } = (await login(staff)).body;

    const wrong = await t.http.post('/api/v1/auth/mfa').send({ mfaToken, code: wrongCodeFor(secret) });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ statusCode: 401, code: 'invalid_mfa_code' });
    expect(wrong.body.accessToken).toBeUndefined();
    const [row] = await t.dataSource.query(`SELECT sum(failed_count)::int AS failed_login_count FROM sign_in_failures WHERE user_id = $1`, [staff.id]);
    expect(row.failed_login_count).toBe(1);
    const audited = await t.dataSource.query(`SELECT data FROM audit_events WHERE entity_id = $1 AND action = 'auth.login_failed'`, [staff.id]);
    expect(audited).toEqual([{ data: { reason: 'wrong_mfa_code' } }]);
  });

  it('locks the account after 5 wrong codes, even for the right code afterwards', async () => {
    const staff = await t.user(Role.Staff);
    const secret = await enrol(staff);
    const { mfaToken } = (await login(staff)).body;
    for (let i = 0; i < 5; i++) expect((await t.http.post('/api/v1/auth/mfa').send({ mfaToken, code: wrongCodeFor(secret) })).status).toBe(401);
    const right = await t.http.post('/api/v1/auth/mfa').send({ mfaToken, code: codeFor(secret) });
    expect(right.status).toBe(401);
    expect(right.body.accessToken).toBeUndefined();
    const locks = await t.dataSource.query(`SELECT 1 FROM audit_events WHERE entity_id = $1 AND action = 'auth.account_locked'`, [staff.id]);
    expect(locks).toHaveLength(1);
  });

  it('never accepts an mfaToken as a bearer token or cookie, nor an access token as an mfaToken', async () => {
    const staff = await t.user(Role.Staff);
    const secret = await enrol(staff);
    const { mfaToken } = (await login(staff)).body;
    const asBearer = await t.http.get('/api/v1/me').set(bearer(mfaToken));
    expect(asBearer.status).toBe(401);
    expect((await t.http.get('/api/v1/me').set('Cookie', `dsr_session=${mfaToken}`)).status).toBe(401);

    const subject = await t.user(Role.Subject);
    const accessAsMfa = await t.http.post('/api/v1/auth/mfa').send({ mfaToken: subject.token, code: codeFor(secret) });
    expect(accessAsMfa.status).toBe(401);
    expect(accessAsMfa.body.accessToken).toBeUndefined();
  });
});
