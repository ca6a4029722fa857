import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeIdentifier } from 'pg';
import { LinkCodes } from '../../src/identity/link-codes';
import { freePort } from '../setup/free-port';
import { TEST_ENV } from '../setup/test-cluster';
import { builtEntry, PROJECT_ROOT } from './run-ts';
import type { TestApp } from './test-app';

/**
 * The operator's records of app users (`operator_app.users`), as the link proof reads them. Made
 * here if the start-up has not made them, with the columns the operator's schema has, and readable
 * by the portal's role; the statements change nothing when the schema is already there.
 */
export async function ensureOperatorUsers(t: TestApp): Promise<void> {
  const portalRole = escapeIdentifier(required(TEST_ENV.portalRole));
  await t.asOwner(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('dsr_operator_schema'))`);
    await m.query(`CREATE SCHEMA IF NOT EXISTS operator_app`);
    await m.query(`CREATE TABLE IF NOT EXISTS operator_app.users (
      id bigserial PRIMARY KEY,
      display_name text NOT NULL,
      email text UNIQUE,
      phone text UNIQUE,
      gender text CHECK (gender IN ('female', 'male', 'other')),
      birthday date,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz
    )`);
    await m.query(`GRANT USAGE ON SCHEMA operator_app TO ${portalRole}`);
    await m.query(`GRANT SELECT ON operator_app.users TO ${portalRole}`);
  });
}

/** An app user with these contacts (e-mail in lower case, phone as +86 and 11 digits, as the records keep them); returns its id. */
export async function addAppUser(t: TestApp, contact: { email?: string; phone?: string; disabled?: boolean }): Promise<string> {
  return t.asOwner(async (m) => {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO operator_app.users (display_name, email, phone, gender, birthday, disabled_at)
       VALUES ('样例用户', $1, $2, 'other', '1990-01-01', CASE WHEN $3 THEN now() END) RETURNING id::text AS id`,
      [contact.email ?? null, contact.phone ?? null, contact.disabled ?? false],
    );
    return row.id;
  });
}

/** A unique e-mail address of the sample app's users, in lower case. */
export const appEmail = (name: string): string => `${name}.${randomBytes(4).toString('hex')}@demo.example`;

/** A unique mainland number as the records keep it (+86 and 11 digits). */
export const appPhone = (): string => `+86139${String(randomBytes(4).readUInt32BE() % 1e8).padStart(8, '0')}`;

/**
 * Makes `code` the pending code of `subjectId`'s challenge, which a link call made: for an app with
 * no mail server, where the code sent cannot be read.
 */
export async function setPendingCode(t: TestApp, subjectId: string, code: string): Promise<void> {
  const hash = t.app.get(LinkCodes).hash(subjectId, code);
  await t.dataSource.query(`UPDATE identity_challenges SET code_hash = $2 WHERE subject_id = $1`, [subjectId, hash]);
}

/** The six-digit code of a message that carries one. */
export function codeIn(text: string): string {
  const found = /\b(\d{6})\b/.exec(text);
  if (!found) throw new Error(`no code in: ${text}`);
  return found[1];
}

/** What one run of the SMS command received. */
export interface CommandRun {
  argv: string[];
  stdin: string;
}

/**
 * An SMS command for SMS_SENDER=command: an executable script in a directory of its own that
 * writes its arguments and its standard input to a file beside it, one file per run.
 */
export interface SmsCommandPeer {
  path: string;
  runs(): CommandRun[];
  waitFor(n: number, timeoutMs?: number): Promise<CommandRun[]>;
  remove(): void;
}

export function smsCommandPeer(): SmsCommandPeer {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-sms-command-'));
  const path = join(dir, 'send-sms');
  writeFileSync(
    path,
    `#!${process.execPath}
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
let stdin = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (stdin += chunk));
process.stdin.on('end', () => {
  writeFileSync(join(__dirname, 'run-' + process.hrtime.bigint() + '.json'), JSON.stringify({ argv: process.argv.slice(2), stdin }));
});
`,
  );
  chmodSync(path, 0o755);
  const runs = (): CommandRun[] =>
    readdirSync(dir)
      .filter((f) => f.startsWith('run-'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CommandRun);
  return {
    path,
    runs,
    async waitFor(n, timeoutMs = 15_000) {
      for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 50))) if (runs().length >= n) return runs();
      throw new Error(`the SMS command ran ${runs().length} of ${n} times in ${timeoutMs} ms`);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A portal started as its own process (the built src/main.ts), for settings other than the test app's. */
export interface PortalProcess {
  base: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startPortalProcess(env: Record<string, string>): Promise<PortalProcess> {
  const port = await freePort();
  const script = await builtEntry('src/main.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'dsr-portal-process-'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [script], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'test',
      APP_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      DEMO_SEED: 'false',
      WORKER_MODE: 'off',
      LOG_LEVEL: 'warn',
      // The rate-limit counters are shared through the database: the test app's own sign-ins count too.
      LOGIN_RATE_LIMIT: '10000',
      ACCOUNT_WRITE_RATE_LIMIT: '10000',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 1200 && !output.includes('is listening'); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!output.includes('is listening')) {
    await stop();
    throw new Error(`the portal did not start:\n${output}`);
  }
  return { base: `http://127.0.0.1:${port}`, output: () => output, stop };
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through jest, whose global set-up prepares the database`);
  return v;
}
