import { LocatedString, PolicyYamlReader, YamlEntry } from './policy-yaml.reader';
import {
  CONSENT_PURPOSES,
  ConsentPurpose,
  ConsentPurposeKey,
  CrossBorderRule,
  DATA_CATEGORIES,
  DataCategory,
  DisclosureRules,
  isConsentPurposeKey,
  isEnumValue,
  NEW_PURPOSE_FAMILY,
  OUTCOMES,
  Outcome,
  OutcomeRule,
  PolicyRules,
  RECIPIENT_KINDS,
  RecipientBasisRule,
  REQUEST_TYPES,
  RequestRules,
} from './policy.types';

/**
 * Loads the justification rules of one policy version (rules.yaml) and checks them against that
 * version's clause ids. A rules file with any problem is refused as a whole (PolicyParseError, each
 * problem with its line): a half-loaded rule set would let a decision through that the policy
 * does not support, or refuse one it does.
 */
export function parsePolicyRules(yamlText: string, clauseIds: readonly string[], lawIds: readonly string[]): PolicyRules {
  return new PolicyRulesReader(yamlText, clauseIds, lawIds).read();
}

/**
 * Rules stored before a decision could cite law named only clauses per outcome (a list): read such a
 * list as clauses without provisions.
 */
export function upgradeStoredRules(rules: PolicyRules): PolicyRules {
  const requests = Object.fromEntries(
    Object.entries(rules.requests).map(([type, outcomes]) => [
      type,
      Object.fromEntries(
        Object.entries(outcomes as Record<string, OutcomeRule | string[]>).map(([outcome, rule]) => [
          outcome,
          Array.isArray(rule) ? { clauses: rule, law: [], needsLaw: false } : rule,
        ]),
      ),
    ]),
  ) as RequestRules;
  return { ...rules, requests };
}

const TOP_LEVEL_KEYS = ['requests', 'disclosures', 'consentPurposes', 'dataCategories'] as const;
const DISCLOSURE_KEYS = ['consentBasedClauses', 'crossBorder', 'recipients'] as const;
const CROSS_BORDER_KEYS = ['homeCountry', 'consent', 'clause'] as const;
const RECIPIENT_KEYS = ['basis', 'consentRequired'] as const;
const OUTCOME_RULE_KEYS = ['clauses', 'law', 'needs'] as const;
type ConsentPurposeRuleKey = ConsentPurpose | typeof NEW_PURPOSE_FAMILY;
const CONSENT_PURPOSE_KEYS: readonly ConsentPurposeRuleKey[] = [...CONSENT_PURPOSES, NEW_PURPOSE_FAMILY];
const COUNTRY_CODE = /^[A-Z]{2}$/;

/** An entry whose key has been checked to be one of a closed set of values. */
type KeyedEntry<K extends string> = YamlEntry & { key: { value: K } };

class PolicyRulesReader {
  private readonly yaml: PolicyYamlReader;
  private readonly knownClauses: ReadonlySet<string>;
  private readonly knownLaw: ReadonlySet<string>;

  constructor(
    yamlText: string,
    private readonly clauseIds: readonly string[],
    lawIds: readonly string[],
  ) {
    this.yaml = new PolicyYamlReader(yamlText, 'justification rules');
    this.knownClauses = new Set(clauseIds);
    this.knownLaw = new Set(lawIds);
  }

  read(): PolicyRules {
    const top = this.yaml.entries(this.yaml.root, 'the rules file', 1);
    this.yaml.refuseUnknownKeys(top, TOP_LEVEL_KEYS, 'the rules file');
    const requests = this.readRequests(this.required(top, 'requests', 'the rules file', 1));
    const disclosures = this.readDisclosures(this.required(top, 'disclosures', 'the rules file', 1));
    const consentPurposes = this.readConsentPurposes(this.required(top, 'consentPurposes', 'the rules file', 1));
    const dataCategories = this.readDataCategories(this.required(top, 'dataCategories', 'the rules file', 1));
    this.yaml.throwIfIssues();
    // Every reader above reports what it could not fill, so after throwIfIssues all four are whole.
    return {
      clauseIds: [...this.clauseIds],
      requests: requests as RequestRules,
      disclosures: disclosures as DisclosureRules,
      consentPurposes: consentPurposes as Record<ConsentPurposeRuleKey, string>,
      dataCategories: dataCategories as Record<DataCategory, string[]>,
    };
  }

