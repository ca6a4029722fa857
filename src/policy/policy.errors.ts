import { AppError, ErrorKind } from '../common/errors/app-error';
import type { PolicyParseIssue } from './domain/policy-parse.error';

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
