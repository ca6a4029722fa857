import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two statuses (product.md, Lifecycle): `awaiting_legal`, where a staff refusal or partial decision
 * waits for a legal reviewer who is not its author; `lapsed`, where a request whose question to the
 * subject went unanswered ends. A new enum value cannot be used in the transaction that adds it, so
 * the indexes and the view that list the open statuses follow in the next migration.
 */
export class LegalReviewStatuses1764610000000 implements MigrationInterface {
  name = 'LegalReviewStatuses1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE request_status ADD VALUE IF NOT EXISTS 'awaiting_legal' AFTER 'in_review'`);
    await q.query(`ALTER TYPE request_status ADD VALUE IF NOT EXISTS 'lapsed'`);
  }

  async down(): Promise<void> {
    // PostgreSQL cannot drop a value from an enum; the next migration's down() stops using them, and
    // unused values are harmless.
  }
}
