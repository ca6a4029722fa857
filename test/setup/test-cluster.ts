import { Client } from 'pg';

/** Names shared by the global set-up, the test files and the teardown of one `npm test` run. */
export const TEST_ENV = {
  adminUrl: 'DSR_TEST_ADMIN_URL',
  template: 'DSR_TEST_TEMPLATE',
  runId: 'DSR_TEST_RUN_ID',
  /** The role the portal connects as in the tests (it owns nothing; the admin owns the tables), and its password. */
  portalRole: 'DSR_TEST_PORTAL_ROLE',
  portalPassword: 'DSR_TEST_PORTAL_PASSWORD',
  /** The compiled src/ that child-process tests run with plain node (see build-entry-points.ts). */
  buildDir: 'DSR_TEST_BUILD_DIR',
} as const;

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(adminUrl: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
