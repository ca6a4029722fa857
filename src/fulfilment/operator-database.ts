import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { escapeLiteral, Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { AppConfig } from '../config/app-config';
import { CopyPieces, copyOutPieces } from '../database/copy-out';

/** Rows read from the operator's database per round trip while a copy streams. */
export const STREAM_BATCH_ROWS = 1000;

type Row = Record<string, unknown>;

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
  async *stream(sql: string, params: unknown[], batchRows = STREAM_BATCH_ROWS): AsyncGenerator<Row[]> {
    const client = await this.pool.connect();
    let cursor: Cursor<Row> | undefined;
    let next: Promise<Row[]> | undefined;
    let committed = false;
    // The next batch is asked for before this one is handed over: the database makes it while the
    // caller works on this one. Its failure is thrown where it is awaited (the handler attached here
    // only keeps it from counting as unhandled meanwhile).
    const ask = (c: Cursor<Row>) => {
      next = c.read(batchRows);
      next.catch(() => undefined);
      return next;
    };
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.trunc(this.timeouts.streamMs)}`);
      cursor = client.query(new Cursor<Row>(sql, params));
      let rows = await ask(cursor);
      while (rows.length > 0) {
        const batch = rows;
        const coming = ask(cursor);
        yield batch;
        rows = await coming;
      }
      next = undefined;
      await cursor.close();
      await client.query('COMMIT');
      committed = true;
    } finally {
      if (committed) client.release();
      else {
        // An error, or a caller that stopped early: the batch on its way is received, the cursor
        // closed and the snapshot ended before the connection goes back to the pool; one that
        // cannot even roll back is closed instead.
        await next?.catch(() => undefined);
        await cursor?.close().catch(() => undefined);
        const rolledBack = await client.query('ROLLBACK').then(
          () => true,
          () => false,
        );
        client.release(!rolledBack);
      }
    }
  }

  /**
   * The rows of `sql` as COPY's text (one row a line, fields separated by tabs), gathered by
   * `pieces` as the driver reads them (COPY … TO STDOUT: the driver parses nothing per row) and
   * handed on piece by piece, the connection reading no further until the next piece is asked for
   * (copyOutPieces). One statement, so one snapshot; read-only and under the stream's time limit,
   * set for its transaction alone in the same round trip. COPY takes no parameters: `$1`… are
   * written into the statement as literals, as the data map reads its statements (every `$n`,
   * data-map.ts).
   */
  async *copyOut<T>(sql: string, params: string[], pieces: CopyPieces<T>): AsyncGenerator<T> {
    const statement = sql.replace(/\$(\d+)/g, (whole, n: string) =>
      Number(n) >= 1 && Number(n) <= params.length ? escapeLiteral(params[Number(n) - 1]) : whole,
    );
    const client = await this.pool.connect();
    let finished = false;
    try {
      // One simple query, one implicit transaction: the settings end with it.
      const text = `SET LOCAL transaction_read_only = on; SET LOCAL statement_timeout = ${Math.trunc(this.timeouts.streamMs)}; COPY (${statement}) TO STDOUT`;
      yield* copyOutPieces(client, text, pieces);
      finished = true;
    } finally {
      // A COPY cut short (an error, or a caller that stopped early) may leave the connection inside
      // it: that connection is closed, never handed to the next caller.
      client.release(!finished);
    }
  }

  /** The columns `sql` answers (names and type oids), without running it: planned with `LIMIT 0`. */
  async columnsOf(sql: string, params: unknown[]): Promise<{ name: string; dataTypeID: number }[]> {
    const result = await this.pool.query({ text: `SELECT * FROM (\n${sql}\n) AS t LIMIT 0`, values: params });
    return result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
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
