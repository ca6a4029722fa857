import { AppError, ErrorKind } from '../common/errors/app-error';

export enum ReviewErrorCode {
  AlreadyClaimed = 'already_claimed',
  AssigneeNotReviewer = 'assignee_not_reviewer',
  InvalidCursor = 'invalid_cursor',
  ReasonRequired = 'reason_required',
  WithheldRequired = 'withheld_required',
  GroundRequired = 'ground_required',
  HoldsRequired = 'holds_required',
  OwnDecision = 'own_decision',
  NotApplicable = 'not_applicable',
  AlreadyExtended = 'already_extended',
  DeadlinePassed = 'deadline_passed',
  ExtensionNotLater = 'extension_not_later',
  DeciderCannotReviewAppeal = 'decider_cannot_review_appeal',
  NotHolder = 'not_holder',
  NotHeld = 'not_held',
  OwnRequest = 'own_request',
  ExtensionBeyondCeiling = 'extension_beyond_ceiling',
  ExtensionInPast = 'extension_in_past',
  GroundNotApplicable = 'ground_not_applicable',
  GroundLawRequired = 'ground_law_required',
  ItemsRequired = 'items_required',
  AnswerRequired = 'answer_required',
  ClausesRequired = 'clauses_required',
  TransferTermsRequired = 'transfer_terms_required',
  TransferConditionsUnmet = 'transfer_conditions_unmet',
  WithheldNotAsked = 'withheld_not_asked',
  NothingToRetry = 'nothing_to_retry',
  NotOnBehalf = 'not_on_behalf',
  RequestClosed = 'request_closed',
}

export const alreadyClaimed = (assigneeId: string) =>
  new AppError(ErrorKind.Conflict, ReviewErrorCode.AlreadyClaimed, 'Someone else is working on this request; ask them, or take it over with a reason', {
    assigneeId,
  });

export const assigneeNotReviewer = (roles: readonly string[]) =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.AssigneeNotReviewer, `The assignee must be an account with the role ${roles.join(' or ')}`, {
    roles,
  });

export const invalidCursor = () =>
  new AppError(ErrorKind.BadRequest, ReviewErrorCode.InvalidCursor, 'The cursor is not one this queue handed out; start again without it', {
    errors: [{ field: 'cursor', messages: ['cursor is not valid'] }],
  });

/** A refusal (or a partial answer) is explained to the subject, in words they read (PIPL Art. 50). */
export const reasonRequired = (outcome: string) =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.ReasonRequired, `A decision to ${outcome} must give the subject a reason`, { outcome });

export const withheldRequired = () =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.WithheldRequired, 'A partial decision must list what is withheld (`withheld`: data-map categories)', {
    field: 'withheld',
  });

export const groundRequired = (grounds: readonly string[]) =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.GroundRequired, `A refusal must name its ground (\`ground\`: one of ${grounds.join(', ')})`, {
    field: 'ground',
    grounds,
  });

export const holdsRequired = () =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.HoldsRequired,
    'A partial deletion keeps data only under active legal holds: name them (`holds`), covering every withheld category',
    { field: 'holds' },
  );

/** A field that has no meaning for this outcome (withheld on an approval, a ground on a partial answer). */
export const notApplicable = (field: string, outcome: string, hint?: string) =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.NotApplicable,
    `\`${field}\` does not apply to a decision to ${outcome} on this request${hint ? `: ${hint}` : ''}`,
    {
      field,
      outcome,
    },
  );

/** Four eyes: whoever proposed a refusal cannot be the one to confirm or replace it. */
export const ownDecision = () =>
  new AppError(
    ErrorKind.Forbidden,
    ReviewErrorCode.OwnDecision,
    'A refusal or partial decision is confirmed or replaced by a legal reviewer other than its author',
  );

export const alreadyExtended = () =>
  new AppError(ErrorKind.Conflict, ReviewErrorCode.AlreadyExtended, 'The deadline of a request can be extended once, and this one already was');

export const deadlinePassed = (dueAt: Date) =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.DeadlinePassed, 'A deadline can only be extended before it passes', {
    dueAt: dueAt.toISOString(),
  });

export const extensionNotLater = (dueAt: Date) =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.ExtensionNotLater, `The new deadline must be later than the current one (${dueAt.toISOString()})`, {
    dueAt: dueAt.toISOString(),
  });

/**
 * An appeal is a second look: the account that made the decision appealed against may not take it
 * (claim or decide: 403), nor be handed it (assign: 422).
 */
export const deciderCannotReviewAppeal = (kind: ErrorKind.Forbidden | ErrorKind.Unprocessable) =>
  new AppError(
    kind,
    ReviewErrorCode.DeciderCannotReviewAppeal,
    kind === ErrorKind.Forbidden
      ? 'You made the decision this appeal is against; another legal reviewer must review it'
      : 'That account made the decision this appeal is against; assign the appeal to another legal reviewer',
  );

/** Deciding, asking, extending and deciding an appeal are for whoever holds the request (claim it, or take it over, first). */
export const notHolder = (assigneeId: string | null) =>
  new AppError(
    ErrorKind.Forbidden,
    ReviewErrorCode.NotHolder,
    assigneeId ? 'Another reviewer holds this request; take it over (with a reason) before working on it' : 'Nobody holds this request; claim it first',
    { assigneeId },
  );

