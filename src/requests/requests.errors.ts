import { AppError, ErrorKind } from '../common/errors/app-error';
import type { ActorRole } from '../kernel/actor';
import type { RequestAction } from './domain/request-lifecycle';
import type { RequestStatus } from './domain/request-status';

export enum RequestErrorCode {
  RequestNotFound = 'request_not_found',
  DuplicateOpenRequest = 'duplicate_open_request',
  IdempotencyKeyReused = 'idempotency_key_reused',
  PasswordNotConfirmed = 'password_not_confirmed',
  TransitionNotAllowed = 'transition_not_allowed',
  AlreadyDecided = 'already_decided',
  RoleNotAllowed = 'role_not_allowed',
  RequestChanged = 'request_changed',
  AlreadyAppealed = 'already_appealed',
  AppealWindowClosed = 'appeal_window_closed',
  PolicyInFlux = 'policy_in_flux',
}

/** Not found, or another subject's: the answer is the same (never reveal that it exists). */
export const requestNotFound = () => AppError.notFound(RequestErrorCode.RequestNotFound, 'Request not found');

export const duplicateOpenRequest = (openRequestId: string | null, type: string) =>
  new AppError(
    ErrorKind.Conflict,
    RequestErrorCode.DuplicateOpenRequest,
    `You already have an open ${type} request; follow or cancel that one before filing another`,
    { openRequestId },
  );

export const idempotencyKeyReused = (requestId: string) =>
  new AppError(
    ErrorKind.Unprocessable,
    RequestErrorCode.IdempotencyKeyReused,
    'This Idempotency-Key was already used for a different request body; use a new key for a new request',
    { requestId },
  );

/** The step-up for deleting an account failed. 403, not 401: the caller's session is still good. */
export const passwordNotConfirmed = () =>
  new AppError(ErrorKind.Forbidden, RequestErrorCode.PasswordNotConfirmed, 'The password is not correct; deleting your account needs your current password');

export const transitionNotAllowed = (action: RequestAction, status: RequestStatus, allowedFrom: RequestStatus[]) =>
  new AppError(
    ErrorKind.Conflict,
    RequestErrorCode.TransitionNotAllowed,
    allowedFrom.length > 0
      ? `Cannot ${action.replace('_', ' ')} a request that is ${status}; only one that is ${allowedFrom.join(' or ')}`
      : `A request of this type cannot be given "${action}"`,
    { status, action, allowedFrom },
  );

export const alreadyDecided = (status: RequestStatus) =>
  new AppError(ErrorKind.Conflict, RequestErrorCode.AlreadyDecided, `The request has already been decided (it is ${status})`, { status });

export const roleNotAllowed = (action: RequestAction, roles: readonly ActorRole[]) =>
  new AppError(ErrorKind.Forbidden, RequestErrorCode.RoleNotAllowed, `Only ${roles.join(' or ')} may ${action.replace('_', ' ')} this request`, {
    action,
    roles,
  });

/** The conditional update found the request no longer as it was read: someone else changed it first. */
export const requestChanged = (current?: { status: RequestStatus; version: number }) =>
  new AppError(
    ErrorKind.Conflict,
    RequestErrorCode.RequestChanged,
    'The request changed while you were acting on it (another decision or action came first); reload it and try again',
    current ? { status: current.status, currentVersion: current.version } : {},
  );

export const alreadyAppealed = () =>
  new AppError(ErrorKind.Conflict, RequestErrorCode.AlreadyAppealed, 'A rejection can be appealed once, and this one already was');

export const appealWindowClosed = (closedAt: Date, days: number) =>
  new AppError(
    ErrorKind.Conflict,
    RequestErrorCode.AppealWindowClosed,
    `A rejection can be appealed within ${days} days; this one stood on ${closedAt.toISOString()}`,
    {
      appealBy: new Date(closedAt.getTime() + days * 86_400_000).toISOString(),
    },
  );

/** New policy versions were published while the request was being filed, again and again: nothing was filed. */
export const policyInFlux = () =>
  new AppError(ErrorKind.Unavailable, RequestErrorCode.PolicyInFlux, 'The privacy policy is being republished; nothing was filed, try again in a moment');
