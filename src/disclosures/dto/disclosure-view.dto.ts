import { DataCategory, RecipientKind } from '../../policy/domain/policy.types';
import { DisclosureStatus } from '../domain/disclosure.types';

export class RecipientView {
  name: string;
  kind: RecipientKind;
  country: string;
  contact: string | null;
}

export class DisclosureReviewView {
  outcome: 'confirmed' | 'flagged';
  note: string;
  reviewedBy: string;
  reviewedAt: string;
}

export class WithholdingView {
  id: string;
  law: string[];
  reference: string;
  until: string;
  note: string | null;
  withheldBy: string;
  withheldAt: string;
  /** `until` not reached: the entry is withheld from its subject now */
  active: boolean;
}

/** An entry of the register as legal reads it. */
export class DisclosureView {
  id: string;
  status: DisclosureStatus;
  /** false for an authority disclosure until a legal reviewer confirmed it */
  countsAsMade: boolean;
  subjectIds: string[];
  recipient: RecipientView;
  /** clause ids of `policyVersion` */
  basis: string[];
  /** provision ids of the law catalogue */
  law: string[];
  dataCategories: DataCategory[];
  purpose: string;
  reference: string | null;
  emergency: string | null;
  consentPurpose: string | null;
  agreementRef: string | null;
  transferMechanism: string | null;
  transferRef: string | null;
  impactAssessmentRef: string | null;
  prcApprovalRef: string | null;
  /** the (first) disclosure */
  disclosedAt: string;
  /** the last disclosure (equal to disclosedAt for a single one) */
  lastDisclosedAt: string;
  frequency: string | null;
  policyVersion: number;
  /** the entry this one corrects */
  corrects: string | null;
  correctionReason: string | null;
  /** the entry that corrects this one, once there is one */
  correctedBy: string | null;
  recordedBy: string;
  recordedAt: string;
  review: DisclosureReviewView | null;
  /** withheld from the subject until then (the latest withholding in force), else null */
  withheldUntil: string | null;
  /** SHA-256 of the entry's content as recorded; the audit trail's `disclosure.recorded` events carry it too */
  contentHash: string;
  withholdings?: WithholdingView[];
}

/** One page of the register, newest disclosure first; pass `nextCursor` back as `cursor` for the next. */
export class DisclosuresPage {
  items: DisclosureView[];
  nextCursor: string | null;
}

/** Counts of current entries (not replaced by a correction) per cited clause or provision and recipient kind. */
export class BasisCount {
  /** a clause id or a provision id */
  basis: string;
  kind: RecipientKind;
  entries: number;
  pendingReview: number;
  confirmed: number;
  flagged: number;
  /** entries that count as made (an authority's: confirmed only) */
  made: number;
}

export class DisclosureStats {
  byBasis: BasisCount[];
  /** current entries in all */
  entries: number;
  made: number;
}
