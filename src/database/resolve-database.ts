import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Environment } from '../config/environment';
import { ensurePortalRole, urlAs } from './database-roles';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface ResolvedDatabase {
  /** the portal's own role, which owns nothing */
  url: string;
  /** the role that owns the tables and runs the migrations; undefined when `url` does both */
  ownerUrl?: string;
  embedded: boolean;
  /** stops the embedded server if this process started it */
  release(): Promise<void>;
}

const EMBEDDED_DATABASE = 'portal';
/** The embedded server's role for the portal; its superuser owns the tables (README, "Database roles"). */
const EMBEDDED_PORTAL_ROLE = 'portal_app';

/**
 * DATABASE_URL (and DATABASE_OWNER_URL) when given; otherwise the embedded PostgreSQL under
 * DATA_DIR (reused if another process of ours, the portal say while an operator runs the CLI,
 * already runs it), with the portal's own role set up beside its superuser.
 */
export async function resolveDatabase(env: Environment): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, ownerUrl: env.DATABASE_OWNER_URL, embedded: false, release: () => Promise.resolve() };
  const dir = resolve(env.DATA_DIR, 'postgres');
  const running = await runningEmbeddedUrl(dir, env.EMBEDDED_PG_PORT);
  const started = running ? null : await startEmbeddedPostgres({ dir, port: env.EMBEDDED_PG_PORT, database: EMBEDDED_DATABASE, persistent: true });
  const ownerUrl = running ?? (started as { url: string }).url;
  const url = await portalRoleUrl(dir, ownerUrl);
  return { url, ownerUrl, embedded: true, release: () => started?.stop() ?? Promise.resolve() };
}

/** The portal role's URL on the embedded server, creating the role (and its password, kept beside the cluster's) on first use. */
async function portalRoleUrl(dir: string, ownerUrl: string): Promise<string> {
  const passwordFile = join(dir, 'portal-password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const admin = new Client({ connectionString: ownerUrl });
  await admin.connect();
  try {
    await ensurePortalRole(admin, EMBEDDED_PORTAL_ROLE, password);
  } finally {
    await admin.end();
  }
  return urlAs(ownerUrl, EMBEDDED_PORTAL_ROLE, password);
}

async function runningEmbeddedUrl(dir: string, port: number): Promise<string | null> {
  const passwordFile = join(dir, 'superuser-password');
  if (!existsSync(join(dir, 'cluster', 'postmaster.pid')) || !existsSync(passwordFile)) return null;
  const password = readFileSync(passwordFile, 'utf8').trim();
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}
