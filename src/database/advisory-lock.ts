import type { DataSource } from 'typeorm';

/**
 * Runs `work` while this process holds the session-level advisory lock named by `scope` and `key`
 * (hashed), on a connection of its own; answers false without running it when another session
 * holds the lock. What one job does for one request is run so: a second worker, or a second send of
 * the same job, leaves the request to the first.
 */
export async function whileLocked(dataSource: DataSource, scope: string, key: string, work: () => Promise<void>): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked`, [scope, key])) as { locked: boolean }[];
    if (!locked) return false;
    try {
      await work();
      return true;
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext($1), hashtext($2))`, [scope, key]);
    }
  } finally {
    await runner.release();
  }
}
