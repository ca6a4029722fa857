import { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, sessions and the append-only, hash-chained audit trail. */
export class Foundation1764403200000 implements MigrationInterface {
  name = 'Foundation1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE user_role AS ENUM ('subject', 'staff', 'legal', 'admin')`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        role user_role NOT NULL,
        display_name text,
        phone text,
        locale text NOT NULL DEFAULT 'zh-CN',
        subject_ref uuid NOT NULL DEFAULT gen_random_uuid(),
        mfa_secret text,
        mfa_enabled_at timestamptz,
        failed_login_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_users_email UNIQUE (email),
        CONSTRAINT uq_users_subject_ref UNIQUE (subject_ref),
        CONSTRAINT ck_users_email_lower CHECK (email = lower(email))
      )`);

    await q.query(`CREATE TYPE session_kind AS ENUM ('api', 'web')`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL CONSTRAINT fk_sessions_user REFERENCES users(id) ON DELETE CASCADE,
        kind session_kind NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX ix_sessions_user ON sessions (user_id) WHERE revoked_at IS NULL`);

    // Tables that record what happened may only grow: the database itself refuses the rest.
    await q.query(`
      CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);

    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        n bigserial NOT NULL,
        tx_id xid8 NOT NULL,
        occurred_at timestamptz NOT NULL,
        action text NOT NULL,
        actor_id uuid,
        actor_role text,
        entity_type text NOT NULL,
        entity_id text,
        subject_ref uuid,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        content_hash text NOT NULL,
        CONSTRAINT uq_audit_events_n UNIQUE (n)
      )`);
    await q.query(`CREATE INDEX ix_audit_events_order ON audit_events (tx_id, n)`);
    await q.query(`CREATE INDEX ix_audit_events_entity ON audit_events (entity_type, entity_id, n)`);
    await q.query(`CREATE INDEX ix_audit_events_subject ON audit_events (subject_ref, n) WHERE subject_ref IS NOT NULL`);
    // The sealer's ordering relies on tx_id being the writing transaction's own id: never trust a caller for it.
    await q.query(`
      CREATE FUNCTION audit_events_stamp_tx() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.tx_id := pg_current_xact_id(); RETURN NEW; END $$`);
    await q.query(`CREATE TRIGGER audit_events_stamp_tx BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_stamp_tx()`);

    await q.query(`
      CREATE TABLE audit_chain (
        seq bigint PRIMARY KEY,
        event_id uuid NOT NULL CONSTRAINT fk_audit_chain_event REFERENCES audit_events(id),
        tx_id xid8 NOT NULL,
        n bigint NOT NULL,
        prev_hash text NOT NULL,
        chain_hash text NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_audit_chain_event UNIQUE (event_id)
      )`);

    for (const table of ['audit_events', 'audit_chain']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_chain`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_stamp_tx()`);
    await q.query(`DROP FUNCTION refuse_append_only_change()`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TYPE session_kind`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TYPE user_role`);
  }
}
