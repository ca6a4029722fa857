import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PolicyParseError, PolicyParseIssue } from './policy-parse.error';
import { parsePolicyMarkdown } from './policy-parser';
import { parsePolicyRules } from './policy-rules';
import { LawService } from '../../law';

const VERSION_1_DIR = path.join(__dirname, '..', 'versions', 'v1');
const LAW_IDS = new LawService().ids();
const CLAUSE_IDS = parsePolicyMarkdown(readFileSync(path.join(VERSION_1_DIR, 'privacy-policy.zh-CN.md'), 'utf8'), {
  operatorName: 'ACME',
}).clauses.map((clause) => clause.id);

// A small but complete rule set; the comments give the line numbers the tests below rely on.
const MINIMAL_RULES = [
  'requests:', // 1
  '  access:', // 2
  '    approve: { clauses: [1.a], law: [PIPL.45] }', // 3
  '  withdraw_consent:', // 4
  '    approve: { clauses: [face.use.3] }', // 5
  '  delete_account:', // 6
  '    approve: { clauses: [face.retain.2] }', // 7
  '  disclosure_log:', // 8
  '    approve: { clauses: [3] }', // 9
  '  correction: { approve: { clauses: [1.a], law: [PIPL.46] } }', // 10
  '  copy_transfer: { approve: { law: [PIPL.45] } }', // 11
  '  explanation: { approve: { law: [PIPL.48], needs: law } }', // 12
  '  delete_data: { approve: { law: [PIPL.47] } }', // 13
  'disclosures:', // 14
  '  consentBasedClauses: [3.a]', // 15
  '  crossBorder:', // 16
  '    homeCountry: CN', // 17
  '    consent: cross_border', // 18
  '    clause: face.retain.1', // 19
  '  recipients:', // 20
  '    authority:', // 21
  '      basis: [3.c]', // 22
  'consentPurposes:', // 23
  '  face_basic: face.collect.1', // 24
  '  face_additional: face.collect.2', // 25
  '  marketing: 2.c', // 26
  '  partner_marketing: 2.c', // 27
  '  affiliate_sharing: face.share.2', // 28
  '  personalised_ads: face.share.3', // 29
  '  cross_border: face.retain.1', // 30
  '  "new_purpose:*": face.use.6', // 31
  'dataCategories:', // 32
  '  account: [1.a]', // 33
  '  device_access: [1.b]', // 34
  '  face_basic: [face.collect.1]', // 35
  '  face_additional: [face.collect.2]', // 36
  '  consents: [face.use.3]', // 37
  '  published_content: [1.excl.b]', // 38
  '  transactions: [1.excl.b]', // 39
  '  search_keywords: [1.excl.a]', // 40
  '  violations: [1.excl.c]', // 41
];

/** The minimal rules with some lines replaced (1-based); `undefined` removes the line. */
function rulesWith(replacements: Record<number, string | undefined>): string {
  return MINIMAL_RULES.flatMap((line, index) => {
    const number = index + 1;
    if (!(number in replacements)) {
      return [line];
    }
    const replacement = replacements[number];
    return replacement === undefined ? [] : [replacement];
  }).join('\n');
}

function issuesOf(yamlText: string): PolicyParseIssue[] {
  try {
    parsePolicyRules(yamlText, CLAUSE_IDS, LAW_IDS);
  } catch (error: unknown) {
    if (error instanceof PolicyParseError) {
      return error.issues;
    }
    throw error;
  }
  throw new Error('expected a PolicyParseError');
}

