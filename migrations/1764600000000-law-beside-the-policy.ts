import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The law beside the policy (product.md, "The law above the policy").
 *
 * `policy_rule_revisions`: the product's reading of a published version (its justification rules and
 * the standing of each clause) can be corrected without touching the version, whose text and
 * original rules stay as published. A version's rules are those of its latest revision (or, with
 * none, those it was published with). Append-only, like the versions.
 *
 * `request_events.law`: the statutory provisions a decision, extension or appeal decision cites
 * beside its clauses. A decision may rest on a provision alone (a refusal under GB/T 35273 §8.7),
 * so an outcome needs a clause or a provision.
 */
export class LawBesideThePolicy1764600000000 implements MigrationInterface {
  name = 'LawBesideThePolicy1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policy_rule_revisions (
        version integer NOT NULL CONSTRAINT fk_policy_rule_revisions_version REFERENCES policy_versions(version),
        revision integer NOT NULL,
        rules jsonb NOT NULL,
        rules_source text NOT NULL,
        coverage jsonb NOT NULL,
        coverage_source text NOT NULL,
        revised_at timestamptz NOT NULL DEFAULT now(),
        revised_by uuid CONSTRAINT fk_policy_rule_revisions_user REFERENCES users(id),
        CONSTRAINT pk_policy_rule_revisions PRIMARY KEY (version, revision),
        CONSTRAINT ck_policy_rule_revisions_revision CHECK (revision >= 1)
      )`);
    await q.query(
      `CREATE TRIGGER policy_rule_revisions_append_only BEFORE UPDATE OR DELETE ON policy_rule_revisions FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()`,
    );
    await q.query(
      `CREATE TRIGGER policy_rule_revisions_no_truncate BEFORE TRUNCATE ON policy_rule_revisions FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()`,
    );
    await q.query(`ALTER TABLE request_events ADD COLUMN law text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE request_events DROP CONSTRAINT ck_request_events_outcome_cited`);
    await q.query(
      `ALTER TABLE request_events ADD CONSTRAINT ck_request_events_outcome_cited CHECK (outcome IS NULL OR cardinality(clauses) + cardinality(law) > 0)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE request_events DROP CONSTRAINT ck_request_events_outcome_cited`);
    await q.query(`ALTER TABLE request_events DROP COLUMN law`);
    await q.query(`ALTER TABLE request_events ADD CONSTRAINT ck_request_events_outcome_cited CHECK (outcome IS NULL OR cardinality(clauses) > 0)`);
    await q.query(`DROP TABLE policy_rule_revisions`);
  }
}
