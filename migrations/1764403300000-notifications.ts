import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notice outbox. A notice is written in the same transaction as the change it announces and
 * delivered later by a worker. It names its recipient by account id only: the address is looked
 * up when the notice is sent, so erasing the account (user_id → NULL) leaves no address behind.
 */
export class Notifications1764403300000 implements MigrationInterface {
  name = 'Notifications1764403300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE notification_status AS ENUM ('pending', 'sent', 'failed')`);
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid CONSTRAINT fk_notifications_user REFERENCES users(id) ON DELETE SET NULL,
        kind text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        status notification_status NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        dedupe_key text,
        CONSTRAINT uq_notifications_dedupe_key UNIQUE (dedupe_key),
        CONSTRAINT ck_notifications_kind CHECK (kind ~ '^[a-z][a-z_]*(\\.[a-z][a-z_]*)+$'),
        CONSTRAINT ck_notifications_data_object CHECK (jsonb_typeof(data) = 'object'),
        CONSTRAINT ck_notifications_attempts CHECK (attempts >= 0),
        CONSTRAINT ck_notifications_sent_at CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    // The delivery query: due pending notices, oldest due first. Sent and failed rows drop out.
    await q.query(`CREATE INDEX ix_notifications_due ON notifications (next_attempt_at) WHERE status = 'pending'`);
    // Erasing an account sets its notices' user_id to NULL; without this index that is a full scan.
    await q.query(`CREATE INDEX ix_notifications_user ON notifications (user_id) WHERE user_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TYPE notification_status`);
  }
}
