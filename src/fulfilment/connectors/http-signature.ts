import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers of a signed call (README, "Connectors"). */
export const TIMESTAMP_HEADER = 'x-dsr-timestamp';
export const SIGNATURE_HEADER = 'x-dsr-signature';
/** How far a call's timestamp may be from the receiver's clock, either way, before it is refused. */
export const MAX_SKEW_SECONDS = 300;

/**
 * HMAC-SHA256, under the system's secret, of the timestamp (Unix seconds), the method, the path
 * (with its query, as sent) and the body, joined by newlines; hex, prefixed with the scheme `v1=`.
 */
export function signature(secret: string, timestamp: string, method: string, path: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}\n${method.toUpperCase()}\n${path}\n${body}`).digest('hex')}`;
}

/** The headers that sign one call, as of `now`. */
export function signedHeaders(secret: string, method: string, path: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(secret, timestamp, method, path, body) };
}

/**
 * What the operator's service checks before it acts (a reference for their side, used by the
 * tests' server): the signature matches, in constant time, and the timestamp is within
 * MAX_SKEW_SECONDS of its clock. Answers why not, or null when the call stands.
 */
export function verifySignature(
  secret: string,
  call: { method: string; path: string; body: string; timestamp: string | undefined; signature: string | undefined },
  now = Date.now(),
): 'unsigned' | 'stale' | 'bad_signature' | null {
  if (!call.timestamp || !call.signature || !/^\d{1,12}$/.test(call.timestamp)) return 'unsigned';
  if (Math.abs(now / 1000 - Number(call.timestamp)) > MAX_SKEW_SECONDS) return 'stale';
  const expected = Buffer.from(signature(secret, call.timestamp, call.method, call.path, call.body));
  const given = Buffer.from(call.signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? null : 'bad_signature';
}
