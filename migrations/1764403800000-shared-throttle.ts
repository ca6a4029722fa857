import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters every portal process shares (src/auth/postgres-throttler.storage.ts): one row
 * per throttler and tracker, a fixed window and its hits. UNLOGGED: the counters are worth nothing
 * after a crash (a crash empties the table, which only forgives the current minute), and skipping
 * the write-ahead log keeps a counted request to one cheap upsert.
 */
export class SharedThrottle1764403800000 implements MigrationInterface {
  name = 'SharedThrottle1764403800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE throttle_counters (
        key text NOT NULL CONSTRAINT pk_throttle_counters PRIMARY KEY,
        window_ends_at timestamptz NOT NULL,
        hits integer NOT NULL,
        CONSTRAINT ck_throttle_counters_hits CHECK (hits > 0)
      )`);
    await q.query(`CREATE INDEX ix_throttle_counters_window_ends_at ON throttle_counters (window_ends_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE throttle_counters`);
  }
}