  private readRequests(entry: YamlEntry | undefined): Partial<RequestRules> {
    const result: Partial<RequestRules> = {};
    if (!entry) {
      return result;
    }
    for (const typeEntry of this.keyedBy(entry, REQUEST_TYPES, 'request type', 'requests')) {
      const where = `requests.${typeEntry.key.value}`;
      const outcomes: Partial<Record<Outcome, OutcomeRule>> = {};
      for (const outcomeEntry of this.keyedBy(typeEntry, OUTCOMES, 'outcome', where)) {
        outcomes[outcomeEntry.key.value] = this.readOutcomeRule(outcomeEntry, `${where}.${outcomeEntry.key.value}`);
      }
      if (Object.keys(outcomes).length === 0) {
        this.yaml.report(typeEntry.key.line, `${where} names no outcome: a request type needs at least one`);
      }
      result[typeEntry.key.value] = outcomes;
    }
    this.requireAll(REQUEST_TYPES, result, entry.key.line, 'requests');
    return result;
  }

  /** `{ clauses?, law?, needs?: law }`: at least one list; `needs: law` needs a `law` list. */
  private readOutcomeRule(entry: YamlEntry, where: string): OutcomeRule {
    const entries = this.yaml.entries(entry.value, where, entry.key.line);
    this.yaml.refuseUnknownKeys(entries, OUTCOME_RULE_KEYS, where);
    const clausesEntry = entries.find((e) => e.key.value === 'clauses');
    const lawEntry = entries.find((e) => e.key.value === 'law');
    const needsEntry = entries.find((e) => e.key.value === 'needs');
    const clauses = clausesEntry ? this.clauseList(clausesEntry, `${where}.clauses`) : [];
    const law = lawEntry ? this.lawList(lawEntry, `${where}.law`) : [];
    if (!clausesEntry && !lawEntry) this.yaml.report(entry.key.line, `${where} names neither clauses nor law: leave the outcome out instead`);
    const needs = needsEntry ? this.yaml.string(needsEntry.value, `${where}.needs`, needsEntry.key.line) : undefined;
    if (needs && needs.value !== 'law') this.yaml.report(needs.line, `${where}.needs must be "law"`);
    if (needs?.value === 'law' && !lawEntry) this.yaml.report(needs.line, `${where}.needs is "law" but the outcome lists no law`);
    return { clauses, law, needsLaw: needs?.value === 'law' };
  }

  private lawList(entry: YamlEntry, where: string): string[] {
    return this.yaml
      .stringList(entry.value, where, entry.key.line)
      .filter((id) => {
        if (this.knownLaw.has(id.value)) return true;
        this.yaml.report(id.line, `unknown provision "${id.value}" in ${where}: the law catalogue has no such provision`);
        return false;
      })
      .map((id) => id.value);
  }

  private readDisclosures(entry: YamlEntry | undefined): Partial<DisclosureRules> {
    if (!entry) {
      return {};
    }
    const entries = this.yaml.entries(entry.value, 'disclosures', entry.key.line);
    this.yaml.refuseUnknownKeys(entries, DISCLOSURE_KEYS, 'disclosures');
    const consentBased = this.required(entries, 'consentBasedClauses', 'disclosures', entry.key.line);
    const crossBorder = this.required(entries, 'crossBorder', 'disclosures', entry.key.line);
    const recipients = this.required(entries, 'recipients', 'disclosures', entry.key.line);
    const consentBasedClauses = consentBased ? this.clauseList(consentBased, 'disclosures.consentBasedClauses') : [];
    return {
      consentBasedClauses,
      crossBorder: crossBorder ? this.readCrossBorder(crossBorder) : undefined,
      recipients: recipients ? this.readRecipients(recipients, consentBasedClauses) : {},
    };
  }

