import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Outcome, RecipientKind, RequestType } from '../policy/domain/policy.types';
import { RequestStatus, sqlList } from '../requests';

/** [from, until): instants, either open. */
export interface Window {
  from: Date | null;
  until: Date | null;
}

export interface OutcomeCountRow {
  type: RequestType;
  outcome: 'approved' | 'partial' | 'rejected' | 'cancelled' | 'lapsed' | 'open';
  count: number;
}

/** Per type (`type` null: every type together). */
export interface DecisionTimingRow {
  type: RequestType | null;
  decided: number;
  medianDays: number | null;
  withinDeadline: number;
}

export interface KindCountRow {
  kind: RecipientKind;
  entries: number;
}

export interface BasisCountRow {
  basis: string;
  entries: number;
}

/** A decision that stands (not staff's proposal awaiting legal, not an extension). */
const STANDING = `e.outcome IN ('${Outcome.Approve}', '${Outcome.Partial}', '${Outcome.Reject}')
  AND e.to_status IN (${sqlList([RequestStatus.Approved, RequestStatus.Rejected, RequestStatus.Completed])})`;

/**
 * The requests submitted in the window, and for each decided one its first standing decision (when:
 * the deadline is measured to it) and its last (how it ended: an appeal's decision replaces a refusal).
 */
const DECIDED_CTE = `
  period AS (
    SELECT r.id, r.type::text AS type, r.status::text AS status, r.submitted_at, r.due_at FROM requests r
    WHERE ($1::timestamptz IS NULL OR r.submitted_at >= $1) AND ($2::timestamptz IS NULL OR r.submitted_at < $2)
  ),
  decisions AS (
    SELECT e.request_id, min(e.at) AS first_at, (array_agg(e.outcome ORDER BY e.n DESC))[1] AS last_outcome
    FROM request_events e JOIN period p ON p.id = e.request_id
    WHERE ${STANDING}
    GROUP BY e.request_id
  )`;

/** A disclosure register entry that counts: current (no correction replaced it) and made (an authority's once confirmed). */
const MADE_ENTRIES = `
  SELECT e.id, e.recipient_kind FROM disclosure_entries e LEFT JOIN disclosure_reviews r ON r.entry_id = e.id
  WHERE NOT EXISTS (SELECT 1 FROM disclosure_entries x WHERE x.corrects = e.id)
    AND (e.recipient_kind <> '${RecipientKind.Authority}' OR r.outcome = 'confirmed')
    AND ($1::timestamptz IS NULL OR e.last_disclosed_at >= $1) AND ($2::timestamptz IS NULL OR e.first_disclosed_at < $2)`;

/**
 * The public statistics' aggregate statements: each answers counts grouped by type, outcome, kind
 * or basis, never a row about one request, subject or entry. The transparency page is the one
 * reader that needs every capability's figures at once; it reads the tables of requests and of the
 * register here (read-only, aggregates only) rather than widening each capability's door with a
 * statistics method of its own.
 */
@Injectable()
export class TransparencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Requests submitted in the window, per type and how they ended. */
  outcomes(window: Window): Promise<OutcomeCountRow[]> {
    return this.dataSource.query(
      `WITH ${DECIDED_CTE}
       SELECT p.type,
         CASE
           WHEN d.request_id IS NOT NULL THEN
             CASE d.last_outcome WHEN '${Outcome.Approve}' THEN 'approved' WHEN '${Outcome.Partial}' THEN 'partial' ELSE 'rejected' END
           WHEN p.status = '${RequestStatus.Cancelled}' THEN 'cancelled'
           WHEN p.status = '${RequestStatus.Lapsed}' THEN 'lapsed'
           ELSE 'open'
         END AS outcome,
         count(*)::int AS count
       FROM period p LEFT JOIN decisions d ON d.request_id = p.id
       GROUP BY 1, 2`,
      [window.from, window.until],
    );
  }

  /** How long deciding took and whether by the due date, per type and over every type. */
  async timing(window: Window): Promise<DecisionTimingRow[]> {
    const rows: (Omit<DecisionTimingRow, 'medianDays'> & { medianDays: string | number | null })[] = await this.dataSource.query(
      `WITH ${DECIDED_CTE}
       SELECT p.type, count(*)::int AS decided,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.first_at - p.submitted_at) / 86400) AS "medianDays",
         (count(*) FILTER (WHERE d.first_at <= p.due_at))::int AS "withinDeadline"
       FROM period p JOIN decisions d ON d.request_id = p.id
       GROUP BY GROUPING SETS ((p.type), ())`,
      [window.from, window.until],
    );
    return rows.map((r) => ({ ...r, medianDays: r.medianDays === null ? null : Number(r.medianDays) }));
  }

  /** Disclosures made in the window (an entry's period overlaps it), per recipient kind. */
  byRecipientKind(window: Window): Promise<KindCountRow[]> {
    return this.dataSource.query(`SELECT m.recipient_kind AS kind, count(*)::int AS entries FROM (${MADE_ENTRIES}) m GROUP BY 1 ORDER BY 1`, [
      window.from,
      window.until,
    ]);
  }

  /** The same entries per clause or provision cited (an entry citing two counts under each). */
  byBasis(window: Window): Promise<BasisCountRow[]> {
    return this.dataSource.query(
      `SELECT c.cited AS basis, count(*)::int AS entries FROM (${MADE_ENTRIES}) m JOIN disclosure_citations c ON c.entry_id = m.id GROUP BY 1 ORDER BY 1`,
      [window.from, window.until],
    );
  }
}
