import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Outcome, REQUEST_TYPES, RequestType } from '../policy/domain/policy.types';
import { OPEN_STATUSES, OVERDUE_SQL, RequestStatus, sqlList } from '../requests';

/** How far back the decision figures reach: requests submitted in the last 90 days. */
export const DASHBOARD_DAYS = 90;

export interface DashboardTypeFigures {
  type: RequestType;
  /** open now (every open status) */
  open: number;
  /** open and past their clock (OVERDUE_SQL, the queue's own filter) */
  overdue: number;
  /** a refusal or partial decision staff proposed, waiting for legal (four eyes) */
  awaitingLegal: number;
  /** submitted in the period and decided (a decision that stands) */
  decided: number;
  /** median days from submission to the first decision that stands; null when none was decided */
  medianDays: number | null;
  /** decided by the due date */
  withinDeadline: number;
}

export interface DashboardFigures {
  generatedAt: string;
  days: number;
  byType: DashboardTypeFigures[];
  total: Omit<DashboardTypeFigures, 'type'>;
}

/** A decision that stands, as the public statistics count it (not a proposal awaiting legal, not an extension). */
const STANDING = `e.outcome IN ('${Outcome.Approve}', '${Outcome.Partial}', '${Outcome.Reject}')
  AND e.to_status IN (${sqlList([RequestStatus.Approved, RequestStatus.Rejected, RequestStatus.Completed])})`;

/**
 * The reviewers' dashboard, read-only and aggregate: what is open now per type (overdue and waiting
 * for legal among it), and for the requests submitted in the last 90 days how long deciding took
 * and how often it was within the deadline. The decision figures are those of the public
 * statistics (src/transparency: the first decision that stands, measured against the due date),
 * without their suppression of small counts or their cache: reviewers see the exact figures now.
 * Two aggregate statements; no row about one request or subject leaves here.
 */
@Injectable()
export class ReviewDashboard {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async figures(now: Date = new Date()): Promise<DashboardFigures> {
    const since = new Date(now.getTime() - DASHBOARD_DAYS * 86_400_000);
    const [open, timing] = await Promise.all([
      this.dataSource.query<{ type: RequestType; open: number; overdue: number; awaitingLegal: number }[]>(
        `SELECT type::text AS type, count(*)::int AS open,
           (count(*) FILTER (WHERE ${OVERDUE_SQL}))::int AS overdue,
           (count(*) FILTER (WHERE status = '${RequestStatus.AwaitingLegal}'))::int AS "awaitingLegal"
         FROM requests WHERE status IN (${sqlList(OPEN_STATUSES)})
         GROUP BY 1`,
      ),
      this.dataSource.query<{ type: RequestType | null; decided: number; medianDays: string | number | null; withinDeadline: number }[]>(
        `WITH period AS (
           SELECT r.id, r.type::text AS type, r.submitted_at, r.due_at FROM requests r WHERE r.submitted_at >= $1
         ),
         decisions AS (
           SELECT e.request_id, min(e.at) AS first_at
           FROM request_events e JOIN period p ON p.id = e.request_id
           WHERE ${STANDING}
           GROUP BY e.request_id
         )
         SELECT p.type, count(*)::int AS decided,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.first_at - p.submitted_at) / 86400) AS "medianDays",
           (count(*) FILTER (WHERE d.first_at <= p.due_at))::int AS "withinDeadline"
         FROM period p JOIN decisions d ON d.request_id = p.id
         GROUP BY GROUPING SETS ((p.type), ())`,
        [since],
      ),
    ]);
    const timed = (type: RequestType | null) => {
      const row = timing.find((r) => r.type === type);
      return {
        decided: row?.decided ?? 0,
        medianDays: row?.medianDays === null || row?.medianDays === undefined ? null : Number(row.medianDays),
        withinDeadline: row?.withinDeadline ?? 0,
      };
    };
    const byType = REQUEST_TYPES.map((type) => {
      const o = open.find((r) => r.type === type);
      return { type, open: o?.open ?? 0, overdue: o?.overdue ?? 0, awaitingLegal: o?.awaitingLegal ?? 0, ...timed(type) };
    });
    const sum = (key: 'open' | 'overdue' | 'awaitingLegal') => byType.reduce((n, r) => n + r[key], 0);
    return {
      generatedAt: now.toISOString(),
      days: DASHBOARD_DAYS,
      byType,
      total: { open: sum('open'), overdue: sum('overdue'), awaitingLegal: sum('awaitingLegal'), ...timed(null) },
    };
  }
}
