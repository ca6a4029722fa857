import { AppError, ErrorKind } from '../common/errors/app-error';
import { iso } from '../common/time/iso';
import { LINK_RULES, LINK_ROUTE } from './link-rules';

export enum IdentityErrorCode {
  IdentityNotVerified = 'identity_not_verified',
  TooManyCodes = 'too_many_codes',
  WrongCode = 'wrong_code',
  LinkLocked = 'link_locked',
  NoPendingCode = 'no_pending_code',
  AlreadyLinked = 'already_linked',
  AlreadyLinkedElsewhere = 'already_linked_elsewhere',
  AppUserNotFound = 'app_user_not_found',
  RepresentedAccountNamed = 'represented_account_named',
}

/** Seconds until `until`, rounded up, at least 1: the Retry-After of a refusal that lifts then. */
export function secondsUntil(until: Date, now = new Date()): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/**
 * For capabilities that act on the app's data (a copy, an erasure): the subject has not proved
 * that they are the app user concerned. The message names the route that starts the proof.
 */
export const identityNotVerified = () =>
  new AppError(
    ErrorKind.Unprocessable,
    IdentityErrorCode.IdentityNotVerified,
    `Link this account to your app account first: POST ${LINK_ROUTE} with the e-mail address or phone number the app knows, then confirm the code sent there`,
    { link: LINK_ROUTE },
  );

/** The send allowance of the hour is used up; `retryAfterSeconds` also goes out as Retry-After. */
export const tooManyCodes = (windowEnds: Date) =>
  new AppError(
    ErrorKind.TooManyRequests,
    IdentityErrorCode.TooManyCodes,
    `At most ${LINK_RULES.maxSendsPerWindow} codes are sent per hour; ask again after ${iso(windowEnds)}`,
    { retryAt: iso(windowEnds), retryAfterSeconds: secondsUntil(windowEnds) },
  );

export const wrongCode = (attemptsLeft: number) =>
  new AppError(
    ErrorKind.Unprocessable,
    IdentityErrorCode.WrongCode,
    `That is not the code sent; ${attemptsLeft} more ${attemptsLeft === 1 ? 'try' : 'tries'} before confirmation is locked for ${LINK_RULES.lockMinutes} minutes`,
    { attemptsLeft },
  );

/**
 * 429, not 423: what the lock limits is the rate of guesses, and 429 with Retry-After is the
 * answer clients and proxies already know to wait on; 423 (WebDAV's "resource locked") says that
 * a resource is locked for writing, which is not what happened.
 */
export const linkLocked = (lockedUntil: Date) =>
  new AppError(ErrorKind.TooManyRequests, IdentityErrorCode.LinkLocked, `Too many wrong codes: confirmation is locked until ${iso(lockedUntil)}`, {
    lockedUntil: iso(lockedUntil),
    retryAfterSeconds: secondsUntil(lockedUntil),
  });

/** No code is waiting, or the one sent has expired: the same answer for both. */
export const noPendingCode = () =>
  new AppError(
    ErrorKind.Unprocessable,
    IdentityErrorCode.NoPendingCode,
    `No code is waiting to be confirmed, or it has expired; ask for a new one: POST ${LINK_ROUTE}`,
    {
      link: LINK_ROUTE,
    },
  );

/** This portal account is linked already (unlinking is not offered). */
export const alreadyLinked = (linkedAt: Date) =>
  new AppError(ErrorKind.Conflict, IdentityErrorCode.AlreadyLinked, 'This account is already linked to an app account', { linkedAt: iso(linkedAt) });

/** The app user is linked to another portal account; one app user has one portal account. */
export const alreadyLinkedElsewhere = () =>
  new AppError(
    ErrorKind.Conflict,
    IdentityErrorCode.AlreadyLinkedElsewhere,
    'This app account is already linked to another portal account; if that was not you, contact the operator',
  );

/** A reviewer named an app account the operator's records do not hold. */
export const appUserNotFound = () =>
  new AppError(ErrorKind.Unprocessable, IdentityErrorCode.AppUserNotFound, "The operator's records hold no app user with this id", {
    errors: [{ field: 'appUserId', messages: ["appUserId names no app user in the operator's records"] }],
  });

/** The represented person's app account was named for this request already (once per request). */
export const representedAlreadyNamed = () =>
  new AppError(ErrorKind.Conflict, IdentityErrorCode.RepresentedAccountNamed, "The represented person's app account was named for this request already");
