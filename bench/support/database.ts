import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

export interface BenchDatabase {
  url: string;
  embedded: boolean;
  release(): Promise<void>;
}

/**
 * A database of the bench's own: a fresh one on DATABASE_URL's server when that is set (created
 * now and dropped afterwards; the role needs CREATEDB), otherwise a throwaway embedded PostgreSQL.
 */
export async function freshDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  if (process.env.DATABASE_URL) {
    const admin = process.env.DATABASE_URL;
    const url = new URL(admin);
    url.pathname = `/${name}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
    return {
      url: url.toString(),
      embedded: false,
      release: () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-pg-'));
  const db = await startEmbeddedPostgres({ dir, port: await freePort(), database: name, persistent: false });
  return {
    url: db.url,
    embedded: true,
    release: async () => {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** The server's version and the settings that move these figures most. */
export async function describeServer(url: string, embedded: boolean): Promise<string> {
  return withClient(url, async (c) => {
    const { rows: v } = await c.query(`SELECT current_setting('server_version') AS version`);
    const { rows } = await c.query(
      `SELECT name, setting, unit FROM pg_settings
       WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'random_page_cost', 'effective_cache_size') ORDER BY name`,
    );
    const settings = rows.map((s: { name: string; setting: string; unit: string | null }) => `${s.name}=${s.setting}${s.unit ?? ''}`).join(', ');
    return `PostgreSQL ${v[0].version} (${embedded ? 'embedded' : 'DATABASE_URL'}; ${settings})`;
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
