import { DueRule, DueUnit } from '../../config/due-rule';
import { RequestType } from '../../policy/domain/policy.types';
import { computeDueAt } from './due-date';

/**
 * The longest any request of a type may take, counted from its submission, whatever a setting or
 * an extension says: the account-cancellation review is decided within 48 hours of the application
 * (policy `face.retain.2`); every other request within 30 days (GB/T 35273-2020 §8.7, the longest
 * time the national standard allows for answering a subject's request).
 */
export const DEADLINE_CEILINGS: Readonly<Record<RequestType, DueRule>> = Object.freeze({
  [RequestType.Access]: { amount: 30, unit: DueUnit.Days },
  [RequestType.WithdrawConsent]: { amount: 30, unit: DueUnit.Days },
  [RequestType.DeleteAccount]: { amount: 48, unit: DueUnit.Hours },
  [RequestType.DisclosureLog]: { amount: 30, unit: DueUnit.Days },
});

/** The latest a request of `type` submitted at `submittedAt` may ever be due. */
export function latestDueAt(type: RequestType, submittedAt: Date): Date {
  return computeDueAt(submittedAt, DEADLINE_CEILINGS[type]);
}
