import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AUDIT_EVENT_INSERT_COLUMNS, AuditEventRow, auditEventValues } from '../audit/audit.repository';
import { NewNotice, NOTICE_INSERT_COLUMNS, NOTICE_ON_CONFLICT, noticeValues } from '../notifications/notifications.repository';
import { VERSION_IN_FORCE_SQL } from '../policy/policy.repository';
import {
  EVENT_INSERT_COLUMNS,
  eventValues,
  NewRequestEvent,
  NewRequestRow,
  REQUEST_COLUMNS,
  REQUEST_INSERT_COLUMNS,
  requestValues,
} from './requests.repository';
import { SubjectRequest } from './subject-request.entity';

/** Everything a filing writes, computed before it is written. */
export interface Filing {
  request: NewRequestRow;
  /** the request's first timeline entry, timed at its submission */
  entry: NewRequestEvent;
  /** its audit event, hashed (AuditService.prepare) */
  audit: AuditEventRow;
  /** the subject's receipt (NotificationsService.prepare); none for a request decided at once */
  receipt: NewNotice | null;
}

/** The request as the filing wrote it, with its first timeline entry's id and write order. */
export type FiledRow = SubjectRequest & { eventId: string; eventN: string };

/**
 * Writes a filing as ONE statement: the request, its first timeline entry, its audit event and the
 * receipt, each a data-modifying `WITH` part. A statement is atomic on its own, so a filing made
 * outside a transaction needs no `BEGIN`/`COMMIT` and costs one round trip (the intake benchmark's
 * target rests on it: bench/RESULTS-intake-queue.md). Inside the caller's transaction it runs there.
 *
 * Every part writes only if the policy version the filing is pinned to is still the one in force
 * when the statement runs (the `guard` part); otherwise nothing is written and the answer is null,
 * and the caller files again under the newer version. Foreign keys between the parts hold: they are
 * checked at the end of the statement. Each part sees the database as it was when the statement
 * began, so the final SELECT reads what the parts wrote only through their `RETURNING`.
 *
 * This is the one place that writes this way; every other write goes through a transaction's
 * EntityManager and the owning module's own method.
 */
@Injectable()
export class FilingRepository {
  async insert(manager: EntityManager, filing: Filing): Promise<FiledRow | null> {
    const params: unknown[] = [];
    const row = (values: unknown[], casts: Record<number, string> = {}) =>
      `SELECT ${values.map((value, i) => placeholder(params, value, casts[i])).join(', ')} FROM guard`;
    const version = placeholder(params, filing.request.policyVersion, 'int');
    const parts = [
      `guard AS (SELECT WHERE ${VERSION_IN_FORCE_SQL} = ${version})`,
      `request AS (INSERT INTO requests ${REQUEST_INSERT_COLUMNS} ${row(requestValues(filing.request))} RETURNING ${REQUEST_COLUMNS})`,
      `entry AS (INSERT INTO request_events ${EVENT_INSERT_COLUMNS} ${row([filing.request.submittedAt, ...eventValues(filing.entry)])} RETURNING id, n)`,
      `audit AS (INSERT INTO audit_events ${AUDIT_EVENT_INSERT_COLUMNS} ${row(auditEventValues(filing.audit))})`,
    ];
    if (filing.receipt)
      parts.push(`receipt AS (INSERT INTO notifications ${NOTICE_INSERT_COLUMNS} ${row(noticeValues(filing.receipt), { 2: 'jsonb' })} ${NOTICE_ON_CONFLICT})`);
    const text = `WITH ${parts.join(',\n')}\nSELECT r.*, e.id AS "eventId", e.n::text AS "eventN" FROM request r CROSS JOIN entry e`;
    const [written] = await runPrepared<FiledRow>(manager, text, params);
    return written ?? null;
  }
}

function placeholder(params: unknown[], value: unknown, cast?: string): string {
  params.push(value);
  return cast ? `$${params.length}::${cast}` : `$${params.length}`;
}

/**
 * Runs `text` as a named prepared statement (named after its text: the same shape, run again on a
 * connection, is neither parsed nor planned again there), on the caller's transaction when it has
 * one, else on a connection from the pool. Failures are TypeORM's QueryFailedError, as from
 * `manager.query`, so unique violations are recognised as anywhere else.
 */
async function runPrepared<T>(manager: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const name = `filing_${createHash('sha1').update(text).digest('hex')}`;
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
