import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The repeated disclosures (frequency set) in list order, with their first date, kind, basis and
 * law beside the key. A register page filtered `to` a date reads its entries in two parts: those
 * whose last date is by `to`, on the list's usual indexes (an entry disclosed once has first =
 * last), and the repeated ones that began by `to` and were disclosed again after it, from this
 * index: first date, kind and cited clauses and provisions are tested without reading the entry,
 * so that the entries such a filter never matches cost one index tuple each.
 */
export class DisclosureRepeatedEntries1764823000000 implements MigrationInterface {
  name = 'DisclosureRepeatedEntries1764823000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_disclosure_entries_repeated ON disclosure_entries (last_disclosed_at, id)
       INCLUDE (first_disclosed_at, recipient_kind, basis, law) WHERE frequency IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_disclosure_entries_repeated`);
  }
}