  private readCrossBorder(entry: YamlEntry): CrossBorderRule | undefined {
    const where = 'disclosures.crossBorder';
    const entries = this.yaml.entries(entry.value, where, entry.key.line);
    this.yaml.refuseUnknownKeys(entries, CROSS_BORDER_KEYS, where);
    const homeCountry = this.requiredString(entries, 'homeCountry', where, entry.key.line);
    const consent = this.requiredString(entries, 'consent', where, entry.key.line);
    const clause = this.requiredString(entries, 'clause', where, entry.key.line);
    if (homeCountry && !COUNTRY_CODE.test(homeCountry.value)) {
      this.yaml.report(homeCountry.line, `${where}.homeCountry must be an ISO 3166-1 alpha-2 code such as CN`);
    }
    if (consent && !isEnumValue(CONSENT_PURPOSES, consent.value)) {
      this.yaml.report(consent.line, `unknown consent purpose "${consent.value}" in ${where}.consent`);
    }
    if (clause) {
      this.checkClause(clause, `${where}.clause`);
    }
    if (!homeCountry || !consent || !clause || !isEnumValue(CONSENT_PURPOSES, consent.value)) {
      return undefined;
    }
    return { homeCountry: homeCountry.value, consent: consent.value, clause: clause.value };
  }

  private readRecipients(entry: YamlEntry, consentBasedClauses: string[]): DisclosureRules['recipients'] {
    const result: DisclosureRules['recipients'] = {};
    for (const kindEntry of this.keyedBy(entry, RECIPIENT_KINDS, 'recipient kind', 'disclosures.recipients')) {
      result[kindEntry.key.value] = this.readRecipient(kindEntry, consentBasedClauses);
    }
    return result;
  }

  private readRecipient(entry: YamlEntry, consentBasedClauses: string[]): RecipientBasisRule {
    const where = `disclosures.recipients.${entry.key.value}`;
    const entries = this.yaml.entries(entry.value, where, entry.key.line);
    this.yaml.refuseUnknownKeys(entries, RECIPIENT_KEYS, where);
    const basisEntry = this.required(entries, 'basis', where, entry.key.line);
    const basis = basisEntry ? this.clauseList(basisEntry, `${where}.basis`) : [];
    const consentEntry = entries.find((candidate) => candidate.key.value === 'consentRequired');
    const consentRequired = consentEntry ? this.readConsentRequired(consentEntry, basis, `${where}.consentRequired`) : {};
    const basisLine = basisEntry?.key.line ?? entry.key.line;
    this.requireConsentForConsentBasedClauses(basis, consentRequired, consentBasedClauses, basisLine, where);
    return { basis, consentRequired };
  }

  private readConsentRequired(entry: YamlEntry, basis: string[], where: string): Record<string, ConsentPurposeKey[]> {
    const result: Record<string, ConsentPurposeKey[]> = {};
    for (const clauseEntry of this.yaml.entries(entry.value, where, entry.key.line)) {
      const clause = clauseEntry.key;
      if (this.checkClause(clause, where) && !basis.includes(clause.value)) {
        this.yaml.report(clause.line, `${where} names ${clause.value}, which is not in the basis list above it`);
      }
      result[clause.value] = this.consentPurposeList(clauseEntry, `${where}.${clause.value}`);
    }
    return result;
  }

  /** A clause that rests on consent (3.a, …) is useless in a basis list unless it says which consent. */
  private requireConsentForConsentBasedClauses(
    basis: string[],
    consentRequired: Record<string, ConsentPurposeKey[]>,
    consentBasedClauses: string[],
    line: number,
    where: string,
  ): void {
    for (const clause of basis.filter((id) => consentBasedClauses.includes(id) && !(id in consentRequired))) {
      this.yaml.report(line, `${where}.basis lists the consent-based clause ${clause} but consentRequired names no consent for it`);
    }
  }

