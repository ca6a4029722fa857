import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The disclosure register (product.md, "The disclosure register and legal review"; issue 13).
 *
 * Every table here only grows: each has the `refuse_append_only_change` row trigger, so the
 * database refuses UPDATE and DELETE (and TRUNCATE) to everyone, the owner included, and the portal's
 * role is granted SELECT and INSERT alone on them (src/database/database-roles.ts finds them by
 * that trigger). A correction is a new entry pointing to the one it corrects.
 *
 * Why reviews and withholdings are tables of their own rather than columns of the entry: an entry
 * cannot be updated, and its state (pending_review until a review row exists; withheld while a
 * withholding's `until` has not passed) is better derived from facts that are themselves
 * append-only than kept in a mutable status column, which would be the one thing in the register
 * that could be rewritten. One review per entry (its primary key): a second, concurrent one fails
 * on the key and answers 409; a flagged entry is remedied by a correction, which is reviewed in turn.
 *
 * Lists are newest disclosure first (keyset on last_disclosed_at, id). The subjects, citations and
 * reviews carry their entry's last_disclosed_at (filled by a trigger from the entry, never by the
 * caller), so that a filter on a subject, a clause or provision, or a review outcome reads one
 * index in list order instead of joining a million entries.
 *
 * Kinds, categories and mechanisms are written out: a migration must keep meaning what it meant
 * when it ran (RecipientKind, DataCategory and TransferMechanism in src/policy/domain).
 */
