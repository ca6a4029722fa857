import { ActorRole, SYSTEM } from '../../kernel/actor';
import { Role } from '../../kernel/role';
import { Outcome, REQUEST_TYPES, RequestType } from '../../policy/domain/policy.types';
import { RequestStatus } from './request-status';

/** What someone does to a request; each is a row (or rows) of the transitions table below. */
export enum RequestAction {
  Submit = 'submit',
  Claim = 'claim',
  Assign = 'assign',
  /** a reviewer takes over a request another reviewer holds: explicit, audited, and the holder is told */
  Take = 'take',
  Ask = 'ask',
  Reply = 'reply',
  Extend = 'extend',
  Decide = 'decide',
  /** legal confirms a refusal or partial decision staff proposed (not its author) */
  ConfirmDecision = 'confirm_decision',
  /** legal replaces it with a decision of their own (not its author) */
  ReplaceDecision = 'replace_decision',
  Cancel = 'cancel',
  Appeal = 'appeal',
  DecideAppeal = 'decide_appeal',
  StartFulfilment = 'start_fulfilment',
  Complete = 'complete',
  /** the system closes a request whose question went unanswered for SUBJECT_REPLY_DAYS */
  Lapse = 'lapse',
}

export interface Transition {
  action: RequestAction;
  /** null: the request does not exist yet */
  from: RequestStatus | null;
  to: RequestStatus;
  roles: readonly ActorRole[];
  /** Only for these request types (absent: every type that can be in `from`). */
  types?: readonly RequestType[];
}

const REVIEWERS = [Role.Staff, Role.Legal] as const;
/** Every type but the withdrawal of consent, which the system decides in the transaction that files it. */
const STAFF_DECIDED_TYPES = REQUEST_TYPES.filter((t) => t !== RequestType.WithdrawConsent);
const S = RequestStatus;

/**
 * THE lifecycle (product.md, Lifecycle): every allowed move, and who may make it. The services
 * consult this table before every change; a move that is not here is refused with 409, a role
 * that is not listed with 403. A row whose `from` equals its `to` changes no status but is still
 * recorded on the timeline (claiming, extending).
 */
export const TRANSITIONS: readonly Transition[] = [
  { action: RequestAction.Submit, from: null, to: S.Submitted, roles: [Role.Subject] },

  // A withdrawal of consent is decided by the system in the transaction that files it.
  { action: RequestAction.Decide, from: S.Submitted, to: S.Completed, roles: [SYSTEM], types: [RequestType.WithdrawConsent] },

  { action: RequestAction.Claim, from: S.Submitted, to: S.InReview, roles: REVIEWERS },
  { action: RequestAction.Claim, from: S.InReview, to: S.InReview, roles: REVIEWERS },
  { action: RequestAction.Claim, from: S.AwaitingSubject, to: S.AwaitingSubject, roles: REVIEWERS },
  { action: RequestAction.Claim, from: S.UnderAppeal, to: S.UnderAppeal, roles: [Role.Legal] },
  { action: RequestAction.Assign, from: S.Submitted, to: S.InReview, roles: REVIEWERS },
  { action: RequestAction.Assign, from: S.InReview, to: S.InReview, roles: REVIEWERS },
  { action: RequestAction.Assign, from: S.AwaitingSubject, to: S.AwaitingSubject, roles: REVIEWERS },
  { action: RequestAction.Assign, from: S.UnderAppeal, to: S.UnderAppeal, roles: [Role.Legal] },
  // Only a request someone holds can be taken over; one nobody holds is claimed.
  { action: RequestAction.Take, from: S.InReview, to: S.InReview, roles: REVIEWERS },
  { action: RequestAction.Take, from: S.AwaitingSubject, to: S.AwaitingSubject, roles: REVIEWERS },
  { action: RequestAction.Take, from: S.UnderAppeal, to: S.UnderAppeal, roles: [Role.Legal] },

  { action: RequestAction.Ask, from: S.InReview, to: S.AwaitingSubject, roles: REVIEWERS },
  { action: RequestAction.Reply, from: S.AwaitingSubject, to: S.InReview, roles: [Role.Subject] },
  { action: RequestAction.Lapse, from: S.AwaitingSubject, to: S.Lapsed, roles: [SYSTEM] },

  { action: RequestAction.Extend, from: S.Submitted, to: S.Submitted, roles: REVIEWERS },
  { action: RequestAction.Extend, from: S.InReview, to: S.InReview, roles: REVIEWERS },
  { action: RequestAction.Extend, from: S.AwaitingSubject, to: S.AwaitingSubject, roles: REVIEWERS },

  // A request is claimed before it is decided, so that the queue shows who is working on it. Four
  // eyes: staff's refusal or partial decision goes to legal; legal's own decisions stand.
  { action: RequestAction.Decide, from: S.InReview, to: S.Approved, roles: REVIEWERS, types: STAFF_DECIDED_TYPES },
  { action: RequestAction.Decide, from: S.InReview, to: S.AwaitingLegal, roles: [Role.Staff], types: STAFF_DECIDED_TYPES },
  { action: RequestAction.Decide, from: S.InReview, to: S.Rejected, roles: [Role.Legal], types: STAFF_DECIDED_TYPES },
  { action: RequestAction.ConfirmDecision, from: S.AwaitingLegal, to: S.Approved, roles: [Role.Legal] },
  { action: RequestAction.ConfirmDecision, from: S.AwaitingLegal, to: S.Rejected, roles: [Role.Legal] },
  { action: RequestAction.ReplaceDecision, from: S.AwaitingLegal, to: S.Approved, roles: [Role.Legal] },
  { action: RequestAction.ReplaceDecision, from: S.AwaitingLegal, to: S.Rejected, roles: [Role.Legal] },

  { action: RequestAction.Cancel, from: S.Submitted, to: S.Cancelled, roles: [Role.Subject] },
  { action: RequestAction.Cancel, from: S.InReview, to: S.Cancelled, roles: [Role.Subject] },
  { action: RequestAction.Cancel, from: S.AwaitingSubject, to: S.Cancelled, roles: [Role.Subject] },

  { action: RequestAction.Appeal, from: S.Rejected, to: S.UnderAppeal, roles: [Role.Subject] },
  { action: RequestAction.DecideAppeal, from: S.UnderAppeal, to: S.Approved, roles: [Role.Legal] },
  { action: RequestAction.DecideAppeal, from: S.UnderAppeal, to: S.Rejected, roles: [Role.Legal] },

  // Fulfilment (export, erasure, the disclosure log) carries an approved request to its end.
  { action: RequestAction.StartFulfilment, from: S.Approved, to: S.Fulfilling, roles: [SYSTEM, ...REVIEWERS] },
  { action: RequestAction.Complete, from: S.Fulfilling, to: S.Completed, roles: [SYSTEM, ...REVIEWERS] },
];

