import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RequestType } from '../policy/domain/policy.types';
import { DueUnit } from '../config/due-rule';
import { DEADLINE_CEILINGS } from './domain/deadline-ceiling';
import { CLOSED_STATUSES, OPEN_STATUSES, RequestStatus, sqlList } from './domain/request-status';
import { RequestEvent } from './request-event.entity';
import { RequestDetails, SubjectRequest } from './subject-request.entity';

/** Every column of `requests`, named as the entity names them (the read port's, and the queue's). */
export const REQUEST_COLUMNS = `
  id, subject_id AS "subjectId", subject_ref AS "subjectRef", type, status, version, policy_version AS "policyVersion",
  details, represented, submitted_at AS "submittedAt", due_at AS "dueAt", awaiting_since AS "awaitingSince", question_asked_at AS "questionAskedAt",
  clock_pauses AS "clockPauses", extended_at AS "extendedAt",
  appealed_at AS "appealedAt", assignee_id AS "assigneeId", overdue_flagged_at AS "overdueFlaggedAt", closed_at AS "closedAt",
  idempotency_key AS "idempotencyKey", idempotency_fingerprint AS "idempotencyFingerprint", updated_at AS "updatedAt"`;

const EVENT_COLUMNS = `
  id, n::text AS n, request_id AS "requestId", at, action, from_status AS "fromStatus", to_status AS "toStatus",
  actor_id AS "actorId", actor_role AS "actorRole", outcome, clauses, law, reason, note, data`;

/**
 * SQL: the latest a row of `requests` may be due, by its type, from its submission (DEADLINE_CEILINGS;
 * latestDueAt's twin). Built from that table's constants, never from input.
 */
const CEILING_SQL = `CASE type ${Object.entries(DEADLINE_CEILINGS)
  .map(([type, ceiling]) => {
    // In hours: an interval of days follows the session's time zone across a daylight-saving
    // change, latestDueAt counts days of 24 hours. PRC working days have no interval at all.
    if (ceiling.unit === DueUnit.WorkingDays) throw new Error(`the ceiling of ${type} must be in days or hours`);
    const hours = ceiling.unit === DueUnit.Days ? ceiling.amount * 24 : ceiling.amount;
    return `WHEN '${type}' THEN submitted_at + interval '${hours} hours'`;
  })
  .join(' ')} END`;

/**
 * SQL: when a row's clock runs out as of now() (clockDueAt's twin, src/requests/domain/deadline-ceiling.ts):
 * due_at, or, while paused, due_at moved later by the pause so far, never past the ceiling nor earlier.
 */
export const CLOCK_DUE_AT_SQL = `(CASE WHEN awaiting_since IS NULL THEN due_at ELSE GREATEST(due_at, LEAST(due_at + (now() - awaiting_since), ${CEILING_SQL})) END)`;

/**
 * SQL: an open request whose clock has run out, paused or not (staffFields' `overdue`). The clock
 * never runs out before due_at (a pause only moves it later), so `due_at < now()` is implied; it is
 * written out for the queue's indexes on (due_at, id).
 */
export const OVERDUE_SQL = `(status IN (${sqlList(OPEN_STATUSES)}) AND due_at < now() AND ${CLOCK_DUE_AT_SQL} < now())`;

/** A new request: `submitted`, at version 1, last updated when it was submitted. */
export const REQUEST_INSERT_COLUMNS = `(id, subject_id, subject_ref, type, status, version, policy_version, details, represented, submitted_at, due_at, idempotency_key, idempotency_fingerprint, updated_at)`;

export function requestValues(r: NewRequestRow): unknown[] {
  return [
    r.id,
    r.subjectId,
    r.subjectRef,
    r.type,
    RequestStatus.Submitted,
    1,
    r.policyVersion,
    JSON.stringify(r.details),
    r.represented,
    r.submittedAt,
    r.dueAt,
    r.idempotencyKey,
    r.idempotencyFingerprint,
    r.submittedAt,
  ];
}

export const EVENT_INSERT_COLUMNS = `(at, request_id, action, from_status, to_status, actor_id, actor_role, outcome, clauses, law, reason, note, data)`;

