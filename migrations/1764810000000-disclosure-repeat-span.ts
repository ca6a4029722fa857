import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The longest span of a repeated disclosure (first to last date), read from an index: a register
 * list filtered `to` a date bounds its index scan by `to` plus that span, instead of reading every
 * newer entry (an entry disclosed once has first = last; only a repeated one may end after `to`
 * and still fall in the period).
 */
export class DisclosureRepeatSpan1764810000000 implements MigrationInterface {
  name = 'DisclosureRepeatSpan1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_disclosure_entries_repeat_span ON disclosure_entries ((last_disclosed_at - first_disclosed_at)) WHERE frequency IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_disclosure_entries_repeat_span`);
  }
}
