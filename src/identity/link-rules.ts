/**
 * The numbers of the link proof, in one place (the migration's CHECKs write the two limits out).
 * A code is six digits: a guess succeeds once in a million, and wrong tries are counted per
 * account across codes (a new code does not reset them), so an account gets at most five guesses
 * every quarter of an hour, whatever the number of codes it asks for.
 */
export const LINK_RULES = {
  /** how long a code may be used */
  codeTtlMinutes: 10,
  /** codes sent per account per window; more is 429 `too_many_codes` */
  maxSendsPerWindow: 5,
  /** the send window, from the first send in it */
  sendWindowMinutes: 60,
  /** wrong codes in a row before confirmation is locked */
  maxWrongTries: 5,
  /** how long confirmation stays locked */
  lockMinutes: 15,
} as const;

/** The ways a code can reach an app user: the operator's records hold an e-mail address and a phone number. */
export const LINK_CHANNELS = ['email', 'phone'] as const;
export type LinkChannel = (typeof LINK_CHANNELS)[number];

/** The route that sends a code: what a refusal for want of a link points to. */
export const LINK_ROUTE = '/api/v1/identity/link';
