import {
  ConsentPurpose,
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

/** How a transfer of personal information out of mainland China is made lawful (PIPL Art. 38 para. 1). */
export enum TransferMechanism {
  /** item (1): the CAC's security assessment (PIPL Art. 40) */
  SecurityAssessment = 'security_assessment',
  /** item (3): the CAC's standard contract */
  StandardContract = 'standard_contract',
  /** item (2): personal information protection certification */
  Certification = 'certification',
  /** an exemption of the 2024 Provisions on Promoting and Regulating Cross-Border Data Flows; the reference names which */
  Exemption = 'exemption',
}
export const TRANSFER_MECHANISMS: readonly TransferMechanism[] = Object.values(TransferMechanism);

/** One subject of a disclosure as the check sees them: who, and which consent purposes they have granted now. */
export interface DisclosureSubjectFacts {
  id: string;
  /** The purposes granted now (e.g. `affiliate_sharing`, `new_purpose:survey`). */
  consentsOnFile: readonly string[];
}

export interface DisclosureBasisQuery {
  recipientKind: RecipientKind;
  /** ISO 3166-1 alpha-2 code of the recipient's country or region (HK, MO and TW are not CN). */
  recipientCountry: string;
  /** The clause ids the disclosure is recorded under. */
  basis: readonly string[];
  /** The provision ids (law catalogue) cited beside them; the caller checks they exist. */
  law?: readonly string[];
  /** The data-map categories disclosed. */
  categories: readonly DataCategory[];
  /** The recipient's reference: for an authority, its written instrument (case or document number). */
  reference?: string | null;
  /** For an emergency basis (face.transfer.4, face.share.1.5): what the emergency is. */
  emergency?: string | null;
  /** The consent the disclosure relies on, where one is needed (a purpose of the consent ledger). */
  consentPurpose?: string | null;
  /** For a partner: the confidentiality agreement on file (face.share.4). */
  agreementRef?: string | null;
  /** For a recipient outside mainland China: PIPL Art. 38's mechanism and its reference. */
  transferMechanism?: string | null;
  transferRef?: string | null;
  /** For a recipient outside mainland China: the personal information protection impact assessment (PIPL Art. 55). */
  impactAssessmentRef?: string | null;
  /** For a foreign authority: the competent PRC authority's approval (PIPL Art. 41, Data Security Law Art. 36). */
  prcApprovalRef?: string | null;
  /** Every subject the entry is about, with their consents on file. */
  subjects: readonly DisclosureSubjectFacts[];
}

/** One thing the disclosure lacks: for which subject (absent: the entry as a whole), under which clause or provision, and what. */
export interface MissingForDisclosure {
  subjectId?: string;
  /** The clause id or provision id that requires it. */
  cites: string;
  /** What is missing, in words. */
  missing: string;
  /** The body field that would carry it, where one does. */
  field?: string;
}

export interface DisclosureBasisResult {
  allowed: boolean;
  /** Cited ids this policy version does not have. */
  unknownClauses: string[];
  /** Cited ids that exist but cannot be the basis of a disclosure to this kind of recipient. */
  unacceptableClauses: string[];
  /** The clauses that can be the basis for this kind of recipient. */
  acceptableBasis: string[];
  /** What the facts on record lack, per subject where it is the subject's (a consent). */
  missing: MissingForDisclosure[];
}

// The rules below are the law's, not the policy's reading: they hold whatever version a disclosure is
// recorded under, and no rules.yaml can relax them (issue 13; ../shared/docs/legal-review.md).

/** Consent-exemption clauses that rest on an emergency (PIPL Art. 13(4)): the emergency must be described. */
const EMERGENCY_CLAUSES = ['face.transfer.4', 'face.share.1.5'];
/** Information the subject made public or that was lawfully published (PIPL Art. 27): never facial data. */
const PUBLIC_INFORMATION_CLAUSES = ['face.transfer.5', 'face.transfer.6', 'face.share.1.6', 'face.share.1.7'];
/** 3.d ("the user broke the law or the rules") is no PIPL Art. 13 basis: it may stand beside one, never alone. */
const CONTEXT_ONLY_CLAUSES: Partial<Record<RecipientKind, string[]>> = { [RecipientKind.Other]: ['3.d'] };
const FACIAL_CATEGORIES: Partial<Record<DataCategory, ConsentPurposeKey>> = {
  [DataCategory.FaceBasic]: ConsentPurpose.FaceBasic,
  [DataCategory.FaceAdditional]: ConsentPurpose.FaceAdditional,
};
/** 3.f: a transaction's counterparty gets contact details, which the data map holds in `account`. */
const COUNTERPARTY_CATEGORIES: readonly DataCategory[] = [DataCategory.Account];

/**
 * Kinds whose every disclosure needs a consent on file, and the consents that can be it; the cited
 * clauses' own `consentRequired` narrows the list further. Affiliates and partners: PIPL Art. 23
 * (a separate consent to providing the information to another handler, whatever clause is cited, so
 * face.share.3 alone never carries identity or location data to an advertising or analytics
 * partner). Credit bureaus: Credit Reporting Regulations Arts. 13 and 18 (the ledger has no fixed
 * purpose for it: a `new_purpose:*` consent naming it). `other` needs one only when a consent-based
 * clause is cited (the rules' `consentBasedClauses`), and then for that very purpose.
 */
const CONSENT_BY_KIND: Partial<Record<RecipientKind, { consents: ConsentPurposeKey[]; cites: string; always: boolean }>> = {
  [RecipientKind.Affiliate]: { consents: [ConsentPurpose.AffiliateSharing, NEW_PURPOSE_FAMILY], cites: 'PIPL.23', always: true },
  [RecipientKind.Partner]: {
    consents: [ConsentPurpose.PartnerMarketing, ConsentPurpose.PersonalisedAds, NEW_PURPOSE_FAMILY],
    cites: 'PIPL.23',
    always: true,
  },
  [RecipientKind.CreditBureau]: { consents: [NEW_PURPOSE_FAMILY], cites: 'CRR.13', always: true },
  [RecipientKind.Other]: { consents: [NEW_PURPOSE_FAMILY], cites: 'PIPL.23', always: false },
};

/**
 * The disclosure register's check. A disclosure is allowed when its basis is non-empty, every cited
 * clause exists and is a basis the rules accept for this kind of recipient, and the facts the law
 * asks for that kind, those categories and that country are on record, for every subject:
 *
 * - `authority`: a domestic authority's written instrument (`reference`) and PIPL Art. 13 cited
 *   (para. 1 item 3, a legal duty; item 4 for an emergency, which must be described). A foreign
 *   authority (any country but CN) is refused without the competent PRC authority's approval on
 *   record (PIPL Art. 41, Data Security Law Art. 36), whatever consents are on file. An
 *   authority's instrument needs no facial or transfer consent.
 * - `complaint_party` (3.e) and `counterparty` (3.f, contact details only: `account`).
 * - `affiliate`, `partner`: the subject's consent for that purpose (PIPL Art. 23), named in
 *   `consentPurpose`; a partner also the confidentiality agreement (face.share.4, `agreementRef`).
 * - `credit_bureau`: the subject's written consent (Credit Reporting Regulations Arts. 13, 18).
 * - `other`: a consent for that very purpose (one `new_purpose:<name>` covers only its own) when a
 *   consent-based clause is cited; 3.d never alone; an emergency described; public information
 *   never facial.
 * - Facial categories need each subject's facial consent on file (PIPL Art. 29).
 * - A recipient outside mainland China (Hong Kong, Macao and Taiwan included) needs a transfer
 *   mechanism and its reference (PIPL Art. 38), each subject's separate consent (Art. 39) and an
 *   impact assessment (Art. 55).
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
  const missing = [...basisStandsAlone(query), ...kindRequirements(rules, query), ...categoryRequirements(query), ...abroadRequirements(rules, query)];
  return {
    allowed: query.basis.length > 0 && query.subjects.length > 0 && [unknownClauses, unacceptableClauses, missing].every((list) => list.length === 0),
    unknownClauses,
    unacceptableClauses,
    acceptableBasis,
    missing,
  };
}

/** True when the recipient is in mainland China; an unknown or blank country cannot be shown to be, so it is abroad. */
export function isRecipientAtHome(rules: PolicyRules, country: string): boolean {
  return country.trim().toUpperCase() === rules.disclosures.crossBorder.homeCountry;
}

function basisStandsAlone(query: DisclosureBasisQuery): MissingForDisclosure[] {
  const contextOnly = CONTEXT_ONLY_CLAUSES[query.recipientKind] ?? [];
  const cited = query.basis.filter((clause) => contextOnly.includes(clause));
  if (cited.length === 0 || query.basis.some((clause) => !contextOnly.includes(clause))) return [];
  return cited.map((clause) => ({
    cites: clause,
    missing: `${clause} is no basis on its own (PIPL Art. 13): cite the basis it stands beside`,
    field: 'basis',
  }));
}

function kindRequirements(rules: PolicyRules, query: DisclosureBasisQuery): MissingForDisclosure[] {
  const missing: MissingForDisclosure[] = [];
  const has = (value: string | null | undefined) => typeof value === 'string' && value.trim().length > 0;
  const law = query.law ?? [];
  const emergency = query.basis.filter((clause) => EMERGENCY_CLAUSES.includes(clause));
  if (emergency.length > 0 && !has(query.emergency))
    missing.push({ cites: emergency[0], missing: 'a description of the emergency (PIPL Art. 13(4): life, health or property at risk)', field: 'emergency' });

  if (query.recipientKind === RecipientKind.Authority) {
    if (!isRecipientAtHome(rules, query.recipientCountry)) {
      if (!has(query.prcApprovalRef))
        missing.push({
          cites: 'PIPL.41',
          missing: `the competent PRC authority's approval to provide information to a foreign authority (${query.recipientCountry.trim().toUpperCase() || 'no country'}); consents do not replace it (also Data Security Law Art. 36)`,
          field: 'prcApprovalRef',
        });
    } else if (!has(query.reference)) {
      missing.push({ cites: 'PIPL.13', missing: "the authority's written instrument: its case or document number", field: 'reference' });
    }
    if (!law.includes('PIPL.13'))
      missing.push({ cites: 'PIPL.13', missing: 'the statutory basis: cite PIPL.13 (the clauses are exemptions from consent, not bases)', field: 'law' });
    return missing;
  }

  if (query.recipientKind === RecipientKind.Counterparty) {
    const beyond = query.categories.filter((category) => !COUNTERPARTY_CATEGORIES.includes(category));
    if (beyond.length > 0)
      missing.push({
        cites: '3.f',
        missing: `a counterparty receives contact details only (${COUNTERPARTY_CATEGORIES.join(', ')}); not ${beyond.join(', ')}`,
        field: 'dataCategories',
      });
  }
  if (query.recipientKind === RecipientKind.Partner && !has(query.agreementRef))
    missing.push({ cites: 'face.share.4', missing: 'the confidentiality agreement signed with the partner: its reference', field: 'agreementRef' });

  const consentRule = CONSENT_BY_KIND[query.recipientKind];
  const citesConsentClause = query.basis.some((clause) => rules.disclosures.consentBasedClauses.includes(clause));
  if (consentRule && (consentRule.always || citesConsentClause)) missing.push(...consentRequirements(rules, query, consentRule));
  return missing;
}

function consentRequirements(
  rules: PolicyRules,
  query: DisclosureBasisQuery,
  consentRule: { consents: ConsentPurposeKey[]; cites: string },
): MissingForDisclosure[] {
  const recipient = rules.disclosures.recipients[query.recipientKind];
  // The consents every cited clause accepts (a clause that names none accepts the kind's list).
  const accepted = query.basis.reduce<ConsentPurposeKey[]>((list, clause) => {
    const named = recipient?.consentRequired[clause];
    return named ? list.filter((purpose) => named.includes(purpose)) : list;
  }, consentRule.consents);
  const purpose = query.consentPurpose?.trim() ?? '';
  const cites = query.basis.find((clause) => recipient?.consentRequired[clause]) ?? consentRule.cites;
  if (purpose.length === 0)
    return [{ cites, missing: `the consent the disclosure relies on: name it in consentPurpose (one of ${accepted.join(', ')})`, field: 'consentPurpose' }];
  if (!accepted.some((candidate) => consentCovers(candidate, purpose)))
    return [
      { cites, missing: `a consent of a purpose that fits this recipient and basis: ${purpose} is not one of ${accepted.join(', ')}`, field: 'consentPurpose' },
    ];
  return query.subjects
    .filter((subject) => !subject.consentsOnFile.includes(purpose))
    .map((subject) => ({ subjectId: subject.id, cites, missing: `the subject's consent ${purpose} is not on file` }));
}

function categoryRequirements(query: DisclosureBasisQuery): MissingForDisclosure[] {
  const facial = query.categories.filter((category) => FACIAL_CATEGORIES[category] !== undefined);
  if (facial.length === 0) return [];
  const publicBasis = query.basis.filter((clause) => PUBLIC_INFORMATION_CLAUSES.includes(clause));
  const missing: MissingForDisclosure[] = publicBasis.map((clause) => ({
    cites: clause,
    missing: `facial information is never covered as information made public (PIPL Art. 27): ${facial.join(', ')}`,
    field: 'dataCategories',
  }));
  // An authority's written instrument obliges the operator whatever the subject consented to.
  if (query.recipientKind === RecipientKind.Authority) return missing;
  for (const subject of query.subjects)
    for (const category of facial) {
      const consent = FACIAL_CATEGORIES[category]!;
      if (!subject.consentsOnFile.includes(consent))
        missing.push({
          subjectId: subject.id,
          cites: 'PIPL.29',
          missing: `the subject's separate consent to their facial information (${consent}) is not on file`,
        });
    }
  return missing;
}

function abroadRequirements(rules: PolicyRules, query: DisclosureBasisQuery): MissingForDisclosure[] {
  // A foreign authority is PIPL Art. 41's case (above): an approval, not a transfer mechanism or consents.
  if (query.recipientKind === RecipientKind.Authority || isRecipientAtHome(rules, query.recipientCountry)) return [];
  const country = query.recipientCountry.trim().toUpperCase() || 'no country';
  const missing: MissingForDisclosure[] = [];
  const mechanism = query.transferMechanism?.trim() ?? '';
  if (!(TRANSFER_MECHANISMS as readonly string[]).includes(mechanism))
    missing.push({
      cites: 'PIPL.38',
      missing: `a transfer mechanism for a recipient outside mainland China (${country}): one of ${TRANSFER_MECHANISMS.join(', ')}`,
      field: 'transferMechanism',
    });
  if (!query.transferRef?.trim())
    missing.push({
      cites: 'PIPL.38',
      missing: 'the reference of the transfer mechanism (filing, contract or certificate number, or the exemption relied on)',
      field: 'transferRef',
    });
  if (!query.impactAssessmentRef?.trim())
    missing.push({ cites: 'PIPL.55', missing: 'the personal information protection impact assessment: its reference', field: 'impactAssessmentRef' });
  const { consent } = rules.disclosures.crossBorder;
  for (const subject of query.subjects)
    if (!subject.consentsOnFile.includes(consent))
      missing.push({ subjectId: subject.id, cites: 'PIPL.39', missing: `the subject's separate consent to the transfer abroad (${consent}) is not on file` });
  return missing;
}

/** `new_purpose:*` covers any one new purpose, each only its own; a fixed purpose covers itself. */
function consentCovers(candidate: ConsentPurposeKey, purpose: string): boolean {
  return (candidate as string) === NEW_PURPOSE_FAMILY ? isNewPurpose(purpose) : (candidate as string) === purpose;
}

/** The clause a consent purpose is given under; `new_purpose:<name>` purposes share one clause. */
export function clauseForConsentPurpose(rules: PolicyRules, purpose: ConsentPurposeKey): string {
  return isNewPurpose(purpose) ? rules.consentPurposes[NEW_PURPOSE_FAMILY] : rules.consentPurposes[purpose];
}

/** The clauses a data-map category is held under. */
export function clausesForDataCategory(rules: PolicyRules, category: DataCategory): string[] {
  return [...rules.dataCategories[category]];
}

function unknownClausesOf(rules: PolicyRules, clauses: readonly string[]): string[] {
  const known = new Set(rules.clauseIds);
  return unique(clauses.filter((clause) => !known.has(clause)));
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
