import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { builtEntry, PROJECT_ROOT } from './support/run-ts';
import { createTestDatabase, portalRoleUrl } from './support/test-app';
import { freePort } from './setup/free-port';

interface Portal {
  base: string;
  process: ChildProcess;
  output: () => string;
}

/**
 * Two portal processes on one database, each on its own port, as behind a load balancer: what one
 * counts, revokes or seals, the other sees.
 */
describe('several portal processes behave as one', () => {
  const LOGIN_RATE_LIMIT = 6;
  let databaseUrl: string;
  let dataDir: string;
  const portals: Portal[] = [];

  const start = async (env: Record<string, string>): Promise<Portal> => {
    const port = await freePort();
    const script = await builtEntry('src/main.ts');
    let output = '';
    const child = spawn(process.execPath, [script], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const portal = { base: `http://127.0.0.1:${port}`, process: child, output: () => output };
    portals.push(portal);
    for (let i = 0; i < 600 && !output.includes('is listening'); i++) {
      if (child.exitCode !== null) throw new Error(`the portal exited (${child.exitCode}):\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!output.includes('is listening')) throw new Error(`the portal did not start:\n${output}`);
    return portal;
  };

  const call = async (portal: Portal, method: 'GET' | 'POST', path: string, body?: object, token?: string) => {
    const req = method === 'GET' ? request(portal.base).get(path) : request(portal.base).post(path);
    if (token) void req.set('Authorization', `Bearer ${token}`);
    const res = body ? await req.send(body) : await req;
    return { status: res.status, body: res.body as Record<string, unknown> };
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'dsr-two-portals-'));
    const env = {
      NODE_ENV: 'test',
      // As in production: each process migrates and grants as the owner, then works as a role that owns nothing.
      DATABASE_URL: portalRoleUrl(databaseUrl),
      DATABASE_OWNER_URL: databaseUrl,
      APP_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      DEMO_SEED: 'false',
      WORKER_MODE: 'inline',
      LOG_LEVEL: 'warn',
      LOGIN_RATE_LIMIT: String(LOGIN_RATE_LIMIT),
      AUDIT_SEAL_INTERVAL_MS: '200',
    };
    // One after the other: the first applies the migrations the second then finds applied.
    await start(env);
    await start(env);
  }, 120_000);

  afterAll(async () => {
    for (const p of portals) {
      const exited = new Promise((r) => p.process.once('exit', r));
      p.process.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      if (p.process.exitCode === null) p.process.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts sign-in attempts against one allowance, revokes a session everywhere, and seals one audit chain', async () => {
    const [a, b] = portals;
    const email = `two.${randomUUID().slice(0, 8)}@example.com`;
    const password = `Two-portals-${randomBytes(6).toString('hex')}`;
    expect((await call(a, 'POST', '/api/v1/auth/register', { email, password })).status).toBe(201);
    const onA = await call(a, 'POST', '/api/v1/auth/login', { email, password });
    const onB = await call(b, 'POST', '/api/v1/auth/login', { email, password });
    expect([onA.status, onB.status]).toEqual([200, 200]);

    // Sign-ins 3 to 6 of this address's allowance, two through each process; then one more on each is
    // refused. Counted per process, each would still have half its allowance left.
    const unknown = () => ({ email: `nobody.${randomUUID().slice(0, 8)}@example.com`, password: 'Not-the-password-1' });
    for (const portal of [a, a, b, b]) expect((await call(portal, 'POST', '/api/v1/auth/login', unknown())).status).toBe(401);
    const overA = await call(a, 'POST', '/api/v1/auth/login', unknown());
    const overB = await call(b, 'POST', '/api/v1/auth/login', unknown());
    expect([overA.status, overA.body.code, overB.status, overB.body.code]).toEqual([429, 'throttled', 429, 'throttled']);

    // A session ended through one process is refused by the other.
    const tokenA = onA.body.accessToken as string;
    expect((await call(a, 'GET', '/api/v1/requests', undefined, tokenA)).status).toBe(200);
    expect((await call(b, 'POST', '/api/v1/auth/logout', undefined, tokenA)).status).toBeLessThan(300);
    expect((await call(a, 'GET', '/api/v1/requests', undefined, tokenA)).status).toBe(401);

    // Writes through both processes; both run a sealer: one chain, each event linked once, in order.
    const tokenB = onB.body.accessToken as string;
    expect((await call(b, 'POST', '/api/v1/requests', { type: 'explanation', question: '我的信息会被如何使用？' }, tokenB)).status).toBe(201);
    expect((await call(a, 'POST', '/api/v1/requests', { type: 'disclosure_log' }, tokenB)).status).toBe(201);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      let chain = { events: -1, links: -2, distinct: -3, lastSeq: -4 };
      for (let i = 0; i < 100 && chain.events !== chain.links; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const { rows } = await db.query<typeof chain>(
          `SELECT (SELECT count(*)::int FROM audit_events) AS events, (SELECT count(*)::int FROM audit_chain) AS links,
                  (SELECT count(DISTINCT event_id)::int FROM audit_chain) AS distinct, (SELECT coalesce(max(seq), 0)::int FROM audit_chain) AS "lastSeq"`,
        );
        chain = rows[0];
      }
      expect(chain.events).toBeGreaterThan(3);
      expect(chain).toEqual({ events: chain.events, links: chain.events, distinct: chain.events, lastSeq: chain.events });
    } finally {
      await db.end();
    }
  }, 120_000);
});
