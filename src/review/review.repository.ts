import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RequestType } from '../policy/domain/policy.types';
import { CLOCK_RUNNING_STATUSES, OPEN_STATUSES, REQUEST_COLUMNS, RequestStatus, sqlList, SubjectRequest } from '../requests';

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

/**
 * The queries only the staff workflow asks: the queue, the overdue scan and who decided a request.
 * The request's own reads and its one way to change go through the requests capability's door.
 */
@Injectable()
export class ReviewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The account that made the request's (first) decision, or null: decided by the system, or not yet. */
  async deciderOf(requestId: string): Promise<string | null> {
    const [row]: { actorId: string | null }[] = await this.dataSource.query(
      `SELECT actor_id AS "actorId" FROM request_events WHERE request_id = $1 AND action = 'decide' ORDER BY n DESC LIMIT 1`,
      [requestId],
    );
    return row?.actorId ?? null;
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
    return this.dataSource.query(
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
