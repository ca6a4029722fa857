import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const ROOT = join(__dirname, '..');

/**
 * An erasure survives its worker being killed halfway: SIGKILL the worker while it erases, start a
 * worker again, and the erasure finishes, with exactly one completion. The worker is the real one
 * (src/worker.ts, as `npm run worker` runs it); "halfway" is made certain by holding a lock on the
 * rows of the last category, so that the first worker has erased the others and waits on those.
 */
describe('erasure: killed halfway, resumed by the next worker', () => {
  let t: TestApp;
  let staff: TestUser;
  const workers: ChildProcess[] = [];
  const { auth, staffPost } = reviewCalls(() => t);

  const startWorker = (): { process: ChildProcess; output: () => string } => {
    let output = '';
    const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/worker.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...t.databaseEnv, WORKER_MODE: 'off', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    workers.push(child);
    return { process: child, output: () => output };
  };
  const until = async (what: string, check: () => Promise<boolean>, output: () => string, ms = 90_000): Promise<void> => {
    for (const deadline = Date.now() + ms; Date.now() < deadline;) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`gave up waiting for ${what}; worker output:\n${output()}`);
  };
  const count = async (table: string, userId: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM operator_app.${table} WHERE user_id = $1`, [userId]))[0].n;

  beforeAll(async () => {
    t = await createTestApp({ WORKER_MODE: 'off' });
    staff = await t.user(Role.Staff);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await t.close();
  });

  it('finishes after a SIGKILL halfway, once', async () => {
    const [{ id: appUser }] = await t.dataSource.query(`INSERT INTO operator_app.users (display_name, email) VALUES ('中断用户', $1) RETURNING id::text`, [
      `kill${Date.now()}@demo.example`,
    ]);
    await t.dataSource.query(
      `INSERT INTO operator_app.access_logs (user_id, at, ip, user_agent, language, page)
       SELECT $1, now(), '203.0.113.9', 'UA', 'zh-CN', '/p/' || g FROM generate_series(1, 12000) g`,
      [appUser],
    );
    await t.dataSource.query(
      `INSERT INTO operator_app.transactions (user_id, counterparty_name, item, amount, completed_at) VALUES ($1, '王五', '书', 30, now())`,
      [appUser],
    );
    await t.dataSource.query(`INSERT INTO operator_app.search_history (user_id, keywords, searched_at) VALUES ($1, '旅行箱', now()), ($1, '帐篷', now())`, [
      appUser,
    ]);
    const s = await t.user(Role.Subject, { appUser });
    const filed = await t.http
      .post('/api/v1/requests')
      .set(auth(s))
      .send({ type: 'delete_data', categories: ['device_access', 'transactions', 'search_keywords'] });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;

    // The last category's rows are held by another transaction: the worker will wait on them.
    const holder = new Client({ connectionString: t.databaseEnv.DATABASE_OWNER_URL ?? t.databaseEnv.DATABASE_URL });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT id FROM operator_app.search_history WHERE user_id = $1 FOR UPDATE`, [appUser]);
    try {
      expect((await staffPost(staff, id, 'claim')).status).toBe(200);
      expect((await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: [], law: ['PIPL.47'] })).body.status).toBe('approved');

      const first = startWorker();
      await until(
        'the first worker to erase two categories and wait on the third',
        async () => {
          const steps = await t.dataSource.query(`SELECT count(*)::int AS n FROM erasure_steps WHERE request_id = $1 AND status = 'done'`, [id]);
          const [{ waiting }] = await t.dataSource.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%search_history%' AND application_name = 'dsr-portal-connector'`,
          );
          return steps[0].n === 2 && waiting > 0;
        },
        first.output,
      );
      expect([await count('access_logs', appUser), await count('transactions', appUser), await count('search_history', appUser)]).toEqual([0, 0, 2]);
      first.process.kill('SIGKILL');
      await new Promise((resolve) => first.process.once('exit', resolve));
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect((await t.dataSource.query(`SELECT status FROM requests WHERE id = $1`, [id]))[0].status).toBe('fulfilling');

    // A worker starts again: it sends the jobs of requests still under way, and the erasure finishes.
    const second = startWorker();
    await until(
      'the second worker to complete the request',
      async () => (await t.dataSource.query(`SELECT status FROM requests WHERE id = $1`, [id]))[0].status === 'completed',
      second.output,
    );
    expect(await count('search_history', appUser)).toBe(0);
    const steps = await t.dataSource.query(`SELECT category, status FROM erasure_steps WHERE request_id = $1 ORDER BY category`, [id]);
    expect(steps).toEqual([
      { category: 'device_access', status: 'done' },
      { category: 'search_keywords', status: 'done' },
      { category: 'transactions', status: 'done' },
    ]);
    // Give any duplicate job the time to run: still one completion.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND action = 'complete'`, [id])).toEqual([{ n: 1 }]);
    second.process.kill('SIGTERM');
    await new Promise((resolve) => second.process.once('exit', resolve));
  }, 240_000);
});
