/** The longest wait between two attempts, however many have failed. */
export const MAX_RETRY_DELAY_SECONDS = 6 * 60 * 60;

/**
 * The wait before the next attempt after failed attempt number `attempt` (1 for the first):
 * base, 2×base, 4×base, … capped at six hours.
 */
export function retryDelaySeconds(attempt: number, baseSeconds: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 2 ** Math.min(exponent, 30));
}

/** After a failed attempt: try again later, or give up for good. */
export function afterFailure(attempt: number, maxAttempts: number): 'retry' | 'fail' {
  return attempt >= maxAttempts ? 'fail' : 'retry';
}

const ADDRESS = /<?[^\s<>@"',;:]+@[^\s<>@"',;:]+>?/g;
const MAX_ERROR_LENGTH = 300;

/**
 * Why an attempt failed, fit to be stored and logged: the error's code, the server's reply code
 * and its message with every address taken out (servers echo the recipient: "550 <bob@…>: no such
 * user"), shortened.
 */
export function describeDeliveryError(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; message?: unknown; name?: unknown };
  const parts: string[] = [];
  if (typeof e.code === 'string') parts.push(e.code);
  else if (typeof e.name === 'string' && e.name !== 'Error') parts.push(e.name);
  if (typeof e.responseCode === 'number') parts.push(String(e.responseCode));
  const head = parts.length > 0 ? parts.join(' ') : 'Error';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const clean = message.replace(ADDRESS, '<address>').replace(/\s+/g, ' ').trim();
  return `${head}: ${clean}`.slice(0, MAX_ERROR_LENGTH);
}
