import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { AppConfig } from '../config/app-config';

/** Rows read from the operator's database per round trip while a copy streams. */
export const STREAM_BATCH_ROWS = 1000;

/**
 * How long one statement may run in the operator's database. A copy streams a category through a
 * cursor, which PostgreSQL times as a single statement from the first batch to the last, however
 * long the portal takes to store each batch in between: it gets its own, longer limit. A test may
 * provide OPERATOR_TIMEOUTS (an optional injection) to see the limits act in seconds.
 */
export interface OperatorTimeouts {
  statementMs: number;
  streamMs: number;
}

export const DEFAULT_OPERATOR_TIMEOUTS: OperatorTimeouts = { statementMs: 30_000, streamMs: 3_600_000 };
export const OPERATOR_TIMEOUTS = Symbol('OPERATOR_TIMEOUTS');

/**
 * The `postgres` connector's connection to the operator's database (OPERATOR_DATABASE_URL, else the
 * portal's own, where the sample schema lives). It runs the data map's statements only, always
 * with parameters, never text built from input.
 */
@Injectable()
export class OperatorDatabase implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(
    config: AppConfig,
    @Optional() @Inject(OPERATOR_TIMEOUTS) private readonly timeouts: OperatorTimeouts = DEFAULT_OPERATOR_TIMEOUTS,
  ) {
    const url = config.env.OPERATOR_DATABASE_URL ?? config.env.DATABASE_URL;
    this.pool = new Pool({ connectionString: url, max: 4, application_name: 'dsr-portal-connector', statement_timeout: timeouts.statementMs });
  }

  /**
   * The rows of `sql` in batches, read through a cursor in one read-only snapshot: memory holds one
   * batch whatever the number of rows. Under the stream's time limit, not the statement's (see
   * OperatorTimeouts).
   */
  async *stream(sql: string, params: unknown[], batchRows = STREAM_BATCH_ROWS): AsyncGenerator<Record<string, unknown>[]> {
    const client = await this.pool.connect();
    let cursor: Cursor<Record<string, unknown>> | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.trunc(this.timeouts.streamMs)}`);
      cursor = client.query(new Cursor<Record<string, unknown>>(sql, params));
      for (;;) {
        const rows = await cursor.read(batchRows);
        if (rows.length === 0) break;
        yield rows;
      }
      await cursor.close();
      cursor = undefined;
      await client.query('COMMIT');
    } catch (err) {
      await cursor?.close().catch(() => undefined);
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** One statement, in its own transaction; answers the number of rows it changed. */
  async run(sql: string, params: unknown[]): Promise<number> {
    const result = await this.pool.query(sql, params);
    return result.rowCount ?? 0;
  }

  /** One statement, in its own transaction; answers the rows it returns. */
  async rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return (await this.pool.query<Record<string, unknown>>(sql, params)).rows;
  }

  /** For a caller that needs several statements in one transaction. */
  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