/** Taking over is for a request someone else holds; one nobody holds is claimed. */
export const notHeld = () => new AppError(ErrorKind.Conflict, ReviewErrorCode.NotHeld, 'Nobody holds this request; claim it instead');

/** Separation of duties: nobody reviews a request about their own account (403), nor is handed one (assign: 422). */
export const ownRequest = (kind: ErrorKind.Forbidden | ErrorKind.Unprocessable = ErrorKind.Forbidden) =>
  new AppError(
    kind,
    ReviewErrorCode.OwnRequest,
    kind === ErrorKind.Forbidden
      ? 'This request is about your own account; another reviewer must handle it'
      : 'This request is about that account; assign it to another reviewer',
  );

/** Staff take a request over from its holder only with a reason, on the timeline for the holder to read. */
export const takeReasonRequired = () =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.ReasonRequired, 'Taking over a request another reviewer holds needs a reason', {
    errors: [{ field: 'reason', messages: ['reason is required to take over a request'] }],
  });

export const extensionBeyondCeiling = (latest: Date) =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.ExtensionBeyondCeiling,
    `No request of this type may be due later than ${latest.toISOString()}, counted from its submission`,
    { latestDueAt: latest.toISOString(), errors: [{ field: 'until', messages: [`until must be at most ${latest.toISOString()}`] }] },
  );

export const extensionInPast = () =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.ExtensionInPast, 'The new deadline must be in the future', {
    errors: [{ field: 'until', messages: ['until must be in the future'] }],
  });

/** A ground that cannot be this request's (a relative's ground on a request the subject filed for themselves, say). */
export const groundNotApplicable = (ground: string, why: string) =>
  new AppError(ErrorKind.Unprocessable, ReviewErrorCode.GroundNotApplicable, `The ground ${ground} does not apply here: ${why}`, { field: 'ground', ground });

/** A refusal cites the provision its ground rests on. */
export const groundLawRequired = (ground: string, law: readonly string[]) =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.GroundLawRequired,
    `A refusal on the ground ${ground} must cite ${law.length > 1 ? `one of ${law.join(', ')}` : law[0]} in \`law\``,
    { field: 'law', ground, justifyingLaw: law },
  );

/** A correction granted in part names the items it corrects: some of them, not none and not all. */
export const itemsRequired = (count: number) =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.ItemsRequired,
    `A correction granted in part lists in \`items\` the positions (0 to ${count - 1}) of the items it corrects: at least one, not all (approve them all instead)`,
    { field: 'items', count },
  );

/** An explanation is answered in words. */
export const answerRequired = () =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.AnswerRequired,
    'An explanation is answered in writing: give the answer (`answer`), citing the clauses it relies on',
    {
      field: 'answer',
    },
  );

/** An explanation cites the clauses of the policy it explains. */
export const clausesRequired = () =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.ClausesRequired,
    'An explanation cites the clauses of the policy its answer relies on (`clauses`), so that the subject can read them',
    { field: 'clauses' },
  );

/** A copy the subject asked to be sent elsewhere: the decision says how the conditions of NDSMR Art. 25 stand. */
export const transferTermsRequired = () =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.TransferTermsRequired,
    'The subject asked for the copy to be sent to another handler: say in `transfer` whether each condition of NDSMR Art. 25 is met (identityVerified, providedByConsentOrContract, technicallyFeasible, noHarmToOthers), and cite NDSMR.25',
    { field: 'transfer', justifyingLaw: ['NDSMR.25'] },
  );

/** A transfer is approved only where every condition the regulator sets is met; otherwise the copy is given in part. */
export const transferConditionsUnmet = (unmet: readonly string[]) =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.TransferConditionsUnmet,
    `The transfer cannot be approved: ${unmet.join(', ')} not met (NDSMR Art. 25). Decide \`partial\` to give the subject the copy and decline the transfer, citing NDSMR.25`,
    { field: 'transfer', unmet },
  );

/** A partial deletion keeps only categories the subject asked to delete. */
export const withheldNotAsked = (outside: readonly string[], asked: readonly string[]) =>
  new AppError(
    ErrorKind.Unprocessable,
    ReviewErrorCode.WithheldNotAsked,
    `\`withheld\` names categories the request did not ask to delete (${outside.join(', ')}); it asked for: ${asked.join(', ')}`,
    { field: 'withheld', asked },
  );

/** Only a request whose fulfilment has begun and not completed can be run again. */
export const nothingToRetry = (status: string) =>
  new AppError(ErrorKind.Conflict, ReviewErrorCode.NothingToRetry, `Only a request being fulfilled can be run again; this one is ${status}`, { status });

/** Naming a represented person's app account concerns a request filed on someone's behalf only. */
export const notOnBehalf = () =>
  new AppError(
    ErrorKind.Conflict,
    ReviewErrorCode.NotOnBehalf,
    'This request was filed by the subject for themselves: their own verified link finds their records',
  );
export const requestClosed = (status: string) =>
  new AppError(ErrorKind.Conflict, ReviewErrorCode.RequestClosed, `The request is ${status}: nothing more is done for it`, { status });
