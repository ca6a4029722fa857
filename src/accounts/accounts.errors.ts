import { AppError, ErrorKind } from '../common/errors/app-error';

export enum AccountErrorCode {
  EmailTaken = 'email_taken',
  AccountNotFound = 'account_not_found',
}

export const emailTaken = () => new AppError(ErrorKind.Conflict, AccountErrorCode.EmailTaken, 'An account with this email already exists');
export const accountNotFound = () => AppError.notFound(AccountErrorCode.AccountNotFound, 'Account not found');
