import { RecipientKind } from '../../policy/domain/policy.types';

/** Where an entry stands in legal review: derived from its review row (none yet: pending). */
export enum DisclosureStatus {
  PendingReview = 'pending_review',
  Confirmed = 'confirmed',
  Flagged = 'flagged',
}
export const DISCLOSURE_STATUSES: readonly DisclosureStatus[] = Object.values(DisclosureStatus);

/** How often a repeated disclosure to one recipient for one purpose recurs (one entry, first and last date). */
export enum DisclosureFrequency {
  Daily = 'daily',
  Weekly = 'weekly',
  Monthly = 'monthly',
  Quarterly = 'quarterly',
  Yearly = 'yearly',
  Irregular = 'irregular',
}
export const DISCLOSURE_FREQUENCIES: readonly DisclosureFrequency[] = Object.values(DisclosureFrequency);

/** An entry about more subjects than this is split: each subject gets an audit event of its own. */
export const MAX_SUBJECTS_PER_ENTRY = 500;

/**
 * The provisions on which an entry may be withheld from its subject: PIPL Art. 18 para. 1 (a law or
 * administrative regulation requires confidentiality, or that the individual not be told) and
 * Art. 35 (a state organ's statutory duties would be impeded), which Art. 45 para. 1 names as the
 * only grounds to withhold from a subject's request. An authority merely asking is not enough: the
 * reference names the instrument that invokes the requirement. Further provisions may be cited
 * beside them (the specific statute, once the catalogue has it).
 */
export const CONFIDENTIALITY_PROVISIONS: readonly string[] = ['PIPL.18', 'PIPL.35'];

/** The longest a withholding may run from when it is placed; legal may withhold again after it ends. */
export const MAX_WITHHOLD_YEARS = 10;

/** A disclosure to an authority counts as made only once a legal reviewer other than its recorder confirmed it. */
export function countsAsMade(kind: RecipientKind, status: DisclosureStatus): boolean {
  return kind !== RecipientKind.Authority || status === DisclosureStatus.Confirmed;
}
