import { deflateSync, gzipSync } from 'node:zlib';
import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Hostile input at the HTTP edge: whatever arrives, the answer is a 4xx in the API's error shape,
 * never a 500, and a refused call changes nothing.
 */
describe('the HTTP edge refuses hostile input with a 4xx and changes nothing (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: TestUser;
  let staff: TestUser;
  let subject: TestUser;
  /** a delete_account request in review (claimed by staff) */
  let inReview: string;
  /** a request awaiting its subject's reply */
  let awaiting: string;
  /** the subject whose request awaits a reply */
  let replier: TestUser;
  let before: Record<string, number>;
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    t = await createTestApp();
    [admin, staff] = [await t.user(Role.Admin), await t.user(Role.Staff)];
    const fileDelete = async (s: TestUser) => {
      const res = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'delete_account', password: s.password });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      expect((await t.http.post(`/api/v1/staff/requests/${id}/claim`).set(auth(staff))).status).toBe(200);
      return id;
    };
    subject = await t.user(Role.Subject, { displayName: '张三', phone: '13812341234' });
    inReview = await fileDelete(subject);
    const other = await t.user(Role.Subject);
    awaiting = await fileDelete(other);
    const asked = await t.http.post(`/api/v1/staff/requests/${awaiting}/ask`).set(auth(staff)).send({ question: 'which account?' });
    expect(asked.status).toBe(200);
    replier = other;
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    before = await t.tableCounts();
  });
  afterEach(async () => {
    expect(await t.tableCounts()).toEqual(before);
  });

  /** A refusal in the API's one error shape, with this status (and code, and field, when given). */
  function expectRefusal(res: { status: number; body: Record<string, unknown> }, status: number, code?: string, field?: string): void {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code: code ?? expect.any(String) });
    expect(res.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
    if (field) expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  }

  describe('content encodings', () => {
    const plain = () => JSON.stringify({ email: admin.email, password: admin.password });

    it.each(['gzip', 'deflate'])('a body that claims %s but is not compressed → 400, on any path, signed in or not', async (encoding) => {
      for (const path of ['/api/v1/auth/login', '/api/v1/auth/register', '/nowhere', '/api/v1/requests']) {
        const res = await t.http.post(path).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(plain());
        expectRefusal(res, 400, 'unreadable_body');
      }
    });

    it.each(['br', 'identity, gzip', 'x-made-up', 'gzip, gzip', 'zstd'])('an unsupported content encoding (%s) → 415', async (encoding) => {
      for (const path of ['/api/v1/auth/login', '/nowhere']) {
        const res = await t.http.post(path).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send(plain());
        expectRefusal(res, 415, 'unsupported_encoding');
      }
    });

    it('still reads a body that really is gzip or deflate', async () => {
      for (const [encoding, zip] of [
        ['gzip', gzipSync],
        ['deflate', deflateSync],
      ] as const) {
        // The client library would serialise a Buffer to JSON for this Content-Type (its typings say
        // a serialiser returns text): the compressed bytes are sent as they are instead.
        const res = await t.http
          .post('/api/v1/auth/login')
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', encoding)
          .serialize((body: Buffer) => body as unknown as string)
          .send(zip(plain()));
        expect(res.status).toBe(200);
      }
      // Each sign-in opens a session: put the counts the afterEach compares against in step.
      before = await t.tableCounts();
    });
  });

  describe('deeply nested bodies', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

    it.each(['/api/v1/auth/login', '/api/v1/auth/register'])('a body 1,300 levels deep on %s → 400 body_too_deep', async (path) => {
      const body = `{"email":${nested(1300)},"password":"long enough password"}`;
      expect(body.length).toBeLessThan(4000);
      const res = await t.http.post(path).set('Content-Type', 'application/json').send(body);
      expectRefusal(res, 400, 'body_too_deep');
    });

    it('refuses 33 levels and lets 32 reach validation', async () => {
      // The root object is level 1: 31 arrays inside it make 32 levels, 32 arrays make 33.
      const at = (arrays: number) => `{"email":${nested(arrays)},"password":"long enough password"}`;
      expectRefusal(await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').send(at(32)), 400, 'body_too_deep');
      expectRefusal(await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').send(at(31)), 400, 'validation_failed', 'email');
    });

    it('refuses a deep body on a route that takes none, and on a signed-in route', async () => {
      const deep = `{"a":${nested(200)}}`;
      expectRefusal(
        await t.http.post(`/api/v1/staff/requests/${inReview}/claim`).set(auth(staff)).set('Content-Type', 'application/json').send(deep),
        400,
        'body_too_deep',
      );
      expectRefusal(
        await t.http.post(`/api/v1/staff/requests/${inReview}/ask`).set(auth(staff)).set('Content-Type', 'application/json').send(deep),
        400,
        'body_too_deep',
      );
    });
  });

  describe('NUL characters and unpaired surrogates', () => {
    const BAD = ['\u0000', 'a\u0000b', '\udc00', 'x\ud800', '\ud800\ud800\udc00\udc00'];

    it.each(BAD.map((s) => [JSON.stringify(s), s]))('%s in any string field → 400 naming the field', async (_, bad) => {
      const cases: { name: string; send: () => Promise<{ status: number; body: Record<string, unknown> }>; field: string }[] = [
        {
          name: 'login email',
          send: () => t.http.post('/api/v1/auth/login').send({ email: `a${bad}@example.com`, password: 'long enough password' }),
          field: 'email',
        },
        {
          name: 'login password',
          send: () => t.http.post('/api/v1/auth/login').send({ email: admin.email, password: `${admin.password}${bad}` }),
          field: 'password',
        },
        {
          name: 'register email',
          send: () => t.http.post('/api/v1/auth/register').send({ email: `nul${bad}@example.com`, password: 'long enough password' }),
          field: 'email',
        },
        {
          name: 'register display name',
          send: () => t.http.post('/api/v1/auth/register').send({ email: 'nul.name@example.com', password: 'long enough password', displayName: `张${bad}三` }),
          field: 'displayName',
        },
        {
          name: 'accounts create display name',
          send: () =>
            t.http
              .post('/api/v1/accounts')
              .set(auth(admin))
              .send({ email: 'nul.staff@example.com', password: 'long enough password', role: 'staff', displayName: `李${bad}` }),
          field: 'displayName',
        },
        {
          name: 'question',
          send: () =>
            t.http
              .post(`/api/v1/staff/requests/${inReview}/ask`)
              .set(auth(staff))
              .send({ question: `which${bad}?` }),
          field: 'question',
        },
        {
          name: 'decision reason',
          send: () =>
            t.http
              .post(`/api/v1/staff/requests/${inReview}/decision`)
              .set(auth(staff))
              .send({ outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified', reason: `无法核实身份${bad}` }),
          field: 'reason',
        },
        {
          name: 'reply',
          send: () =>
            t.http
              .post(`/api/v1/requests/${awaiting}/reply`)
              .set(auth(replier))
              .send({ message: `1234${bad}` }),
          field: 'message',
        },
        {
          name: 'reveal reason',
          send: () =>
            t.http
              .post(`/api/v1/staff/subjects/${subject.id}/reveal`)
              .set(auth(staff))
              .send({ field: 'phone', reason: `Subject asked by phone ${bad} ticket 4711` }),
          field: 'reason',
        },
        {
          name: 'an array element',
          send: () =>
            t.http
              .post(`/api/v1/staff/requests/${inReview}/decision`)
              .set(auth(staff))
              .send({ outcome: 'approve', clauses: [`face.retain.2${bad}`] }),
          field: 'clauses.0',
        },
        {
          name: 'a provision id',
          send: () =>
            t.http
              .post(`/api/v1/staff/requests/${inReview}/decision`)
              .set(auth(staff))
              .send({ outcome: 'reject', clauses: [], law: [`GBT35273.8.7${bad}`], ground: 'identity_not_verified', reason: '无法核实申请人身份' }),
          field: 'law.0',
        },
        {
          name: 'a key',
          send: () => t.http.post('/api/v1/auth/login').send({ email: admin.email, password: admin.password, [`x${bad}`]: 1 }),
          field: `x${bad}`.replaceAll('\u0000', '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
        },
        {
          name: 'a query parameter',
          send: () => t.http.get(`/api/v1/audit?entity=${encodeURIComponent('a\u0000')}`).set(auth(admin)),
          field: 'entity',
        },
        {
          name: 'a path parameter',
          send: () =>
            t.http
              .post(`/api/v1/consents/${encodeURIComponent('new_purpose:\u0000')}`)
              .set(auth(subject))
              .send({ state: 'granted' }),
          field: 'purpose',
        },
      ];
      for (const c of cases) {
        const res = await c.send();
        expect({ case: c.name, status: res.status, code: res.body.code }).toEqual({ case: c.name, status: 400, code: 'validation_failed' });
        expectRefusal(res, 400, 'validation_failed', c.field);
      }
    });

    it('keeps well-formed text intact: Chinese, emoji (paired surrogates), U+FFFD', async () => {
      const displayName = '张三丰 🐉 \ufffd';
      const reg = await t.http.post('/api/v1/auth/register').send({ email: 'well.formed@example.com', password: 'long enough password', displayName });
      expect(reg.status).toBe(201);
      before = await t.tableCounts();
    });
  });

  describe('integers out of range in paths and query strings', () => {
    it.each(['2147483648', '-1', '0', '99999999999999999999999', '1.5', '1e3', '0x10', 'NaN', 'Infinity'])(
      'a policy version of %s → 400 naming version',
      async (value) => {
        expectRefusal(await t.http.get(`/api/v1/policy/versions/${encodeURIComponent(value)}`), 400, 'validation_failed', 'version');
        expectRefusal(await t.http.get(`/api/v1/policy/clauses/1.a?version=${encodeURIComponent(value)}`), 400, 'validation_failed', 'version');
      },
    );

    it('the largest version a column holds is a plain 404', async () => {
      const res = await t.http.get('/api/v1/policy/versions/2147483647');
      expect(res.status).toBe(404);
    });

    it.each(['2147483648', '-1', '99999999999999999999999', '1e2', '2.5'])('an audit page size of %s → 400 naming limit', async (value) => {
      expectRefusal(await t.http.get(`/api/v1/audit?limit=${encodeURIComponent(value)}`).set(auth(admin)), 400, 'validation_failed', 'limit');
    });

    it.each(['99999999999999999999', '-1', '1.5'])('an audit anchor seq of %s → 400 naming seq', async (value) => {
      const head = 'a'.repeat(64);
      expectRefusal(await t.http.get(`/api/v1/audit/verify?seq=${encodeURIComponent(value)}&head=${head}`).set(auth(admin)), 400, 'validation_failed', 'seq');
    });
  });

  describe('cursors are opaque, signed, and checked', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const uuid = '6f1c1d7e-3f0a-4b8e-9a57-1d2a3b4c5d6e';

    it.each(['9999999999999999999', '99999999999999999999', '-1', '1', '18446744073709551615', 'abc', '1.5'])(
      'an audit cursor of %s → 400 invalid_cursor',
      async (cursor) => {
        expectRefusal(await t.http.get(`/api/v1/audit?cursor=${encodeURIComponent(cursor)}`).set(auth(admin)), 400, 'invalid_cursor', 'cursor');
      },
    );

    it.each([
      ['a time past the bigint range', b64(['9999999999999999999', uuid])],
      ['a time past the timestamp range', b64(['9223372036854775807', uuid])],
      ['a very negative time', b64(['-9223372036854775808', uuid])],
      ['a plausible forged position', b64(['1764403500123456', uuid])],
      ['a malformed id', b64(['1', 'nope'])],
      ['not base64 JSON', '%%%'],
    ])('a review queue cursor with %s → 400 invalid_cursor', async (_, cursor) => {
      expectRefusal(await t.http.get(`/api/v1/staff/requests?cursor=${encodeURIComponent(cursor)}`).set(auth(staff)), 400, 'invalid_cursor', 'cursor');
    });

    it('a cursor handed out pages on; altered by one character, or taken to the other list, it is refused', async () => {
      const audit = await t.http.get('/api/v1/audit?limit=1').set(auth(admin));
      expect(audit.status).toBe(200);
      const auditCursor = audit.body.nextCursor as string;
      expect(auditCursor).toEqual(expect.any(String));
      expect(auditCursor).not.toMatch(/^\d+$/);
      expect((await t.http.get(`/api/v1/audit?limit=1&cursor=${auditCursor}`).set(auth(admin))).status).toBe(200);

      const queue = await t.http.get('/api/v1/staff/requests?limit=1').set(auth(staff));
      expect(queue.status).toBe(200);
      const queueCursor = queue.body.nextCursor as string;
      expect(queueCursor).toEqual(expect.any(String));
      expect((await t.http.get(`/api/v1/staff/requests?limit=1&cursor=${queueCursor}`).set(auth(staff))).status).toBe(200);

      const flip = (c: string, at: number) => `${c.slice(0, at)}${c[at] === 'A' ? 'B' : 'A'}${c.slice(at + 1)}`;
      for (const at of [0, Math.floor(auditCursor.length / 2), auditCursor.length - 1])
        expectRefusal(await t.http.get(`/api/v1/audit?cursor=${flip(auditCursor, at)}`).set(auth(admin)), 400, 'invalid_cursor');
      for (const at of [0, Math.floor(queueCursor.length / 2), queueCursor.length - 1])
        expectRefusal(await t.http.get(`/api/v1/staff/requests?cursor=${flip(queueCursor, at)}`).set(auth(staff)), 400, 'invalid_cursor');
      expectRefusal(await t.http.get(`/api/v1/audit?cursor=${queueCursor}`).set(auth(admin)), 400, 'invalid_cursor');
      expectRefusal(await t.http.get(`/api/v1/staff/requests?cursor=${auditCursor}`).set(auth(staff)), 400, 'invalid_cursor');
    });
  });
});
