import { AppError, ErrorKind } from '../common/errors/app-error';

export enum AccountErrorCode {
  EmailTaken = 'email_taken',
  AccountNotFound = 'account_not_found',
  CannotChangeOwnRole = 'cannot_change_own_role',
  CannotResetOwnMfa = 'cannot_reset_own_mfa',
}

export const emailTaken = () => new AppError(ErrorKind.Conflict, AccountErrorCode.EmailTaken, 'An account with this email already exists');
export const accountNotFound = () => AppError.notFound(AccountErrorCode.AccountNotFound, 'Account not found');

/**
 * A password the rule refuses (password-rules.ts), for callers that bring no DTO: the same body as
 * a refused field of a DTO (400 `validation_failed`, naming `password`).
 */
export const unacceptablePassword = (problem: string) =>
  new AppError(ErrorKind.BadRequest, 'validation_failed', `password ${problem}`, { errors: [{ field: 'password', messages: [`password ${problem}`] }] });
export const cannotChangeOwnRole = () =>
  new AppError(ErrorKind.Forbidden, AccountErrorCode.CannotChangeOwnRole, 'Administrators cannot change their own role; another administrator must');
export const cannotResetOwnMfa = () =>
  new AppError(ErrorKind.Forbidden, AccountErrorCode.CannotResetOwnMfa, 'Administrators cannot reset their own second factor; another administrator must');
