import { AppError, ErrorKind } from '../common/errors/app-error';
import type { CitedClause } from '../policy/policy-version';
import { ConsentPurpose, NEW_PURPOSE_PREFIX } from '../policy/domain/policy.types';

export enum ConsentErrorCode {
  UnknownPurpose = 'unknown_consent_purpose',
  NoPurposes = 'no_consent_purposes',
  FaceBasicNeedsConfirmation = 'face_basic_needs_confirmation',
  SubjectNotFound = 'subject_not_found',
}

/** The purposes a caller may name, for the 400 body. */
export const VALID_PURPOSES_DESCRIPTION = [...Object.values(ConsentPurpose), `${NEW_PURPOSE_PREFIX}<name>`];

export const unknownPurpose = (purposes: readonly string[]) =>
  new AppError(
    ErrorKind.BadRequest,
    ConsentErrorCode.UnknownPurpose,
    `Unknown consent purpose ${purposes.map((p) => JSON.stringify(p)).join(', ')}; valid purposes: ${VALID_PURPOSES_DESCRIPTION.join(', ')} ` +
      `(<name>: lower-case letters, digits, "_", ".", "-", at most 64 characters)`,
    { unknownPurposes: [...purposes], validPurposes: VALID_PURPOSES_DESCRIPTION },
  );

export const noPurposes = () =>
  new AppError(ErrorKind.BadRequest, ConsentErrorCode.NoPurposes, 'Name at least one consent purpose to withdraw', {
    validPurposes: VALID_PURPOSES_DESCRIPTION,
  });

/**
 * Withdrawing `face_basic` means the basic functions stop working; the subject is told so, in the
 * policy's own words, and must confirm (product.md, consent purposes).
 */
export const faceBasicNeedsConfirmation = (clause: CitedClause) =>
  new AppError(
    ErrorKind.Unprocessable,
    ConsentErrorCode.FaceBasicNeedsConfirmation,
    `Withdrawing consent for ${ConsentPurpose.FaceBasic} means the basic functions of the service stop working for you ` +
      `(registration, search and display, orders, customer service and dispute resolution, transaction security). ` +
      `Policy clause ${clause.id} says: 「${clause.text}」 Confirm the withdrawal to go ahead.`,
    { purpose: ConsentPurpose.FaceBasic, clause: { id: clause.id, text: clause.text }, policyVersion: clause.version, confirmationRequired: true },
  );

export const subjectNotFound = () => AppError.notFound(ConsentErrorCode.SubjectNotFound, 'Subject not found');
