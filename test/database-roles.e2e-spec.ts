import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AuditService } from '../src/audit/audit.service';
import { validateEnvironment } from '../src/config/environment';
import { DatabaseRoleError, ensurePortalRole, prepareDatabaseAsOwner, urlAs } from '../src/database/database-roles';
import { JobsService } from '../src/jobs/jobs.service';
import { Role } from '../src/kernel/role';
import { TEST_ENV, withAdminClient } from './setup/test-cluster';
import request from 'supertest';
import { sealAll } from './support/audit-sealing';
import { builtEntry, PROJECT_ROOT } from './support/run-ts';
import { createTestApp, createTestDatabase, TestApp } from './support/test-app';
import { freePort } from './setup/free-port';

/**
 * The portal connects as a role that owns nothing; the owner migrates and grants at start
 * (src/database/database-roles.ts). Every other test file runs the portal that way too: these
 * show what the portal's role cannot do, and that a start with the roles set up wrongly stops.
 */
describe('least privilege in the database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** The error PostgreSQL gives the portal's role for `sql`, or null if it ran. */
  const refusal = async (sql: string): Promise<{ code: string; message: string } | null> =>
    t.dataSource.query(sql).then(
      () => null,
      (err: { driverError: { code: string; message: string } }) => ({ code: err.driverError.code, message: err.driverError.message }),
    );

  it('owns no table, sequence, function or schema, and is no superuser', async () => {
    const [row] = await t.dataSource.query(
      `SELECT r.rolsuper AS superuser, r.rolcreaterole AS "createRole", r.rolcreatedb AS "createDb", r.rolbypassrls AS "bypassRls",
              (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS relations,
              (SELECT count(*)::int FROM pg_proc WHERE proowner = r.oid) AS functions,
              (SELECT count(*)::int FROM pg_namespace WHERE nspowner = r.oid) AS schemas
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(row).toEqual({ superuser: false, createRole: false, createDb: false, bypassRls: false, relations: 0, functions: 0, schemas: 0 });
    const [{ owner }] = await t.asOwner((m) => m.query(`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'requests'`));
    expect(owner).not.toBe(process.env[TEST_ENV.portalRole]);
  });

  it.each([
    [
      'switch the audit trail’s triggers off',
      `ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`,
      '42501',
      /must be owner of table audit_events/,
    ],
    ['switch every trigger off for its session', `SET session_replication_role = replica`, '42501', /permission denied to set parameter/],
    ['truncate a table', `TRUNCATE requests`, '42501', /permission denied for table requests/],
    ['drop a table', `DROP TABLE requests`, '42501', /must be owner of table requests/],
    ['create a table', `CREATE TABLE public.mine (id int)`, '42501', /permission denied for schema public/],
    ['change a job queue table', `ALTER TABLE pgboss.job ADD COLUMN x int`, '42501', /must be owner of table job/],
    ['read or rewrite the migrations’ record', `SELECT * FROM schema_migrations`, '42501', /permission denied for table schema_migrations/],
  ])('cannot %s', async (_what, sql, code, message) => {
    const counts = await t.tableCounts();
    const error = await refusal(sql);
    expect(error).toEqual({ code, message: expect.stringMatching(message) });
    expect(await t.tableCounts()).toEqual(counts);
  });

  it('cannot grant itself more: PostgreSQL grants nothing', async () => {
    await t.dataSource.query(`GRANT UPDATE, DELETE, TRUNCATE, TRIGGER ON audit_events TO CURRENT_USER`);
    const [held] = await t.dataSource.query(
      `SELECT has_table_privilege('audit_events', 'UPDATE') AS "update", has_table_privilege('audit_events', 'DELETE') AS "delete",
              has_table_privilege('audit_events', 'TRUNCATE') AS "truncate", has_table_privilege('audit_events', 'TRIGGER') AS "trigger"`,
    );
    expect(held).toEqual({ update: false, delete: false, truncate: false, trigger: false });
  });

  it('still does all the portal’s work: rows written and read, the trail appended and sealed, job queues made through pg-boss’s own function', async () => {
    const subject = await t.user(Role.Subject);
    const filed = await t.http.post('/api/v1/requests').set('Authorization', `Bearer ${subject.token}`).send({ type: 'access' });
    expect(filed.status).toBe(201);
    await sealAll(t);
    expect(await t.app.get(AuditService).verify()).toMatchObject({ ok: true, events: expect.any(Number) });
    expect(
      await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_chain c JOIN audit_events e ON e.id = c.event_id WHERE e.entity_id = $1`, [filed.body.id]),
    ).toEqual([{ n: 1 }]);
    // A queue no one has made yet: its table is DDL, done by the function that runs as the owner.
    const queue = `roles-test-${randomBytes(3).toString('hex')}`;
    const jobs = t.app.get(JobsService);
    jobs.register(queue, () => Promise.resolve());
    expect(await jobs.send(queue, {})).toEqual(expect.any(String));
    const [{ partition, owner }] = await t.asOwner((m) =>
      m.query(
        `SELECT q.partition_name AS partition, c.relowner::regrole::text AS owner FROM pgboss.queue q JOIN pg_class c ON c.relname = q.partition_name WHERE q.name = $1`,
        [queue],
      ),
    );
    expect(partition).toMatch(/^j[0-9a-f]{56}$/);
    expect(owner).not.toBe(process.env[TEST_ENV.portalRole]);
  });

  describe('a start with the roles set up wrongly stops, naming the problem', () => {
    let ownerUrl: string;
    beforeAll(async () => {
      ownerUrl = await createTestDatabase();
    });

    it('the same role for both', async () => {
      await expect(prepareDatabaseAsOwner(ownerUrl, ownerUrl)).rejects.toThrow(DatabaseRoleError);
      await expect(prepareDatabaseAsOwner(ownerUrl, ownerUrl)).rejects.toThrow(/both connect as .*: the portal needs a role of its own/);
    });

    it('a portal role that owns one of the tables', async () => {
      const name = `dsr_owning_${randomBytes(3).toString('hex')}`;
      const password = randomBytes(12).toString('hex');
      await withAdminClient(ownerUrl, async (c) => {
        await ensurePortalRole(c, name, password);
        await c.query(`ALTER TABLE throttle_counters OWNER TO ${name}`);
      });
      try {
        await expect(prepareDatabaseAsOwner(ownerUrl, urlAs(ownerUrl, name, password))).rejects.toThrow(
          new RegExp(`DATABASE_URL's role ${name} owns public\\.throttle_counters: give them to the owner role`),
        );
      } finally {
        await withAdminClient(ownerUrl, async (c) => {
          await c.query(`ALTER TABLE throttle_counters OWNER TO CURRENT_USER`);
          await c.query(`DROP OWNED BY ${name}`);
          await c.query(`DROP ROLE ${name}`);
        });
      }
    });

    it('a superuser as the portal’s role, when the owner is another role', async () => {
      const name = `dsr_super_${randomBytes(3).toString('hex')}`;
      const password = randomBytes(12).toString('hex');
      await withAdminClient(ownerUrl, (c) => c.query(`CREATE ROLE ${name} LOGIN SUPERUSER PASSWORD '${password}'`));
      try {
        await expect(prepareDatabaseAsOwner(ownerUrl, urlAs(ownerUrl, name, password))).rejects.toThrow(/connects as .*, a superuser/);
      } finally {
        await withAdminClient(ownerUrl, (c) => c.query(`DROP ROLE ${name}`));
      }
    });

    it('production with only DATABASE_URL: DATABASE_OWNER_URL is required', () => {
      const secret = randomBytes(32).toString('hex');
      expect(() => validateEnvironment({ NODE_ENV: 'production', APP_SECRET: secret, DATABASE_URL: 'postgres://portal@db/portal' })).toThrow(
        /DATABASE_OWNER_URL: required in production/,
      );
      expect(() =>
        validateEnvironment({
          NODE_ENV: 'production',
          APP_SECRET: secret,
          DATABASE_URL: 'postgres://portal@db/portal',
          DATABASE_OWNER_URL: 'postgres://owner@db/portal',
        }),
      ).not.toThrow();
    });
  });

  it('the embedded server sets both roles up: its superuser owns and migrates, the portal connects as portal_app', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dsr-roles-embedded-'));
    // As ./.data would be: run as root, the server runs as `postgres`, which must reach it.
    chmodSync(dataDir, 0o755);
    const pgPort = await freePort();
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, [await builtEntry('src/main.ts')], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        NODE_ENV: 'development',
        DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(pgPort),
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    try {
      for (let i = 0; i < 900 && !output.includes('is listening') && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('is listening');
      const secret = (name: string) => readFileSync(join(dataDir, 'postgres', name), 'utf8').trim();
      const at = (user: string, password: string) => `postgresql://${user}:${password}@127.0.0.1:${pgPort}/portal`;
      const portal = new Client({ connectionString: at('portal_app', secret('portal-password')) });
      await portal.connect();
      try {
        const { rows } = await portal.query(
          `SELECT rolsuper AS superuser, (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS owned FROM pg_roles r WHERE rolname = current_user`,
        );
        expect(rows).toEqual([{ superuser: false, owned: 0 }]);
        await expect(portal.query(`ALTER TABLE audit_events DISABLE TRIGGER ALL`)).rejects.toThrow(/must be owner/);
      } finally {
        await portal.end();
      }
      // The demo accounts it printed sign in: the portal works as that role.
      const [, email, password] = /^\s+admin\s+(\S+)\s+(\S+)$/m.exec(output) ?? [];
      const login = await request(`http://127.0.0.1:${port}`).post('/api/v1/auth/login').send({ email, password });
      expect(login.status).toBe(200);
      const owner = new Client({ connectionString: at('postgres', secret('superuser-password')) });
      await owner.connect();
      try {
        expect((await owner.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'pgboss')`)).rows).toEqual([
          { tableowner: 'postgres' },
        ]);
      } finally {
        await owner.end();
      }
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
