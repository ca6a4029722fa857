import { Injectable } from '@nestjs/common';
import { ErasureAction } from '../domain/data-map';
import { OperatorDatabase } from '../operator-database';
import { Connector, ConnectorStepFailed, ConnectorTarget, CorrectionResult, EraseBatchResult, JsonElements } from './connector';
import { copyJsonPlan, jsonElementsOf } from './row-json';

/** A database refusal as a reason code (its SQLSTATE), or a lost connection: never the message, which may quote values. */
function failure(step: string, system: string, err: unknown): ConnectorStepFailed {
  if (err instanceof ConnectorStepFailed) return err;
  const code = (err as { code?: string }).code;
  return new ConnectorStepFailed(step, system, code ? `database_error_${code}` : 'connection_failed');
}

/**
 * Batches from the beginning that found rows, beyond which a keyset erasure stops as `no_progress`:
 * the first batch, and a confirming batch that found rows committed late. Rows a keyset statement
 * counts but cannot delete (a trigger that skips the deletion, a row-level policy) would otherwise
 * be found by every confirming batch, for ever.
 */
const KEYSET_RESTARTS = 4;

/**
 * The `postgres` connector: the data map's parameterised statements against the operator's
 * database (OperatorDatabase), the app user's id always `$1`, never text built from input.
 */
@Injectable()
export class PostgresConnector implements Connector {
  /** Per erasure (its target object, the same for every batch of one run): the batches from the beginning that found rows. */
  private readonly restarts = new WeakMap<ConnectorTarget, number>();

  constructor(private readonly operator: OperatorDatabase) {}

  async *export({ mapping, appUserId }: ConnectorTarget): AsyncGenerator<Record<string, unknown>[]> {
    if (!mapping.accessSql) throw new ConnectorStepFailed('export', mapping.system.id, 'no_access_statement');
    try {
      yield* this.operator.stream(mapping.accessSql, [appUserId]);
    } catch (err) {
      throw failure('export', mapping.system.id, err);
    }
  }

  /**
   * The rows as the elements of a JSON array, read as COPY's text with each column in the form the
   * copy writes it (copyJsonPlan): the driver parses nothing per row, and the portal only joins
   * each row's fields. A statement whose columns cannot be named one by one is read as `export`
   * reads it.
   */
  async *exportJson(target: ConnectorTarget): AsyncGenerator<JsonElements> {
    const { mapping, appUserId } = target;
    if (!mapping.accessSql) throw new ConnectorStepFailed('export', mapping.system.id, 'no_access_statement');
    try {
      const plan = copyJsonPlan(mapping.accessSql, await this.operator.columnsOf(mapping.accessSql, [appUserId]));
      if (!plan) {
        yield* jsonElementsOf(this.operator.stream(mapping.accessSql, [appUserId]));
        return;
      }
      const writer = plan.writer();
      yield* this.operator.copyOut(plan.sql, [appUserId], writer);
      writer.end();
    } catch (err) {
      throw failure('export', mapping.system.id, err);
    }
  }

  /** The field's UPDATE, then the category's copy statement read back (the first row's field). */
  async correct({ mapping, appUserId }: ConnectorTarget, field: string, value: string): Promise<CorrectionResult> {
    const statement = mapping.correct[field];
    if (!statement || !mapping.accessSql) throw new ConnectorStepFailed('correct', mapping.system.id, 'no_statement');
    let changed: number;
    try {
      changed = await this.operator.run(statement, [appUserId, value]);
    } catch (err) {
      throw failure('correct', mapping.system.id, err);
    }
    if (changed === 0) return { applied: false };
    let held: unknown;
    try {
      for await (const rows of this.operator.stream(mapping.accessSql, [appUserId])) held ??= rows[0]?.[field];
    } catch (err) {
      throw failure('read_back', mapping.system.id, err);
    }
    return { applied: true, held };
  }

  /**
   * `delete`: one statement removing up to `batchRows` rows; `anonymise`: the one statement.
   *
   * A delete statement without `$3` answers the rows it deleted; the category is done when one
   * deletes none. A keyset statement (`$3`, data-map.yaml's header) starts after `after`, the last
   * key the previous batch took, and answers `(rows, last)`: each batch's index scan starts where
   * the previous one stopped rather than passing every row the earlier batches deleted and vacuum
   * has not cleared yet. Once a batch from a key comes up short, one batch from the beginning (`$3`
   * NULL) confirms that nothing is left: a row committed late with a smaller key, or one a
   * concurrent change kept out of its batch, is found there as it would be without `$3`. The
   * category is done when a batch from the beginning takes nothing.
   */
  async eraseBatch(target: ConnectorTarget, batchRows: number, after: string | null = null): Promise<EraseBatchResult> {
    const { mapping, appUserId } = target;
    const { action, sql, keyset } = mapping.erase;
    if (!sql || action === ErasureAction.Keep) throw new ConnectorStepFailed('erase', mapping.system.id, 'no_statement');
    let answer: Record<string, unknown>[];
    try {
      if (action === ErasureAction.Anonymise) return { rows: await this.operator.run(sql, [appUserId]), done: true };
      if (!keyset) {
        const rows = await this.operator.run(sql, [appUserId, batchRows]);
        return { rows, done: rows === 0 };
      }
      answer = await this.operator.rows(sql, [appUserId, batchRows, after]);
    } catch (err) {
      throw failure('erase', mapping.system.id, err);
    }
    const { rows, last } = keysetAnswer(answer, mapping.system.id);
    if (rows === 0) return after === null ? { rows, done: true } : { rows, done: false, after: null };
    if (after === null) {
      const restarts = (this.restarts.get(target) ?? 0) + 1;
      this.restarts.set(target, restarts);
      if (restarts > KEYSET_RESTARTS) throw new ConnectorStepFailed('erase', mapping.system.id, 'no_progress');
    }
    // A short batch from a key: the rest is only the confirming batch from the beginning.
    return { rows, done: false, after: rows < batchRows ? null : last };
  }
}

/** A keyset statement's answer: one row, `rows` a count, `last` the batch's last key (text, or a whole number; null only when it took none). */
function keysetAnswer(answer: Record<string, unknown>[], system: string): { rows: number; last: string | null } {
  const row = answer.length === 1 ? answer[0] : undefined;
  const rows = typeof row?.rows === 'string' && /^\d+$/.test(row.rows) ? Number(row.rows) : row?.rows;
  const last = typeof row?.last === 'number' && Number.isSafeInteger(row.last) ? String(row.last) : row?.last;
  if (typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 0) throw new ConnectorStepFailed('erase', system, 'bad_answer');
  if (rows > 0 ? typeof last !== 'string' : last !== null && last !== undefined) throw new ConnectorStepFailed('erase', system, 'bad_answer');
  return { rows, last: rows > 0 ? (last as string) : null };
}
