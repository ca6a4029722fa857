import { DELETION_REVIEW_CEILING, DueRule, REQUEST_CEILING } from '../../config/due-rule';
import { RequestType } from '../../policy/domain/policy.types';
import { computeDueAt } from './due-date';

/**
 * The longest any request of a type may take, counted from its submission, whatever a setting or
 * an extension says: the account-cancellation review is decided within 48 hours of the application
 * (policy `face.retain.2`); every other request within 30 days (GB/T 35273-2020 §8.7, the longest
 * time the national standard allows for answering a subject's request).
 */
export const DEADLINE_CEILINGS: Readonly<Record<RequestType, Readonly<DueRule>>> = Object.freeze({
  [RequestType.Access]: REQUEST_CEILING,
  [RequestType.WithdrawConsent]: REQUEST_CEILING,
  [RequestType.DeleteAccount]: DELETION_REVIEW_CEILING,
  [RequestType.DisclosureLog]: REQUEST_CEILING,
  [RequestType.Correction]: REQUEST_CEILING,
  [RequestType.CopyTransfer]: REQUEST_CEILING,
  [RequestType.Explanation]: REQUEST_CEILING,
  [RequestType.DeleteData]: REQUEST_CEILING,
});

/** The latest a request of `type` submitted at `submittedAt` may ever be due. */
export function latestDueAt(type: RequestType, submittedAt: Date): Date {
  return computeDueAt(submittedAt, DEADLINE_CEILINGS[type]);
}

/** A question to the subject pauses a request's clock at most this many times (product.md, Lifecycle). */
export const MAX_CLOCK_PAUSES = 2;

/** Why a question to the subject leaves the clock running. */
export enum NoPauseReason {
  /** the 48-hour deletion review never pauses (face.retain.2): the subject cannot stretch it by not answering */
  DeletionReview = 'deletion_review',
  /** the request's clock has paused MAX_CLOCK_PAUSES times already */
  PausesUsed = 'pauses_used',
}

/** Whether a question asked now pauses the clock of a request of `type` that has paused `pausesTaken` times: null if it does. */
export function whyQuestionDoesNotPause(type: RequestType, pausesTaken: number): NoPauseReason | null {
  if (type === RequestType.DeleteAccount) return NoPauseReason.DeletionReview;
  if (pausesTaken >= MAX_CLOCK_PAUSES) return NoPauseReason.PausesUsed;
  return null;
}

/** What the clock of a request is counted from. */
export interface RequestClock {
  type: RequestType;
  submittedAt: Date;
  dueAt: Date;
  /** set while the clock is paused, awaiting the subject */
  awaitingSince: Date | null;
}

/**
 * When the request's clock runs out, as of `now`: its due date; while the clock is paused, that due
 * date moved later by the pause so far, but never past the type's ceiling from submission (and
 * never earlier than it was). What a reply makes the due date, and what "overdue" is judged by:
 * a paused request is overdue once even the paused clock cannot save it. Its SQL twin is
 * CLOCK_DUE_AT_SQL (requests.repository.ts).
 */
export function clockDueAt(request: RequestClock, now: Date): Date {
  if (!request.awaitingSince) return request.dueAt;
  const shifted = request.dueAt.getTime() + Math.max(0, now.getTime() - request.awaitingSince.getTime());
  const capped = Math.min(shifted, latestDueAt(request.type, request.submittedAt).getTime());
  return new Date(Math.max(request.dueAt.getTime(), capped));
}
