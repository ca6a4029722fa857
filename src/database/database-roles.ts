import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './typeorm-options';

/**
 * Least privilege in the database (README, "Database roles"). Two roles:
 *   - the owner (DATABASE_OWNER_URL) owns every table, runs the migrations and installs the job
 *     queue's schema; the portal uses it only here, at start;
 *   - the portal's role (DATABASE_URL) owns nothing. It reads and writes rows, appends to the audit
 *     trail and nothing more: it cannot alter a table, switch a trigger off, truncate, or rewrite
 *     the trail (no UPDATE or DELETE there, beside the append-only triggers).
 */

/**
 * The tables the portal's role may only read and append to are those the migrations made append-only:
 * a row trigger on UPDATE or DELETE that calls refuse_append_only_change() (the audit trail, the
 * policy versions, the consent ledger). One list, kept by the migrations.
 */
const APPEND_ONLY_TABLES_SQL = `SELECT DISTINCT c.relname AS name
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
  WHERE c.relnamespace = 'public'::regnamespace AND p.proname = 'refuse_append_only_change'
    AND NOT t.tgisinternal AND (t.tgtype & 1) = 1 AND (t.tgtype & (8 | 16)) <> 0
  ORDER BY 1`;
/** Tables only the owner touches. */
const OWNER_ONLY_TABLES = ['schema_migrations'];
/** Held for the whole set-up, so that portals starting together do not grant over each other (PostgreSQL refuses concurrent GRANTs on one object). */
const SET_UP_LOCK = `hashtext('dsr_database_roles')`;

/** A step the owner runs after the migrations, for a schema another module keeps (the job queue's). */
export type OwnerStep = (owner: Client, ownerUrl: string, portalRole: string) => Promise<void>;

export class DatabaseRoleError extends Error {
  constructor(message: string) {
    super(`${message} (README, "Database roles")`);
    this.name = 'DatabaseRoleError';
  }
}

/**
 * As the owner: applies the migrations, runs `steps`, and grants the portal's role what it needs,
 * again on every start so that tables added since are covered. Refuses a portal role that is a
 * superuser, is the owner itself, or owns any of the portal's tables.
 */
export async function prepareDatabaseAsOwner(ownerUrl: string, portalUrl: string, steps: OwnerStep[] = []): Promise<void> {
  const portal = await roleOf(portalUrl);
  const owner = new Client({ connectionString: ownerUrl, application_name: 'dsr-portal-setup' });
  await owner.connect();
  try {
    const [{ name }] = (await owner.query<{ name: string }>(`SELECT current_user AS name`)).rows;
    if (name === portal.name) throw new DatabaseRoleError(`DATABASE_URL and DATABASE_OWNER_URL both connect as ${name}: the portal needs a role of its own`);
    if (portal.superuser)
      throw new DatabaseRoleError(`DATABASE_URL connects as ${portal.name}, a superuser: the portal's role must own nothing and hold no special rights`);
    await owner.query(`SELECT pg_advisory_lock(${SET_UP_LOCK})`);
    await migrate(ownerUrl);
    for (const step of steps) await step(owner, ownerUrl, portal.name);
    await grantPortalRole(owner, portal.name);
    const owned = await owner.query<{ table: string }>(
      `SELECT schemaname || '.' || tablename AS table FROM pg_tables WHERE tableowner = $1 AND schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1 LIMIT 3`,
      [portal.name],
    );
    if (owned.rows.length > 0)
      throw new DatabaseRoleError(`DATABASE_URL's role ${portal.name} owns ${owned.rows.map((r) => r.table).join(', ')}: give them to the owner role`);
  } finally {
    await owner.end();
  }
}

/** The role a URL signs in as. Connecting also proves the portal's credentials before anything else starts. */
async function roleOf(url: string): Promise<{ name: string; superuser: boolean }> {
  const client = new Client({ connectionString: url, application_name: 'dsr-portal-setup' });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; superuser: boolean }>(
      `SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

async function migrate(ownerUrl: string): Promise<void> {
  const ds = new DataSource(buildDataSourceOptions(ownerUrl, { extra: { max: 1, application_name: 'dsr-portal-setup' } }));
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
}

/** Rows in the portal's tables; the append-only ones only read and appended to; nothing else. */
async function grantPortalRole(owner: Client, role: string): Promise<void> {
  const to = escapeIdentifier(role);
  const tables = (names: string[]) => names.map((n) => `public.${escapeIdentifier(n)}`).join(', ');
  const appendOnly = (await owner.query<{ name: string }>(APPEND_ONLY_TABLES_SQL)).rows.map((r) => r.name);
  // One transaction: portals already running as this role never see it without its rights.
  await inTransaction(owner, [
    `GRANT USAGE ON SCHEMA public TO ${to}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${to}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${to}`,
    ...(appendOnly.length > 0 ? [`REVOKE UPDATE, DELETE ON ${tables(appendOnly)} FROM ${to}`] : []),
    `REVOKE ALL ON ${tables(OWNER_ONLY_TABLES)} FROM ${to}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${to}`,
  ]);
}

/** Runs `statements` in one transaction on `client`. */
export async function inTransaction(client: Client, statements: string[]): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const sql of statements) await client.query(sql);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * The role `url` signs in as, with `name` and `password` instead: the portal's URL made from the
 * owner's (embedded mode, tests).
 */
export function urlAs(url: string, name: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(name);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Creates the portal's role if it is missing, with this password (embedded mode, tests). Needs CREATEROLE. */
export async function ensurePortalRole(admin: Client, name: string, password: string): Promise<void> {
  const role = escapeIdentifier(name);
  const exists = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [name]);
  const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
  // PASSWORD takes no parameter: a literal, escaped by the driver.
  await admin.query(`${verb} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${escapeLiteral(password)}`);
}
