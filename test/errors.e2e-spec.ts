import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

type Verb = 'post' | 'patch';
interface Target {
  name: string;
  method: Verb;
  path: string;
  /** a body this route accepts as well-formed, to be spoiled one way at a time */
  valid: Record<string, unknown>;
  /** a field of the body that must be a bounded string */
  stringField: string;
  maxLength: number;
  token?: () => string;
}

const UUID = '6f1c1e4a-2b7d-4c1e-9a57-3d2f8b9c0a11';

describe('one error shape, and refusals that write nothing (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: TestUser;
  let staff: TestUser;
  let targets: Target[];
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user(Role.Admin);
    staff = await t.user(Role.Staff);
    targets = [
      {
        name: 'register',
        method: 'post',
        path: '/api/v1/auth/register',
        valid: { email: 'new.person@example.com', password: 'long enough password' },
        stringField: 'displayName',
        maxLength: 100,
      },
      {
        name: 'login',
        method: 'post',
        path: '/api/v1/auth/login',
        valid: { email: admin.email, password: admin.password },
        stringField: 'email',
        maxLength: 254,
      },
      { name: 'mfa', method: 'post', path: '/api/v1/auth/mfa', valid: { mfaToken: 'x.y.z', code: '123456' }, stringField: 'mfaToken', maxLength: 2048 },
      {
        name: 'mfa confirm',
        method: 'post',
        path: '/api/v1/auth/mfa/enrol/confirm',
        valid: { code: '123456' },
        stringField: 'code',
        maxLength: 6,
        token: () => staff.token,
      },
      {
        name: 'accounts create',
        method: 'post',
        path: '/api/v1/accounts',
        valid: { email: 'staff.new@example.com', password: 'long enough password', role: 'staff' },
        stringField: 'displayName',
        maxLength: 100,
        token: () => admin.token,
      },
      {
        name: 'accounts role',
        method: 'patch',
        path: `/api/v1/accounts/${UUID}/role`,
        valid: { role: 'legal' },
        stringField: 'role',
        maxLength: 5,
        token: () => admin.token,
      },
    ];
  });
  afterAll(() => t.close());

  const call = (target: Target) => {
    const req = t.http[target.method](target.path);
    return target.token ? req.set('Authorization', `Bearer ${target.token()}`) : req;
  };

  /** Runs `refusal` against every target and asserts each answered `status` (with `code`) and wrote nothing. */
  async function expectRefusedEverywhere(
    send: (target: Target) => ReturnType<typeof call>,
    expected: (target: Target) => { status: number; code: string; field?: string },
  ): Promise<void> {
    const before = await t.tableCounts();
    for (const target of targets) {
      const res = await send(target);
      const want = expected(target);
      expect({ route: target.name, status: res.status, code: res.body.code }).toEqual({ route: target.name, status: want.status, code: want.code });
      expect(res.body).toMatchObject({ statusCode: want.status, error: expect.any(String), message: expect.any(String) });
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      if (want.field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(want.field);
    }
    expect(await t.tableCounts()).toEqual(before);
  }

  it('malformed JSON → 400 malformed_json', async () => {
    await expectRefusedEverywhere(
      (target) => call(target).set('Content-Type', 'application/json').send('{"email": "a@b.c", '),
      () => ({ status: 400, code: 'malformed_json' }),
    );
  });

  it('a body that is JSON but not an object → 400', async () => {
    await expectRefusedEverywhere(
      (target) => call(target).set('Content-Type', 'application/json').send('"just a string"'),
      () => ({ status: 400, code: 'malformed_json' }),
    );
  });

  it('an unknown field → 400 naming it', async () => {
    await expectRefusedEverywhere(
      (target) => call(target).send({ ...target.valid, isAdmin: true }),
      () => ({ status: 400, code: 'validation_failed', field: 'isAdmin' }),
    );
  });

  it('a __proto__ or constructor key → 400 naming it, never silently dropped', async () => {
    await expectRefusedEverywhere(
      (target) => call(target).set('Content-Type', 'application/json').send(JSON.stringify(target.valid).replace(/^\{/, '{"__proto__":{"role":"admin"},')),
      () => ({ status: 400, code: 'validation_failed', field: '__proto__' }),
    );
    await expectRefusedEverywhere(
      (target) =>
        call(target)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ ...target.valid, constructor: { prototype: 1 } })),
      () => ({ status: 400, code: 'validation_failed', field: 'constructor' }),
    );
  });

  it('a wrong type → 400 naming the field', async () => {
    await expectRefusedEverywhere(
      (target) => call(target).send({ ...target.valid, [target.stringField]: { nested: ['not', 'a', 'string'] } }),
      (target) => ({ status: 400, code: 'validation_failed', field: target.stringField }),
    );
    await expectRefusedEverywhere(
      (target) => call(target).send({ ...target.valid, [target.stringField]: 12345 }),
      (target) => ({ status: 400, code: 'validation_failed', field: target.stringField }),
    );
  });

  it('an over-long string → 400 naming the field', async () => {
    await expectRefusedEverywhere(
      (target) => call(target).send({ ...target.valid, [target.stringField]: '长'.repeat(target.maxLength + 1) }),
      (target) => ({ status: 400, code: 'validation_failed', field: target.stringField }),
    );
  });

  it('a missing body → 400, not 500', async () => {
    await expectRefusedEverywhere(
      (target) => call(target),
      () => ({ status: 400, code: 'validation_failed' }),
    );
  });

  it('a body over BODY_LIMIT → 413 in the API shape', async () => {
    await expectRefusedEverywhere(
      (target) => call(target).send({ ...target.valid, [target.stringField]: 'x'.repeat(150 * 1024) }),
      () => ({ status: 413, code: 'body_too_large' }),
    );
  });

  it('an id in the path that is not a UUID → 400 invalid_id', async () => {
    const before = await t.tableCounts();
    const res = await t.http.patch('/api/v1/accounts/not-a-uuid/role').set('Authorization', `Bearer ${admin.token}`).send({ role: 'staff' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.any(String),
      code: 'invalid_id',
      errors: [{ field: 'id', messages: expect.any(Array) }],
    });
    expect(await t.tableCounts()).toEqual(before);
  });

  it('an unknown role value → 400; an unknown account → 404', async () => {
    const bad = await t.http.patch(`/api/v1/accounts/${admin.id}/role`).set('Authorization', `Bearer ${admin.token}`).send({ role: 'superuser' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('role');
    const missing = await t.http.patch(`/api/v1/accounts/${UUID}/role`).set('Authorization', `Bearer ${admin.token}`).send({ role: 'staff' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'account_not_found' });
  });

  it('an unknown route → 404 in the API shape', async () => {
    const before = await t.tableCounts();
    for (const res of [await t.http.get('/api/v1/no-such-thing'), await t.http.post('/nowhere').send({ a: 1 })]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), code: 'not_found' });
      expect(res.headers['content-type']).toMatch(/application\/json/);
    }
    expect(await t.tableCounts()).toEqual(before);
  });

  it('keeps Chinese text and emoji in a display name intact, there and back', async () => {
    const displayName = '张三丰 🐉 👩‍👩‍👧 ǅ';
    const reg = await t.http.post('/api/v1/auth/register').send({ email: 'unicode.person@example.com', password: 'long enough password', displayName });
    expect(reg.status).toBe(201);
    const token = await t.login('unicode.person@example.com', 'long enough password');
    expect((await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`)).body.displayName).toBe(displayName);

    const created = await t.http
      .post('/api/v1/accounts')
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ email: 'unicode.staff@example.com', password: 'long enough password', role: 'staff', displayName: '李四 😀' });
    expect(created.status).toBe(201);
    expect(created.body.displayName).toBe('李四 😀');
    const stored: { display_name: string }[] = await t.dataSource.query(`SELECT display_name FROM users WHERE id = ANY($1) ORDER BY created_at`, [
      [reg.body.id, created.body.id],
    ]);
    expect(stored.map((r) => r.display_name)).toEqual([displayName, '李四 😀']);
  });

  it('returns X-Request-Id on every response, keeping an acceptable one the caller sent', async () => {
    const ok = await t.http.get('/health');
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.http.get('/health').set('X-Request-Id', 'client-chosen-id-123');
    expect(given.headers['x-request-id']).toBe('client-chosen-id-123');
    const hostile = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces <script>');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').set('X-Request-Id', 'client-chosen-id-456').send('{');
    expect(refused.headers['x-request-id']).toBe('client-chosen-id-456');
  });
});
