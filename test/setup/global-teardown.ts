import type { EntryPointsBuild } from './build-entry-points';
import { TEST_ENV, withAdminClient } from './test-cluster';

/**
 * Removes the compiled entry points (ending the compiler if no test needed it before the end), then
 * drops this run's databases and role (on a shared server) or stops the throwaway embedded server.
 */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __dsrBuild?: EntryPointsBuild }).__dsrBuild?.stop();
  const embedded = (globalThis as { __dsrEmbedded?: { stop(): Promise<void> } }).__dsrEmbedded;
  if (embedded) {
    await embedded.stop();
    return;
  }
  const adminUrl = process.env[TEST_ENV.adminUrl];
  const runId = process.env[TEST_ENV.runId];
  if (!adminUrl || !runId) return;
  await withAdminClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`dsr_%${runId}%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    // Its privileges went with the databases.
    const role = process.env[TEST_ENV.portalRole];
    if (role) await c.query(`DROP ROLE IF EXISTS "${role}"`);
  });
}
