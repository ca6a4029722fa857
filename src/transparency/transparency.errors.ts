import { AppError, ErrorKind } from '../common/errors/app-error';

export enum TransparencyErrorCode {
  InvalidPeriod = 'invalid_period',
}

/** A period that is not one: it ends before it starts, or starts after today. */
export const invalidPeriod = (field: 'from' | 'to', message: string) =>
  new AppError(ErrorKind.BadRequest, TransparencyErrorCode.InvalidPeriod, message, { errors: [{ field, messages: [message] }] });