export class DisclosureRegister1764740000000 implements MigrationInterface {
  name = 'DisclosureRegister1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE disclosure_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_name text NOT NULL,
        recipient_kind text NOT NULL,
        recipient_country text NOT NULL,
        recipient_contact text,
        basis text[] NOT NULL,
        law text[] NOT NULL DEFAULT '{}',
        categories text[] NOT NULL,
        purpose text NOT NULL,
        reference text,
        emergency text,
        consent_purpose text,
        agreement_ref text,
        transfer_mechanism text,
        transfer_ref text,
        impact_assessment_ref text,
        prc_approval_ref text,
        first_disclosed_at timestamptz NOT NULL,
        last_disclosed_at timestamptz NOT NULL,
        frequency text,
        policy_version integer NOT NULL CONSTRAINT fk_disclosure_entries_policy_version REFERENCES policy_versions(version),
        corrects uuid CONSTRAINT fk_disclosure_entries_corrects REFERENCES disclosure_entries(id),
        correction_reason text,
        subject_count integer NOT NULL,
        content_hash text NOT NULL,
        recorded_by uuid NOT NULL CONSTRAINT fk_disclosure_entries_recorded_by REFERENCES users(id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_disclosure_entries_kind CHECK (
          recipient_kind IN ('authority', 'complaint_party', 'counterparty', 'affiliate', 'partner', 'credit_bureau', 'other')),
        CONSTRAINT ck_disclosure_entries_country CHECK (recipient_country ~ '^[A-Z]{2}$'),
        CONSTRAINT ck_disclosure_entries_basis CHECK (cardinality(basis) > 0),
        CONSTRAINT ck_disclosure_entries_categories CHECK (
          cardinality(categories) > 0
          AND categories <@ ARRAY['account', 'device_access', 'face_basic', 'face_additional', 'consents',
                                  'published_content', 'transactions', 'search_keywords', 'violations']::text[]),
        CONSTRAINT ck_disclosure_entries_mechanism CHECK (
          transfer_mechanism IS NULL OR transfer_mechanism IN ('security_assessment', 'standard_contract', 'certification', 'exemption')),
        CONSTRAINT ck_disclosure_entries_dates CHECK (last_disclosed_at >= first_disclosed_at AND first_disclosed_at <= recorded_at + interval '5 minutes'),
        CONSTRAINT ck_disclosure_entries_repeated CHECK (
          (frequency IS NULL AND last_disclosed_at = first_disclosed_at)
          OR frequency IN ('daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular')),
        CONSTRAINT ck_disclosure_entries_correction CHECK ((corrects IS NULL) = (correction_reason IS NULL)),
        CONSTRAINT ck_disclosure_entries_subjects CHECK (subject_count > 0)
      )`);
    await q.query(`CREATE INDEX ix_disclosure_entries_list ON disclosure_entries (last_disclosed_at, id)`);
    await q.query(`CREATE INDEX ix_disclosure_entries_kind ON disclosure_entries (recipient_kind, last_disclosed_at, id)`);
    // One correction per entry: a later one corrects the correction (409 otherwise).
    await q.query(`CREATE UNIQUE INDEX uq_disclosure_entries_corrects ON disclosure_entries (corrects) WHERE corrects IS NOT NULL`);

    await q.query(`
      CREATE TABLE disclosure_subjects (
        entry_id uuid NOT NULL CONSTRAINT fk_disclosure_subjects_entry REFERENCES disclosure_entries(id),
        subject_id uuid NOT NULL CONSTRAINT fk_disclosure_subjects_subject REFERENCES users(id),
        subject_ref uuid NOT NULL,
        last_disclosed_at timestamptz NOT NULL,
        CONSTRAINT pk_disclosure_subjects PRIMARY KEY (entry_id, subject_id)
      )`);
    await q.query(`CREATE INDEX ix_disclosure_subjects_subject ON disclosure_subjects (subject_id, last_disclosed_at, entry_id)`);

    // Each cited clause id and provision id of an entry, one row each (clause ids are lowercase, provision ids are not).
    await q.query(`
      CREATE TABLE disclosure_citations (
        entry_id uuid NOT NULL CONSTRAINT fk_disclosure_citations_entry REFERENCES disclosure_entries(id),
        cited text NOT NULL,
        last_disclosed_at timestamptz NOT NULL,
        CONSTRAINT pk_disclosure_citations PRIMARY KEY (entry_id, cited)
      )`);
    await q.query(`CREATE INDEX ix_disclosure_citations_cited ON disclosure_citations (cited, last_disclosed_at, entry_id)`);

    await q.query(`
      CREATE TABLE disclosure_reviews (
        entry_id uuid PRIMARY KEY CONSTRAINT fk_disclosure_reviews_entry REFERENCES disclosure_entries(id),
        outcome text NOT NULL,
        note text NOT NULL,
        reviewed_by uuid NOT NULL CONSTRAINT fk_disclosure_reviews_reviewed_by REFERENCES users(id),
        reviewed_at timestamptz NOT NULL DEFAULT now(),
        last_disclosed_at timestamptz NOT NULL,
        CONSTRAINT ck_disclosure_reviews_outcome CHECK (outcome IN ('confirmed', 'flagged')),
        CONSTRAINT ck_disclosure_reviews_note CHECK (length(btrim(note)) > 0)
      )`);
    await q.query(`CREATE INDEX ix_disclosure_reviews_outcome ON disclosure_reviews (outcome, last_disclosed_at, entry_id)`);

    await q.query(`
      CREATE TABLE disclosure_withholdings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        entry_id uuid NOT NULL CONSTRAINT fk_disclosure_withholdings_entry REFERENCES disclosure_entries(id),
        law text[] NOT NULL,
        reference text NOT NULL,
        until timestamptz NOT NULL,
        note text,
        withheld_by uuid NOT NULL CONSTRAINT fk_disclosure_withholdings_withheld_by REFERENCES users(id),
        withheld_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_disclosure_withholdings_law CHECK (cardinality(law) > 0),
        CONSTRAINT ck_disclosure_withholdings_reference CHECK (length(btrim(reference)) > 0),
        CONSTRAINT ck_disclosure_withholdings_until CHECK (until > withheld_at)
      )`);
    await q.query(`CREATE INDEX ix_disclosure_withholdings_entry ON disclosure_withholdings (entry_id, until)`);

    // The entry's clauses must exist in its policy version (a foreign key cannot reach into an array).
    await q.query(`
      CREATE FUNCTION disclosure_entries_clauses_exist() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing text[];
      BEGIN
        SELECT array_agg(c) INTO missing FROM unnest(NEW.basis) AS c
        WHERE NOT EXISTS (SELECT 1 FROM policy_clauses p WHERE p.version = NEW.policy_version AND p.clause_id = c);
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'disclosure cites clauses % that policy version % does not have', missing, NEW.policy_version
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER disclosure_entries_clauses_exist BEFORE INSERT ON disclosure_entries FOR EACH ROW EXECUTE FUNCTION disclosure_entries_clauses_exist()`,
    );

    // The list position comes from the entry, whatever the writer sent.
    await q.query(`
      CREATE FUNCTION disclosure_rows_take_entry_date() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT e.last_disclosed_at INTO NEW.last_disclosed_at FROM disclosure_entries e WHERE e.id = NEW.entry_id;
        RETURN NEW;
      END $$`);
    for (const table of ['disclosure_subjects', 'disclosure_citations', 'disclosure_reviews'])
      await q.query(`CREATE TRIGGER ${table}_entry_date BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION disclosure_rows_take_entry_date()`);

    // Four eyes, in the database as well: nobody reviews an entry they recorded.
    await q.query(`
      CREATE FUNCTION disclosure_reviews_not_by_recorder() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM disclosure_entries e WHERE e.id = NEW.entry_id AND e.recorded_by = NEW.reviewed_by) THEN
          RAISE EXCEPTION 'a disclosure is reviewed by someone other than its recorder'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_disclosure_reviews_not_by_recorder';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER disclosure_reviews_not_by_recorder BEFORE INSERT ON disclosure_reviews FOR EACH ROW EXECUTE FUNCTION disclosure_reviews_not_by_recorder()`,
    );

    for (const table of TABLES) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP FUNCTION disclosure_reviews_not_by_recorder()`);
    await q.query(`DROP FUNCTION disclosure_rows_take_entry_date()`);
    await q.query(`DROP FUNCTION disclosure_entries_clauses_exist()`);
  }
}

const TABLES = ['disclosure_entries', 'disclosure_subjects', 'disclosure_citations', 'disclosure_reviews', 'disclosure_withholdings'];
