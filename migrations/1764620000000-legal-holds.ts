import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Legal holds (product.md, "The law above the policy"): legal keeps some categories of a subject's
 * personal information, storage only, past an approved deletion and until an expiry, on a basis
 * (clauses of the policy version in force when placed, provisions of the law catalogue, or both)
 * and with the authority's document number or the statute's retention period.
 *
 * A hold is active while it is not released and `until` has not passed: expiry is computed, no
 * job moves it. A hold is never deleted; releasing it is the one change, an UPDATE that fills the
 * three release columns once (the trigger refuses anything else). The categories are those of
 * DataCategory in src/policy/domain/policy.types.ts, written out: a migration must keep meaning
 * what it meant when it ran.
 */
export class LegalHolds1764620000000 implements MigrationInterface {
  name = 'LegalHolds1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_holds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject_id uuid NOT NULL CONSTRAINT fk_legal_holds_subject REFERENCES users(id),
        subject_ref uuid NOT NULL,
        categories text[] NOT NULL,
        clauses text[] NOT NULL DEFAULT '{}',
        law text[] NOT NULL DEFAULT '{}',
        policy_version integer NOT NULL CONSTRAINT fk_legal_holds_policy_version REFERENCES policy_versions(version),
        reference text,
        retention text,
        note text NOT NULL,
        until timestamptz NOT NULL,
        placed_by uuid NOT NULL CONSTRAINT fk_legal_holds_placed_by REFERENCES users(id),
        placed_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz,
        released_by uuid CONSTRAINT fk_legal_holds_released_by REFERENCES users(id),
        release_reason text,
        CONSTRAINT ck_legal_holds_categories CHECK (
          cardinality(categories) > 0
          AND categories <@ ARRAY['account', 'device_access', 'face_basic', 'face_additional', 'consents',
                                  'published_content', 'transactions', 'search_keywords', 'violations']::text[]),
        CONSTRAINT ck_legal_holds_basis CHECK (cardinality(clauses) + cardinality(law) > 0),
        CONSTRAINT ck_legal_holds_reference_or_retention CHECK (
          length(btrim(coalesce(reference, ''))) > 0 OR length(btrim(coalesce(retention, ''))) > 0),
        CONSTRAINT ck_legal_holds_until CHECK (until > placed_at),
        CONSTRAINT ck_legal_holds_released CHECK (
          (released_at IS NULL AND released_by IS NULL AND release_reason IS NULL)
          OR (released_at IS NOT NULL AND released_by IS NOT NULL AND length(btrim(coalesce(release_reason, ''))) > 0))
      )`);
    // The active holds of a subject (what an erasure keeps, and what a decision cites): released
    // holds drop out of the index; expired ones are filtered by `until`, which leads after the subject.
    await q.query(`CREATE INDEX ix_legal_holds_subject_active ON legal_holds (subject_id, until) WHERE released_at IS NULL`);
    // The list, newest first (keyset on placed_at, id): one subject's, or everyone's.
    await q.query(`CREATE INDEX ix_legal_holds_subject_placed ON legal_holds (subject_id, placed_at, id)`);
    await q.query(`CREATE INDEX ix_legal_holds_placed ON legal_holds (placed_at, id)`);

    // Clauses must exist in the version the hold was placed under (a foreign key cannot reach into an array).
    await q.query(`
      CREATE FUNCTION legal_holds_clauses_exist() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing text[];
      BEGIN
        SELECT array_agg(c) INTO missing FROM unnest(NEW.clauses) AS c
        WHERE NOT EXISTS (SELECT 1 FROM policy_clauses p WHERE p.version = NEW.policy_version AND p.clause_id = c);
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'legal hold cites clauses % that policy version % does not have', missing, NEW.policy_version
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER legal_holds_clauses_exist BEFORE INSERT ON legal_holds FOR EACH ROW EXECUTE FUNCTION legal_holds_clauses_exist()`);

    // Never deleted; the one UPDATE is the release, once, of the release columns alone.
    await q.query(`
      CREATE FUNCTION legal_holds_release_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.released_at IS NULL AND NEW.released_at IS NOT NULL
           AND (to_jsonb(NEW) - 'released_at' - 'released_by' - 'release_reason') = (to_jsonb(OLD) - 'released_at' - 'released_by' - 'release_reason') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% on legal_holds is not allowed: a hold is only released, once', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER legal_holds_release_only BEFORE UPDATE OR DELETE ON legal_holds FOR EACH ROW EXECUTE FUNCTION legal_holds_release_only()`);
    await q.query(`CREATE TRIGGER legal_holds_no_truncate BEFORE TRUNCATE ON legal_holds FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE legal_holds`);
    await q.query(`DROP FUNCTION legal_holds_release_only()`);
    await q.query(`DROP FUNCTION legal_holds_clauses_exist()`);
  }
}
