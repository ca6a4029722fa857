/**
 * Where a request stands (product.md, Lifecycle). Stored as the PostgreSQL enum `request_status`;
 * the allowed moves between these values are the table in request-lifecycle.ts.
 */
export enum RequestStatus {
  Submitted = 'submitted',
  InReview = 'in_review',
  /**
   * A staff refusal or partial decision waits here for a legal reviewer who is not its author (four
   * eyes); the clock keeps running.
   */
  AwaitingLegal = 'awaiting_legal',
  /** Staff asked the subject for information; the clock is paused until they reply. */
  AwaitingSubject = 'awaiting_subject',
  Approved = 'approved',
  Fulfilling = 'fulfilling',
  Completed = 'completed',
  Rejected = 'rejected',
  Cancelled = 'cancelled',
  /** The subject appealed a rejection; legal decides it. */
  UnderAppeal = 'under_appeal',
  /** A question to the subject went unanswered for SUBJECT_REPLY_DAYS; the request may be filed again. */
  Lapsed = 'lapsed',
}

export const REQUEST_STATUSES: readonly RequestStatus[] = Object.values(RequestStatus);

/** Nothing more happens to a request in these states (a rejection may still be appealed once). */
export const CLOSED_STATUSES: readonly RequestStatus[] = [RequestStatus.Completed, RequestStatus.Rejected, RequestStatus.Cancelled, RequestStatus.Lapsed];

/**
 * Open requests: one per subject and type at a time. The migration spells this list out in the
 * predicate of the partial unique index `uq_requests_one_open_per_type` (a migration must not change
 * when code does); an HTTP test compares the two.
 */
export const OPEN_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.filter((s) => !CLOSED_STATUSES.includes(s));

/**
 * A decision has been taken (by staff, legal or the system), or proposed and awaiting legal:
 * cancelling is no longer possible.
 */
export const DECIDED_STATUSES: readonly RequestStatus[] = [
  RequestStatus.AwaitingLegal,
  RequestStatus.Approved,
  RequestStatus.Fulfilling,
  RequestStatus.Completed,
  RequestStatus.Rejected,
  RequestStatus.UnderAppeal,
];

/** `'a', 'b'` for a SQL `IN (…)` list in a query; the values are these enum constants, never input. */
export function sqlList(statuses: readonly RequestStatus[]): string {
  return statuses.map((s) => `'${s}'`).join(', ');
}