describe('parsePolicyRules', () => {
  it('loads a valid rule set, keeping numeric-looking clause ids as strings', () => {
    const rules = parsePolicyRules(MINIMAL_RULES.join('\n'), CLAUSE_IDS, LAW_IDS);
    expect(rules.requests.disclosure_log).toEqual({ approve: { clauses: ['3'], law: [], needsLaw: false } });
    expect(rules.requests.access).toEqual({ approve: { clauses: ['1.a'], law: ['PIPL.45'], needsLaw: false } });
    expect(rules.requests.explanation).toEqual({ approve: { clauses: [], law: ['PIPL.48'], needsLaw: true } });
    expect(rules.requests.delete_data).toEqual({ approve: { clauses: [], law: ['PIPL.47'], needsLaw: false } });
    expect(rules.disclosures.crossBorder).toEqual({ homeCountry: 'CN', consent: 'cross_border', clause: 'face.retain.1' });
    expect(rules.disclosures.recipients).toEqual({ authority: { basis: ['3.c'], consentRequired: {} } });
    expect(rules.consentPurposes['new_purpose:*']).toBe('face.use.6');
    expect(rules.clauseIds).toEqual(CLAUSE_IDS);
  });

  it('refuses a rule naming an unknown clause, at its line', () => {
    expect(issuesOf(rulesWith({ 3: '    approve: { clauses: [1.a, 9.z] }' }))).toEqual([
      { line: 3, message: 'unknown clause "9.z" in requests.access.approve.clauses: this policy version has no such clause' },
    ]);
  });

  it('refuses an unknown clause in the bundled rules file at the line it is written on', () => {
    const original = readFileSync(path.join(VERSION_1_DIR, 'rules.yaml'), 'utf8');
    const lines = original.split('\n');
    const target = lines.indexOf('    extend:') + 2; // the disclosure_log extend clauses, a block sequence
    expect(lines[target]).toBe('        - 3.c');
    lines[target] = '        - 3.z';
    expect(issuesOf(lines.join('\n'))).toEqual([
      { line: target + 1, message: 'unknown clause "3.z" in requests.disclosure_log.extend.clauses: this policy version has no such clause' },
    ]);
  });

  it('refuses unknown request types, outcomes, recipient kinds, purposes and categories', () => {
    const issues = issuesOf(
      rulesWith({
        4: '  withdraw:',
        7: '    approved: { clauses: [face.retain.2] }',
        21: '    police:',
        29: '  personalized_ads: face.share.3',
        40: '  search_terms: [1.excl.a]',
      }),
    );
    expect(issues.map((issue) => issue.line)).toEqual([1, 4, 6, 7, 21, 23, 29, 32, 40]);
    expect(issues.find((issue) => issue.line === 4)?.message).toContain('unknown request type "withdraw"');
    expect(issues.find((issue) => issue.line === 7)?.message).toContain('unknown outcome "approved"');
    expect(issues.find((issue) => issue.line === 21)?.message).toContain('unknown recipient kind "police"');
    expect(issues.find((issue) => issue.line === 29)?.message).toContain('unknown consent purpose "personalized_ads"');
    expect(issues.find((issue) => issue.line === 40)?.message).toContain('unknown data category "search_terms"');
    // The misspelt entries also leave their real keys without a rule, reported at the section.
    expect(issues.find((issue) => issue.line === 1)?.message).toBe('requests has no entry for "withdraw_consent"');
    expect(issues.find((issue) => issue.line === 6)?.message).toContain('requests.delete_account names no outcome');
    expect(issues.find((issue) => issue.line === 23)?.message).toBe('consentPurposes has no entry for "personalised_ads"');
    expect(issues.find((issue) => issue.line === 32)?.message).toBe('dataCategories has no entry for "search_keywords"');
  });

  it('refuses a rule set that leaves a request type out, naming it, even one that has no clause of its own', () => {
    expect(issuesOf(rulesWith({ 10: undefined, 13: undefined }))).toEqual([
      { line: 1, message: 'requests has no entry for "correction"' },
      { line: 1, message: 'requests has no entry for "delete_data"' },
    ]);
  });

  it('refuses a duplicate key, at the line of the second one', () => {
    const issues = issuesOf(rulesWith({ 3: '    approve: { clauses: [1.a] }\n    approve: { clauses: [1.b] }' }));
    expect(issues).toHaveLength(1);
    expect(issues[0].line).toBe(4);
    expect(issues[0].message).toContain('Map keys must be unique');
  });

  it('refuses an empty list and a clause listed twice', () => {
    expect(issuesOf(rulesWith({ 5: '    approve: { clauses: [] }' }))).toEqual([
      { line: 5, message: 'requests.withdraw_consent.approve.clauses must not be empty (leave the entry out instead)' },
    ]);
    expect(issuesOf(rulesWith({ 33: '  account: [1.a, 1.a]' }))).toEqual([{ line: 33, message: '"1.a" is listed twice in dataCategories.account' }]);
  });

  it('refuses a consent-based basis that names no consent, and a consent for a clause not in the basis', () => {
    expect(issuesOf(rulesWith({ 22: '      basis: [3.c, 3.a]' }))).toEqual([
      {
        line: 22,
        message: 'disclosures.recipients.authority.basis lists the consent-based clause 3.a but consentRequired names no consent for it',
      },
    ]);
    expect(issuesOf(rulesWith({ 22: '      basis: [3.c]\n      consentRequired:\n        3.a: [marketing]' }))).toEqual([
      { line: 24, message: 'disclosures.recipients.authority.consentRequired names 3.a, which is not in the basis list above it' },
    ]);
  });

  it('refuses an unknown consent purpose in a consent requirement and a malformed home country', () => {
    const issues = issuesOf(rulesWith({ 17: '    homeCountry: China', 22: '      basis: [3.a]\n      consentRequired:\n        3.a: [everything]' }));
    expect(issues).toEqual([
      { line: 17, message: 'disclosures.crossBorder.homeCountry must be an ISO 3166-1 alpha-2 code such as CN' },
      { line: 24, message: 'unknown consent purpose "everything" in disclosures.recipients.authority.consentRequired.3.a' },
    ]);
  });

  it('refuses unknown keys and missing sections', () => {
    const issues = issuesOf(rulesWith({ 14: 'disclosure:' }));
    expect(issues).toEqual([
      { line: 1, message: 'the rules file is missing "disclosures"' },
      { line: 14, message: 'unknown key "disclosure" in the rules file (expected one of: requests, disclosures, consentPurposes, dataCategories)' },
    ]);
  });

  it('reads provisions beside clauses, and an outcome that needs law', () => {
    const rules = parsePolicyRules(rulesWith({ 3: '    partial: { clauses: [1.excl.a], law: [PIPL.18, PIPL.35], needs: law }' }), CLAUSE_IDS, LAW_IDS);
    expect(rules.requests.access).toEqual({ partial: { clauses: ['1.excl.a'], law: ['PIPL.18', 'PIPL.35'], needsLaw: true } });
    expect(parsePolicyRules(rulesWith({ 3: '    reject: { law: [GBT35273.8.7], needs: law }' }), CLAUSE_IDS, LAW_IDS).requests.access).toEqual({
      reject: { clauses: [], law: ['GBT35273.8.7'], needsLaw: true },
    });
  });

  it('refuses an unknown provision, a need for law with no law, an unknown need, and an outcome naming nothing', () => {
    expect(issuesOf(rulesWith({ 3: '    approve: { clauses: [1.a], law: [PIPL.45, PIPL.999] }' }))).toEqual([
      { line: 3, message: 'unknown provision "PIPL.999" in requests.access.approve.law: the law catalogue has no such provision' },
    ]);
    expect(issuesOf(rulesWith({ 3: '    approve: { clauses: [1.a], needs: law }' }))).toEqual([
      { line: 3, message: 'requests.access.approve.needs is "law" but the outcome lists no law' },
    ]);
    expect(issuesOf(rulesWith({ 3: '    approve: { clauses: [1.a], needs: clauses }' }))).toEqual([
      { line: 3, message: 'requests.access.approve.needs must be "law"' },
    ]);
    expect(issuesOf(rulesWith({ 3: '    approve: { because: [1.a] }' }))).toEqual([
      { line: 3, message: 'unknown key "because" in requests.access.approve (expected one of: clauses, law, needs)' },
      { line: 3, message: 'requests.access.approve names neither clauses nor law: leave the outcome out instead' },
    ]);
  });

  it('refuses YAML that does not parse', () => {
    const issues = issuesOf('requests:\n  access: [\n');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((issue) => issue.line > 0)).toBe(true);
  });
});
