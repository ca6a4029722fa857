import { AppError, ErrorKind } from '../common/errors/app-error';

export const endTooSoon = (earliest: Date) =>
  new AppError(ErrorKind.Unprocessable, 'end_too_soon', `The end of service must be at least 30 days ahead: ${earliest.toISOString()} at the earliest`, {
    earliest: earliest.toISOString(),
  });
export const endTooFar = (latest: Date) =>
  new AppError(ErrorKind.Unprocessable, 'end_too_far', `The end of service may be scheduled at most 5 years ahead: ${latest.toISOString()} at the latest`);
export const endAlreadyScheduled = (endsAt: Date) =>
  new AppError(ErrorKind.Conflict, 'end_already_scheduled', `An end of service is already scheduled for ${endsAt.toISOString()}; cancel it first`);
export const nothingScheduled = () => AppError.notFound('end_not_scheduled', 'No end of service is scheduled');
export const endAlreadyStarted = () =>
  new AppError(ErrorKind.Conflict, 'end_already_started', 'The erasure at the end of service has started; it cannot be called off');
