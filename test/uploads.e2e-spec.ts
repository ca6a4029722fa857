import { createHash } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { AppConfig } from '../src/config/app-config';
import { MAX_UPLOAD_BYTES, MAX_WAITING_UPLOADS } from '../src/evidence';
import { Role } from '../src/kernel/role';
import { jpegFile, pdfFile, pdfOfSize, pngFile, upload, uploaded } from './support/evidence-files';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Evidence uploads over HTTP on the real application: what a file is comes from its content alone,
 * one file per body and nothing else, the size limit, the cap on uploads waiting for a filing, the
 * audit event, and every refusal writing nothing.
 */
describe('evidence uploads (POST /api/v1/uploads, real PostgreSQL)', () => {
  let t: TestApp;
  let alice: TestUser;
  /** Accounts that may not upload: made before the refusals, whose tests count rows. */
  let others: Record<Role.Staff | Role.Legal | Role.Admin, TestUser>;
  /** alice's web session cookie */
  let cookie: string;
  let portalOrigin: string;
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const stored = async (id: string): Promise<{ kind: string; size: number; sha256: string; content: Buffer; owner_id: string } | undefined> =>
    (await t.dataSource.query(`SELECT kind, size, sha256, content, owner_id FROM uploads WHERE id = $1`, [id]))[0];

  /** What the application writes to stdout (its log lines), from the start of this file on. */
  const logged: string[] = [];
  let stdout: jest.SpyInstance;

  beforeAll(async () => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    t = await createTestApp({ LOG_LEVEL: 'info' });
    t.app.flushLogs();
    alice = await t.user(Role.Subject);
    others = { [Role.Staff]: await t.user(Role.Staff), [Role.Legal]: await t.user(Role.Legal), [Role.Admin]: await t.user(Role.Admin) };
    const login = await t.http.post('/api/v1/auth/login').send({ email: alice.email, password: alice.password });
    cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    portalOrigin = new URL(t.app.get(AppConfig).env.PUBLIC_URL).origin;
  });
  afterAll(async () => {
    await t.close();
    stdout.mockRestore();
  });

  describe('takes a PDF, a JPEG or a PNG, told by its content whatever its name', () => {
    it.each([
      { label: 'a PDF called photo.png', content: pdfFile('Authorisation letter'), filename: 'photo.png', kind: 'pdf' },
      { label: 'a PNG called letter.pdf', content: pngFile(0x11), filename: 'letter.pdf', kind: 'png' },
      { label: 'a JPEG called notes.txt', content: jpegFile(3), filename: 'notes.txt', kind: 'jpeg' },
      { label: 'a JPEG with no extension at all', content: jpegFile(4), filename: 'scan', kind: 'jpeg' },
    ])('$label → 201, stored as $kind with its hash, the name nowhere', async ({ content, filename, kind }) => {
      // Declared as nothing in particular: only a declared pdf/jpeg/png type is held against the content.
      const res = await upload(t, alice, { content, filename, contentType: 'application/octet-stream' });
      expect(res.status).toBe(201);
      const sha256 = createHash('sha256').update(content).digest('hex');
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), kind, size: content.length, sha256 });
      const row = await stored(res.body.id);
      expect(row).toMatchObject({ kind, size: content.length, sha256, owner_id: alice.id });
      expect(Buffer.compare(row!.content, content)).toBe(0);
      expect(JSON.stringify(res.body)).not.toContain(filename);
    });

    it('takes a file whose declared type is right, even when its name is not', async () => {
      const res = await upload(t, alice, { content: pngFile(0x22), filename: 'statement.pdf', contentType: 'image/png' });
      expect([res.status, res.body.kind]).toEqual([201, 'png']);
    });

    it("takes a file from the portal's own pages with the session cookie", async () => {
      const res = await t.http
        .post('/api/v1/uploads')
        .set('Cookie', cookie)
        .set('Origin', portalOrigin)
        .attach('file', pdfFile('from the web'), { filename: 'a.pdf', contentType: 'application/pdf' });
      expect([res.status, res.body.kind]).toEqual([201, 'pdf']);
    });

    it('takes a file of exactly 10 MiB', async () => {
      const content = pdfOfSize(MAX_UPLOAD_BYTES);
      const res = await upload(t, await t.user(Role.Subject), { content, filename: 'big.pdf', contentType: 'application/pdf' });
      expect([res.status, res.body.size]).toEqual([201, MAX_UPLOAD_BYTES]);
    });

    it('audits the upload with its id, kind and size, and nothing of its name or content', async () => {
      const filename = '身份证-张三-110101199003071234.png';
      const res = await upload(t, alice, { content: pngFile(0x33), filename, contentType: 'image/png' });
      expect(res.status).toBe(201);
      const events = await t.dataSource.query(
        `SELECT actor_id, actor_role, entity_type, subject_ref, data FROM audit_events WHERE action = 'evidence.uploaded' AND entity_id = $1`,
        [res.body.id],
      );
      expect(events).toEqual([
        {
          actor_id: alice.id,
          actor_role: 'subject',
          entity_type: 'upload',
          subject_ref: alice.subjectRef,
          data: { id: res.body.id, kind: 'png', size: res.body.size },
        },
      ]);
      expect(JSON.stringify(events)).not.toMatch(/身份证|110101|\.png/);
    });
  });

  describe('refuses, and stores nothing', () => {
    let before: Record<string, number>;
    beforeEach(async () => {
      before = await t.tableCounts();
    });
    afterEach(async () => {
      expect(await t.tableCounts()).toEqual(before);
    });

    it('a PNG called .pdf and declared application/pdf → 415 upload_type_mismatch', async () => {
      const res = await upload(t, alice, { content: pngFile(0x44), filename: 'letter.pdf', contentType: 'application/pdf' });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({
        statusCode: 415,
        error: 'Unsupported Media Type',
        code: 'upload_type_mismatch',
        message: expect.stringContaining('not what it says'),
        declared: 'application/pdf',
        found: 'png',
      });
      expect(JSON.stringify(res.body)).not.toContain('letter.pdf');
    });

    it('a PDF declared image/jpeg → 415 upload_type_mismatch', async () => {
      const res = await upload(t, alice, { content: pdfFile(), filename: 'a.jpg', contentType: 'image/jpeg' });
      expect([res.status, res.body.code, res.body.found]).toEqual([415, 'upload_type_mismatch', 'pdf']);
    });

    it.each([
      {
        label: 'a text file',
        content: Buffer.from('I, 张三, authorise my daughter to act for me.\n'),
        filename: 'authorisation.pdf',
        contentType: 'application/pdf',
      },
      {
        label: 'a GIF',
        content: Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(20), Buffer.from(';')]),
        filename: 'id.gif',
        contentType: 'image/gif',
      },
      { label: 'a PDF cut short (no %%EOF)', content: pdfFile().subarray(0, 200), filename: 'truncated.pdf', contentType: 'application/pdf' },
      { label: 'a PNG cut short (no IEND)', content: pngFile().subarray(0, 40), filename: 'truncated.png', contentType: 'image/png' },
      { label: 'an HTML page named like a JPEG', content: Buffer.from('<html><script>alert(1)</script></html>'), filename: 'x.jpg', contentType: 'image/jpeg' },
    ])('$label → 415 unsupported_upload, naming the three kinds', async ({ content, filename, contentType }) => {
      const res = await upload(t, alice, { content, filename, contentType });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ statusCode: 415, code: 'unsupported_upload', accepted: ['pdf', 'jpeg', 'png'] });
      expect(res.body.message).toMatch(/PDF.*JPEG.*PNG/);
      expect(JSON.stringify(res.body)).not.toContain(filename);
    });

    it('an empty file → 400 empty_upload', async () => {
      const res = await upload(t, alice, { content: Buffer.alloc(0), filename: 'empty.pdf', contentType: 'application/pdf' });
      expect([res.status, res.body.code]).toEqual([400, 'empty_upload']);
    });

    it('10 MiB and one byte → 413 upload_too_large', async () => {
      const res = await upload(t, alice, { content: pdfOfSize(MAX_UPLOAD_BYTES + 1), filename: 'big.pdf', contentType: 'application/pdf' });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', code: 'upload_too_large', limit: MAX_UPLOAD_BYTES });
    });

    it('a body declared far larger than the limit → 413 before it is read', async () => {
      // A raw request: its Content-Length says 50 MiB and only a few bytes follow. The answer must
      // come without the rest being waited for.
      const server = t.app.getHttpServer() as Server;
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/uploads',
            headers: { ...auth(alice), 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(50 * 1024 * 1024) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              req.destroy();
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
            });
          },
        );
        req.on('error', reject);
        req.write('--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7\n');
      });
      expect([answer.status, answer.body.code]).toEqual([413, 'upload_too_large']);
    });

    it('two files → 400 invalid_upload', async () => {
      const res = await t.http
        .post('/api/v1/uploads')
        .set(auth(alice))
        .attach('file', pdfFile('one'), { filename: 'one.pdf', contentType: 'application/pdf' })
        .attach('file', pdfFile('two'), { filename: 'two.pdf', contentType: 'application/pdf' });
      expect([res.status, res.body.code]).toEqual([400, 'invalid_upload']);
    });

    it('a field beside the file → 400 invalid_upload, before or after it', async () => {
      const before = await t.http
        .post('/api/v1/uploads')
        .set(auth(alice))
        .field('requestId', '00000000-0000-4000-8000-000000000000')
        .attach('file', pdfFile(), { filename: 'a.pdf', contentType: 'application/pdf' });
      expect([before.status, before.body.code]).toEqual([400, 'invalid_upload']);
      const after = await t.http
        .post('/api/v1/uploads')
        .set(auth(alice))
        .attach('file', pdfFile(), { filename: 'a.pdf', contentType: 'application/pdf' })
        .field('ownerId', alice.id);
      expect([after.status, after.body.code]).toEqual([400, 'invalid_upload']);
    });

    it('a file in a part of another name → 400 invalid_upload', async () => {
      const res = await upload(t, alice, { content: pdfFile(), filename: 'a.pdf', contentType: 'application/pdf' }, 'document');
      expect([res.status, res.body.code]).toEqual([400, 'invalid_upload']);
    });

    it('no file: an empty multipart body, or a JSON one → 400 file_required', async () => {
      const empty = await t.http.post('/api/v1/uploads').set(auth(alice)).set('Content-Type', 'multipart/form-data; boundary=x').send('--x--\r\n');
      expect([empty.status, empty.body.code]).toEqual([400, 'file_required']);
      const json = await t.http.post('/api/v1/uploads').set(auth(alice)).send({ file: 'JVBERi0xLjcK' });
      expect([json.status, json.body.code]).toEqual([400, 'file_required']);
      const none = await t.http.post('/api/v1/uploads').set(auth(alice));
      expect([none.status, none.body.code]).toEqual([400, 'file_required']);
    });

    it('a body that is not multipart: another type → 415 at the edge; multipart that is not what it claims → 400, never a 500', async () => {
      const text = await t.http.post('/api/v1/uploads').set(auth(alice)).set('Content-Type', 'text/plain').send('%PDF-1.7\n%%EOF');
      expect([text.status, text.body.code]).toEqual([415, 'unsupported_media_type']);
      const octets = await t.http.post('/api/v1/uploads').set(auth(alice)).set('Content-Type', 'application/pdf').send(pdfFile());
      expect([octets.status, octets.body.code]).toEqual([415, 'unsupported_media_type']);
      const unreadable: [string, Record<string, string>, string | Buffer][] = [
        ['no boundary', { 'Content-Type': 'multipart/form-data' }, '--x\r\n\r\n--x--'],
        [
          'cut off mid-part',
          { 'Content-Type': 'multipart/form-data; boundary=x' },
          '--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7',
        ],
        ['a malformed part header', { 'Content-Type': 'multipart/form-data; boundary=x' }, '--x\r\nContent-Disposition\r\n\r\nx\r\n--x--\r\n'],
        ['gzip claimed, not compressed', { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Encoding': 'gzip' }, '--x--\r\n'],
        [
          'gzip-compressed multipart (not read compressed)',
          { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Encoding': 'gzip' },
          gzipSync('--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7\n%%EOF\r\n--x--\r\n'),
        ],
      ];
      for (const [label, headers, body] of unreadable) {
        const res = await t.http.post('/api/v1/uploads').set(auth(alice)).set(headers).send(body);
        expect({ label, status: res.status, code: res.body.code }).toEqual({
          label,
          status: 400,
          code: expect.stringMatching(/^(invalid_upload|file_required)$/),
        });
      }
      const encoded = await t.http
        .post('/api/v1/uploads')
        .set(auth(alice))
        .set({ 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Encoding': 'br' })
        .send('--x--');
      expect([encoded.status, encoded.body.code]).toEqual([415, 'unsupported_encoding']);
    });

    it('a form posted with the session cookie from another site, or naming none → 403 cross_site_request (a multipart form needs no preflight)', async () => {
      for (const origin of ['https://evil.example', undefined]) {
        let req = t.http.post('/api/v1/uploads').set('Cookie', cookie);
        if (origin) req = req.set('Origin', origin);
        const res = await req.attach('file', pdfFile(), { filename: 'a.pdf', contentType: 'application/pdf' });
        expect({ origin, status: res.status, code: res.body.code }).toEqual({ origin, status: 403, code: 'cross_site_request' });
      }
    });

    it.each([Role.Staff, Role.Legal, Role.Admin] as const)('a file sent by %s → 403', async (role) => {
      const res = await upload(t, others[role], { content: pdfFile(), filename: 'a.pdf', contentType: 'application/pdf' });
      expect([res.status, res.body.code]).toEqual([403, 'not_allowed']);
    });

    it('no one signed in → 401', async () => {
      const res = await t.http.post('/api/v1/uploads').attach('file', pdfFile(), { filename: 'a.pdf', contentType: 'application/pdf' });
      expect([res.status, res.body.code]).toEqual([401, 'not_authenticated']);
    });
  });

  it('logs neither the name nor the content of a file, taken or refused', async () => {
    const from = logged.length;
    const name = 'zhang-san-passport-E12345678';
    const marker = 'PRIVATE-CONTENT-4242';
    const sends = [
      upload(t, alice, { content: pdfFile(marker), filename: `${name}.pdf`, contentType: 'application/pdf' }),
      upload(t, alice, { content: pngFile(0x55), filename: `${name}.pdf`, contentType: 'application/pdf' }),
      upload(t, alice, { content: Buffer.from(`${marker}\n`), filename: `${name}.txt`, contentType: 'text/plain' }),
      upload(t, alice, { content: pdfFile(marker), filename: `${name}.pdf`, contentType: 'application/pdf' }, 'document'),
      upload(t, alice, { content: pdfOfSize(MAX_UPLOAD_BYTES + 1), filename: `${name}.pdf`, contentType: 'application/pdf' }),
    ];
    expect((await Promise.all(sends)).map((r) => r.status)).toEqual([201, 415, 415, 400, 413]);
    const lines = logged
      .slice(from)
      .join('')
      .split('\n')
      .filter((l) => l.includes('/api/v1/uploads'));
    expect(lines).toHaveLength(sends.length);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ req: { method: 'POST', path: '/api/v1/uploads' } });
    expect(logged.slice(from).join('')).not.toMatch(new RegExp(`${name}|${marker}|E12345678`));
  });

  it(`lets a subject keep at most ${MAX_WAITING_UPLOADS} uploads waiting for a filing: the next → 409 too_many_uploads, until one is filed`, async () => {
    const bob = await t.user(Role.Subject);
    const ids: string[] = [];
    for (let i = 0; i < MAX_WAITING_UPLOADS; i++) ids.push(await uploaded(t, bob, pngFile(i)));
    const before = await t.tableCounts();
    const refused = await upload(t, bob, { content: pngFile(0xfe), filename: 'one-more.png', contentType: 'image/png' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ statusCode: 409, code: 'too_many_uploads', limit: MAX_WAITING_UPLOADS });
    expect(await t.tableCounts()).toEqual(before);
    // Another subject is not held back by bob's.
    expect((await upload(t, await t.user(Role.Subject), { content: pngFile(0xfe), filename: 'x.png', contentType: 'image/png' })).status).toBe(201);

    // Once one is filed with a request, there is room for one more (and no more).
    const filed = await t.http.post('/api/v1/requests').set(auth(bob)).send({ type: 'access' });
    expect(filed.status).toBe(201);
    const { EvidenceService } = await import('../src/evidence');
    await t.dataSource.transaction((m) => t.app.get(EvidenceService).attach(m, bob.id, [ids[0]], filed.body.id as string));
    expect((await upload(t, bob, { content: pngFile(0xfd), filename: 'x.png', contentType: 'image/png' })).status).toBe(201);
    expect((await upload(t, bob, { content: pngFile(0xfc), filename: 'x.png', contentType: 'image/png' })).status).toBe(409);
  });

  it('holds to the cap when uploads arrive at once', async () => {
    const carol = await t.user(Role.Subject);
    for (let i = 0; i < MAX_WAITING_UPLOADS - 2; i++) await uploaded(t, carol, pngFile(i));
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => upload(t, carol, { content: pngFile(0x80 + i), filename: 'x.png', contentType: 'image/png' })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM uploads WHERE owner_id = $1`, [carol.id]);
    expect(n).toBe(MAX_WAITING_UPLOADS);
  });
});
