import { AppError, ErrorKind } from '../common/errors/app-error';
import type { CitedClause } from '../policy/policy-version';
import { ConsentPurpose, DataCategory, NEW_PURPOSE_PREFIX } from '../policy/domain/policy.types';
import { FACE_ALTERNATIVE_VERIFICATION, FACE_BASIC_WITHDRAWAL_NOTICE } from './facial-withdrawal';

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
 * A `face_basic` withdrawal needs the subject's confirmation, given after being told that the facial
 * data is deleted and which other way of verifying their identity remains (FACE_BASIC_WITHDRAWAL_NOTICE;
 * PIPL Art. 16 and the 2025 facial-recognition measures, product.md "consent purposes"). The
 * policy's own clause (face.collect.1, "no face, no basic functions") is superseded on that point
 * and is not what the subject is told.
 */
export const faceBasicNeedsConfirmation = (clause: CitedClause) =>
  new AppError(ErrorKind.Unprocessable, ConsentErrorCode.FaceBasicNeedsConfirmation, `${FACE_BASIC_WITHDRAWAL_NOTICE.zh} ${FACE_BASIC_WITHDRAWAL_NOTICE.en}`, {
    purpose: ConsentPurpose.FaceBasic,
    clause: { id: clause.id },
    policyVersion: clause.version,
    erasure: DataCategory.FaceBasic,
    alternativeVerification: { ...FACE_ALTERNATIVE_VERIFICATION },
    confirmationRequired: true,
  });

export const subjectNotFound = () => AppError.notFound(ConsentErrorCode.SubjectNotFound, 'Subject not found');
