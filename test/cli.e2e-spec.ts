import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticator } from 'otplib';
import { Role } from '../src/kernel/role';
import { runEntry } from './support/run-ts';
import { createTestApp, TestApp } from './support/test-app';

describe('operator command line and start-up checks (child processes)', () => {
  let t: TestApp;
  let cliEnv: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp();
    // The same database as the test app, so what the command does is visible over HTTP.
    cliEnv = {
      NODE_ENV: 'test',
      ...t.databaseEnv,
      APP_SECRET: process.env.APP_SECRET ?? '',
      DATA_DIR: process.env.DATA_DIR ?? '',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(() => t.close());

  const cli = (...args: string[]) => runEntry('src/cli.ts', args, cliEnv);
  const cliWithInput = (input: string, ...args: string[]) => runEntry('src/cli.ts', args, cliEnv, input);
  const login = (email: string, password: string) => t.http.post('/api/v1/auth/login').send({ email, password });

  it('accounts:create makes an account that signs in over HTTP; accounts:reset-password replaces the password and ends its sessions', async () => {
    const created = await cliWithInput(
      'first password 123\n',
      'accounts:create',
      '--email',
      'Ops.Staff@Example.com',
      '--role',
      'staff',
      '--password-stdin',
      '--name',
      '运维',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created staff account [0-9a-f-]{36}\./);
    expect(created.stdout + created.stderr).not.toContain('first password');

    const first = await login('ops.staff@example.com', 'first password 123');
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ email: 'ops.staff@example.com', role: 'staff' });
    const audited = await t.dataSource.query(`SELECT actor_role, data FROM audit_events WHERE entity_id = $1 AND action = 'account.created'`, [
      first.body.user.id,
    ]);
    expect(audited).toEqual([{ actor_role: 'operator-cli', data: { role: 'staff' } }]);

    const reset = await cliWithInput('second password 456\r\n', 'accounts:reset-password', '--email', 'ops.staff@example.com', '--password-stdin');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/Password reset for account [0-9a-f-]{36}; its sessions were ended\./);

    expect((await t.http.get('/api/v1/me').set('Authorization', `Bearer ${first.body.accessToken}`)).status).toBe(401);
    expect((await login('ops.staff@example.com', 'first password 123')).status).toBe(401);
    expect((await login('ops.staff@example.com', 'second password 456')).status).toBe(200);
  }, 180_000);

  it('still takes --password, warning that it is visible; refuses both ways at once, neither, or a short password on standard input', async () => {
    const before = await t.tableCounts();
    const [both, neither, short] = await Promise.all([
      cliWithInput(
        'long enough password\n',
        'accounts:create',
        '--email',
        'both@example.com',
        '--role',
        'staff',
        '--password-stdin',
        '--password',
        'long enough password',
      ),
      cli('accounts:create', '--email', 'neither@example.com', '--role', 'staff'),
      cliWithInput('short\n', 'accounts:reset-password', '--email', 'ops.staff@example.com', '--password-stdin'),
    ]);
    for (const run of [both, neither]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Give the password with --password-stdin');
    }
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/--password-stdin: the password must be 10 to 200 characters/);
    expect(await t.tableCounts()).toEqual(before);

    const onArgv = await cli('accounts:create', '--email', 'argv@example.com', '--role', 'legal', '--password', 'third password 789');
    expect(onArgv.code).toBe(0);
    expect(onArgv.stderr).toContain('prefer --password-stdin');
    expect((await login('argv@example.com', 'third password 789')).status).toBe(200);
  }, 180_000);

  it('accounts:reset-mfa removes a lost second factor and ends the sessions; the password alone signs in again', async () => {
    const staff = await t.user(Role.Staff);
    const bearer = { Authorization: `Bearer ${staff.token}` };
    const start = await t.http.post('/api/v1/auth/mfa/enrol').set(bearer);
    expect(
      (
        await t.http
          .post('/api/v1/auth/mfa/enrol/confirm')
          .set(bearer)
          .send({ code: authenticator.generate(start.body.secret) })
      ).status,
    ).toBe(200);
    expect((await login(staff.email, staff.password)).body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });

    const reset = await cli('accounts:reset-mfa', '--email', staff.email);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`Second factor removed from account ${staff.id}`);
    expect((await t.http.get('/api/v1/me').set(bearer)).status).toBe(401);
    const signedIn = await login(staff.email, staff.password);
    expect(signedIn.body.accessToken).toEqual(expect.any(String));
    expect((await t.http.get('/api/v1/me').set('Authorization', `Bearer ${signedIn.body.accessToken}`)).body.mfaEnabled).toBe(false);
    const audited = await t.dataSource.query(`SELECT actor_role, data FROM audit_events WHERE entity_id = $1 AND action = 'account.mfa_reset'`, [staff.id]);
    expect(audited).toEqual([{ actor_role: 'operator-cli', data: { hadMfa: true } }]);

    const before = await t.tableCounts();
    const unknown = await cli('accounts:reset-mfa', '--email', 'nobody@example.com');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Account not found');
    expect(await t.tableCounts()).toEqual(before);
  }, 180_000);

  it('refuses a bad --role, email or password before touching the database, naming the problem', async () => {
    const before = await t.tableCounts();
    const [badRole, badEmail] = await Promise.all([
      cli('accounts:create', '--email', 'someone@example.com', '--role', 'superuser', '--password', 'long enough password'),
      cli('accounts:create', '--email', 'not-an-email', '--role', 'staff', '--password', 'short'),
    ]);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/--role/);
    expect(badRole.stderr).toMatch(/must be one of subject, staff, legal, admin/);
    expect(badEmail.code).not.toBe(0);
    expect(badEmail.stderr).toMatch(/--email.*must be an email address/);
    expect(await t.tableCounts()).toEqual(before);
  }, 120_000);

  it('refuses a common password, or the email or its local part as the password, with the rule of the API, writing nothing', async () => {
    const before = await t.tableCounts();
    const [common, email, local] = await Promise.all([
      cliWithInput('Password123\n', 'accounts:create', '--email', 'weak.password@example.com', '--role', 'staff', '--password-stdin'),
      cli('accounts:create', '--email', 'Operations.Lead@example.com', '--role', 'legal', '--password', 'operations.lead@example.com'),
      cliWithInput('OPERATIONS.LEAD\n', 'accounts:reset-password', '--email', 'operations.lead@example.com', '--password-stdin'),
    ]);
    expect(common.code).toBe(1);
    expect(common.stderr).toMatch(/--password-stdin: the password is one of the most common passwords/);
    for (const run of [email, local]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the password must not be the email address or the part before its @/);
    }
    expect(common.stdout + common.stderr).not.toContain('Password123');
    expect(await t.tableCounts()).toEqual(before);
  }, 120_000);

  it('main.ts refuses to start in production without APP_SECRET, naming it, before any database starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dsr-prod-start-'));
    const run = await runEntry('src/main.ts', [], { NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr).toContain('APP_SECRET');
    expect(run.stdout).not.toMatch(/listening|embedded PostgreSQL/);
    // Nothing was started or created under the data directory.
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
    expect(readdirSync(dataDir)).toEqual([]);
    expect(run.ms).toBeLessThan(30_000);
  }, 120_000);

  it('main.ts refuses to start with a due date above its ceiling (48 hours for the deletion review, face.retain.2), naming the setting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dsr-due-start-'));
    const run = await runEntry('src/main.ts', [], { NODE_ENV: 'development', DATA_DIR: dataDir, REQUEST_DUE_DELETE_ACCOUNT: '3 days' });
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr).toContain('REQUEST_DUE_DELETE_ACCOUNT');
    expect(run.stderr).toContain('face.retain.2');
    expect(readdirSync(dataDir)).toEqual([]);
  }, 120_000);
});
