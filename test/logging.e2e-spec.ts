import { createTestApp, TestApp } from './support/test-app';

describe('logs are structured and hold nothing personal (LOG_LEVEL=info)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info' });
    // Nest holds back its own log lines until the server listens, and a test app only initialises:
    // release them now (the start-up lines, not wanted here) so that later lines are written at once.
    await captureStdout(() => t.app.flushLogs());
  });
  afterAll(() => t.close());

  /** Everything written to stdout while `work` runs (the logger writes through process.stdout.write). */
  async function captureStdout(work: () => void | Promise<void>): Promise<string> {
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    try {
      await work();
    } finally {
      spy.mockRestore();
    }
    return chunks.join('');
  }

  it('logs register, sign-in, a failed sign-in and me as JSON lines, without passwords, emails, phones, tokens or cookies', async () => {
    const email = 'Li.Lei.Private@Example.com';
    const password = 'my very private passphrase';
    const phone = '+86 138-1234-5678';
    const displayName = '李雷私人';
    const secrets: string[] = [email, email.toLowerCase(), 'li.lei.private', password, phone, '13812345678', displayName];

    const output = await captureStdout(async () => {
      const reg = await t.http.post('/api/v1/auth/register').send({ email, password, phone, displayName });
      expect(reg.status).toBe(201);
      const login = await t.http.post('/api/v1/auth/login?email=li.lei.private%40example.com').send({ email, password });
      expect(login.status).toBe(200);
      const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      secrets.push(login.body.accessToken, login.body.accessToken.split('.')[2], cookie.split('=')[1]);
      const failed = await t.http.post('/api/v1/auth/login').send({ email, password: 'a wrong private guess' });
      expect(failed.status).toBe(401);
      secrets.push('a wrong private guess');
      const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${login.body.accessToken}`).set('Cookie', cookie);
      expect(me.status).toBe(200);
      const refused = await t.http.post('/api/v1/auth/login').set('Content-Type', 'application/json').send(`{"email":"${email}",`);
      expect(refused.status).toBe(400);
    });

    const lines = output.split('\n').filter((l) => l.trim().length > 0);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const entries = lines.map(
      (l) => JSON.parse(l) as { level: number; msg: string; req?: { id: string; method: string; path: string }; res?: { statusCode: number } },
    );
    for (const e of entries) expect(e).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });

    const requests = entries.filter((e) => e.req).map((e) => `${e.req?.method} ${e.req?.path} ${e.res?.statusCode}`);
    expect(requests).toEqual(
      expect.arrayContaining(['POST /api/v1/auth/register 201', 'POST /api/v1/auth/login 200', 'POST /api/v1/auth/login 401', 'GET /api/v1/me 200']),
    );
    expect(entries.some((e) => e.msg === 'request body refused')).toBe(true);
    expect(entries.every((e) => !('headers' in (e.req ?? {})))).toBe(true);

    const leaked = secrets.filter((s) => output.toLowerCase().includes(s.toLowerCase()));
    expect(leaked).toEqual([]);
    expect(output).not.toMatch(/authorization|cookie|bearer/i);
  });
});
