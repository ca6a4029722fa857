import { DataCategory } from '../../policy/domain/policy.types';

/** A legal hold as legal (and a reviewer of its subject) reads it. */
export class HoldView {
  id: string;
  subjectId: string;
  /** the subject's pseudonymous reference */
  subjectRef: string;
  categories: DataCategory[];
  /** clause ids of `policyVersion` */
  clauses: string[];
  /** provision ids of the law catalogue */
  law: string[];
  /** the policy version in force when the hold was placed */
  policyVersion: number;
  /** the authority's document number */
  reference: string | null;
  /** the statute's retention period, in words */
  retention: string | null;
  note: string;
  /** when the hold ends (ISO-8601) */
  until: string;
  placedBy: string;
  placedAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
  /** in force now: not released, and `until` not reached */
  active: boolean;
  /** `until` passed without a release */
  expired: boolean;
}

/** One page of holds, newest first; pass `nextCursor` back as `cursor` for the next. */
export class HoldsPage {
  items: HoldView[];
  /** null on the last page */
  nextCursor: string | null;
}
