import { AppError, ErrorKind } from '../common/errors/app-error';

export enum FulfilmentErrorCode {
  StepNotFound = 'step_not_found',
  StepAlreadyConfirmed = 'step_already_confirmed',
  EvidenceNotOnRequest = 'evidence_not_on_request',
  OwnRequest = 'own_request',
}

/** No manual step of that category on that request (or no such request): the same answer either way. */
export const stepNotFound = () => new AppError(ErrorKind.NotFound, FulfilmentErrorCode.StepNotFound, 'No manual step of this category waits on this request');

export const stepAlreadyConfirmed = (confirmedAt: string) =>
  new AppError(ErrorKind.Conflict, FulfilmentErrorCode.StepAlreadyConfirmed, 'This step is already confirmed; a confirmation is never changed', {
    confirmedAt,
  });

export const evidenceNotOnRequest = () =>
  new AppError(ErrorKind.Unprocessable, FulfilmentErrorCode.EvidenceNotOnRequest, 'The evidence must be an upload attached to this request, not erased');

/** Separation of duties: nobody confirms the work done on their own request. */
export const ownRequest = () =>
  new AppError(ErrorKind.Forbidden, FulfilmentErrorCode.OwnRequest, 'You cannot confirm a step of a request about your own account');
