import { Client, escapeIdentifier } from 'pg';
import { inTransaction, OwnerStep } from '../database/database-roles';

/**
 * A sample of the operator's own systems (the app whose privacy policy this is): the schema that
 * stands for the app's database, so that fulfilment has real data to find, export, correct and
 * erase out of the box. It lives in the portal's database; the portal's role reaches it as a
 * connector's account on the operator's system would: rows only, no DDL.
 *
 * Others build connectors against these names: change them only with those connectors.
 */
export const OPERATOR_SCHEMA = 'operator_app';

/** The tables of the schema, parents first; erase in the reverse order (no foreign key cascades). */
export const OPERATOR_TABLES = ['users', 'access_logs', 'face_profiles', 'transactions', 'published_content', 'search_history', 'violations'] as const;
export type OperatorTable = (typeof OPERATOR_TABLES)[number];

/** The tables whose rows belong to a user, each by a `user_id` that references `users`. */
export type UserRowTable = Exclude<OperatorTable, 'users'>;
export const USER_ROW_TABLES = OPERATOR_TABLES.filter((t): t is UserRowTable => t !== 'users');

/** The name of the foreign key from `table`'s user_id to users(id). */
export function userForeignKeyName(table: UserRowTable): string {
  return `${table}_user_id_fkey`;
}

const S = OPERATOR_SCHEMA;
/** The foreign-key clause of `table`'s user_id column. */
function userForeignKeyClause(table: UserRowTable): string {
  return `CONSTRAINT ${userForeignKeyName(table)} REFERENCES ${S}.users (id)`;
}

/**
 * Idempotent DDL. Foreign keys are NO ACTION on purpose: an erasure deletes a user's rows table by
 * table, children first, and says so, rather than letting a cascade remove them unseen.
 */
const SCHEMA_DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${S}`,
  `CREATE TABLE IF NOT EXISTS ${S}.users (
    id bigserial CONSTRAINT users_pkey PRIMARY KEY,
    display_name text NOT NULL,
    email text CONSTRAINT users_email_key UNIQUE,
    phone text CONSTRAINT users_phone_key UNIQUE,
    gender text CONSTRAINT users_gender_check CHECK (gender IN ('female', 'male', 'other')),
    birthday date,
    created_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz
  )`,
  `CREATE TABLE IF NOT EXISTS ${S}.access_logs (
    id bigserial CONSTRAINT access_logs_pkey PRIMARY KEY,
    user_id bigint NOT NULL ${userForeignKeyClause('access_logs')},
    at timestamptz NOT NULL,
    ip inet NOT NULL,
    user_agent text NOT NULL,
    language text NOT NULL,
    page text NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS access_logs_user_id_id_idx ON ${S}.access_logs (user_id, id)`,
  `CREATE TABLE IF NOT EXISTS ${S}.face_profiles (
    id bigserial CONSTRAINT face_profiles_pkey PRIMARY KEY,
    user_id bigint NOT NULL ${userForeignKeyClause('face_profiles')},
    purpose text NOT NULL CONSTRAINT face_profiles_purpose_check CHECK (purpose IN ('basic', 'additional')),
    template bytea NOT NULL,
    image bytea NOT NULL,
    enrolled_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS face_profiles_user_id_idx ON ${S}.face_profiles (user_id)`,
  `CREATE TABLE IF NOT EXISTS ${S}.transactions (
    id bigserial CONSTRAINT transactions_pkey PRIMARY KEY,
    user_id bigint NOT NULL ${userForeignKeyClause('transactions')},
    counterparty_name text NOT NULL,
    counterparty_phone text,
    item text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    completed_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS transactions_user_id_id_idx ON ${S}.transactions (user_id, id)`,
  `CREATE TABLE IF NOT EXISTS ${S}.published_content (
    id bigserial CONSTRAINT published_content_pkey PRIMARY KEY,
    user_id bigint NOT NULL ${userForeignKeyClause('published_content')},
    kind text NOT NULL CONSTRAINT published_content_kind_check CHECK (kind IN ('review', 'activity')),
    body text NOT NULL,
    published_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS published_content_user_id_id_idx ON ${S}.published_content (user_id, id)`,
  `CREATE TABLE IF NOT EXISTS ${S}.search_history (
    id bigserial CONSTRAINT search_history_pkey PRIMARY KEY,
    user_id bigint NOT NULL ${userForeignKeyClause('search_history')},
    keywords text NOT NULL,
    searched_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS search_history_user_id_id_idx ON ${S}.search_history (user_id, id)`,
  `CREATE TABLE IF NOT EXISTS ${S}.violations (
    id bigserial CONSTRAINT violations_pkey PRIMARY KEY,
    user_id bigint NOT NULL ${userForeignKeyClause('violations')},
    rule text NOT NULL,
    measure text NOT NULL,
    decided_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS violations_user_id_idx ON ${S}.violations (user_id)`,
];

/**
 * Two starts at once would race on CREATE SCHEMA IF NOT EXISTS (both may find it missing): taken
 * for the transaction. Under DATABASE_OWNER_URL the owner's set-up lock is held already; without
 * it, this is the only one.
 */
const INSTALL_LOCK = `SELECT pg_advisory_xact_lock(hashtext('dsr_operator_schema'))`;

/**
 * The owner's step (src/database/database-roles.ts): creates the schema if it is missing, and gives
 * the portal's role rows of its tables (SELECT, INSERT, UPDATE, DELETE) and their sequences (USAGE,
 * SELECT): nothing else, again at every start, so that a privilege granted by hand does not last.
 */
export const installOperatorSchema: OwnerStep = async (owner: Client, _ownerUrl: string, portalRole: string) => {
  const schema = escapeIdentifier(OPERATOR_SCHEMA);
  const to = escapeIdentifier(portalRole);
  await inTransaction(owner, [
    INSTALL_LOCK,
    ...SCHEMA_DDL,
    `REVOKE ALL ON SCHEMA ${schema} FROM ${to}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${to}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${to}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${to}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${to}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${to}`,
  ]);
};

/**
 * Without DATABASE_OWNER_URL (outside production), DATABASE_URL's role owns and migrates
 * everything, and creates the schema as well; there is no one else to grant anything to.
 */
export async function installOperatorSchemaAsSoleRole(url: string): Promise<void> {
  const client = new Client({ connectionString: url, application_name: 'dsr-portal-setup' });
  await client.connect();
  try {
    await inTransaction(client, [INSTALL_LOCK, ...SCHEMA_DDL]);
  } finally {
    await client.end();
  }
}
