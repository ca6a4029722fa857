import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Environment } from '../config/environment';
import { startEmbeddedPostgres } from './embedded-postgres';
import { readFileSync } from 'node:fs';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** stops the embedded server if this process started it */
  release(): Promise<void>;
}

const EMBEDDED_DATABASE = 'portal';

/**
 * DATABASE_URL when given; otherwise the embedded PostgreSQL under DATA_DIR — reused if another
 * process of ours (the portal, say, while an operator runs the CLI) already runs it.
 */
export async function resolveDatabase(env: Environment): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, release: () => Promise.resolve() };
  const dir = resolve(env.DATA_DIR, 'postgres');
  const running = await runningEmbeddedUrl(dir, env.EMBEDDED_PG_PORT);
  if (running) return { url: running, embedded: true, release: () => Promise.resolve() };
  const db = await startEmbeddedPostgres({ dir, port: env.EMBEDDED_PG_PORT, database: EMBEDDED_DATABASE, persistent: true });
  return { url: db.url, embedded: true, release: () => db.stop() };
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
