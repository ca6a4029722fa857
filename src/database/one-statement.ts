import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { EntityManager, QueryFailedError } from 'typeorm';

/**
 * Several writes sent as one SQL statement: each is a data-modifying `WITH` query, and the
 * statement is atomic on its own, so the writes need no transaction around them and cost one
 * round trip instead of one each plus `BEGIN` and `COMMIT`.
 *
 * Every part sees the database as it was when the statement began, not the rows the other parts
 * write, so a part reads what another wrote only through that part's `RETURNING`. Foreign keys
 * between the parts hold: they are checked at the end of the statement.
 *
 * A statement may be conditional (`onlyIf`): then every part writes its row only if the condition
 * holds when the statement runs, and otherwise nothing at all is written.
 *
 * Each module adds its own part (its SQL stays in its repository); values go in as parameters only.
 */
export class OneStatement {
  private readonly params: unknown[] = [];
  private readonly parts: string[] = [];
  private readonly afterCommit: ((manager: EntityManager) => void)[] = [];
  private guard: string | null = null;

  /** A placeholder for `value` (`$n`, with a cast when given). */
  param(value: unknown, cast?: string): string {
    this.params.push(value);
    return cast ? `$${this.params.length}::${cast}` : `$${this.params.length}`;
  }

  /** Makes every part depend on `condition` (SQL over this statement's parameters); before any part. */
  onlyIf(condition: string): this {
    if (this.parts.length > 0 || this.guard) throw new Error('OneStatement: the condition comes first, once');
    this.guard = this.with('guard', `SELECT WHERE ${condition}`);
    return this;
  }

  /** The row an INSERT part writes: `VALUES (…)`, or `SELECT … FROM` the guard when the statement is conditional. */
  row(values: string[]): string {
    return this.guard ? `SELECT ${values.join(', ')} FROM ${this.guard}` : `VALUES (${values.join(', ')})`;
  }

  /**
   * Adds a part, `<label>_<k> AS (sql)`, and returns that name, by which the final select (or a later
   * part) reads the part's `RETURNING` rows. `label` is the caller's constant, never input.
   */
  with(label: string, sql: string): string {
    const name = `${label}_${this.parts.length + 1}`;
    this.parts.push(`${name} AS (${sql})`);
    return name;
  }

  /**
   * Work for once the statement has committed: right after it when it ran on its own, or at the
   * commit of the caller's transaction (the callback decides how, from the manager it is given).
   * Not called when a condition kept the statement from writing anything.
   */
  onCommit(callback: (manager: EntityManager) => void): this {
    this.afterCommit.push(callback);
    return this;
  }

  /**
   * Runs every part, then `select` (which may read the parts' `RETURNING` rows). On a conditional
   * statement, `select` must answer no row when the condition did not hold.
   *
   * The statement is a named prepared statement on its connection (named after its text): the
   * same shape of statement, run again, is neither parsed nor planned again there.
   */
  async run<T>(manager: EntityManager, select: string): Promise<T[]> {
    if (this.parts.length === (this.guard ? 1 : 0)) throw new Error('OneStatement: nothing to write');
    const rows = await runPrepared<T>(manager, `WITH ${this.parts.join(',\n')}\n${select}`, this.params);
    if (!this.guard || rows.length > 0) for (const callback of this.afterCommit) callback(manager);
    return rows;
  }
}

/**
 * Runs `text` as a named prepared statement, on the caller's transaction when it has one, else on
 * a connection from the pool. Failures are TypeORM's QueryFailedError, as from `manager.query`.
 */
async function runPrepared<T>(manager: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const name = `one_statement_${createHash('sha1').update(text).digest('hex')}`;
  const execute = async (client: PoolClient): Promise<T[]> => {
    try {
      return (await client.query<T & object>({ name, text, values })).rows;
    } catch (err) {
      throw new QueryFailedError(text, values, err as Error);
    }
  };
  if (manager.queryRunner && !manager.queryRunner.isReleased) return execute((await manager.queryRunner.connect()) as PoolClient);
  const runner = manager.connection.createQueryRunner();
  try {
    return await execute((await runner.connect()) as PoolClient);
  } finally {
    await runner.release();
  }
}
