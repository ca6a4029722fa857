import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';
import { Role } from '../src/kernel/role';
import { buildDataSourceOptions } from '../src/database/typeorm-options';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The portal on a PostgreSQL this file can stop, start, freeze and thaw (its own server, run by
 * test/support/stoppable-postgres.js): health and the API must answer 503 promptly while the
 * database is away, never hang or fail with 500, and recover by themselves when it is back.
 */
describe('health and database outages', () => {
  let server: ChildProcessWithoutNullStreams;
  let nextLine: () => Promise<string>;
  let t: TestApp;
  let staff: TestUser;

  const command = async (cmd: string, answer: string) => {
    server.stdin.write(`${cmd}\n`);
    expect(await nextLine()).toBe(answer);
  };

  const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const started = Date.now();
    const result = await work();
    return { result, ms: Date.now() - started };
  };

  const health = () => t.http.get('/health');
  const me = () => t.http.get('/api/v1/me').set('Authorization', `Bearer ${staff.token}`);

  /** Polls until `ready` holds, for at most `ms`; returns how long it took. */
  const eventually = async (ready: () => Promise<boolean>, ms: number): Promise<number> => {
    const started = Date.now();
    while (!(await ready())) {
      if (Date.now() - started > ms) throw new Error(`not ready after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return Date.now() - started;
  };

  beforeAll(async () => {
    server = spawn(process.execPath, [join(__dirname, 'support', 'stoppable-postgres.js')], { stdio: 'pipe' });
    const lines = createInterface({ input: server.stdout });
    const pending: string[] = [];
    const waiting: Array<(line: string) => void> = [];
    lines.on('line', (line) => (waiting.length ? waiting.shift()!(line) : pending.push(line)));
    nextLine = () => (pending.length ? Promise.resolve(pending.shift()!) : new Promise((resolve) => waiting.push(resolve)));
    const { url } = JSON.parse(await nextLine()) as { url: string };

    const ds = new DataSource(buildDataSourceOptions(url));
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();

    t = await createTestApp({ DATABASE_URL: url });
    staff = await t.user(Role.Staff);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.stdin.end('quit\n');
      await exited;
    }
  });

  it('answers 200 while the database answers', async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    expect((await me()).status).toBe(200);
  });

  it('answers 503 at once when the database is stopped, and recovers by itself when it starts again', async () => {
    await command('stop', 'stopped');
    try {
      const down = await timed(() => health());
      expect(down.result.status).toBe(503);
      expect(down.ms).toBeLessThan(3000);
      expect(down.result.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'The database does not answer',
        code: 'database_unavailable',
        status: 'error',
        details: { database: { status: 'down' } },
      });
      // Still down a moment later (no stale "up" from a pooled connection).
      expect((await health()).status).toBe(503);
    } finally {
      await command('start', 'started');
    }
    await eventually(async () => (await health()).status === 200, 10_000);
    expect((await health()).body).toMatchObject({ status: 'ok' });
    expect((await me()).status).toBe(200);
  }, 60_000);

  it('answers an authenticated API call with 503 database_unavailable, not 401, 500 or a hang, while the database is stopped', async () => {
    await command('stop', 'stopped');
    let api: { result: Awaited<ReturnType<typeof me>>; ms: number };
    try {
      api = await timed(() => me());
    } finally {
      await command('start', 'started');
    }
    expect(api.ms).toBeLessThan(5000);
    expect({ status: api.result.status, code: api.result.body.code }).toEqual({ status: 503, code: 'database_unavailable' });
    await eventually(async () => (await me()).status === 200, 10_000);
  }, 60_000);

  it('answers 503 within the ping timeout when the database accepts connections but answers nothing', async () => {
    // Fill the pool with live connections first, so that the ping is sent down one of them.
    await Promise.all(Array.from({ length: 5 }, () => health()));
    await command('freeze', 'frozen');
    try {
      const first = await timed(() => health());
      expect(first.result.status).toBe(503);
      expect(first.result.body).toMatchObject({ code: 'database_unavailable', status: 'error' });
      expect(first.ms).toBeGreaterThanOrEqual(1400);
      expect(first.ms).toBeLessThan(4000);
      // Again, with the earlier ping still stuck on its connection.
      const second = await timed(() => health());
      expect(second.result.status).toBe(503);
      expect(second.ms).toBeLessThan(4000);
    } finally {
      await command('thaw', 'thawed');
    }
    await eventually(async () => (await health()).status === 200, 10_000);
    expect((await me()).status).toBe(200);
  }, 60_000);
});
