import type { PolicyGlosses } from './domain/policy-glosses';
import type { PolicyCoverage } from './domain/policy-coverage';
import type { ParseWarning, PolicyClause, PolicyRules } from './domain/policy.types';

export interface ClauseChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/** A published version as the service hands it out; its text is immutable once published, its reading revised only by a new revision. */
export interface PolicyVersion {
  version: number;
  publishedAt: Date;
  major: boolean;
  title: string;
  sha256: string;
  clauses: (PolicyClause & { gloss?: string })[];
  /** The rules of the latest revision of the product's reading (or, with none, those published with it). */
  rules: PolicyRules;
  rulesSource: string;
  /** Each clause's declared standing; null for a version published before standings were kept. */
  coverage: PolicyCoverage | null;
  coverageSource: string | null;
  /** Which revision of the reading `rules` and `coverage` are (0: as published, none since). */
  rulesRevision: number;
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
