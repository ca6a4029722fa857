import { isUUID } from 'class-validator';

/** What the coverage check needs of a hold. */
export interface CoveringHold {
  id: string;
  subjectId: string;
  categories: readonly string[];
  active: boolean;
}

export interface HoldCoverage<H extends CoveringHold> {
  /** the cited holds that count: the subject's, in force */
  covering: H[];
  /** categories no cited active hold of the subject includes */
  uncovered: string[];
  /** cited holds of the subject that are released or expired */
  inactiveHolds: string[];
  /** cited ids that are no hold of this subject (none at all, or another subject's) */
  unknownHolds: string[];
}

/**
 * Whether the cited holds keep these categories of this subject: every id must be a hold of the
 * subject in force, and together they must include every category. Another subject's hold is
 * reported as unknown, like one that does not exist: to this subject's case it is nothing.
 */
export function holdCoverage<H extends CoveringHold>(
  subjectId: string,
  found: readonly H[],
  holdIds: readonly string[],
  categories: readonly string[],
): HoldCoverage<H> {
  const byId = new Map(found.map((h) => [h.id.toLowerCase(), h]));
  const covering: H[] = [];
  const inactiveHolds: string[] = [];
  const unknownHolds: string[] = [];
  for (const id of new Set(holdIds)) {
    const hold = isUUID(id) ? byId.get(id.toLowerCase()) : undefined;
    if (!hold || hold.subjectId.toLowerCase() !== subjectId.toLowerCase()) unknownHolds.push(id);
    else if (!hold.active) inactiveHolds.push(id);
    else covering.push(hold);
  }
  const kept = new Set(covering.flatMap((h) => h.categories));
  const uncovered = [...new Set(categories)].filter((c) => !kept.has(c));
  return { covering, uncovered, inactiveHolds, unknownHolds };
}
