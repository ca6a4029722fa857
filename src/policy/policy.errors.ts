import { AppError, ErrorKind } from '../common/errors/app-error';
import type { DisclosureBasisResult } from './domain/justification';
import type { PolicyParseIssue } from './domain/policy-parse.error';
import type { RecipientKind } from './domain/policy.types';

export enum PolicyErrorCode {
  VersionNotFound = 'policy_version_not_found',
  ClauseNotFound = 'clause_not_found',
  UnknownClauses = 'unknown_clauses',
  ClausesDoNotJustify = 'clauses_do_not_justify',
  BasisDoesNotFit = 'disclosure_basis_does_not_fit',
  PolicyInvalid = 'policy_invalid',
  VersionMoved = 'policy_version_moved',
  NoPolicy = 'no_policy_in_force',
  CoverageNotRecorded = 'coverage_not_recorded',
}

export const versionNotFound = (version: number) => AppError.notFound(PolicyErrorCode.VersionNotFound, `Policy version ${version} does not exist`);

export const clauseNotFound = (id: string, version: number) =>
  AppError.notFound(PolicyErrorCode.ClauseNotFound, `Clause ${id} does not exist in policy version ${version}`);

export const unknownClauses = (unknown: string[], version: number, validClauses: string[]) =>
  new AppError(ErrorKind.Unprocessable, PolicyErrorCode.UnknownClauses, `Policy version ${version} has no clause ${unknown.join(', ')}`, {
    unknownClauses: unknown,
    validClauses,
    policyVersion: version,
  });

export const clausesDoNotJustify = (
  cited: readonly string[],
  rule: { justifyingClauses: string[]; justifyingLaw: string[]; needsLaw: boolean },
  what: string,
  version: number,
) => {
  const options = rule.needsLaw ? rule.justifyingLaw : [...rule.justifyingClauses, ...rule.justifyingLaw];
  return new AppError(
    ErrorKind.Unprocessable,
    PolicyErrorCode.ClausesDoNotJustify,
    options.length === 0
      ? `Policy version ${version} and the law catalogue have nothing that can justify ${what}`
      : rule.needsLaw
        ? `Nothing cited (${cited.join(', ') || 'none'}) justifies ${what} under policy version ${version}: it needs a provision of law; cite one of ${options.join(', ')}`
        : `Nothing cited (${cited.join(', ') || 'none'}) justifies ${what} under policy version ${version}; cite one of ${options.join(', ')}`,
    { justifyingClauses: rule.justifyingClauses, justifyingLaw: rule.justifyingLaw, needsLaw: rule.needsLaw, policyVersion: version },
  );
};

export const coverageNotRecorded = (version: number) =>
  AppError.notFound(PolicyErrorCode.CoverageNotRecorded, `Policy version ${version} was published before clause standings were kept`);

export const policyInvalid = (issues: PolicyParseIssue[], source: string) =>
  new AppError(ErrorKind.Unprocessable, PolicyErrorCode.PolicyInvalid, `The ${source} cannot be published: ${issues.length} problem(s)`, {
    issues,
  });

export const versionMoved = (expected: number, actual: number) =>
  new AppError(ErrorKind.Conflict, PolicyErrorCode.VersionMoved, `The version in force is ${actual}, not ${expected}; review the impact again`, {
    currentVersion: actual,
  });

/**
 * A disclosure whose basis does not fit its recipient, or whose facts are not on record: the message
 * names, for each problem, the subject (where it is theirs), the clause or provision, and what is
 * missing; `missing` lists them all.
 */
export const disclosureBasisDoesNotFit = (kind: RecipientKind, result: DisclosureBasisResult, version: number) => {
  const problems = [
    ...(result.unacceptableClauses.length > 0
      ? [
          `${result.unacceptableClauses.join(', ')} cannot be the basis of a disclosure to a recipient of kind ${kind}; cite one of ${result.acceptableBasis.join(', ')}`,
        ]
      : []),
    ...result.missing.map((m) => `${m.subjectId ? `subject ${m.subjectId}: ` : ''}${m.cites} requires ${m.missing}`),
  ];
  const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
  return new AppError(ErrorKind.Unprocessable, PolicyErrorCode.BasisDoesNotFit, `The disclosure cannot be recorded: ${shown || 'it cites no basis'}`, {
    acceptableBasis: result.acceptableBasis,
    unacceptableClauses: result.unacceptableClauses,
    missing: result.missing,
    policyVersion: version,
  });
};
