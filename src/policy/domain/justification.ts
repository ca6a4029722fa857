import {
  ConsentPurposeKey,
  DataCategory,
  isNewPurpose,
  NEW_PURPOSE_FAMILY,
  OUTCOMES,
  Outcome,
  OutcomeRule,
  PolicyRules,
  RecipientKind,
  REQUEST_TYPES,
  RequestType,
  RIGHT_REDUCING_OUTCOMES,
} from './policy.types';

/**
 * The one place that answers "does this citation hold under this policy version?". Review,
 * appeals, extensions and the disclosure register all call these functions with the rules of the
 * version the request was filed under; none of them reads the rules on its own.
 */

export interface JustificationQuery {
  requestType: RequestType;
  outcome: Outcome;
  /** The clause ids the decision cites. */
  clauses: readonly string[];
  /** The provision ids (law catalogue) the decision cites. */
  law?: readonly string[];
}

export interface JustificationResult {
  justified: boolean;
  /** Cited ids this policy version does not have. */
  unknownClauses: string[];
  /** The clauses that can justify this outcome for this request type (empty: none can). */
  justifyingClauses: string[];
  /** The provisions that can justify it. */
  justifyingLaw: string[];
  /** It needs one of `justifyingLaw`: no clause carries it alone. */
  needsLaw: boolean;
}

/**
 * A decision is justified when every cited clause exists in the version and it cites at least one
 * clause or provision the rules accept for that request type and outcome (one provision, where the
 * outcome needs law). For an outcome that reduces a right, a clause superseded by law does not
 * count: the law prevails over it (policy coverage). Further cited ids may add context (a
 * heading, a clause beside the provision), as product.md allows. Provision ids are checked
 * against the law catalogue by the caller.
 */
export function checkJustification(rules: PolicyRules, query: JustificationQuery, superseded: ReadonlySet<string> = new Set()): JustificationResult {
  const unknownClauses = unknownClausesOf(rules, query.clauses);
  const rule = outcomeRule(rules, query.requestType, query.outcome);
  const law = query.law ?? [];
  const reducesRight = RIGHT_REDUCING_OUTCOMES.includes(query.outcome);
  const countingClauses = rule.clauses.filter((id) => !(reducesRight && superseded.has(id)));
  const citesLaw = law.some((id) => rule.law.includes(id));
  const citesClause = query.clauses.some((id) => countingClauses.includes(id));
  return {
    justified: unknownClauses.length === 0 && (rule.needsLaw ? citesLaw : citesLaw || citesClause),
    unknownClauses,
    justifyingClauses: rule.needsLaw ? [...rule.clauses] : countingClauses,
    justifyingLaw: [...rule.law],
    needsLaw: rule.needsLaw,
  };
}

/** What can justify `outcome` for `requestType`; empty lists when the policy supports no such decision. */
export function outcomeRule(rules: PolicyRules, requestType: RequestType, outcome: Outcome): OutcomeRule {
  const rule = rules.requests[requestType]?.[outcome];
  return { clauses: [...(rule?.clauses ?? [])], law: [...(rule?.law ?? [])], needsLaw: rule?.needsLaw ?? false };
}

/** The clauses that can justify `outcome` for `requestType`; empty when the policy supports no such decision. */
export function justifyingClauses(rules: PolicyRules, requestType: RequestType, outcome: Outcome): string[] {
  return outcomeRule(rules, requestType, outcome).clauses;
}

export interface JustifiedDecision {
  requestType: RequestType;
  outcome: Outcome;
}

/** Every decision a clause can justify, for showing next to the clause (`GET /policy/clauses/:id`). */
export function outcomesJustifiedBy(rules: PolicyRules, clauseId: string): JustifiedDecision[] {
  return REQUEST_TYPES.flatMap((requestType) =>
    OUTCOMES.filter((outcome) => justifyingClauses(rules, requestType, outcome).includes(clauseId)).map((outcome) => ({
      requestType,
      outcome,
    })),
  );
}

/** The kinds of recipient a clause can be the basis of a disclosure to. */
export function recipientKindsBasedOn(rules: PolicyRules, clauseId: string): RecipientKind[] {
  return (Object.entries(rules.disclosures.recipients) as [RecipientKind, { basis: string[] } | undefined][])
    .filter(([, rule]) => rule?.basis.includes(clauseId))
    .map(([kind]) => kind);
}

