import { HttpStatus } from '@nestjs/common';

/** How a refusal is answered over HTTP; the one mapping lives in AllExceptionsFilter. */
export enum ErrorKind {
  BadRequest = 'bad_request',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  /** the thing existed and is gone for good (evidence erased at the end of its retention) */
  Gone = 'gone',
  PayloadTooLarge = 'payload_too_large',
  /** content of a type the route does not take */
  UnsupportedMediaType = 'unsupported_media_type',
  Unprocessable = 'unprocessable',
  TooManyRequests = 'too_many_requests',
  Unavailable = 'unavailable',
}

export const STATUS_OF_KIND: Record<ErrorKind, HttpStatus> = {
  [ErrorKind.BadRequest]: HttpStatus.BAD_REQUEST,
  [ErrorKind.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [ErrorKind.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorKind.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorKind.Conflict]: HttpStatus.CONFLICT,
  [ErrorKind.Gone]: HttpStatus.GONE,
  [ErrorKind.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorKind.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [ErrorKind.Unprocessable]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorKind.TooManyRequests]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorKind.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * A refusal by a rule of this system: typed, with a stable machine-readable `code` and optional
 * extra fields for the body (e.g. `justifyingClauses`). Services throw these, never bare Errors.
 */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(code: string, message = 'Not found'): AppError {
    return new AppError(ErrorKind.NotFound, code, message);
  }
}
