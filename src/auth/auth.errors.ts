import { AppError, ErrorKind } from '../common/errors/app-error';

export enum AuthErrorCode {
  InvalidCredentials = 'invalid_credentials',
  NotAuthenticated = 'not_authenticated',
  NotAllowed = 'not_allowed',
  MfaEnrolmentRequired = 'mfa_enrolment_required',
  InvalidMfaCode = 'invalid_mfa_code',
  MfaNotStarted = 'mfa_not_started',
  MfaAlreadyEnabled = 'mfa_already_enabled',
  NoAccessRule = 'no_access_rule',
  AccountClosed = 'account_closed',
}

/**
 * One answer for an unknown email, a wrong password and a locked account alike, so that the
 * response never tells whether an account exists.
 */
export const invalidCredentials = () =>
  new AppError(
    ErrorKind.Unauthorized,
    AuthErrorCode.InvalidCredentials,
    'Invalid email or password, or the account is temporarily locked after repeated failures',
  );
export const notAuthenticated = () => new AppError(ErrorKind.Unauthorized, AuthErrorCode.NotAuthenticated, 'Sign in to continue');
export const notAllowed = () => new AppError(ErrorKind.Forbidden, AuthErrorCode.NotAllowed, 'Your role does not allow this');
export const mfaEnrolmentRequired = () => new AppError(ErrorKind.Forbidden, AuthErrorCode.MfaEnrolmentRequired, 'Enrol a second factor before continuing');
export const invalidMfaCode = () => new AppError(ErrorKind.Unauthorized, AuthErrorCode.InvalidMfaCode, 'The code is not valid');
/**
 * A wrong code while confirming enrolment: the caller is signed in, so this is bad input (400),
 * not a 401 that a client would take for an ended session.
 */
export const mfaCodeNotConfirmed = () =>
  new AppError(ErrorKind.BadRequest, AuthErrorCode.InvalidMfaCode, 'The code does not match the new secret; check the device clock and try again');
export const mfaAlreadyEnabled = () => new AppError(ErrorKind.Conflict, AuthErrorCode.MfaAlreadyEnabled, 'A second factor is already enrolled');
export const mfaNotStarted = () => new AppError(ErrorKind.Conflict, AuthErrorCode.MfaNotStarted, 'Start enrolment first');
/** A route that declares neither @Public() nor @Roles(): refused, never opened by default. */
export const noAccessRule = () => new AppError(ErrorKind.Forbidden, AuthErrorCode.NoAccessRule, 'This route declares no access rule');

/** Told only to whoever gives the account's password: the account was closed at its holder's request. */
export const accountClosed = () =>
  new AppError(
    ErrorKind.Forbidden,
    AuthErrorCode.AccountClosed,
    "This account was closed at its holder's request (account deletion); it can no longer be used",
  );