export function eventValues(e: NewRequestEvent): unknown[] {
  return [
    e.requestId,
    e.action,
    e.fromStatus,
    e.toStatus,
    e.actorId,
    e.actorRole,
    e.outcome ?? null,
    e.clauses ?? [],
    e.law ?? [],
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
  /** representedKey of whom it is filed for; '' for the subject themselves */
  represented: string;
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
  /** a question now awaits the subject (the lapse counts from now) */
  awaitSubject?: boolean;
  /** and the clock stops now: one of the request's pauses */
  pauseClock?: boolean;
  /** the subject replied: a paused deadline moves later by the time spent waiting, never past the ceiling */
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
  /** provisions of the law catalogue cited beside the clauses */
  law?: string[];
  reason?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
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
  /** The subject's open request of `type` about whom `represented` names ('' for themselves). */
  async findOpenOfType(subjectId: string, type: RequestType, represented: string): Promise<SubjectRequest | null> {
    const [row]: SubjectRequest[] = await this.q().query(
      `SELECT ${REQUEST_COLUMNS} FROM requests WHERE subject_id = $1 AND type = $2 AND represented = $3 AND status IN (${sqlList(OPEN_STATUSES)})`,
      [subjectId, type, represented],
    );
    return row ?? null;
  }

  /**
   * Whether `reviewerId` holds, or made a decision on, a request of `subjectId` that is open or was
   * closed less than `recentDays` ago: what a reviewer must be working on to unmask that subject.
   */
  async isReviewerOf(reviewerId: string, subjectId: string, recentDays: number): Promise<boolean> {
    const [row]: { yes: boolean }[] = await this.q().query(
      `SELECT EXISTS (
         SELECT 1 FROM requests r
         WHERE r.subject_id = $2
           AND (r.closed_at IS NULL OR r.closed_at > now() - make_interval(days => $3))
           AND (r.assignee_id = $1
                OR EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id AND e.actor_id = $1 AND e.action IN ('decide', 'decide_appeal')))
       ) AS yes`,
      [reviewerId, subjectId, recentDays],
    );
    return row.yes;
  }

  /** The subject's requests, newest first. */
  listOwn(subjectId: string, limit: number): Promise<SubjectRequest[]> {
    return this.q().query(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE subject_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT $2`, [subjectId, limit]);
  }

  /**
   * Up to `limit` requests whose question has waited `replyDays` days or more for the subject's
   * answer, oldest first, leaving out `skip` (those a scan has tried already). Days of 24 hours, as
   * RequestDeadlines.replyBy counts them, whatever the session's time zone.
   */
  findUnansweredFor(replyDays: number, limit: number, skip: readonly string[]): Promise<SubjectRequest[]> {
    return this.q().query(
      `SELECT ${REQUEST_COLUMNS} FROM requests
       WHERE status = '${RequestStatus.AwaitingSubject}' AND question_asked_at <= now() - make_interval(hours => $1 * 24) AND NOT (id = ANY($3::uuid[]))
       ORDER BY question_asked_at, id
       LIMIT $2`,
      [replyDays, limit, skip],
    );
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
    if (c.awaitSubject) set.push(`question_asked_at = now()`);
    else set.push(`question_asked_at = CASE WHEN $4::request_status = 'awaiting_subject' THEN question_asked_at ELSE NULL END`);
    if (c.pauseClock) set.push(`awaiting_since = now()`, `clock_pauses = clock_pauses + 1`);
    if (c.resumeClock) {
      // Every right-hand side reads the row as it was before this UPDATE. A clock that was not
      // paused (awaiting_since NULL) keeps its due date.
      set.push(`due_at = ${CLOCK_DUE_AT_SQL}`, `awaiting_since = NULL`);
      set.push(`overdue_flagged_at = CASE WHEN ${CLOCK_DUE_AT_SQL} > now() THEN NULL ELSE overdue_flagged_at END`);
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
      `INSERT INTO request_events ${EVENT_INSERT_COLUMNS} VALUES (DEFAULT, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       RETURNING ${EVENT_COLUMNS}`,
      eventValues(e),
    );
    return row;
  }

  /** The timeline of one request, in the order it happened. */
  timeline(requestId: string): Promise<RequestEvent[]> {
    // By the column: a bare `n` would be the output column, `n::text`, and sort event 10 before 9.
    return this.q().query(`SELECT ${EVENT_COLUMNS} FROM request_events WHERE request_id = $1 ORDER BY request_events.n`, [requestId]);
  }
}
