import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OneStatement } from '../database/one-statement';
import { RequestType } from '../policy/domain/policy.types';
import { CLOCK_RUNNING_STATUSES, CLOSED_STATUSES, OPEN_STATUSES, RequestStatus, sqlList } from './domain/request-status';
import { RequestEvent } from './request-event.entity';
import { RequestDetails, SubjectRequest } from './subject-request.entity';

/** Every column of `requests`, named as the entity names them. */
const REQUEST_COLUMNS = `
  id, subject_id AS "subjectId", subject_ref AS "subjectRef", type, status, version, policy_version AS "policyVersion",
  details, submitted_at AS "submittedAt", due_at AS "dueAt", awaiting_since AS "awaitingSince", extended_at AS "extendedAt",
  appealed_at AS "appealedAt", assignee_id AS "assigneeId", overdue_flagged_at AS "overdueFlaggedAt", closed_at AS "closedAt",
  idempotency_key AS "idempotencyKey", idempotency_fingerprint AS "idempotencyFingerprint", updated_at AS "updatedAt"`;

const EVENT_COLUMNS = `
  id, n::text AS n, request_id AS "requestId", at, action, from_status AS "fromStatus", to_status AS "toStatus",
  actor_id AS "actorId", actor_role AS "actorRole", outcome, clauses, reason, note, data`;

/** A new request: `submitted`, at version 1, last updated when it was submitted. */
const REQUEST_INSERT_COLUMNS = `(id, subject_id, subject_ref, type, status, version, policy_version, details, submitted_at, due_at, idempotency_key, idempotency_fingerprint, updated_at)`;

function requestValues(r: NewRequestRow): unknown[] {
  return [
    r.id,
    r.subjectId,
    r.subjectRef,
    r.type,
    RequestStatus.Submitted,
    1,
    r.policyVersion,
    JSON.stringify(r.details),
    r.submittedAt,
    r.dueAt,
    r.idempotencyKey,
    r.idempotencyFingerprint,
    r.submittedAt,
  ];
}

const EVENT_INSERT_COLUMNS = `(at, request_id, action, from_status, to_status, actor_id, actor_role, outcome, clauses, reason, note, data)`;

function eventValues(e: NewRequestEvent): unknown[] {
  return [
    e.requestId,
    e.action,
    e.fromStatus,
    e.toStatus,
    e.actorId,
    e.actorRole,
    e.outcome ?? null,
    e.clauses ?? [],
    e.reason ?? null,
    e.note ?? null,
    JSON.stringify(e.data ?? {}),
  ];
}

/** The unique indexes a submission can run into. */
export const ONE_OPEN_PER_TYPE = 'uq_requests_one_open_per_type';
export const IDEMPOTENCY_KEY = 'uq_requests_idempotency_key';

export interface NewRequestRow {
  /** made by the caller, so that what is written with the request can name it */
  id: string;
  subjectId: string;
  subjectRef: string;
  type: RequestType;
  policyVersion: number;
  details: RequestDetails;
  submittedAt: Date;
  dueAt: Date;
  idempotencyKey: string | null;
  idempotencyFingerprint: string | null;
}

/**
 * What a transition changes besides the status. Each field is one fixed SQL assignment; nothing
 * here is free-form, so the UPDATE is always built from known fragments.
 */
export interface RequestChanges {
  /** a reviewer, or null: nobody holds the request */
  assigneeId?: string | null;
  /** a new deadline (an extension, or the clock of an appeal) */
  dueAt?: Date;
  markExtended?: boolean;
  markAppealed?: boolean;
  /** awaiting the subject: the clock stops now */
  pauseClock?: boolean;
  /** the subject replied: the deadline moves later by the time spent waiting */
  resumeClock?: boolean;
  clearOverdueFlag?: boolean;
}

export interface TransitionQuery {
  id: string;
  from: RequestStatus;
  to: RequestStatus;
  /** the version the caller read; the update happens only if the request is still at it */
  version: number;
  changes?: RequestChanges;
}