  private consentPurposeList(entry: YamlEntry, where: string): ConsentPurposeKey[] {
    const result: ConsentPurposeKey[] = [];
    for (const purpose of this.yaml.stringList(entry.value, where, entry.key.line)) {
      if (isConsentRequirement(purpose.value)) {
        result.push(purpose.value);
      } else {
        this.yaml.report(purpose.line, `unknown consent purpose "${purpose.value}" in ${where}`);
      }
    }
    return result;
  }

  private readConsentPurposes(entry: YamlEntry | undefined): Partial<Record<ConsentPurposeRuleKey, string>> {
    const result: Partial<Record<ConsentPurposeRuleKey, string>> = {};
    if (!entry) {
      return result;
    }
    for (const purposeEntry of this.keyedBy(entry, CONSENT_PURPOSE_KEYS, 'consent purpose', 'consentPurposes')) {
      const where = `consentPurposes.${purposeEntry.key.value}`;
      const clause = this.yaml.string(purposeEntry.value, where, purposeEntry.key.line);
      if (clause && this.checkClause(clause, where)) {
        result[purposeEntry.key.value] = clause.value;
      }
    }
    this.requireAll(CONSENT_PURPOSE_KEYS, result, entry.key.line, 'consentPurposes');
    return result;
  }

  private readDataCategories(entry: YamlEntry | undefined): Partial<Record<DataCategory, string[]>> {
    const result: Partial<Record<DataCategory, string[]>> = {};
    if (!entry) {
      return result;
    }
    for (const categoryEntry of this.keyedBy(entry, DATA_CATEGORIES, 'data category', 'dataCategories')) {
      result[categoryEntry.key.value] = this.clauseList(categoryEntry, `dataCategories.${categoryEntry.key.value}`);
    }
    this.requireAll(DATA_CATEGORIES, result, entry.key.line, 'dataCategories');
    return result;
  }

  /** The entries of a mapping whose keys must come from `allowed`; unknown keys are reported and dropped. */
  private keyedBy<K extends string>(entry: YamlEntry, allowed: readonly K[], what: string, where: string): KeyedEntry<K>[] {
    const result: KeyedEntry<K>[] = [];
    for (const child of this.yaml.entries(entry.value, where, entry.key.line)) {
      const value = child.key.value;
      if (isEnumValue(allowed, value)) {
        result.push({ key: { value, line: child.key.line }, value: child.value });
      } else {
        const expected = allowed.join(', ');
        this.yaml.report(child.key.line, `unknown ${what} "${value}" in ${where} (expected one of: ${expected})`);
      }
    }
    return result;
  }

  private clauseList(entry: YamlEntry, where: string): string[] {
    return this.yaml
      .stringList(entry.value, where, entry.key.line)
      .filter((clause) => this.checkClause(clause, where))
      .map((clause) => clause.value);
  }

  private checkClause(clause: LocatedString, where: string): boolean {
    if (this.knownClauses.has(clause.value)) {
      return true;
    }
    const message = `unknown clause "${clause.value}" in ${where}: this policy version has no such clause`;
    this.yaml.report(clause.line, message);
    return false;
  }

  private required(entries: YamlEntry[], key: string, where: string, line: number): YamlEntry | undefined {
    const found = entries.find((entry) => entry.key.value === key);
    if (!found) {
      this.yaml.report(line, `${where} is missing "${key}"`);
    }
    return found;
  }

  private requiredString(entries: YamlEntry[], key: string, where: string, line: number): LocatedString | undefined {
    const entry = this.required(entries, key, where, line);
    return entry ? this.yaml.string(entry.value, `${where}.${key}`, entry.key.line) : undefined;
  }

  private requireAll(keys: readonly string[], found: object, line: number, where: string): void {
    for (const key of keys.filter((candidate) => !(candidate in found))) {
      this.yaml.report(line, `${where} has no entry for "${key}"`);
    }
  }
}

/** A consent that can be required: a fixed purpose, one named new purpose, or any new purpose. */
function isConsentRequirement(value: string): value is ConsentPurposeKey {
  return value === NEW_PURPOSE_FAMILY || isConsentPurposeKey(value);
}
