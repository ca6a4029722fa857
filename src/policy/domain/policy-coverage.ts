import { JustifiedDecision, outcomesJustifiedBy, recipientKindsBasedOn } from './justification';
import { PolicyYamlReader } from './policy-yaml.reader';
import { PolicyRules, RecipientKind } from './policy.types';

/**
 * Every clause of a version has one standing (product.md, "The law above the policy"). coverage.yaml
 * declares three of them; the fourth, `rule`, is every clause the justification rules name that
 * coverage.yaml does not list. A clause with no standing at all stops the version from loading.
 */
export const STANDINGS = ['mechanism', 'rule', 'informational', 'superseded_by_law'] as const;
export type Standing = (typeof STANDINGS)[number];

export type DeclaredStanding =
  | { standing: 'mechanism'; where: string }
  | { standing: 'informational'; reason: string }
  | { standing: 'superseded_by_law'; supersededBy: string[]; reason: string };

/** coverage.yaml as read: clause id → its declared standing. */
export type PolicyCoverage = Record<string, DeclaredStanding>;

/** A clause's standing as `GET /policy/coverage` shows it. */
export interface ClauseStanding {
  id: string;
  standing: Standing;
  /** mechanism: where in the product it is enforced */
  where?: string;
  /** rule (and a superseded clause the rules still name, beside a provision): the decisions it can justify */
  justifies?: JustifiedDecision[];
  /** rule: the kinds of recipient it can be the basis of a disclosure to */
  recipientKinds?: RecipientKind[];
  /** informational, superseded_by_law: why */
  reason?: string;
  /** superseded_by_law: the provisions that prevail */
  supersededBy?: string[];
}

const DECLARED = ['mechanism', 'informational', 'superseded_by_law'];

export function parsePolicyCoverage(yamlText: string, rules: PolicyRules, lawIds: readonly string[]): PolicyCoverage {
  const yaml = new PolicyYamlReader(yamlText, 'clause coverage');
  const known = new Set(rules.clauseIds);
  const law = new Set(lawIds);
  const coverage: PolicyCoverage = {};
  /** listed, even with a defect: a defect is reported where it is written, not again as "no standing" */
  const listed = new Set<string>();
  const top = yaml.entries(yaml.root, 'the coverage file', 1);
  yaml.refuseUnknownKeys(top, ['clauses'], 'the coverage file');
  const clauses = top.find((e) => e.key.value === 'clauses');
  if (!clauses) yaml.report(1, 'the coverage file is missing "clauses"');
  for (const { key, value } of clauses ? yaml.entries(clauses.value, 'clauses', clauses.key.line) : []) {
    const where = `clauses.${key.value}`;
    listed.add(key.value);
    if (!known.has(key.value)) yaml.report(key.line, `unknown clause "${key.value}" in the coverage file: this policy version has no such clause`);
    const fields = yaml.entries(value, where, key.line);
    const field = (name: string) => {
      const entry = fields.find((f) => f.key.value === name);
      return entry ? yaml.string(entry.value, `${where}.${name}`, entry.key.line)?.value : undefined;
    };
    const standing = field('standing');
    if (standing === 'rule') {
      yaml.report(key.line, `${where}: "rule" is not declared here; it is every clause the justification rules name`);
      continue;
    }
    if (!standing || !DECLARED.includes(standing)) {
      yaml.report(key.line, `${where}.standing must be one of: ${DECLARED.join(', ')}`);
      continue;
    }
    const allowed = (
      { mechanism: ['standing', 'where'], informational: ['standing', 'reason'], superseded_by_law: ['standing', 'supersededBy', 'reason'] } as Record<
        string,
        string[]
      >
    )[standing];
    yaml.refuseUnknownKeys(fields, allowed ?? [], where);
    if (standing === 'mechanism') {
      const at = field('where');
      if (!at) yaml.report(key.line, `${where} needs "where": the place in the product that enforces it`);
      else coverage[key.value] = { standing: 'mechanism', where: at };
    } else if (standing === 'informational') {
      const reason = field('reason');
      if (!reason) yaml.report(key.line, `${where} needs "reason"`);
      else coverage[key.value] = { standing: 'informational', reason };
    } else {
      const reason = field('reason');
      const listEntry = fields.find((f) => f.key.value === 'supersededBy');
      const by = listEntry ? yaml.stringList(listEntry.value, `${where}.supersededBy`, listEntry.key.line) : [];
      for (const id of by)
        if (!law.has(id.value)) yaml.report(id.line, `unknown provision "${id.value}" in ${where}.supersededBy: the law catalogue has no such provision`);
      if (!listEntry) yaml.report(key.line, `${where} needs "supersededBy": the provisions that prevail`);
      if (!reason) yaml.report(key.line, `${where} needs "reason"`);
      if (reason && by.length > 0) coverage[key.value] = { standing: 'superseded_by_law', supersededBy: by.map((b) => b.value), reason };
    }
  }
  const named = namedByRules(rules);
  for (const id of rules.clauseIds)
    if (!named.has(id) && !listed.has(id)) yaml.report(1, `clause ${id} has no standing: list it in the coverage file or name it in the rules`);
  yaml.throwIfIssues();
  return coverage;
}

/** Each clause of the version with its standing, in the text's order. */
export function clauseStandings(rules: PolicyRules, coverage: PolicyCoverage): ClauseStanding[] {
  return rules.clauseIds.map((id) => {
    const declared = coverage[id];
    const justifies = outcomesJustifiedBy(rules, id);
    const recipientKinds = recipientKindsBasedOn(rules, id);
    const ruleFields = { ...(justifies.length > 0 && { justifies }), ...(recipientKinds.length > 0 && { recipientKinds }) };
    if (!declared) return { id, standing: 'rule', ...ruleFields };
    if (declared.standing === 'superseded_by_law') return { id, ...declared, ...ruleFields };
    return { id, ...declared };
  });
}

/** The clauses a superseding provision has overtaken: never alone a ground to reduce a right. */
export function supersededClauses(coverage: PolicyCoverage): Set<string> {
  return new Set(Object.entries(coverage).flatMap(([id, s]) => (s.standing === 'superseded_by_law' ? [id] : [])));
}

/** Every clause the rules name anywhere: request outcomes, disclosure bases, consent purposes, data categories. */
function namedByRules(rules: PolicyRules): Set<string> {
  const ids = new Set<string>();
  for (const outcomes of Object.values(rules.requests)) for (const rule of Object.values(outcomes)) rule?.clauses.forEach((id) => ids.add(id));
  rules.disclosures.consentBasedClauses.forEach((id) => ids.add(id));
  ids.add(rules.disclosures.crossBorder.clause);
  for (const rule of Object.values(rules.disclosures.recipients)) rule?.basis.forEach((id) => ids.add(id));
  Object.values(rules.consentPurposes).forEach((id) => ids.add(id));
  Object.values(rules.dataCategories).forEach((list) => list.forEach((id) => ids.add(id)));
  return ids;
}
