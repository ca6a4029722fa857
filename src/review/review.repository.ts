import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RequestType } from '../policy/domain/policy.types';
import { OnBehalfRelation, OPEN_STATUSES, OVERDUE_SQL, REQUEST_COLUMNS, RequestStatus, sqlList, SubjectRequest } from '../requests';

export interface QueueFilter {
  /** one status; absent: every open request */
  status?: RequestStatus;
  type?: RequestType;
  /** only open requests whose clock has run out, paused or not (OVERDUE_SQL) */
  overdue?: boolean;
  /** an account id, or null for unassigned requests */
  assigneeId?: string | null;
  /** true: only requests filed on someone's behalf; false: only those filed by the subject for themselves */
  onBehalf?: boolean;
  /** only those filed in this relation (guardian, relative_of_deceased, agent) */
  relation?: OnBehalfRelation;
  /** only requests in fulfilment with a failed step */
  failing?: boolean;
}

/** A position in the queue: the exact due date (in microseconds since the epoch, as text) and id. */
export interface QueuePosition {
  dueMicros: string;
  id: string;
}

export interface QueueRow extends SubjectRequest {
  dueMicros: string;
  overdue: boolean;
  failedSteps: number;
}

/** A request's failed fulfilment steps (the fulfilment_failures view); only a fulfilling request has any. */
const FAILED_STEPS_SQL = `CASE WHEN status = 'fulfilling' THEN (SELECT count(*)::int FROM fulfilment_failures f WHERE f.request_id = requests.id) ELSE 0 END`;

/** Requests flagged overdue by one scan, with what their notices need. */
export interface FlaggedOverdue {
  id: string;
  type: RequestType;
  subjectRef: string;
  assigneeId: string | null;
  dueAt: Date;
}

/**
 * The queries only the staff workflow asks: the queue, the overdue scan and who decided a request.
 * The request's own reads and its one way to change go through the requests capability's door.
 */
/** A decision staff proposed, as legal confirms or replaces it. */
export interface ProposedDecision {
  id: string;
  actorId: string | null;
  outcome: 'reject' | 'partial';
  clauses: string[];
  law: string[];
  reason: string | null;
  data: Record<string, unknown>;
}

@Injectable()
export class ReviewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The accounts that took part in the request's decision: who decided it, and with four eyes who
   * proposed it and who confirmed or replaced it. The system's decisions have no account.
   */
  async decidersOf(requestId: string): Promise<string[]> {
    const rows: { actorId: string }[] = await this.dataSource.query(
      `SELECT DISTINCT actor_id AS "actorId" FROM request_events
       WHERE request_id = $1 AND action IN ('decide', 'confirm_decision', 'replace_decision') AND actor_id IS NOT NULL`,
      [requestId],
    );
    return rows.map((r) => r.actorId);
  }

  /** Staff's refusal or partial decision awaiting legal: the last decision that led to `awaiting_legal`. */
  async proposedDecision(requestId: string): Promise<ProposedDecision | null> {
    const [row]: ProposedDecision[] = await this.dataSource.query(
      `SELECT id, actor_id AS "actorId", outcome, clauses, law, reason, data FROM request_events
       WHERE request_id = $1 AND action = 'decide' AND to_status = 'awaiting_legal' ORDER BY n DESC LIMIT 1`,
      [requestId],
    );
    return row ?? null;
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
    // Overdue: open requests whose clock has run out (OVERDUE_SQL, which names the open statuses
    // itself). Written next to a second status list, the two were taken for independent, the planner
    // expected a handful of rows, and a page read and sorted every overdue request instead of
    // walking ix_requests_open_queue.
    if (filter.overdue) where.push(OVERDUE_SQL);
    else if (!filter.status) where.push(`status IN (${sqlList(OPEN_STATUSES)})`);
    if (filter.type) where.push(`type = ${param(filter.type)}`);
    if (filter.relation) where.push(`represented LIKE ${param(`${filter.relation}:%`)}`);
    else if (filter.onBehalf === true) where.push(`represented <> ''`);
    if (filter.onBehalf === false) where.push(`represented = ''`);
    if (filter.failing) where.push(`status = 'fulfilling' AND EXISTS (SELECT 1 FROM fulfilment_failures f WHERE f.request_id = requests.id)`);
    if (filter.assigneeId === null) where.push(`assignee_id IS NULL`);
    else if (filter.assigneeId !== undefined) where.push(`assignee_id = ${param(filter.assigneeId)}`);
    if (after) where.push(`(due_at, id) > ('epoch'::timestamptz + ${param(after.dueMicros)}::bigint * interval '1 microsecond', ${param(after.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${REQUEST_COLUMNS},
              (extract(epoch FROM due_at) * 1000000)::bigint::text AS "dueMicros",
              ${OVERDUE_SQL} AS overdue,
              ${FAILED_STEPS_SQL} AS "failedSteps"
       FROM requests
       WHERE ${where.join(' AND ')}
       ORDER BY due_at, id
       LIMIT ${param(limit + 1)}`,
      params,
    );
  }

  /** How many requests wait in fulfilment with a failed step (fulfilling ones are few: ix_requests_status_queue). */
  async countFailing(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM requests WHERE status = 'fulfilling' AND EXISTS (SELECT 1 FROM fulfilment_failures f WHERE f.request_id = requests.id)`,
    );
    return n;
  }

  /**
   * Flags up to `limit` open requests whose clock has run out (OVERDUE_SQL: a paused one too, once
   * its pause can no longer carry it, its deadline capped at the type's ceiling), once each
   * (`overdue_flagged_at` stays set): running it again flags nothing new. Rows another scan holds
   * are skipped, not waited for. Does not change `version`: being late is not a decision.
   */
  async flagOverdue(manager: EntityManager, limit: number): Promise<FlaggedOverdue[]> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows]: [FlaggedOverdue[], number] = await manager.query(
      `WITH due AS (
         SELECT id FROM requests
         WHERE ${OVERDUE_SQL} AND overdue_flagged_at IS NULL
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
