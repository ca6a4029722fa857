/**
 * Where a request stands (product.md, Lifecycle). Stored as the PostgreSQL enum `request_status`;
 * the allowed moves between these values are the table in request-lifecycle.ts.
 */
export enum RequestStatus {
  Submitted = 'submitted',
  InReview = 'in_review',
  /** Staff asked the subject for information; the clock is paused until they reply. */
  AwaitingSubject = 'awaiting_subject',
  Approved = 'approved',
  Fulfilling = 'fulfilling',
  Completed = 'completed',
  Rejected = 'rejected',
  Cancelled = 'cancelled',
  /** The subject appealed a rejection; legal decides it. */
  UnderAppeal = 'under_appeal',
}

export const REQUEST_STATUSES: readonly RequestStatus[] = Object.values(RequestStatus);

/** Nothing more happens to a request in these states (a rejection may still be appealed once). */
export const CLOSED_STATUSES: readonly RequestStatus[] = [RequestStatus.Completed, RequestStatus.Rejected, RequestStatus.Cancelled];

/**
 * Open requests: one per subject and type at a time. The migration spells this list out in the
 * predicate of the partial unique index `uq_requests_one_open_per_type` (a migration must not change
 * when code does); an HTTP test compares the two.
 */
export const OPEN_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.filter((s) => !CLOSED_STATUSES.includes(s));

/** The deadline runs in these states; it is paused while awaiting the subject and over once closed. */
export const CLOCK_RUNNING_STATUSES: readonly RequestStatus[] = OPEN_STATUSES.filter((s) => s !== RequestStatus.AwaitingSubject);

/** A decision has been taken (by staff, legal or the system): cancelling is no longer possible. */
export const DECIDED_STATUSES: readonly RequestStatus[] = [
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
