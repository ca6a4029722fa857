import { createHash } from 'node:crypto';

/**
 * Who may file a request for someone else (product.md, "Who files"):
 * - `guardian`: a parent or other guardian of a child under 14 (PIPL Art. 31: a child's information
 *   is processed, and so its rights exercised, through the guardian);
 * - `relative_of_deceased`: a near relative of a deceased person, for the relative's own lawful,
 *   legitimate interest, unless the deceased arranged otherwise in life (PIPL Art. 49);
 * - `agent`: anyone the person authorised in writing.
 * Each brings proof (uploaded evidence) that staff weigh before deciding.
 */
export enum OnBehalfRelation {
  Guardian = 'guardian',
  RelativeOfDeceased = 'relative_of_deceased',
  Agent = 'agent',
}

export const ON_BEHALF_RELATIONS: readonly OnBehalfRelation[] = Object.values(OnBehalfRelation);

/** A guardian files for a child younger than this, in whole years on the day of filing (PIPL Art. 31). */
export const CHILD_AGE_LIMIT = 14;

/** What a request filed on someone's behalf records of them (personal data: never audited or logged). */
export interface OnBehalfOf {
  relation: OnBehalfRelation;
  /** the name of the person the request is about */
  name: string;
  /** YYYY-MM-DD; required for a child */
  dateOfBirth?: string;
  /** the relative's legitimate interest, the agent's mandate, or anything the filer wants staff to know */
  statement?: string;
  /** ids of the uploads that prove the relation */
  evidence: string[];
}

/**
 * The key of the person a request is about, for "one open request per type and person": '' for
 * the subject themselves, else the relation and a digest of the name (case, width and spacing
 * ignored) and date of birth. A digest keeps the unique index small; the name itself is in the
 * request's details.
 */
export function representedKey(onBehalfOf: Pick<OnBehalfOf, 'relation' | 'name' | 'dateOfBirth'> | undefined): string {
  if (!onBehalfOf) return '';
  const name = onBehalfOf.name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  const digest = createHash('sha256')
    .update(`${name}\n${onBehalfOf.dateOfBirth ?? ''}`)
    .digest('hex');
  return `${onBehalfOf.relation}:${digest}`;
}

/** Whole years from `dateOfBirth` (YYYY-MM-DD) to the calendar day of `at` in China (UTC+8). */
export function ageOn(dateOfBirth: string, at: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  const day = new Date(at.getTime() + 8 * 3_600_000);
  const [ty, tm, td] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

/** Whether `dateOfBirth` is a real calendar date (2023-02-29 is not). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
