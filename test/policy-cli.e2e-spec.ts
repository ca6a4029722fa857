import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withAdminClient } from './setup/test-cluster';
import { runEntry } from './support/run-ts';
import { createTestApp, createTestDatabase, portalRoleUrl, TestApp } from './support/test-app';

const V1 = readFileSync(join(__dirname, '../src/policy/versions/v1/privacy-policy.zh-CN.md'), 'utf8');

describe('policy:publish on the operator command line (child processes)', () => {
  let t: TestApp;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'dsr-policy-cli-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    t = await createTestApp();
    env = { NODE_ENV: 'test', ...t.databaseEnv, APP_SECRET: process.env.APP_SECRET ?? '', DATA_DIR: dir, LOG_LEVEL: 'warn', WORKER_MODE: 'off' };
  });
  afterAll(() => t.close());

  it('refuses a malformed file with line numbers and leaves the version in force', async () => {
    const broken = file('broken.md', V1.replace('(b)为提供您所要求的产品和服务', '(a)为提供您所要求的产品和服务'));
    const run = await runEntry('src/cli.ts', ['policy:publish', broken, '--minor'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Refused: .*cannot be published/);
    expect(run.stderr).toMatch(/line \d+: .*3\.a/);
    expect((await t.http.get('/api/v1/policy')).body.version).toBe(1);
  }, 120_000);

  it('prints the impact report on a dry run, then publishes a major version that notifies subjects', async () => {
    await t.user();
    const draft = file('v2.md', V1.replace('(b)本公司保留随时修改本政策的权利', '(b)本公司保留依法修改本政策的权利'));
    const dry = await runEntry('src/cli.ts', ['policy:publish', draft, '--major', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('this draft would become version 2 (major)');
    expect(dry.stdout).toMatch(/changed: 7\.b/);
    expect(dry.stdout).toContain('Dry run: nothing was published.');
    expect((await t.http.get('/api/v1/policy')).body.version).toBe(1);

    const run = await runEntry('src/cli.ts', ['policy:publish', draft, '--major'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Published policy version 2 \(sha256 [0-9a-f]{64}\)\./);
    const current = await t.http.get('/api/v1/policy');
    expect(current.body).toMatchObject({ version: 2, major: true });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'policy.major_change'`);
    const [{ subjects }] = await t.dataSource.query(`SELECT count(*)::int AS subjects FROM users WHERE role = 'subject'`);
    expect(n).toBe(subjects);
    expect(n).toBeGreaterThan(0);
  }, 120_000);

  it('pins requests the portal files afterwards to the version another process published, writing nothing under the old one', async () => {
    const subject = await t.user();
    const auth = { Authorization: `Bearer ${subject.token}` };
    const before = await t.http.post('/api/v1/requests').set(auth).send({ type: 'access' });
    expect(before.status).toBe(201);
    const inForce = before.body.policyVersion as number;

    const next = file('next.md', V1.replace('(b)本公司保留随时修改本政策的权利', '(b)本公司保留依照法律修改本政策的权利'));
    const run = await runEntry('src/cli.ts', ['policy:publish', next, '--minor'], env);
    expect(run.code).toBe(0);
    const counts = await t.tableCounts();

    // The portal last saw the older version: its first attempt must write nothing, the second pins the new one.
    const after = await t.http.post('/api/v1/requests').set(auth).send({ type: 'disclosure_log' });
    expect(after.status).toBe(201);
    expect(after.body.policyVersion).toBe(inForce + 1);
    const [row] = await t.dataSource.query(`SELECT policy_version FROM requests WHERE id = $1`, [after.body.id]);
    expect(row.policy_version).toBe(inForce + 1);
    const [audit] = await t.dataSource.query(`SELECT data FROM audit_events WHERE entity_id = $1 AND action = 'request.submitted'`, [after.body.id]);
    expect(audit.data.policyVersion).toBe(inForce + 1);
    const grew = await t.tableCounts();
    expect({
      requests: grew.requests - counts.requests,
      events: grew.request_events - counts.request_events,
      audit: grew.audit_events - counts.audit_events,
      notices: grew.notifications - counts.notifications,
    }).toEqual({
      requests: 1,
      events: 1,
      audit: 1,
      notices: 1,
    });
  }, 120_000);

  it('puts the version shipped with the code in force on a database that has none, read from beside the built code', async () => {
    const fresh = await createTestDatabase();
    const draft = file('fresh.md', V1.replace('(b)本公司保留随时修改本政策的权利', '(b)本公司保留依法修改本政策的权利'));
    const run = await runEntry('src/cli.ts', ['policy:publish', draft, '--minor', '--dry-run'], {
      ...env,
      DATABASE_URL: portalRoleUrl(fresh),
      DATABASE_OWNER_URL: fresh,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Version in force: 1; this draft would become version 2 (minor).');
    expect(run.stdout).toMatch(/changed: 7\.b$/m);
    const versions = await withAdminClient(fresh, async (c) => (await c.query(`SELECT version, source_markdown FROM policy_versions`)).rows);
    expect(versions).toEqual([{ version: 1, source_markdown: V1 }]);
  }, 120_000);

  it('insists on --major or --minor', async () => {
    const run = await runEntry('src/cli.ts', ['policy:publish', file('same.md', V1)], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--major or --minor');
  }, 120_000);
});
