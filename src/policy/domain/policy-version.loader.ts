import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePolicyCoverage, PolicyCoverage } from './policy-coverage';
import { parsePolicyGlosses, PolicyGlosses } from './policy-glosses';
import { parsePolicyMarkdown } from './policy-parser';
import { parsePolicyRules } from './policy-rules';
import { ParsedPolicy, PolicyRules } from './policy.types';

export interface BundledPolicyVersion {
  /** The published text, byte for byte (its sha256 is `parsed.sha256`). */
  markdown: string;
  parsed: ParsedPolicy;
  rules: PolicyRules;
  /** rules.yaml as written, kept with the version so that a later draft can carry it over. */
  rulesSource: string;
  coverage: PolicyCoverage;
  /** coverage.yaml as written */
  coverageSource: string;
  glosses: PolicyGlosses;
}

// Resolved from this file so that it works from src/ under ts-node/jest and from dist/ after
// `nest build`, which copies src/policy/versions/** beside the compiled code (nest-cli.json assets).
const VERSION_1_DIR = path.join(__dirname, '..', 'versions', 'v1');

/**
 * Reads and checks policy version 1 as shipped with the code. Any defect of the rules, coverage or
 * glosses (an unknown clause or provision id, a clause with no standing, a missing gloss) throws PolicyParseError: the service must not start on a
 * policy it cannot cite correctly.
 */
export function loadBundledVersion1(operatorName: string, lawIds: readonly string[]): BundledPolicyVersion {
  const markdown = readVersionFile('privacy-policy.zh-CN.md');
  const parsed = parsePolicyMarkdown(markdown, { operatorName });
  const clauseIds = parsed.clauses.map((clause) => clause.id);
  const rulesSource = readVersionFile('rules.yaml');
  const rules = parsePolicyRules(rulesSource, clauseIds, lawIds);
  const coverageSource = readVersionFile('coverage.yaml');
  return {
    markdown,
    parsed,
    rules,
    rulesSource,
    coverage: parsePolicyCoverage(coverageSource, rules, lawIds),
    coverageSource,
    glosses: parsePolicyGlosses(readVersionFile('glosses.yaml'), clauseIds),
  };
}

function readVersionFile(name: string): string {
  return readFileSync(path.join(VERSION_1_DIR, name), 'utf8');
}
