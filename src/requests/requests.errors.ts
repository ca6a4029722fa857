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
  EvidenceRequired = 'evidence_required',
  DateOfBirthRequired = 'date_of_birth_required',
  NotAChild = 'not_a_child',
  InterestRequired = 'interest_required',
  OnBehalfNotPossible = 'on_behalf_not_possible',
  EndpointNotAllowed = 'endpoint_not_allowed',
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

/** A request filed for someone else carries proof of the relation (PIPL Arts. 31, 49; an agent's signed authorisation). */
export const evidenceRequired = (relation: string) =>
  new AppError(
    ErrorKind.Unprocessable,
    RequestErrorCode.EvidenceRequired,
    `A request filed as ${relation} needs proof: upload it first (POST /api/v1/uploads: PDF, JPEG or PNG) and list the upload ids in onBehalfOf.evidence`,
    { field: 'onBehalfOf.evidence' },
  );

export const dateOfBirthRequired = () =>
  new AppError(
    ErrorKind.Unprocessable,
    RequestErrorCode.DateOfBirthRequired,
    "A guardian files for a child under 14 (PIPL Art. 31): give the child's date of birth in onBehalfOf.dateOfBirth",
    { field: 'onBehalfOf.dateOfBirth' },
  );

export const notAChild = (age: number, limit: number) =>
  new AppError(
    ErrorKind.Unprocessable,
    RequestErrorCode.NotAChild,
    age < 0
      ? 'The date of birth is in the future'
      : `A guardian files for a child under ${limit} (PIPL Art. 31); a person of ${age} files for themselves, or authorises you as their agent`,
    { field: 'onBehalfOf.dateOfBirth', law: ['PIPL.31'] },
  );

export const interestRequired = () =>
  new AppError(
    ErrorKind.Unprocessable,
    RequestErrorCode.InterestRequired,
    "A near relative acts on a deceased person's information for their own lawful, legitimate interest (PIPL Art. 49): state it in onBehalfOf.statement",
    { field: 'onBehalfOf.statement', law: ['PIPL.49'] },
  );

/** A withdrawal of consent is decided at once, on the filer's own consents: it cannot wait for staff to weigh proof. */
export const onBehalfNotPossible = (type: string) =>
  new AppError(
    ErrorKind.Unprocessable,
    RequestErrorCode.OnBehalfNotPossible,
    `A ${type} request withdraws your own consents at once and cannot be filed for someone else; file a delete_data request for them instead, or ask the app's operator to withdraw theirs`,
    { field: 'onBehalfOf' },
  );

export const endpointNotAllowed = (problem: string) =>
  new AppError(
    ErrorKind.Unprocessable,
    RequestErrorCode.EndpointNotAllowed,
    problem === 'not_https'
      ? 'The copy is sent only over HTTPS: sendTo.endpoint must start with https://'
      : problem === 'credentials_in_url'
        ? 'sendTo.endpoint must not carry a user name or password'
        : 'sendTo.endpoint must be an address on the public Internet, not a private, local or reserved one',
    { field: 'sendTo.endpoint', problem },
  );