/**
 * The status a decision leads to once it stands: a partial approval is still an approval. `byStaff`:
 * a first decision taken by staff, whose refusal or partial answer stands only once legal confirms it.
 */
export function statusAfterDecision(outcome: Outcome.Approve | Outcome.Partial | Outcome.Reject, byStaff = false): RequestStatus {
  if (byStaff && outcome !== Outcome.Approve) return RequestStatus.AwaitingLegal;
  return outcome === Outcome.Reject ? RequestStatus.Rejected : RequestStatus.Approved;
}

export type TransitionCheck =
  | { allowed: true; transition: Transition }
  /** nothing in the table leads from this status by this action (to this status) for this type */
  | { allowed: false; refusal: 'not_from_status' }
  /** the move exists, but not for this role */
  | { allowed: false; refusal: 'role'; roles: readonly ActorRole[] };

/**
 * May `role` do `action` to a request of `type` that is now `from`, leading to `to` (when the action
 * can lead to several states, e.g. a decision)? Pure: the one reading of the table.
 */
export function checkTransition(query: {
  action: RequestAction;
  from: RequestStatus | null;
  to?: RequestStatus;
  type: RequestType;
  role: ActorRole;
}): TransitionCheck {
  const candidates = TRANSITIONS.filter(
    (t) =>
      t.action === query.action &&
      t.from === query.from &&
      (query.to === undefined || t.to === query.to) &&
      (t.types === undefined || t.types.includes(query.type)),
  );
  if (candidates.length === 0) return { allowed: false, refusal: 'not_from_status' };
  const transition = candidates.find((t) => t.roles.includes(query.role));
  if (!transition) return { allowed: false, refusal: 'role', roles: [...new Set(candidates.flatMap((t) => t.roles))] };
  return { allowed: true, transition };
}

/** The statuses from which `action` is possible at all (for error messages). */
export function statusesAllowing(action: RequestAction, type: RequestType): RequestStatus[] {
  return [
    ...new Set(
      TRANSITIONS.filter((t) => t.action === action && t.from !== null && (t.types === undefined || t.types.includes(type))).map(
        (t) => t.from as RequestStatus,
      ),
    ),
  ];
}
