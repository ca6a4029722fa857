import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Policy versions and their clauses: published once, never edited (a change is a new version).
 * `clause_citations` is the one place the impact report reads "who cites which clause"; capabilities
 * that cite clauses (requests, decisions) extend the view in their own migrations.
 */
export class Policy1764403400000 implements MigrationInterface {
  name = 'Policy1764403400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policy_versions (
        version integer PRIMARY KEY,
        published_at timestamptz NOT NULL DEFAULT now(),
        major boolean NOT NULL,
        title text NOT NULL,
        sha256 text NOT NULL,
        source_markdown text NOT NULL,
        rules jsonb NOT NULL,
        rules_source text NOT NULL,
        glosses jsonb NOT NULL,
        warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
        changes jsonb NOT NULL DEFAULT '{}'::jsonb,
        published_by uuid,
        CONSTRAINT ck_policy_versions_positive CHECK (version > 0)
      )`);
    await q.query(`
      CREATE TABLE policy_clauses (
        version integer NOT NULL CONSTRAINT fk_policy_clauses_version REFERENCES policy_versions(version),
        clause_id text NOT NULL,
        position integer NOT NULL,
        heading text,
        text text NOT NULL,
        gloss text,
        lines integer[] NOT NULL,
        CONSTRAINT pk_policy_clauses PRIMARY KEY (version, clause_id),
        CONSTRAINT ck_policy_clauses_text CHECK (length(btrim(text)) > 0)
      )`);
    for (const table of ['policy_versions', 'policy_clauses']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()`);
    }
    await q.query(`
      CREATE VIEW clause_citations AS
        SELECT NULL::text AS source, NULL::uuid AS entity_id, NULL::integer AS policy_version,
               NULL::text AS clause_id, NULL::boolean AS open
        WHERE false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW clause_citations`);
    await q.query(`DROP TABLE policy_clauses`);
    await q.query(`DROP TABLE policy_versions`);
  }
}