export interface DisclosureBasisQuery {
  recipientKind: RecipientKind;
  /** The clause ids the disclosure is recorded under. */
  basis: readonly string[];
  /** The subject's consent purposes currently granted (e.g. `affiliate_sharing`, `new_purpose:survey`). */
  consentsOnFile: readonly string[];
  /** ISO 3166-1 alpha-2 code of the recipient's country. */
  recipientCountry: string;
}

export interface DisclosureBasisResult {
  allowed: boolean;
  /** Cited ids this policy version does not have. */
  unknownClauses: string[];
  /** Cited ids that exist but cannot be the basis of a disclosure to this kind of recipient. */
  unacceptableClauses: string[];
  /** The clauses that can be the basis for this kind of recipient. */
  acceptableBasis: string[];
  /**
   * Consent purposes that would have to be on file. For a consent-based clause any one purpose of
   * its list suffices, so all of that list is named; `new_purpose:*` stands for any new purpose.
   */
  missingConsents: string[];
}

/**
 * A disclosure is allowed when its basis is non-empty, every cited clause exists and is a basis
 * the rules accept for this kind of recipient, each cited consent-based clause has one of its
 * consents on file, and a recipient outside the home country has the cross-border consent.
 *
 * Unlike a decision, every cited clause must fit: the register states the legal basis of a
 * disclosure to an outside party, and an entry citing a basis that does not apply to that
 * recipient (or a consent the subject never gave) would misstate it.
 */
export function checkDisclosureBasis(rules: PolicyRules, query: DisclosureBasisQuery): DisclosureBasisResult {
  const rule = rules.disclosures.recipients[query.recipientKind];
  const acceptableBasis = [...(rule?.basis ?? [])];
  const unknownClauses = unknownClausesOf(rules, query.basis);
  const unacceptableClauses = unique(query.basis.filter((clause) => !unknownClauses.includes(clause) && !acceptableBasis.includes(clause)));
  const missingConsents = unique([
    ...query.basis.flatMap((clause) => missingConsentsFor(rule?.consentRequired[clause], query.consentsOnFile)),
    ...missingCrossBorderConsent(rules, query),
  ]);
  return {
    allowed: query.basis.length > 0 && [unknownClauses, unacceptableClauses, missingConsents].every((list) => list.length === 0),
    unknownClauses,
    unacceptableClauses,
    acceptableBasis,
    missingConsents,
  };
}

/** The clause a consent purpose is given under; `new_purpose:<name>` purposes share one clause. */
export function clauseForConsentPurpose(rules: PolicyRules, purpose: ConsentPurposeKey): string {
  return isNewPurpose(purpose) ? rules.consentPurposes[NEW_PURPOSE_FAMILY] : rules.consentPurposes[purpose];
}

/** The clauses a data-map category is held under. */
export function clausesForDataCategory(rules: PolicyRules, category: DataCategory): string[] {
  return [...rules.dataCategories[category]];
}

/** The consents of a requirement when none of them is on file; [] when met or when nothing is required. */
function missingConsentsFor(anyOf: readonly ConsentPurposeKey[] | undefined, consentsOnFile: readonly string[]): ConsentPurposeKey[] {
  if (!anyOf || anyOf.some((purpose) => isConsentOnFile(purpose, consentsOnFile))) {
    return [];
  }
  return [...anyOf];
}

function missingCrossBorderConsent(rules: PolicyRules, query: DisclosureBasisQuery): string[] {
  const { homeCountry, consent } = rules.disclosures.crossBorder;
  // An unknown or blank country cannot be shown to be at home, so it is treated as abroad.
  const atHome = query.recipientCountry.trim().toUpperCase() === homeCountry;
  return atHome || isConsentOnFile(consent, query.consentsOnFile) ? [] : [consent];
}

function isConsentOnFile(purpose: ConsentPurposeKey, consentsOnFile: readonly string[]): boolean {
  return (purpose as string) === NEW_PURPOSE_FAMILY ? consentsOnFile.some(isNewPurpose) : consentsOnFile.includes(purpose);
}

function unknownClausesOf(rules: PolicyRules, clauses: readonly string[]): string[] {
  const known = new Set(rules.clauseIds);
  return unique(clauses.filter((clause) => !known.has(clause)));
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
