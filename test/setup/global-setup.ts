import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/typeorm-options';
import { ensurePortalRole } from '../../src/database/database-roles';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { EntryPointsBuild, startEntryPointsBuild } from './build-entry-points';
import globalTeardown from './global-teardown';
import { databaseUrl, TEST_ENV, withAdminClient } from './test-cluster';
import { freePort } from './free-port';

/**
 * Prepares one real PostgreSQL for the whole run: a throwaway embedded one, or the server named by
 * DATABASE_URL. The real migrations are applied once, to a template database; every test file then
 * gets its own copy of it (CREATE DATABASE … TEMPLATE …), so files run in parallel and runs repeat.
 * Meanwhile, in a child process, src/ is compiled once for the tests that run an entry point (the
 * operator command line, main.ts) as its own process; they wait for it if it is not done yet.
 */
export default async function globalSetup(): Promise<void> {
  const build = startEntryPointsBuild();
  (globalThis as { __dsrBuild?: EntryPointsBuild }).__dsrBuild = build;
  process.env[TEST_ENV.buildDir] = build.dir;
  try {
    await prepareDatabase();
  } catch (err) {
    // Jest runs no teardown after a failed set-up: stop and remove what did start.
    await globalTeardown().catch(() => undefined);
    throw err;
  }
}

async function prepareDatabase(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const db = await startEmbeddedPostgres({
      dir: mkdtempSync(join(tmpdir(), 'dsr-test-pg-')),
      port: await freePort(),
      database: 'postgres',
      persistent: false,
    });
    (globalThis as { __dsrEmbedded?: unknown }).__dsrEmbedded = db;
    adminUrl = db.url;
  }
  // Known to the teardown from here on, so that it drops whatever this run creates.
  process.env[TEST_ENV.adminUrl] = adminUrl;
  process.env[TEST_ENV.runId] = runId;
  const template = `dsr_tmpl_${runId}`;
  await withAdminClient(adminUrl, (c) => c.query(`CREATE DATABASE "${template}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`));
  const ds = new DataSource(buildDataSourceOptions(databaseUrl(adminUrl, template)));
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
  process.env[TEST_ENV.template] = template;
  const role = `dsr_portal_${runId}`;
  const password = randomBytes(16).toString('hex');
  await withAdminClient(adminUrl, (c) => ensurePortalRole(c, role, password));
  process.env[TEST_ENV.portalRole] = role;
  process.env[TEST_ENV.portalPassword] = password;
}
