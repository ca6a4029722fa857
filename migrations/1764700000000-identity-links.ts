import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A verified link between a portal account and the operator's app account (src/identity): the
 * subject proves that they are the app user whose data a request will copy or erase with a
 * one-time code sent to the contact the operator's records hold.
 *
 * `identity_links`: one per portal account, and one portal account per app user (the unique
 * `app_user_ref`): the app user's id in the operator's records, as text.
 *
 * `identity_challenges`: the pending code of an account, one at a time (a new one replaces it),
 * kept only as an HMAC (32 bytes), with what guards it: wrong tries since the last lock, the lock,
 * and the sends of the current hour. `app_user_ref` is null when no app user had the contact typed:
 * such a challenge is written all the same, so that the answer never tells whether one exists. The
 * limits (5 wrong tries, 5 sends an hour) are those of src/identity/link-rules.ts, written out: a
 * migration must keep meaning what it meant when it ran.
 */
export class IdentityLinks1764700000000 implements MigrationInterface {
  name = 'IdentityLinks1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity_links (
        subject_id uuid CONSTRAINT pk_identity_links PRIMARY KEY CONSTRAINT fk_identity_links_subject REFERENCES users(id) ON DELETE CASCADE,
        app_user_ref text NOT NULL CONSTRAINT uq_identity_links_app_user UNIQUE,
        channel text NOT NULL,
        linked_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_identity_links_channel CHECK (channel IN ('email', 'phone')),
        CONSTRAINT ck_identity_links_app_user_ref CHECK (length(app_user_ref) BETWEEN 1 AND 200)
      )`);
    await q.query(`
      CREATE TABLE identity_challenges (
        subject_id uuid CONSTRAINT pk_identity_challenges PRIMARY KEY CONSTRAINT fk_identity_challenges_subject REFERENCES users(id) ON DELETE CASCADE,
        channel text NOT NULL,
        app_user_ref text,
        code_hash bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        wrong_tries smallint NOT NULL DEFAULT 0,
        locked_until timestamptz,
        sends_window_start timestamptz NOT NULL,
        sends_in_window smallint NOT NULL,
        CONSTRAINT ck_identity_challenges_channel CHECK (channel IN ('email', 'phone')),
        CONSTRAINT ck_identity_challenges_code_hash CHECK (octet_length(code_hash) = 32),
        CONSTRAINT ck_identity_challenges_wrong_tries CHECK (wrong_tries BETWEEN 0 AND 5),
        CONSTRAINT ck_identity_challenges_sends CHECK (sends_in_window BETWEEN 1 AND 5)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE identity_challenges`);
    await q.query(`DROP TABLE identity_links`);
  }
}
