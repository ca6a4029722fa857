/**
 * How sample user n (1-based, in the order the generator makes them) is reached: fixed patterns, so
 * that a test, a connector or the demo subject account can name a sample user without looking it up.
 */

/** The most sample users one generation makes (the phone pattern has room for 99,999,999). */
export const MAX_SAMPLE_USERS = 1_000_000;

/** The sample user the demo subject account (`demo.subject@example.com`) stands for; it exists whenever sample data does. */
export const DEMO_SUBJECT_SAMPLE_USER = 1;

const EMAIL = /^user([1-9]\d*)@demo\.example$/;

/** `user<n>@demo.example`, lower-case as the operator's app stores e-mail addresses. */
export function sampleEmail(n: number): string {
  assertSampleNumber(n);
  return `user${n}@demo.example`;
}

/** `+86139` and n zero-padded to 8 digits: `+86` and 11 digits, as the operator's app stores phones. */
export function samplePhone(n: number): string {
  assertSampleNumber(n);
  return `+86139${String(n).padStart(8, '0')}`;
}

/** The n of a sample user's e-mail address, or null for any other address. */
export function sampleNumberOfEmail(email: string): number | null {
  const match = EMAIL.exec(email);
  if (!match) return null;
  const n = Number(match[1]);
  return n <= MAX_SAMPLE_USERS ? n : null;
}

function assertSampleNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SAMPLE_USERS) throw new RangeError(`a sample user's number is a whole number from 1 to ${MAX_SAMPLE_USERS}`);
}
