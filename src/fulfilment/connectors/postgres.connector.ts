import { Injectable } from '@nestjs/common';
import { ErasureAction } from '../domain/data-map';
import { OperatorDatabase } from '../operator-database';
import { Connector, ConnectorStepFailed, ConnectorTarget, CorrectionResult, EraseBatchResult } from './connector';

/** A database refusal as a reason code (its SQLSTATE), or a lost connection: never the message, which may quote values. */
function failure(step: string, system: string, err: unknown): ConnectorStepFailed {
  if (err instanceof ConnectorStepFailed) return err;
  const code = (err as { code?: string }).code;
  return new ConnectorStepFailed(step, system, code ? `database_error_${code}` : 'connection_failed');
}

/**
 * The `postgres` connector: the data map's parameterised statements against the operator's
 * database (OperatorDatabase), the app user's id always `$1`, never text built from input.
 */
@Injectable()
export class PostgresConnector implements Connector {
  constructor(private readonly operator: OperatorDatabase) {}

  async *export({ mapping, appUserId }: ConnectorTarget): AsyncGenerator<Record<string, unknown>[]> {
    if (!mapping.accessSql) throw new ConnectorStepFailed('export', mapping.system.id, 'no_access_statement');
    try {
      yield* this.operator.stream(mapping.accessSql, [appUserId]);
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

  /** `delete`: one statement removing up to `batchRows` rows (done when one finds none); `anonymise`: the one statement. */
  async eraseBatch({ mapping, appUserId }: ConnectorTarget, batchRows: number): Promise<EraseBatchResult> {
    const { action, sql } = mapping.erase;
    if (!sql || action === ErasureAction.Keep) throw new ConnectorStepFailed('erase', mapping.system.id, 'no_statement');
    try {
      if (action === ErasureAction.Anonymise) return { rows: await this.operator.run(sql, [appUserId]), done: true };
      const rows = await this.operator.run(sql, [appUserId, batchRows]);
      return { rows, done: rows === 0 };
    } catch (err) {
      throw failure('erase', mapping.system.id, err);
    }
  }
}
