import { RequestStatus } from './request-status';

/**
 * How long a subject has to appeal a rejection (product.md, Lifecycle: once, after a rejection).
 * The law sets no period for an internal appeal; thirty days matches the longest time the operator
 * has to answer a request (GB/T 35273-2020 §8.7), so the subject is given no less than the operator.
 */
export const APPEAL_WINDOW_DAYS = 30;

/** The last moment to appeal a rejection that stood at `rejectedAt`. */
export function appealDeadline(rejectedAt: Date): Date {
  return new Date(rejectedAt.getTime() + APPEAL_WINDOW_DAYS * 24 * 60 * 60 * 1000);
}

/**
 * Until when a refusal that stood at `rejectedAt` may be appealed: a first rejection only (an appeal
 * is possible once); null otherwise. The page, the timeline's notice and the e-mail all ask here.
 */
export function appealBy(request: { status: RequestStatus; appealedAt: Date | null }, rejectedAt: Date): Date | null {
  return request.status === RequestStatus.Rejected && request.appealedAt === null ? appealDeadline(rejectedAt) : null;
}
