import type { CitedClause } from '../policy/policy-version';
import type { ConsentPurposeKey, DataCategory } from '../policy/domain/policy.types';

/** A purpose's state as the subject sees it; `never` means no event was ever recorded for it. */
export enum ConsentState {
  Granted = 'granted',
  Withdrawn = 'withdrawn',
  Never = 'never',
}

/** The states an event can record (`never` is only the absence of one). */
export type RecordedConsentState = ConsentState.Granted | ConsentState.Withdrawn;

/** How a consent event came about. */
export enum ConsentSource {
  /** The subject's explicit act on the consents page or API (opt-in). */
  Subject = 'subject',
  /** A `withdraw_consent` request, in the request's own transaction. */
  Request = 'request',
}

/** One line of `GET /api/v1/consents`. */
export interface ConsentView {
  purpose: ConsentPurposeKey;
  state: ConsentState;
  /** When the state last changed; null while `never`. */
  changedAt: string | null;
  /** The clause the consent was given or withdrawn under (the version in force when `never`). */
  clause: { id: string; text: string };
}

/** What `withdrawForRequest` did for one purpose, for the request's timeline and decision. */
export interface WithdrawnConsent {
  purpose: ConsentPurposeKey;
  clause: CitedClause;
  previousState: ConsentState;
  /** The data category whose erasure the withdrawal scheduled (or found already scheduled): facial purposes only. */
  erasureScheduled?: DataCategory;
}

/** The subject whose consents a request withdraws. */
export interface ConsentSubject {
  /** The subject's account id. */
  id: string;
  /** Informational: the ledger and the audit trail record the account's own `subject_ref`. */
  subjectRef: string;
}

export interface WithdrawForRequestOptions {
  /** The subject confirmed the `face_basic` withdrawal, told that the facial data is deleted and which other way of verifying remains. */
  confirmFaceBasic: boolean;
  requestId: string;
}
