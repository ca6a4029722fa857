/**
 * The vocabulary of the policy capability. Other capabilities (requests, review, consents,
 * disclosures, fulfilment) import these enums so that the values stored in their tables, sent over
 * the API and named in the justification rules are one and the same set of strings.
 */

export enum RequestType {
  Access = 'access',
  WithdrawConsent = 'withdraw_consent',
  DeleteAccount = 'delete_account',
  DisclosureLog = 'disclosure_log',
  /** PIPL Art. 46: inaccurate or incomplete information corrected */
  Correction = 'correction',
  /** PIPL Art. 45(3): a portable copy, optionally sent to another handler the subject names */
  CopyTransfer = 'copy_transfer',
  /** PIPL Art. 48: how the subject's information is handled, explained in writing */
  Explanation = 'explanation',
  /** PIPL Art. 47: chosen categories deleted without cancelling the account */
  DeleteData = 'delete_data',
}

/** What a staff decision (or a deadline extension) does to a request. */
export enum Outcome {
  Approve = 'approve',
  Reject = 'reject',
  Partial = 'partial',
  Extend = 'extend',
}

export enum RecipientKind {
  Authority = 'authority',
  /** 3.e: the other party to an intellectual-property complaint (renamed from `complainant`, issue 13) */
  ComplaintParty = 'complaint_party',
  Counterparty = 'counterparty',
  Affiliate = 'affiliate',
  Partner = 'partner',
  CreditBureau = 'credit_bureau',
  Other = 'other',
}

/** The fixed consent purposes of the consent ledger; see also the `new_purpose:<name>` family. */
export enum ConsentPurpose {
  FaceBasic = 'face_basic',
  FaceAdditional = 'face_additional',
  Marketing = 'marketing',
  PartnerMarketing = 'partner_marketing',
  AffiliateSharing = 'affiliate_sharing',
  PersonalisedAds = 'personalised_ads',
  CrossBorder = 'cross_border',
}

export enum DataCategory {
  Account = 'account',
  DeviceAccess = 'device_access',
  FaceBasic = 'face_basic',
  FaceAdditional = 'face_additional',
  Consents = 'consents',
  PublishedContent = 'published_content',
  Transactions = 'transactions',
  SearchKeywords = 'search_keywords',
  Violations = 'violations',
}

export const REQUEST_TYPES: readonly RequestType[] = Object.values(RequestType);

/** Request types whose approval makes a copy of the subject's data (PIPL Art. 45). */
export const COPY_TYPES: readonly RequestType[] = [RequestType.Access, RequestType.CopyTransfer];

/** Request types that erase data: the same legal-hold rules apply to what they keep (PIPL Art. 47 para. 2). */
export const ERASURE_TYPES: readonly RequestType[] = [RequestType.DeleteAccount, RequestType.DeleteData];
export const OUTCOMES: readonly Outcome[] = Object.values(Outcome);
export const RECIPIENT_KINDS: readonly RecipientKind[] = Object.values(RecipientKind);
export const CONSENT_PURPOSES: readonly ConsentPurpose[] = Object.values(ConsentPurpose);
export const DATA_CATEGORIES: readonly DataCategory[] = Object.values(DataCategory);

/**
 * Purposes the policy does not state (face.use.6) are consented to one by one as
 * `new_purpose:<name>`. The rules refer to the whole family as `new_purpose:*`.
 */
export const NEW_PURPOSE_PREFIX = 'new_purpose:';
export const NEW_PURPOSE_FAMILY = 'new_purpose:*';
export type NewPurpose = `new_purpose:${string}`;
export type ConsentPurposeKey = ConsentPurpose | NewPurpose;

/**
 * What a clause id looks like (`3.c`, `face.retain.2`): lowercase letters and digits in dotted
 * segments. The parser names clauses so; every input that names a clause is checked against this.
 */
