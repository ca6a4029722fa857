import { Client } from 'pg';
import { generateSampleData, SampleDataPresentError, SampleDataProgress } from '../src/operator-demo/demo-generator';
import { generateSampleDataAtStart, linkDemoSubject, START_UP_SAMPLE } from '../src/operator-demo/demo-startup';
import { installOperatorSchema, OPERATOR_TABLES } from '../src/operator-demo/operator-schema';
import { TEST_ENV } from './setup/test-cluster';
import { runEntry } from './support/run-ts';
import { createTestApp, TestApp } from './support/test-app';
import { Role } from '../src/kernel/role';

/**
 * The sample of the operator's own database (schema operator_app): made by the owner at start,
 * open to the portal's role for rows only, and filled by the generator (a function, the command
 * line, and the first start outside production and tests).
 */
describe('the sample operator database', () => {
  let t: TestApp;
  let ownerUrl: string;
  beforeAll(async () => {
    t = await createTestApp();
    ownerUrl = t.databaseEnv.DATABASE_OWNER_URL;
  });
  afterAll(() => t.close());

  const asOwner = async <T>(work: (c: Client) => Promise<T>): Promise<T> => {
    const c = new Client({ connectionString: ownerUrl });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  };
  const ownerQuery = async <R extends object>(sql: string, params: unknown[] = []): Promise<R[]> => asOwner(async (c) => (await c.query<R>(sql, params)).rows);
  const counts = async (): Promise<Record<string, number>> => {
    const [row] = await ownerQuery<Record<string, number>>(
      `SELECT ${OPERATOR_TABLES.map((table) => `(SELECT count(*)::int FROM operator_app.${table}) AS ${table}`).join(', ')}`,
    );
    return row;
  };
  /** A digest of every row of every table, ids included. */
  const fingerprint = async (): Promise<Record<string, string>> => {
    const [row] = await ownerQuery<Record<string, string>>(
      `SELECT ${OPERATOR_TABLES.map((table) => `(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY id), '')) FROM operator_app.${table} t) AS ${table}`).join(', ')}`,
    );
    return row;
  };
  const emptySchema = () => ownerQuery(`TRUNCATE ${OPERATOR_TABLES.map((table) => `operator_app.${table}`).join(', ')} RESTART IDENTITY`);

  describe('the schema, made at start by the owner', () => {
    it('has the tables and columns others build connectors against', async () => {
      const columns = await ownerQuery<{ table: string; column: string; type: string; nullable: string; default: string | null }>(
        `SELECT table_name AS table, column_name AS column, data_type AS type, is_nullable AS nullable, column_default AS default
         FROM information_schema.columns WHERE table_schema = 'operator_app' ORDER BY table_name, ordinal_position`,
      );
      const shape = Object.fromEntries(
        [...new Set(columns.map((c) => c.table))].map((table) => [
          table,
          columns.filter((c) => c.table === table).map((c) => `${c.column} ${c.type}${c.nullable === 'NO' ? ' not null' : ''}`),
        ]),
      );
      expect(shape).toEqual({
        access_logs: [
          'id bigint not null',
          'user_id bigint not null',
          'at timestamp with time zone not null',
          'ip inet not null',
          'user_agent text not null',
          'language text not null',
          'page text not null',
        ],
        face_profiles: [
          'id bigint not null',
          'user_id bigint not null',
          'purpose text not null',
          'template bytea not null',
          'image bytea not null',
          'enrolled_at timestamp with time zone not null',
        ],
        published_content: [
          'id bigint not null',
          'user_id bigint not null',
          'kind text not null',
          'body text not null',
          'published_at timestamp with time zone not null',
        ],
        search_history: ['id bigint not null', 'user_id bigint not null', 'keywords text not null', 'searched_at timestamp with time zone not null'],
        transactions: [
          'id bigint not null',
          'user_id bigint not null',
          'counterparty_name text not null',
          'counterparty_phone text',
          'item text not null',
          'amount numeric not null',
          'completed_at timestamp with time zone not null',
        ],
        users: [
          'id bigint not null',
          'display_name text not null',
          'email text',
          'phone text',
          'gender text',
          'birthday date',
          'created_at timestamp with time zone not null',
          'disabled_at timestamp with time zone',
        ],
        violations: [
          'id bigint not null',
          'user_id bigint not null',
          'rule text not null',
          'measure text not null',
          'decided_at timestamp with time zone not null',
        ],
      });
      // Every id is a bigserial; created_at defaults to now(); amount is numeric(12,2).
      for (const c of columns.filter((x) => x.column === 'id')) expect(c.default).toMatch(/^nextval\('operator_app\./);
      expect(columns.find((c) => c.table === 'users' && c.column === 'created_at')?.default).toBe('now()');
      const [amount] = await ownerQuery(
        `SELECT numeric_precision AS precision, numeric_scale AS scale FROM information_schema.columns WHERE table_schema = 'operator_app' AND table_name = 'transactions' AND column_name = 'amount'`,
      );
      expect(amount).toEqual({ precision: 12, scale: 2 });
    });

    it('has its keys, checks and indexes; the foreign keys to users cascade nothing', async () => {
      const constraints = await ownerQuery<{ table: string; name: string; type: string; onDelete: string; definition: string }>(
        `SELECT conrelid::regclass::text AS table, conname AS name, contype AS type, confdeltype AS "onDelete", pg_get_constraintdef(oid) AS definition
         FROM pg_constraint WHERE connamespace = 'operator_app'::regnamespace ORDER BY 1, 2`,
      );
      const foreignKeys = constraints.filter((c) => c.type === 'f');
      expect(foreignKeys.map((c) => [c.table, c.definition, c.onDelete])).toEqual(
        ['access_logs', 'face_profiles', 'published_content', 'search_history', 'transactions', 'violations'].map((table) => [
          `operator_app.${table}`,
          'FOREIGN KEY (user_id) REFERENCES operator_app.users(id)',
          'a', // NO ACTION: an erasure deletes a user's rows itself, children first
        ]),
      );
      expect(constraints.filter((c) => c.type === 'u').map((c) => c.definition)).toEqual(['UNIQUE (email)', 'UNIQUE (phone)']);
      expect(constraints.filter((c) => c.type === 'c').map((c) => `${c.table}: ${c.definition}`)).toEqual([
        `operator_app.face_profiles: CHECK ((purpose = ANY (ARRAY['basic'::text, 'additional'::text])))`,
        `operator_app.published_content: CHECK ((kind = ANY (ARRAY['review'::text, 'activity'::text])))`,
        `operator_app.users: CHECK ((gender = ANY (ARRAY['female'::text, 'male'::text, 'other'::text])))`,
      ]);
      const indexes = await ownerQuery<{ definition: string }>(
        `SELECT regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON operator_app\\.', '') AS definition FROM pg_indexes
         WHERE schemaname = 'operator_app' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY 1`,
      );
      expect(indexes.map((i) => i.definition)).toEqual([
        'access_logs USING btree (user_id, id)',
        'face_profiles USING btree (user_id)',
        'published_content USING btree (user_id, id)',
        'search_history USING btree (user_id, id)',
        'transactions USING btree (user_id, id)',
        'violations USING btree (user_id)',
      ]);
    });

    it('gives the portal’s role rows and sequences, nothing else: it cannot alter, drop, truncate or add a table', async () => {
      const privileges = await t.dataSource.query(
        `SELECT c.relname AS table,
                has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE') AS rows,
                has_table_privilege(c.oid, 'TRUNCATE') OR has_table_privilege(c.oid, 'REFERENCES') OR has_table_privilege(c.oid, 'TRIGGER') AS more,
                pg_get_userbyid(c.relowner) = current_user AS owns
         FROM pg_class c WHERE c.relnamespace = 'operator_app'::regnamespace AND c.relkind = 'r' ORDER BY 1`,
      );
      expect(privileges).toEqual([...OPERATOR_TABLES].sort().map((table) => ({ table, rows: true, more: false, owns: false })));
      const [schema] = await t.dataSource.query(
        `SELECT has_schema_privilege('operator_app', 'USAGE') AS usage, has_schema_privilege('operator_app', 'CREATE') AS "create",
                bool_and(has_sequence_privilege(c.oid, 'USAGE') AND has_sequence_privilege(c.oid, 'SELECT')) AS sequences,
                bool_or(has_sequence_privilege(c.oid, 'UPDATE')) AS "setSequences"
         FROM pg_class c WHERE c.relnamespace = 'operator_app'::regnamespace AND c.relkind = 'S'`,
      );
      expect(schema).toEqual({ usage: true, create: false, sequences: true, setSequences: false });

      const refusal = (sql: string) =>
        t.dataSource.query(sql).then(
          () => null,
          (err: { driverError: { code: string; message: string } }) => ({ code: err.driverError.code, message: err.driverError.message }),
        );
      expect(await refusal(`ALTER TABLE operator_app.users ADD COLUMN nickname text`)).toEqual({ code: '42501', message: 'must be owner of table users' });
      expect(await refusal(`ALTER TABLE operator_app.access_logs DROP CONSTRAINT access_logs_user_id_fkey`)).toEqual({
        code: '42501',
        message: 'must be owner of table access_logs',
      });
      expect(await refusal(`DROP TABLE operator_app.violations`)).toEqual({ code: '42501', message: 'must be owner of table violations' });
      expect(await refusal(`TRUNCATE operator_app.search_history`)).toEqual({ code: '42501', message: 'permission denied for table search_history' });
      expect(await refusal(`CREATE TABLE operator_app.mine (id int)`)).toEqual({ code: '42501', message: 'permission denied for schema operator_app' });
    });

    it('lets the portal’s role read, write, correct and erase rows (children first)', async () => {
      const [user] = await t.dataSource.query(
        `INSERT INTO operator_app.users (display_name, email, phone, gender) VALUES ('测试用户', 'someone@example.com', '+8613700000000', 'other') RETURNING id`,
      );
      await t.dataSource.query(
        `INSERT INTO operator_app.access_logs (user_id, at, ip, user_agent, language, page) VALUES ($1, now(), '127.0.0.1', 'test', 'zh-CN', '/')`,
        [user.id],
      );
      await t.dataSource.query(`UPDATE operator_app.users SET email = 'corrected@example.com' WHERE id = $1`, [user.id]);
      expect(await t.dataSource.query(`SELECT email FROM operator_app.users WHERE id = $1`, [user.id])).toEqual([{ email: 'corrected@example.com' }]);
      // No cascade: the user cannot go before their rows.
      await expect(t.dataSource.query(`DELETE FROM operator_app.users WHERE id = $1`, [user.id])).rejects.toMatchObject({ driverError: { code: '23503' } });
      await t.dataSource.query(`DELETE FROM operator_app.access_logs WHERE user_id = $1`, [user.id]);
      await t.dataSource.query(`DELETE FROM operator_app.users WHERE id = $1`, [user.id]);
      expect(await counts()).toEqual(Object.fromEntries(OPERATOR_TABLES.map((table) => [table, 0])));
    });

    it('is installed again at every start without losing rows, and takes back a privilege granted by hand', async () => {
      await generateSampleData(ownerUrl, { subjects: 3, logsPerSubject: 2, reset: true });
      const before = await fingerprint();
      const portalRole = process.env[TEST_ENV.portalRole] as string;
      await asOwner(async (c) => {
        await c.query(`GRANT TRUNCATE ON operator_app.users TO "${portalRole}"`);
        await installOperatorSchema(c, ownerUrl, portalRole);
      });
      expect(await fingerprint()).toEqual(before);
      expect(await t.dataSource.query(`SELECT has_table_privilege('operator_app.users', 'TRUNCATE') AS truncate`)).toEqual([{ truncate: false }]);
    });
  });

  describe('the generator', () => {
    it('makes N users and N×M access-log rows, with a few rows of every other table; user n has its e-mail and phone', async () => {
      const progress: SampleDataProgress[] = [];
      const summary = await generateSampleData(ownerUrl, { subjects: 30, logsPerSubject: 7, seed: 5, reset: true, onProgress: (p) => progress.push(p) });
      expect(summary?.counts).toMatchObject({ users: 30, accessLogs: 210 });
      const rows = await counts();
      expect(rows).toMatchObject({ users: 30, access_logs: 210 });
      expect(rows).toEqual({
        users: 30,
        access_logs: 210,
        face_profiles: summary?.counts.faceProfiles,
        transactions: summary?.counts.transactions,
        published_content: summary?.counts.publishedContent,
        search_history: summary?.counts.searchHistory,
        violations: summary?.counts.violations,
      });
      for (const table of ['face_profiles', 'transactions', 'published_content', 'search_history'] as const) expect(rows[table]).toBeGreaterThan(0);

      const users = await ownerQuery<{ id: string; email: string; phone: string }>(`SELECT id, email, phone FROM operator_app.users ORDER BY id`);
      expect(users).toHaveLength(30);
      users.forEach((u, i) => expect(u).toEqual({ id: String(i + 1), email: `user${i + 1}@demo.example`, phone: `+86139${String(i + 1).padStart(8, '0')}` }));
      expect(
        await ownerQuery(
          `SELECT count(DISTINCT user_id)::int AS users, min(n)::int AS least, max(n)::int AS most FROM (SELECT user_id, count(*) AS n FROM operator_app.access_logs GROUP BY 1) x`,
        ),
      ).toEqual([{ users: 30, least: 7, most: 7 }]);
      // The foreign keys dropped for the bulk load are back, and hold.
      expect(await ownerQuery(`SELECT count(*)::int AS n FROM pg_constraint WHERE connamespace = 'operator_app'::regnamespace AND contype = 'f'`)).toEqual([
        { n: 6 },
      ]);

      expect(progress[0]).toEqual({ done: 0, total: 30 + 210, users: 0, accessLogs: 0 });
      expect(progress[progress.length - 1]).toEqual({ done: 240, total: 240, users: 30, accessLogs: 210 });
      for (let i = 1; i < progress.length; i++) expect(progress[i].done).toBeGreaterThanOrEqual(progress[i - 1].done);
    });

    it('makes the same rows for one seed, and others for another', async () => {
      await generateSampleData(ownerUrl, { subjects: 25, logsPerSubject: 4, seed: 11, reset: true });
      const first = await fingerprint();
      await generateSampleData(ownerUrl, { subjects: 25, logsPerSubject: 4, seed: 11, reset: true });
      expect(await fingerprint()).toEqual(first);
      await generateSampleData(ownerUrl, { subjects: 25, logsPerSubject: 4, seed: 12, reset: true });
      const other = await fingerprint();
      for (const table of ['users', 'access_logs', 'transactions'] as const) expect(other[table]).not.toBe(first[table]);
    });

    it('refuses a schema that holds users unless told to reset it, which empties it first and numbers from 1 again', async () => {
      await generateSampleData(ownerUrl, { subjects: 8, logsPerSubject: 1, reset: true });
      const before = await fingerprint();
      await expect(generateSampleData(ownerUrl, { subjects: 2, logsPerSubject: 1 })).rejects.toThrow(SampleDataPresentError);
      expect(await generateSampleData(ownerUrl, { subjects: 2, logsPerSubject: 1, onlyIfEmpty: true })).toBeNull();
      expect(await fingerprint()).toEqual(before);

      await generateSampleData(ownerUrl, { subjects: 2, logsPerSubject: 3, reset: true });
      expect(await counts()).toMatchObject({ users: 2, access_logs: 6 });
      expect(await ownerQuery(`SELECT min(id)::int AS least, max(id)::int AS most FROM operator_app.users`)).toEqual([{ least: 1, most: 2 }]);
      expect(await ownerQuery(`SELECT min(id)::int AS least FROM operator_app.access_logs`)).toEqual([{ least: 1 }]);
    });

    it('refuses sizes out of range before touching the database', async () => {
      const before = await fingerprint();
      for (const [subjects, logsPerSubject] of [
        [0, 1],
        [1_000_001, 1],
        [1, -1],
        [1, 1_000_001],
        [1.5, 1],
      ])
        await expect(generateSampleData(ownerUrl, { subjects, logsPerSubject, reset: true })).rejects.toThrow(RangeError);
      await expect(generateSampleData(ownerUrl, { subjects: 1, logsPerSubject: 1, seed: -1, reset: true })).rejects.toThrow(RangeError);
      expect(await fingerprint()).toEqual(before);
    });
  });

  describe('npm run cli -- demo:generate', () => {
    const cliEnv = (extra: Record<string, string> = {}) => ({
      NODE_ENV: 'test',
      ...t.databaseEnv,
      APP_SECRET: process.env.APP_SECRET ?? '',
      DATA_DIR: process.env.DATA_DIR ?? '',
      LOG_LEVEL: 'warn',
      ...extra,
    });

    it('refuses sizes out of range, and production without --force, changing nothing', async () => {
      const before = await fingerprint();
      const runs = await Promise.all(
        [
          ['--subjects', '0', '--logs-per-subject', '1'],
          ['--subjects', '1000001', '--logs-per-subject', '1'],
          ['--subjects', 'ten', '--logs-per-subject', '1'],
          ['--subjects', '5', '--logs-per-subject=-1'],
          ['--subjects', '5', '--logs-per-subject', '1000001'],
          ['--subjects', '5'],
        ].map((args) => runEntry('src/cli.ts', ['demo:generate', ...args], cliEnv())),
      );
      for (const run of runs.slice(0, 3)) {
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/option '--subjects <n>' argument .* is invalid\. must be a whole number from 1 to 1000000/);
      }
      for (const run of runs.slice(3, 5)) {
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/option '--logs-per-subject <m>' argument .* is invalid\. must be a whole number from 0 to 1000000/);
      }
      expect(runs[5].code).toBe(1);
      expect(runs[5].stderr).toContain("required option '--logs-per-subject <m>' not specified");

      const production = await runEntry(
        'src/cli.ts',
        ['demo:generate', '--subjects', '5', '--logs-per-subject', '1', '--reset'],
        cliEnv({ NODE_ENV: 'production' }),
      );
      expect(production.code).toBe(1);
      expect(production.stderr).toContain('Refused: NODE_ENV is production');
      expect(await fingerprint()).toEqual(before);
    }, 120_000);

    it('fills the schema, showing its progress one line per tenth off a terminal: the same rows as the function for that seed', async () => {
      const run = await runEntry('src/cli.ts', ['demo:generate', '--subjects', '12', '--logs-per-subject', '3', '--reset', '--seed', '9'], cliEnv());
      expect(run.stderr).toMatch(/^demo:generate: 0% \(0 users, 0 access-log rows\)$/m);
      expect(run.stderr).toMatch(/^demo:generate: 100% \(12 users, 36 access-log rows\)$/m);
      expect(run.stderr.split('\n').filter((line) => line.startsWith('demo:generate:')).length).toBeLessThanOrEqual(11);
      expect(run.stdout).toMatch(/^Generated in operator_app \(seed 9, [\d.]+ s\): 12 users, 36 access-log rows, \d+ face profiles, /);
      expect(run.code).toBe(0);
      expect(await counts()).toMatchObject({ users: 12, access_logs: 36 });
      const fromCli = await fingerprint();
      await generateSampleData(ownerUrl, { subjects: 12, logsPerSubject: 3, seed: 9, reset: true });
      expect(await fingerprint()).toEqual(fromCli);

      const again = await runEntry('src/cli.ts', ['demo:generate', '--subjects', '2', '--logs-per-subject', '0'], cliEnv());
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('Refused: operator_app already holds users: add --reset to replace them with sample data.');
      expect(await fingerprint()).toEqual(fromCli);
    }, 120_000);
  });

  describe('the first start', () => {
    it('fills an empty schema in development (50 users × 200 rows, seed 1, one line without personal data); not in test unless asked, nor in production, nor without DEMO_SEED', async () => {
      await emptySchema();
      const said: string[] = [];
      const say = (line: string) => said.push(line);
      expect(await generateSampleDataAtStart({ NODE_ENV: 'test', DEMO_SEED: true }, ownerUrl, say)).toBeNull();
      expect(await generateSampleDataAtStart({ NODE_ENV: 'production', DEMO_SEED: true }, ownerUrl, say)).toBeNull();
      expect(await generateSampleDataAtStart({ NODE_ENV: 'development', DEMO_SEED: false }, ownerUrl, say)).toBeNull();
      expect((await counts()).users).toBe(0);
      expect(said).toEqual([]);

      const made = await generateSampleDataAtStart({ NODE_ENV: 'development', DEMO_SEED: true }, ownerUrl, say);
      expect(made?.counts).toMatchObject({ users: 50, accessLogs: 10_000 });
      expect(await counts()).toMatchObject({ users: 50, access_logs: 10_000 });
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^Filled the sample operator database \(schema operator_app\) with 50 users and 10000 access-log rows in [\d.]+ s/);
      expect(said[0]).not.toMatch(/@|\+86|\p{Script=Han}/u);
      // Sample user 1, the one the demo subject account stands for, is there.
      expect(await ownerQuery(`SELECT email, phone FROM operator_app.users WHERE id = 1`)).toEqual([{ email: 'user1@demo.example', phone: '+8613900000001' }]);
      const fromStart = await fingerprint();
      await generateSampleData(ownerUrl, { ...START_UP_SAMPLE, reset: true });
      expect(await fingerprint()).toEqual(fromStart);

      // A later start finds users and leaves them alone.
      expect(await generateSampleDataAtStart({ NODE_ENV: 'development', DEMO_SEED: true }, ownerUrl, say)).toBeNull();
      expect(said).toHaveLength(1);
      expect(await fingerprint()).toEqual(fromStart);

      await emptySchema();
      expect((await generateSampleDataAtStart({ NODE_ENV: 'test', DEMO_SEED: true }, ownerUrl, say, { inTest: true }))?.counts.users).toBe(50);
    }, 60_000);

    it('links the demo subject account to sample user 1, once, so that its requests find data at once', async () => {
      const demo = await t.user(Role.Subject, { email: 'demo.subject@example.com', linked: false });
      expect(await linkDemoSubject(ownerUrl)).toBe(true);
      expect(await ownerQuery(`SELECT app_user_ref, channel FROM identity_links WHERE subject_id = $1`, [demo.id])).toEqual([
        { app_user_ref: '1', channel: 'email' },
      ]);
      expect(await linkDemoSubject(ownerUrl)).toBe(false);
    });
  });
});