export interface NewRequestEvent {
  requestId: string;
  action: string;
  fromStatus: RequestStatus | null;
  toStatus: RequestStatus;
  actorId: string | null;
  actorRole: string;
  outcome?: string | null;
  clauses?: string[];
  reason?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
}

export interface QueueFilter {
  /** one status; absent: every open request */
  status?: RequestStatus;
  type?: RequestType;
  /** only requests past their due date whose clock runs */
  overdue?: boolean;
  /** an account id, or null for unassigned requests */
  assigneeId?: string | null;
}

/** A position in the queue: the exact due date (in microseconds since the epoch, as text) and id. */
export interface QueuePosition {
  dueMicros: string;
  id: string;
}

export interface QueueRow extends SubjectRequest {
  dueMicros: string;
  overdue: boolean;
}

/** Requests flagged overdue by one scan, with what their notices need. */
export interface FlaggedOverdue {
  id: string;
  type: RequestType;
  subjectRef: string;
  assigneeId: string | null;
  dueAt: Date;
}

@Injectable()
export class RequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** The database's clock for this transaction: every time written in it agrees with `now()`. */
  async transactionTime(manager: EntityManager): Promise<Date> {
    const [{ now }]: { now: Date }[] = await manager.query(`SELECT now() AS now`);
    return now;
  }

  /**
   * What a filing needs before its INSERT, in one round trip: the transaction's clock (the
   * submission time every other time written in the transaction agrees with) and the policy
   * version in force (null when none has been published).
   */
  async filingContext(manager: EntityManager): Promise<{ now: Date; policyVersion: number | null }> {
    const [row]: { now: Date; policyVersion: number | null }[] = await manager.query(
      `SELECT now() AS now, (SELECT max(version) FROM policy_versions) AS "policyVersion"`,
    );
    return row;
  }

  async insert(manager: EntityManager, r: NewRequestRow): Promise<SubjectRequest> {
    const values = requestValues(r);
    const [row]: SubjectRequest[] = await manager.query(
      `INSERT INTO requests ${REQUEST_INSERT_COLUMNS} VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${REQUEST_COLUMNS}`,
      values,
    );
    return row;
  }

  /**
   * The same INSERT as a part of a larger statement, with every value given (the id too, so that
   * the statement's other parts can name the request). Returns the part's name; its rows are the
   * request as written.
   */
  insertIn(statement: OneStatement, r: NewRequestRow): string {
    const values = requestValues(r).map((value) => statement.param(value));
    return statement.with('request', `INSERT INTO requests ${REQUEST_INSERT_COLUMNS} ${statement.row(values)} RETURNING ${REQUEST_COLUMNS}`);
  }

  /**
   * Runs a statement that inserts a request (part `requestPart`) and its first timeline entry
   * (part `eventPart`), with whatever else its parts write; answers the request as written and the
   * entry's id and write order; null when the statement's condition kept it from writing.
   */
  async runFiling(
    manager: EntityManager,
    statement: OneStatement,
    requestPart: string,
    eventPart: string,
  ): Promise<(SubjectRequest & { eventId: string; eventN: string }) | null> {
    const [row] = await statement.run<SubjectRequest & { eventId: string; eventN: string }>(
      manager,
      `SELECT r.*, e.id AS "eventId", e.n::text AS "eventN" FROM ${requestPart} r CROSS JOIN ${eventPart} e`,
    );
    return row ?? null;
  }

  async findById(id: string, manager?: EntityManager): Promise<SubjectRequest | null> {
    const [row]: SubjectRequest[] = await this.q(manager).query(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** The request if it is this subject's; null for anyone else's (the caller answers 404 either way). */
  async findOwned(subjectId: string, id: string): Promise<SubjectRequest | null> {
    const [row]: SubjectRequest[] = await this.q().query(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = $1 AND subject_id = $2`, [id, subjectId]);
    return row ?? null;
  }

  async findByIdempotencyKey(subjectId: string, key: string): Promise<SubjectRequest | null> {
    const [row]: SubjectRequest[] = await this.q().query(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE subject_id = $1 AND idempotency_key = $2`, [
      subjectId,
      key,
    ]);
    return row ?? null;
  }

  /** The subject's open request of this type, if any (uses the partial unique index). */
  async findOpenOfType(subjectId: string, type: RequestType): Promise<SubjectRequest | null> {
    const [row]: SubjectRequest[] = await this.q().query(
      `SELECT ${REQUEST_COLUMNS} FROM requests WHERE subject_id = $1 AND type = $2 AND status IN (${sqlList(OPEN_STATUSES)})`,
      [subjectId, type],
    );
    return row ?? null;
  }

  /** The subject's requests, newest first. */
  listOwn(subjectId: string, limit: number): Promise<SubjectRequest[]> {
    return this.q().query(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE subject_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT $2`, [subjectId, limit]);
  }

  /**
   * THE state change: `UPDATE … WHERE id = $1 AND status = $from AND version = $version`. Returns
   * the updated request, or null when it is no longer in that status or at that version (someone
   * else changed it first: the caller answers 409). Concurrent callers serialise on the row lock,
   * and each re-checks the condition once the one before it commits: exactly one wins.
   */
  async transition(manager: EntityManager, t: TransitionQuery): Promise<SubjectRequest | null> {
    const params: unknown[] = [t.id, t.from, t.version, t.to];
    const set = [
      `status = $4`,
      `version = version + 1`,
      `updated_at = now()`,
      `closed_at = CASE WHEN $4::request_status IN (${sqlList(CLOSED_STATUSES)}) THEN now() ELSE NULL END`,
    ];
    const c = t.changes ?? {};
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (c.assigneeId !== undefined) set.push(`assignee_id = ${param(c.assigneeId)}`);
    if (c.dueAt !== undefined) set.push(`due_at = ${param(c.dueAt)}`);
    if (c.markExtended) set.push(`extended_at = now()`);
    if (c.markAppealed) set.push(`appealed_at = now()`);
    if (c.pauseClock) set.push(`awaiting_since = now()`);
    if (c.resumeClock) {
      // Every right-hand side reads the row as it was before this UPDATE.
      set.push(`due_at = due_at + (now() - awaiting_since)`, `awaiting_since = NULL`);
      set.push(`overdue_flagged_at = CASE WHEN due_at + (now() - awaiting_since) > now() THEN NULL ELSE overdue_flagged_at END`);
    } else if (c.clearOverdueFlag) {
      set.push(`overdue_flagged_at = NULL`);
    }
    // Leaving `awaiting_subject` other than by the reply (a cancellation) ends the pause too:
    // ck_requests_awaiting_since allows awaiting_since only while awaiting the subject.
    if (!c.pauseClock && !c.resumeClock) set.push(`awaiting_since = CASE WHEN $4::request_status = 'awaiting_subject' THEN awaiting_since ELSE NULL END`);
    const [rows]: [SubjectRequest[], number] = await manager.query(
      `UPDATE requests SET ${set.join(', ')} WHERE id = $1 AND status = $2 AND version = $3 RETURNING ${REQUEST_COLUMNS}`,
      params,
    );
    return rows[0] ?? null;
  }

  async appendEvent(manager: EntityManager, e: NewRequestEvent): Promise<RequestEvent> {
    const [row]: RequestEvent[] = await manager.query(
      `INSERT INTO request_events ${EVENT_INSERT_COLUMNS} VALUES (DEFAULT, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${EVENT_COLUMNS}`,
      eventValues(e),
    );
    return row;
  }

  /**
   * The same INSERT as a part of a larger statement, at a given time (in a statement of its own,
   * `now()` is that statement's clock, not the one the rest of the change was computed from).
   * Returns the part's name; its row has the entry's `id` and `n`.
   */
  appendEventIn(statement: OneStatement, e: NewRequestEvent, at: Date): string {
    const values = [statement.param(at), ...eventValues(e).map((value) => statement.param(value))];
    return statement.with('request_event', `INSERT INTO request_events ${EVENT_INSERT_COLUMNS} ${statement.row(values)} RETURNING id, n`);
  }

  /** The account that made the request's (first) decision, or null: decided by the system, or not yet. */
  async deciderOf(requestId: string): Promise<string | null> {
    const [row]: { actorId: string | null }[] = await this.q().query(
      `SELECT actor_id AS "actorId" FROM request_events WHERE request_id = $1 AND action = 'decide' ORDER BY n DESC LIMIT 1`,
      [requestId],
    );
    return row?.actorId ?? null;
  }

  /** The timeline of one request, in the order it happened. */
  timeline(requestId: string): Promise<RequestEvent[]> {
    return this.q().query(`SELECT ${EVENT_COLUMNS} FROM request_events WHERE request_id = $1 ORDER BY n`, [requestId]);
  }

  /**
   * One page of the review queue, sorted by due date then id, after `after` (keyset pagination:
   * the page costs the same wherever it starts). Reads `limit + 1` rows so the caller knows
   * whether another page follows. Only the conditions asked for are written into the SQL, so that
   * the planner can use the matching index (ix_requests_open_queue, _status_queue, _assignee_queue).
   */
  async findQueuePage(filter: QueueFilter, limit: number, after?: QueuePosition): Promise<QueueRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (filter.status) where.push(`status = ${param(filter.status)}`);
    // Overdue: the statuses whose clock runs (a subset of the open ones), written once. Written next
    // to the open list, the two were taken for independent, the planner expected a handful of rows,
    // and a page read and sorted every overdue request instead of walking ix_requests_open_queue.
    if (filter.overdue) where.push(`status IN (${sqlList(CLOCK_RUNNING_STATUSES)})`, `due_at < now()`);
    else if (!filter.status) where.push(`status IN (${sqlList(OPEN_STATUSES)})`);
    if (filter.type) where.push(`type = ${param(filter.type)}`);
    if (filter.assigneeId === null) where.push(`assignee_id IS NULL`);
    else if (filter.assigneeId !== undefined) where.push(`assignee_id = ${param(filter.assigneeId)}`);
    if (after) where.push(`(due_at, id) > ('epoch'::timestamptz + ${param(after.dueMicros)}::bigint * interval '1 microsecond', ${param(after.id)}::uuid)`);
    return this.q().query(
      `SELECT ${REQUEST_COLUMNS},
              (extract(epoch FROM due_at) * 1000000)::bigint::text AS "dueMicros",
              (status IN (${sqlList(CLOCK_RUNNING_STATUSES)}) AND due_at < now()) AS overdue
       FROM requests
       WHERE ${where.join(' AND ')}
       ORDER BY due_at, id
       LIMIT ${param(limit + 1)}`,
      params,
    );
  }

  /**
   * Flags up to `limit` open requests whose clock runs and whose due date has passed, once each
   * (`overdue_flagged_at` stays set): running it again flags nothing new. Rows another scan holds
   * are skipped, not waited for. Does not change `version`: being late is not a decision.
   */
  async flagOverdue(manager: EntityManager, limit: number): Promise<FlaggedOverdue[]> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows]: [FlaggedOverdue[], number] = await manager.query(
      `WITH due AS (
         SELECT id FROM requests
         WHERE status IN (${sqlList(CLOCK_RUNNING_STATUSES)}) AND due_at < now() AND overdue_flagged_at IS NULL
         ORDER BY due_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE requests r SET overdue_flagged_at = now()
       FROM due WHERE r.id = due.id
       RETURNING r.id, r.type, r.subject_ref AS "subjectRef", r.assignee_id AS "assigneeId", r.due_at AS "dueAt"`,
      [limit],
    );
    return rows;
  }
}
