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
