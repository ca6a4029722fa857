import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence uploads (a request filed on someone's behalf carries proof of the right to file it): a
 * PDF, JPEG or PNG a subject uploads, kept as bytes in the database, then attached to the request it
 * supports when that request is filed.
 *
 * An upload is unattached (request_id and attached_at both null) until a filing takes it; an
 * unattached one is removed after a day. Once attached, its content is kept for the retention
 * period after the request closes and then erased: the row stays, with its kind, size and hash,
 * `content` null and `deleted_at` set (the two CHECKs hold each pair together). The kinds and the
 * 10 MiB ceiling are those of src/evidence/upload-kind.ts, written out: a migration must keep
 * meaning what it meant when it ran.
 */
export class EvidenceUploads1764680000000 implements MigrationInterface {
  name = 'EvidenceUploads1764680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL CONSTRAINT fk_uploads_owner REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL,
        size integer NOT NULL,
        sha256 char(64) NOT NULL,
        content bytea,
        request_id uuid CONSTRAINT fk_uploads_request REFERENCES requests(id) ON DELETE CASCADE,
        attached_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CONSTRAINT ck_uploads_kind CHECK (kind IN ('pdf', 'jpeg', 'png')),
        CONSTRAINT ck_uploads_size CHECK (size > 0 AND size <= 10485760),
        CONSTRAINT ck_uploads_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT ck_uploads_content_size CHECK (content IS NULL OR octet_length(content) = size),
        CONSTRAINT ck_uploads_deleted CHECK ((content IS NULL) = (deleted_at IS NOT NULL)),
        CONSTRAINT ck_uploads_attached CHECK ((request_id IS NULL) = (attached_at IS NULL))
      )`);
    // PDF, JPEG and PNG are compressed already: PostgreSQL stores them out of line without trying again.
    await q.query(`ALTER TABLE uploads ALTER COLUMN content SET STORAGE EXTERNAL`);
    // A request's evidence (the staff's view, the retention sweep), and the foreign key's cascade.
    await q.query(`CREATE INDEX ix_uploads_request ON uploads (request_id)`);
    // A subject's uploads waiting for a filing: the cap on how many may wait counts these.
    await q.query(`CREATE INDEX ix_uploads_owner_unattached ON uploads (owner_id) WHERE request_id IS NULL AND deleted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE uploads`);
  }
}
