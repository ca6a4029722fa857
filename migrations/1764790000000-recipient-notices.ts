import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notices an erasure sends to those who received the subject's data (product.md, "Correction
 * and deletion"; the disclosure register lists them): one per recipient per request, made in the
 * transaction that completes the erasure, then mailed (`sent`), or left for staff to send by other
 * means when the register holds no e-mail address for the recipient (`no_contact`), or `failed`
 * after the last try. Listed on the request.
 */
export class RecipientNotices1764790000000 implements MigrationInterface {
  name = 'RecipientNotices1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recipient_notices (
        id uuid CONSTRAINT pk_recipient_notices PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL,
        recipient_key text NOT NULL,
        recipient_name text NOT NULL,
        recipient_kind text NOT NULL,
        contact text,
        entry_ids uuid[] NOT NULL,
        categories text[] NOT NULL,
        status text NOT NULL CONSTRAINT ck_recipient_notices_status CHECK (status IN ('pending', 'sent', 'no_contact', 'failed')),
        attempts smallint NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT uq_recipient_notices_recipient UNIQUE (request_id, recipient_key),
        CONSTRAINT ck_recipient_notices_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ix_recipient_notices_pending ON recipient_notices (created_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recipient_notices`);
  }
}
