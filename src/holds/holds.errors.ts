import { AppError, ErrorKind } from '../common/errors/app-error';

export enum HoldErrorCode {
  HoldNotFound = 'hold_not_found',
  HoldNeedsBasis = 'hold_needs_basis',
  HoldNeedsReferenceOrRetention = 'hold_needs_reference_or_retention',
  UntilInPast = 'hold_until_in_past',
  UntilTooFar = 'hold_until_too_far',
  UnknownSubject = 'unknown_subject',
  SubjectRequired = 'subject_required',
  AlreadyReleased = 'hold_already_released',
  Expired = 'hold_expired',
  InvalidCursor = 'invalid_cursor',
  HoldsDoNotCover = 'holds_do_not_cover',
}

/** Not found, or (for staff) a hold of a subject they are not working on: the same answer. */
export const holdNotFound = () => AppError.notFound(HoldErrorCode.HoldNotFound, 'Legal hold not found');

/** A hold rests on the policy or the law (PIPL Art. 47): a clause, a provision, or both. */
export const holdNeedsBasis = () =>
  new AppError(ErrorKind.Unprocessable, HoldErrorCode.HoldNeedsBasis, 'A legal hold needs a basis: cite clauses of the policy, provisions of law, or both', {
    errors: [
      { field: 'clauses', messages: ['clauses or law must name at least one basis'] },
      { field: 'law', messages: ['clauses or law must name at least one basis'] },
    ],
  });

export const holdNeedsReferenceOrRetention = () =>
  new AppError(
    ErrorKind.Unprocessable,
    HoldErrorCode.HoldNeedsReferenceOrRetention,
    "A legal hold needs the authority's document number (reference) or the statute's retention period (retention)",
    {
      errors: [
        { field: 'reference', messages: ['reference or retention is required'] },
        { field: 'retention', messages: ['reference or retention is required'] },
      ],
    },
  );

export const untilInPast = () =>
  new AppError(ErrorKind.Unprocessable, HoldErrorCode.UntilInPast, 'A legal hold must end in the future', {
    errors: [{ field: 'until', messages: ['until must be in the future'] }],
  });

export const untilTooFar = (latest: Date) =>
  new AppError(ErrorKind.Unprocessable, HoldErrorCode.UntilTooFar, `A legal hold may last at most 30 years: until must be at most ${latest.toISOString()}`, {
    latestUntil: latest.toISOString(),
    errors: [{ field: 'until', messages: [`until must be at most ${latest.toISOString()}`] }],
  });

/** A body naming an account that is not a data subject: 422, as review answers an assignee that cannot be one. */
export const unknownSubject = () =>
  new AppError(ErrorKind.Unprocessable, HoldErrorCode.UnknownSubject, 'subjectId names no data subject', {
    errors: [{ field: 'subjectId', messages: ['subjectId must be the account id of a data subject'] }],
  });

export const subjectRequired = () =>
  new AppError(ErrorKind.Unprocessable, HoldErrorCode.SubjectRequired, 'Staff read the holds of one subject they are working on: name it in subjectId', {
    errors: [{ field: 'subjectId', messages: ['subjectId is required'] }],
  });

export const alreadyReleased = (releasedAt: Date) =>
  new AppError(ErrorKind.Conflict, HoldErrorCode.AlreadyReleased, 'This legal hold was already released', { releasedAt: releasedAt.toISOString() });

export const holdExpired = (until: Date) =>
  new AppError(ErrorKind.Conflict, HoldErrorCode.Expired, 'This legal hold has already expired; there is nothing to release', { until: until.toISOString() });

export const invalidCursor = () =>
  new AppError(ErrorKind.BadRequest, HoldErrorCode.InvalidCursor, 'The cursor is not one this list handed out; start again without it', {
    errors: [{ field: 'cursor', messages: ['cursor is not valid'] }],
  });

/** What keeping data past an approved deletion needs: active holds of that subject covering every category kept. */
export interface HoldsNotCovering {
  uncovered: string[];
  inactiveHolds: string[];
  unknownHolds: string[];
}

export const holdsDoNotCover = (details: HoldsNotCovering) =>
  new AppError(
    ErrorKind.Unprocessable,
    HoldErrorCode.HoldsDoNotCover,
    'The holds cited do not keep this data: ' +
      [
        details.unknownHolds.length > 0 ? `no hold of this subject with id ${details.unknownHolds.join(', ')}` : '',
        details.inactiveHolds.length > 0 ? `hold ${details.inactiveHolds.join(', ')} is released or expired` : '',
        details.uncovered.length > 0 ? `no active hold covers ${details.uncovered.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    { ...details },
  );
