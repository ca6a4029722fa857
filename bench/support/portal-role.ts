import { randomBytes } from 'node:crypto';
import { ensurePortalRole, urlAs } from '../../src/database/database-roles';
import type { BenchDatabase } from './database';
import { withClient } from './database';

export interface PortalRole {
  /** DATABASE_URL (the portal's role, which owns nothing) and DATABASE_OWNER_URL (the bench database's owner), as production runs them. */
  env: { DATABASE_URL: string; DATABASE_OWNER_URL: string };
  /** Drops the role; after the database is gone (on DATABASE_URL's server: roles outlive databases). */
  drop(): Promise<void>;
}

/**
 * A login role of the bench's own for the portal to connect as, beside the bench database's owner
 * (README, "Database roles"): production refuses to start without DATABASE_OWNER_URL. The owner
 * migrates and grants at the portal's start. Needs CREATEROLE on DATABASE_URL's server.
 */
export async function portalRole(db: BenchDatabase): Promise<PortalRole> {
  const name = `dsr_bench_portal_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  await withClient(db.url, (c) => ensurePortalRole(c, name, password));
  return {
    env: { DATABASE_URL: urlAs(db.url, name, password), DATABASE_OWNER_URL: db.url },
    drop: async () => {
      const admin = process.env.DATABASE_URL;
      if (!db.embedded && admin) await withClient(admin, (c) => c.query(`DROP ROLE IF EXISTS "${name}"`));
    },
  };
}
