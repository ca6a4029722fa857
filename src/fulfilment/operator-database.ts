import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { AppConfig } from '../config/app-config';

/** Rows read from the operator's database per round trip while a copy streams. */
export const STREAM_BATCH_ROWS = 1000;

/**
 * The `postgres` connector's connection to the operator's database (OPERATOR_DATABASE_URL, else the
 * portal's own, where the sample schema lives). It runs the data map's statements only, always
 * with parameters, never text built from input.
 */
@Injectable()
export class OperatorDatabase implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    const url = config.env.OPERATOR_DATABASE_URL ?? config.env.DATABASE_URL;
    this.pool = new Pool({ connectionString: url, max: 4, application_name: 'dsr-portal-connector', statement_timeout: 30_000 });
  }

  /**
   * The rows of `sql` in batches, read through a cursor in one read-only snapshot: memory holds one
   * batch whatever the number of rows.
   */
  async *stream(sql: string, params: unknown[], batchRows = STREAM_BATCH_ROWS): AsyncGenerator<Record<string, unknown>[]> {
    const client = await this.pool.connect();
    let cursor: Cursor<Record<string, unknown>> | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
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
