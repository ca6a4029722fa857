import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';

/** What @nestjs/throttler's guard reads back from a storage (seconds, as its own in-memory storage answers). */
interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** How often expired counters are swept away, and how long after their window they may linger. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Rate-limit counters in PostgreSQL, so that every portal process behind a load balancer counts
 * against one allowance (the library's default storage is a Map in each process, which would give
 * an attacker one allowance per process). A fixed window per throttler and tracker: the first hit
 * opens it, every hit in it counts, and the first hit after it ends opens the next. One upsert per
 * counted request, on an UNLOGGED table (migration 1764403800000).
 */
@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private sweeper: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    this.sweepLater();
    const [row]: { hits: number; seconds: number }[] = await this.dataSource.query(
      `INSERT INTO throttle_counters AS c (key, window_ends_at, hits)
       VALUES ($1, clock_timestamp() + make_interval(secs => $2::double precision / 1000), 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN c.window_ends_at <= clock_timestamp() THEN 1 ELSE c.hits + 1 END,
         window_ends_at = CASE WHEN c.window_ends_at <= clock_timestamp() THEN EXCLUDED.window_ends_at ELSE c.window_ends_at END
       RETURNING hits, GREATEST(1, ceil(extract(epoch FROM window_ends_at - clock_timestamp())))::int AS seconds`,
      [`${throttlerName}:${key}`, Math.max(ttl, blockDuration)],
    );
    const isBlocked = row.hits > limit;
    return { totalHits: row.hits, timeToExpire: row.seconds, isBlocked, timeToBlockExpire: isBlocked ? row.seconds : 0 };
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweeper = null;
  }

  /** Forgets ended windows now and then, whichever process gets there first. */
  private sweepLater(): void {
    if (this.sweeper) return;
    this.sweeper = setTimeout(() => {
      this.sweeper = null;
      this.dataSource.query(`DELETE FROM throttle_counters WHERE window_ends_at < now() - interval '1 minute'`).catch(() => undefined);
    }, SWEEP_EVERY_MS);
    this.sweeper.unref();
  }
}
