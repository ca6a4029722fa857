import type { PolicyGlosses } from './domain/policy-glosses';
import type { ParseWarning, PolicyClause, PolicyRules } from './domain/policy.types';

export interface ClauseChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/** A published version as the service hands it out; immutable once published. */
export interface PolicyVersion {
  version: number;
  publishedAt: Date;
  major: boolean;
  title: string;
  sha256: string;
  clauses: (PolicyClause & { gloss?: string })[];
  rules: PolicyRules;
  rulesSource: string;
  glosses: PolicyGlosses;
  warnings: ParseWarning[];
  changes: ClauseChanges;
  sourceMarkdown: string;
}

/** A clause as a decision quotes it: the Chinese text of the version the request was filed under. */
export interface CitedClause {
  id: string;
  text: string;
  version: number;
}
