import { Client, escapeIdentifier } from 'pg';
import PgBoss from 'pg-boss';
import { inTransaction, OwnerStep } from '../database/database-roles';

/** pg-boss keeps its tables here, apart from the portal's own. */
export const JOBS_SCHEMA = 'pgboss';

/** pg-boss's function that makes a queue: a row in its queue table and a partition of the job table. */
const CREATE_QUEUE = `${JOBS_SCHEMA}.create_queue(text, json)`;

/**
 * The owner's part of the job queue (src/database/database-roles.ts): pg-boss installs or migrates
 * its schema as the owner, and the portal's role may then work the queues' rows but change no
 * table. A queue is a table of its own, so creating one is DDL: the portal's role may call only
 * pg-boss's own function for it, which runs as the owner (SECURITY DEFINER, with a fixed search
 * path), and every table the owner makes there (today's, and the partitions of queues made later)
 * is open to the portal's role for rows only.
 */
export const installJobsSchema: OwnerStep = async (owner: Client, ownerUrl: string, portalRole: string) => {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOBS_SCHEMA,
    application_name: 'dsr-portal-setup',
    max: 1,
    migrate: true,
    supervise: false,
    schedule: false,
  });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  const schema = escapeIdentifier(JOBS_SCHEMA);
  const to = escapeIdentifier(portalRole);
  await inTransaction(owner, [
    `GRANT USAGE ON SCHEMA ${schema} TO ${to}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${to}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${to}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${to}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${to}`,
    `ALTER FUNCTION ${CREATE_QUEUE} SECURITY DEFINER SET search_path = pg_catalog, pg_temp`,
    `REVOKE ALL ON FUNCTION ${CREATE_QUEUE} FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION ${CREATE_QUEUE} TO ${to}`,
  ]);
};
