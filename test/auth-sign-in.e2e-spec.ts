import { authenticator } from 'otplib';
import { SignInProtection1764403700000 } from '../migrations/1764403700000-sign-in-protection';
import { PasswordHasher } from '../src/accounts/password-hasher';
import { UnknownSignInTally } from '../src/auth/unknown-sign-in-tally';
import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Sign-in hardening: the password rule, the same work for a known and an unknown e-mail, a lockout
 * per account and client address, a per-account limit on writes, and an audit trail that unknown
 * e-mails cannot grow one event per attempt. The client address is taken from X-Forwarded-For here
 * (TRUST_PROXY), so that one test can play an attacker and the account's owner.
 */
describe('sign-in hardening (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'true', ACCOUNT_WRITE_RATE_LIMIT: '5' });
  });
  afterAll(() => t.close());

  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const loginFrom = (address: string, email: string, password: string) =>
    t.http.post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ email, password });

  describe('a known and an unknown e-mail cost the same', () => {
    it('verifies against a ready-made argon2id hash for an unknown e-mail, once, as for a wrong password (no hash computed)', async () => {
      const u = await t.user(Role.Subject);
      const hasher = t.app.get(PasswordHasher);
      const verify = jest.spyOn(hasher, 'verify');
      const hash = jest.spyOn(hasher, 'hash');
      try {
        // The first unknown e-mail of this application: nothing may be prepared on its path.
        const unknown = await loginFrom('192.0.2.10', 'first.unknown.person@example.com', 'some password here');
        expect(unknown.status).toBe(401);
        expect([verify.mock.calls.length, hash.mock.calls.length]).toEqual([1, 0]);
        const wrong = await loginFrom('192.0.2.10', u.email, 'some password here');
        expect(wrong.status).toBe(401);
        expect([verify.mock.calls.length, hash.mock.calls.length]).toEqual([2, 0]);
        expect(unknown.body).toEqual(wrong.body);

        // Both verifications ran argon2id with the parameters of a real hash.
        const [{ password_hash: real }] = await t.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [u.id]);
        const parameters = (h: string) => h.split('$').slice(1, 4).join('$');
        expect(parameters(verify.mock.calls[0][0])).toBe(parameters(real as string));
        expect(verify.mock.calls[1][0]).toBe(real);
      } finally {
        verify.mockRestore();
        hash.mockRestore();
      }
    });
  });

  describe('the password rule', () => {
    const email = 'zhang.xiaoming@example.com';
    const refusedPasswords: [string, string, RegExp][] = [
      ['shorter than 10 characters', 'Tr0ub4dor', /must be 10 to 200 characters/],
      ['a common password', '1234567890', /one of the most common passwords/],
      ['a common password in other letter case', 'PassWord123', /one of the most common passwords/],
      ['a common Chinese password', 'woaini1314', /one of the most common passwords/],
      ['a keyboard walk', 'QWERTYUIOP', /one of the most common passwords/],
      ['a common pattern', 'a1b2c3d4e5', /one of the most common passwords/],
      ['the e-mail address', 'Zhang.Xiaoming@Example.com', /must not be the email address/],
      ['the part of the e-mail before the @', 'ZHANG.XIAOMING', /must not be the email address/],
    ];

    it.each(refusedPasswords)('refuses registration with a password that is %s: 400 naming the field, nothing written', async (_, password, message) => {
      const before = await t.tableCounts();
      const res = await t.http.post('/api/v1/auth/register').send({ email, password });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'validation_failed' });
      expect(res.body.errors).toEqual([{ field: 'password', messages: [expect.stringMatching(message)] }]);
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses the same passwords when an admin creates an account', async () => {
      for (const [, password, message] of refusedPasswords) {
        // A fresh admin per attempt: the per-account write limit of this file is 5 a minute.
        const admin = await t.user(Role.Admin);
        const before = await t.tableCounts();
        const res = await t.http.post('/api/v1/accounts').set(auth(admin)).send({ email, password, role: 'staff' });
        expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
        expect(res.body.errors).toEqual([{ field: 'password', messages: [expect.stringMatching(message)] }]);
        expect(await t.tableCounts()).toEqual(before);
      }
    });

    it('accepts a long, uncommon password', async () => {
      const res = await t.http.post('/api/v1/auth/register').send({ email, password: 'tea kettle on a Tuesday' });
      expect(res.status).toBe(201);
    });
  });

  describe('lockout per account and client address', () => {
    it("an attacker's failures lock the account at the attacker's address only: its owner signs in from another", async () => {
      const owner = await t.user(Role.Subject);
      for (let i = 0; i < 5; i++) expect((await loginFrom('203.0.113.9', owner.email, `guess number ${i}`)).status).toBe(401);
      // Locked where the guesses came from, even for the right password …
      expect((await loginFrom('203.0.113.9', owner.email, owner.password)).status).toBe(401);
      // … but not for the owner, elsewhere; and the owner's sign-in does not unlock the attacker.
      const own = await loginFrom('198.51.100.7', owner.email, owner.password);
      expect(own.status).toBe(200);
      expect(own.body.accessToken).toEqual(expect.any(String));
      expect((await loginFrom('203.0.113.9', owner.email, owner.password)).status).toBe(401);

      const locks: { locked: number }[] = await t.dataSource.query(
        `SELECT count(*)::int AS locked FROM sign_in_failures WHERE user_id = $1 AND locked_until > now()`,
        [owner.id],
      );
      expect(locks[0].locked).toBe(1);
      // The address is kept only as a keyed hash.
      const stored = JSON.stringify(await t.dataSource.query(`SELECT * FROM sign_in_failures WHERE user_id = $1`, [owner.id]));
      expect(stored).not.toMatch(/203\.0\.113|198\.51\.100/);
    });

    it('counts an IPv6 client by its /64, as the throttle does, so that rotating addresses within it gains nothing', async () => {
      const owner = await t.user(Role.Subject);
      for (let i = 0; i < 5; i++) expect((await loginFrom('2001:db8:1:2::1', owner.email, `guess number ${i}`)).status).toBe(401);
      expect((await loginFrom('2001:db8:1:2::beef', owner.email, owner.password)).status).toBe(401);
      expect((await loginFrom('2001:db8:1:3::1', owner.email, owner.password)).status).toBe(200);
    });

    it('adds up wrong second-factor codes from every address: only a holder of the password gets that far', async () => {
      const staff = await t.user(Role.Staff);
      const start = await t.http.post('/api/v1/auth/mfa/enrol').set(auth(staff));
      const secret = start.body.secret as string;
      const previous = authenticator.clone({ epoch: Date.now() - 30_000 }).generate(secret);
      expect((await t.http.post('/api/v1/auth/mfa/enrol/confirm').set(auth(staff)).send({ code: previous })).status).toBe(200);
      const valid = new Set([-1, 0, 1].map((step) => authenticator.clone({ epoch: Date.now() + step * 30_000 }).generate(secret)));
      const wrong = ['000000', '111111', '222222', '333333', '444444', '555555'].filter((c) => !valid.has(c))[0];
      const codeFrom = async (address: string, code: string) => {
        const { mfaToken } = (await loginFrom(address, staff.email, staff.password)).body as { mfaToken: string };
        return t.http.post('/api/v1/auth/mfa').set('X-Forwarded-For', address).send({ mfaToken, code });
      };
      for (let i = 0; i < 5; i++) expect((await codeFrom(`198.51.100.${20 + i}`, wrong)).status).toBe(401);
      const right = await codeFrom('198.51.100.99', authenticator.generate(secret));
      expect(right.status).toBe(401);
      expect(right.body.accessToken).toBeUndefined();
    });
  });

  describe('a per-account limit on writes (ACCOUNT_WRITE_RATE_LIMIT=5)', () => {
    it('answers the 6th write of a minute with 429 in the usual shape and Retry-After, on any route; reads and other accounts go on', async () => {
      const s = await t.user(Role.Subject);
      const other = await t.user(Role.Subject);
      const file = (u: TestUser) => t.http.post('/api/v1/requests').set(auth(u)).send({ type: 'access' });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await file(s)).status);
      expect(statuses).toEqual([201, 409, 409, 409, 409]);

      const before = await t.tableCounts();
      const [own] = (await t.http.get('/api/v1/requests').set(auth(s))).body as { id: string }[];
      const throttled = [await file(s), await t.http.post(`/api/v1/requests/${own.id}/cancel`).set(auth(s))];
      for (const res of throttled) {
        expect(res.status).toBe(429);
        expect(res.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.any(String), code: 'throttled' });
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
      }
      expect(await t.tableCounts()).toEqual(before);
      expect((await t.http.get(`/api/v1/requests/${own.id}`).set(auth(s))).body.status).toBe('submitted');
      expect((await file(other)).status).toBe(201);
    });
  });

  describe('failed sign-ins with unknown e-mails', () => {
    const unknownEvents = async (): Promise<{ actor_id: string | null; entity_id: string | null; data: Record<string, unknown> }[]> =>
      t.dataSource.query(
        `SELECT actor_id, entity_id, data FROM audit_events WHERE action = 'auth.login_failed' AND data->>'reason' = 'unknown_account' ORDER BY n`,
      );

    it('are tallied, not audited one event per attempt; the tally becomes one event per minute, with counts and no e-mail', async () => {
      const tally = t.app.get(UnknownSignInTally);
      // Whatever earlier tests tallied is written out first.
      await t.dataSource.query(`UPDATE unknown_sign_in_tallies SET window_start = window_start - interval '1 minute'`);
      await tally.flush();
      const already = (await unknownEvents()).length;
      const attempts: [string, string][] = [
        ['203.0.113.20', 'ghost.one@example.com'],
        ['203.0.113.20', 'GHOST.ONE@example.com'],
        ['203.0.113.20', 'ghost.one@example.com'],
        ['203.0.113.21', 'ghost.two@example.com'],
        ['203.0.113.21', 'ghost.one@example.com'],
        ['203.0.113.21', 'ghost.two@example.com'],
      ];
      for (const [address, email] of attempts) expect((await loginFrom(address, email, 'whatever12345')).status).toBe(401);

      // A minute later (the tally is moved back by one), it is written as one event per minute.
      await t.dataSource.query(`UPDATE unknown_sign_in_tallies SET window_start = window_start - interval '1 minute'`);
      await tally.flush();
      const events = (await unknownEvents()).slice(already);
      // Six attempts, made within seconds: one event (two if a minute turned meanwhile), never six.
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events.length).toBeLessThanOrEqual(2);
      expect(events.reduce((sum, e) => sum + (e.data.attempts as number), 0)).toBe(6);
      for (const e of events) {
        expect(e).toMatchObject({ actor_id: null, entity_id: null });
        expect(e.data).toEqual({
          reason: 'unknown_account',
          from: expect.any(String),
          to: expect.any(String),
          attempts: expect.any(Number),
          emails: expect.any(Number),
          clients: expect.any(Number),
        });
        expect(Date.parse(e.data.to as string) - Date.parse(e.data.from as string)).toBe(60_000);
      }
      if (events.length === 1) expect(events[0].data).toMatchObject({ attempts: 6, emails: 2, clients: 2 });
      expect(JSON.stringify(events)).not.toMatch(/ghost|example\.com|203\.0\.113/);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM unknown_sign_in_tallies`);
      expect(n).toBe(0);

      // Flushed once: flushing again adds nothing.
      await tally.flush();
      expect((await unknownEvents()).slice(already)).toEqual(events);
    });
  });

  describe('the migration', () => {
    it('has a real down(): the tables go and the account-wide columns come back, empty; up() restores the tables', async () => {
      const runner = (await t.owner()).createQueryRunner();
      await runner.startTransaction();
      try {
        await new SignInProtection1764403700000().down(runner);
        expect(await runner.query(`SELECT to_regclass('sign_in_failures') AS a, to_regclass('unknown_sign_in_tallies') AS b`)).toEqual([{ a: null, b: null }]);
        expect(await runner.query(`SELECT count(*)::int AS n FROM users WHERE failed_login_count <> 0 OR locked_until IS NOT NULL`)).toEqual([{ n: 0 }]);
        await new SignInProtection1764403700000().up(runner);
        expect(await runner.query(`SELECT count(*)::int AS n FROM sign_in_failures`)).toEqual([{ n: 0 }]);
        const columns: { column_name: string }[] = await runner.query(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name IN ('failed_login_count', 'locked_until')`,
        );
        expect(columns).toEqual([]);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });
  });
});
