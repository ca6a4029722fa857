import { AppError, ErrorKind } from '../common/errors/app-error';
import { iso } from '../common/time/iso';
import { MAX_UPLOAD_BYTES, MEDIA_TYPE_OF, UploadKind } from './upload-kind';

export enum EvidenceErrorCode {
  FileRequired = 'file_required',
  EmptyUpload = 'empty_upload',
  InvalidUpload = 'invalid_upload',
  UploadTooLarge = 'upload_too_large',
  UnsupportedUpload = 'unsupported_upload',
  TypeMismatch = 'upload_type_mismatch',
  TooManyUploads = 'too_many_uploads',
  UploadNotFound = 'upload_not_found',
  EvidenceNotFound = 'evidence_not_found',
  EvidenceDeleted = 'evidence_deleted',
}

const ONE_FILE = 'Send exactly one file, as multipart/form-data in a part named "file", and nothing else';

export const fileRequired = () =>
  new AppError(ErrorKind.BadRequest, EvidenceErrorCode.FileRequired, `No file was sent. ${ONE_FILE}`, {
    errors: [{ field: 'file', messages: ['file is required'] }],
  });

export const emptyUpload = () =>
  new AppError(ErrorKind.BadRequest, EvidenceErrorCode.EmptyUpload, 'The file is empty', { errors: [{ field: 'file', messages: ['file must not be empty'] }] });

/** Another field, a second file, a part under another name, or a body multipart cannot read. `reason` is the parser's, never a file name. */
export const invalidUpload = (reason?: string) =>
  new AppError(ErrorKind.BadRequest, EvidenceErrorCode.InvalidUpload, reason ? `${ONE_FILE} (${reason})` : ONE_FILE);

export const uploadTooLarge = () =>
  new AppError(ErrorKind.PayloadTooLarge, EvidenceErrorCode.UploadTooLarge, `The file is larger than the limit of ${MAX_UPLOAD_BYTES} bytes (10 MiB)`, {
    limit: MAX_UPLOAD_BYTES,
  });

const ACCEPTED = Object.values(UploadKind);

export const unsupportedUpload = () =>
  new AppError(
    ErrorKind.UnsupportedMediaType,
    EvidenceErrorCode.UnsupportedUpload,
    'The file must be a PDF, a JPEG or a PNG, and its content is none of them',
    {
      accepted: ACCEPTED,
    },
  );

/** The part was declared one of the kinds taken, and its content is another. */
export const uploadTypeMismatch = (declared: UploadKind, found: UploadKind) =>
  new AppError(
    ErrorKind.UnsupportedMediaType,
    EvidenceErrorCode.TypeMismatch,
    `The file is not what it says: it was sent as ${MEDIA_TYPE_OF[declared]}, and its content is a ${found.toUpperCase()}`,
    { declared: MEDIA_TYPE_OF[declared], found },
  );

export const tooManyUploads = (limit: number) =>
  new AppError(
    ErrorKind.Conflict,
    EvidenceErrorCode.TooManyUploads,
    `At most ${limit} uploads may wait to be filed with a request; file a request with them first (unused uploads are removed after a day)`,
    { limit },
  );

/** Missing, another subject's, erased or already filed with a request: one answer, so that an id tells nothing. */
export const uploadNotFound = () => AppError.notFound(EvidenceErrorCode.UploadNotFound, 'Upload not found');

/** No such request, or no such upload attached to it. */
export const evidenceNotFound = () => AppError.notFound(EvidenceErrorCode.EvidenceNotFound, 'Evidence not found');

export const evidenceDeleted = (deletedAt: Date) =>
  new AppError(
    ErrorKind.Gone,
    EvidenceErrorCode.EvidenceDeleted,
    'This evidence was erased at the end of its retention period; its kind, size and hash remain',
    {
      deletedAt: iso(deletedAt),
    },
  );
