import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A copy's parts are compressed by the portal (raw deflate, `deflated`), on a thread of its own
 * while the copy is being made: the database then writes a seventh of the bytes (README,
 * "Fulfilment"). PostgreSQL's own compression would only spend its time on them again, so the
 * column is kept out of line uncompressed (STORAGE EXTERNAL). Parts written before are not
 * deflated, and are read as they are.
 */
export class ExportPartsStorage1764910000000 implements MigrationInterface {
  name = 'ExportPartsStorage1764910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE export_parts ADD COLUMN deflated boolean NOT NULL DEFAULT false, ALTER COLUMN data SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE export_parts DROP COLUMN deflated, ALTER COLUMN data SET STORAGE EXTENDED`);
  }
}
