import { AppError, ErrorKind } from '../common/errors/app-error';

export enum DisclosureErrorCode {
  NotFound = 'disclosure_not_found',
  UnknownSubjects = 'unknown_subjects',
  DateInFuture = 'disclosure_date_in_future',
  DatesOutOfOrder = 'disclosure_dates_out_of_order',
  RepeatNeedsFrequency = 'repeated_disclosure_needs_frequency',
  CorrectionNeedsReason = 'correction_needs_reason',
  AlreadyCorrected = 'disclosure_already_corrected',
  RecorderCannotReview = 'recorder_cannot_review',
  AlreadyReviewed = 'disclosure_already_reviewed',
  WithholdingNeedsConfidentiality = 'withholding_needs_confidentiality_provision',
  WithholdUntilInPast = 'withhold_until_in_past',
  WithholdUntilTooFar = 'withhold_until_too_far',
  InvalidCursor = 'invalid_cursor',
  BadDate = 'validation_failed',
}

const fieldError = (field: string, message: string) => ({ errors: [{ field, messages: [message] }] });

/** Not found, or (for staff) an entry somebody else recorded: the same answer. */
export const disclosureNotFound = () => AppError.notFound(DisclosureErrorCode.NotFound, 'Disclosure not found');

export const unknownSubjects = (ids: string[]) =>
  new AppError(ErrorKind.Unprocessable, DisclosureErrorCode.UnknownSubjects, `subjectIds names no data subject: ${ids.join(', ')}`, {
    unknownSubjects: ids,
    ...fieldError('subjectIds', 'each value must be the account id of a data subject'),
  });

export const dateInFuture = (field: string, value: Date) =>
  new AppError(
    ErrorKind.Unprocessable,
    DisclosureErrorCode.DateInFuture,
    `${field} (${value.toISOString()}) is in the future: record a disclosure once it is made`,
    {
      ...fieldError(field, `${field} must not be in the future`),
    },
  );

export const datesOutOfOrder = () =>
  new AppError(ErrorKind.Unprocessable, DisclosureErrorCode.DatesOutOfOrder, 'lastDisclosedAt is before disclosedAt', {
    ...fieldError('lastDisclosedAt', 'lastDisclosedAt must not be before disclosedAt'),
  });

export const repeatNeedsFrequency = () =>
  new AppError(
    ErrorKind.Unprocessable,
    DisclosureErrorCode.RepeatNeedsFrequency,
    'A repeated disclosure (lastDisclosedAt after disclosedAt) is recorded with its frequency, and a frequency with its last date',
    { ...fieldError('frequency', 'frequency and lastDisclosedAt go together') },
  );

export const correctionNeedsReason = () =>
  new AppError(
    ErrorKind.Unprocessable,
    DisclosureErrorCode.CorrectionNeedsReason,
    'A correction names the entry it corrects (corrects) and why (correctionReason)',
    {
      ...fieldError('correctionReason', 'corrects and correctionReason go together'),
    },
  );

export const correctsUnknown = () =>
  new AppError(ErrorKind.Unprocessable, DisclosureErrorCode.NotFound, 'corrects names no entry of the register', {
    ...fieldError('corrects', 'corrects must be the id of an entry of the register'),
  });

export const alreadyCorrected = (correctedBy: string) =>
  new AppError(ErrorKind.Conflict, DisclosureErrorCode.AlreadyCorrected, `This entry was already corrected by ${correctedBy}: correct that entry instead`, {
    correctedBy,
  });

export const recorderCannotReview = () =>
  new AppError(
    ErrorKind.Forbidden,
    DisclosureErrorCode.RecorderCannotReview,
    'A disclosure is reviewed by a legal reviewer other than the person who recorded it',
  );

export const alreadyReviewed = (outcome: string, reviewedAt: Date) =>
  new AppError(ErrorKind.Conflict, DisclosureErrorCode.AlreadyReviewed, `This disclosure was already reviewed (${outcome})`, {
    outcome,
    reviewedAt: reviewedAt.toISOString(),
  });

export const withholdingNeedsConfidentiality = (accepted: readonly string[]) =>
  new AppError(
    ErrorKind.Unprocessable,
    DisclosureErrorCode.WithholdingNeedsConfidentiality,
    `An entry is withheld from the subject only on a provision that requires confidentiality: cite one of ${accepted.join(', ')}`,
    { confidentialityProvisions: accepted, ...fieldError('law', `law must include one of ${accepted.join(', ')}`) },
  );

export const withholdUntilInPast = () =>
  new AppError(ErrorKind.Unprocessable, DisclosureErrorCode.WithholdUntilInPast, 'A withholding must end in the future', {
    ...fieldError('until', 'until must be in the future'),
  });

export const withholdUntilTooFar = (latest: Date) =>
  new AppError(
    ErrorKind.Unprocessable,
    DisclosureErrorCode.WithholdUntilTooFar,
    `A withholding may last at most 10 years: until must be at most ${latest.toISOString()}`,
    {
      latestUntil: latest.toISOString(),
      ...fieldError('until', `until must be at most ${latest.toISOString()}`),
    },
  );

export const invalidCursor = () =>
  new AppError(ErrorKind.BadRequest, DisclosureErrorCode.InvalidCursor, 'The cursor is not one this list handed out; start again without it', {
    ...fieldError('cursor', 'cursor is not valid'),
  });

export const badDate = (field: string) =>
  new AppError(ErrorKind.BadRequest, DisclosureErrorCode.BadDate, `${field} must be a valid ISO 8601 date`, {
    ...fieldError(field, `${field} must be a valid ISO 8601 date`),
  });