export const CLAUSE_ID_PATTERN = /^[a-z0-9]+(\.[a-z0-9]+)*$/;
export const CLAUSE_ID_MAX_LENGTH = 64;
export const CLAUSE_ID_HINT = 'a clause id such as 3.c or face.retain.2';

const NEW_PURPOSE_PATTERN = /^new_purpose:[a-z0-9][a-z0-9_.-]{0,63}$/;

export function isNewPurpose(value: string): value is NewPurpose {
  return NEW_PURPOSE_PATTERN.test(value);
}

export function isConsentPurposeKey(value: string): value is ConsentPurposeKey {
  return isEnumValue(CONSENT_PURPOSES, value) || isNewPurpose(value);
}

export function isEnumValue<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// The parsed policy text
// ---------------------------------------------------------------------------------------------

/** One citable unit of the policy, named by its stable id (`3.c`, `face.retain.2`, …). */
export interface PolicyClause {
  id: string;
  /** The heading the clause stands under in the text, when it has one of its own. */
  heading?: string;
  /** The authoritative Chinese text, with the operator's name filled in. */
  text: string;
  /** 1-based line numbers of the Markdown source the clause was assembled from. */
  lines: number[];
}

export type ParseWarningCode = 'missing_section' | 'missing_item' | 'split_clause_joined' | 'operator_name_filled' | 'unterminated_clause';

/** A defect of the published text that the parser coped with; shown to whoever publishes it. */
export interface ParseWarning {
  code: ParseWarningCode;
  message: string;
  line: number;
}

export interface ParsedPolicy {
  title: string;
  /** Hex SHA-256 of the raw Markdown, so a stored version can prove which text it was built from. */
  sha256: string;
  clauses: PolicyClause[];
  warnings: ParseWarning[];
}

// ---------------------------------------------------------------------------------------------
// The justification rules of one policy version (plain data, JSON-serialisable)
// ---------------------------------------------------------------------------------------------

/** What can justify one outcome of one request type. */
export interface OutcomeRule {
  /** policy clauses that can justify it */
  clauses: string[];
  /** statutory provisions (law catalogue ids, `PIPL.47`) that can justify it */
  law: string[];
  /** the decision must cite one of `law`: a clause alone never carries this outcome */
  needsLaw: boolean;
}

/** What can justify each outcome of each request type; an absent outcome means "never". */
export type RequestRules = Record<RequestType, Partial<Record<Outcome, OutcomeRule>>>;

/** Outcomes that take something from the subject: a clause superseded by law never carries them alone. */
export const RIGHT_REDUCING_OUTCOMES: readonly Outcome[] = [Outcome.Reject, Outcome.Partial, Outcome.Extend];

export interface RecipientBasisRule {
  /** The clauses that can be the basis of a disclosure to this kind of recipient. */
  basis: string[];
  /**
   * For the basis clauses that rest on the subject's consent: the consent purposes of which at
   * least one must be on file when that clause is cited for this kind of recipient.
   */
  consentRequired: Record<string, ConsentPurposeKey[]>;
}

export interface CrossBorderRule {
  /** ISO 3166-1 alpha-2 code of the country the information is stored in (face.retain.1). */
  homeCountry: string;
  consent: ConsentPurpose;
  clause: string;
}

export interface DisclosureRules {
  /** Clauses that are consent-based whatever the recipient: each use must name its consent. */
  consentBasedClauses: string[];
  crossBorder: CrossBorderRule;
  recipients: Partial<Record<RecipientKind, RecipientBasisRule>>;
}

export interface PolicyRules {
  /** Every clause id of the policy version the rules were validated against. */
  clauseIds: string[];
  requests: RequestRules;
  disclosures: DisclosureRules;
  /** Consent purpose (or `new_purpose:*`) → the clause it is given under. */
  consentPurposes: Record<ConsentPurpose | typeof NEW_PURPOSE_FAMILY, string>;
  dataCategories: Record<DataCategory, string[]>;
}
