import { AppError, ErrorKind } from '../common/errors/app-error';

export enum ReviewErrorCode {
  AlreadyClaimed = 'already_claimed',
  AssigneeNotReviewer = 'assignee_not_reviewer',
  InvalidCursor = 'invalid_cursor',
  ReasonRequired = 'reason_required',
  AlreadyExtended = 'already_extended',
  DeadlinePassed = 'deadline_passed',
  ExtensionNotLater = 'extension_not_later',
  DeciderCannotReviewAppeal = 'decider_cannot_review_appeal',
}

export const alreadyClaimed = (assigneeId: string) =>
  new AppError(ErrorKind.Conflict, ReviewErrorCode.AlreadyClaimed, 'Someone else is working on this request; ask them, or reassign it', {
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
