import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { OneStatement } from '../database/one-statement';
import { checkDisclosureBasis, checkJustification, clauseForConsentPurpose, DisclosureBasisQuery, outcomesJustifiedBy } from './domain/justification';
import { ConsentPurposeKey, Outcome, RequestType } from './domain/policy.types';
import { clauseNotFound, clausesDoNotJustify, PolicyErrorCode, unknownClauses, versionNotFound } from './policy.errors';
import { PolicyRepository } from './policy.repository';
import type { CitedClause, PolicyVersion } from './policy-version';

/**
 * What the rest of the system asks of the policy. Versions never change once published, so they
 * are cached by number; "which version is in force" is asked of the database each time, except by
 * writes that check it in their own statement (`lastSeenVersion`).
 */
@Injectable()
export class PolicyService {
  private readonly cache = new Map<number, Promise<PolicyVersion | null>>();
  private lastSeen: number | null = null;

  constructor(private readonly repo: PolicyRepository) {}

  /** The number of the version in force; requests pin it when they are filed. */
  async currentVersion(manager?: EntityManager): Promise<number> {
    const v = await this.repo.currentVersionNumber(manager);
    if (v === null) throw new AppError(ErrorKind.Unavailable, PolicyErrorCode.NoPolicy, 'No policy version has been published yet');
    return v;
  }

  /**
   * The version in force as this process last read it, for a write that makes `pinsVersionInForce`
   * its statement's condition instead of asking first: publishing is rare, so the guess is nearly
   * always right, and a wrong one writes nothing (call `versionInForceChanged` and try again).
   */
  async lastSeenVersion(): Promise<number> {
    this.lastSeen ??= await this.currentVersion();
    return this.lastSeen;
  }

  versionInForceChanged(): void {
    this.lastSeen = null;
  }

  /** Makes `statement` write nothing unless `version` is still in force when it runs. */
  pinsVersionInForce(statement: OneStatement, version: number): void {
    statement.onlyIf(this.repo.inForceIs(statement, version));
  }

  async current(): Promise<PolicyVersion> {
    return this.get(await this.currentVersion());
  }

  async get(version: number): Promise<PolicyVersion> {
    if (!this.cache.has(version)) {
      const loading = this.repo.load(version);
      this.cache.set(version, loading);
      // A version that does not exist yet may be published later: do not remember its absence.
      loading.then(
        (v) => v ?? this.cache.delete(version),
        () => this.cache.delete(version),
      );
    }
    const v = await this.cache.get(version);
    if (!v) throw versionNotFound(version);
    return v;
  }

  listVersions() {
    return this.repo.versionNumbers();
  }

  /** One clause with every decision it can justify under its version. */
  async clause(id: string, version?: number) {
    const v = await this.get(version ?? (await this.currentVersion()));
    const clause = v.clauses.find((c) => c.id === id);
    if (!clause) throw clauseNotFound(id, v.version);
    return { ...clause, version: v.version, justifies: outcomesJustifiedBy(v.rules, id) };
  }

  /** The cited clauses with their text; 422 listing the valid ids when one does not exist in the version. */
  async cite(version: number, clauseIds: readonly string[]): Promise<CitedClause[]> {
    const v = await this.get(version);
    const byId = new Map(v.clauses.map((c) => [c.id, c]));
    const unknown = clauseIds.filter((id) => !byId.has(id));
    if (unknown.length > 0) throw unknownClauses(unknown, version, [...byId.keys()]);
    return [...new Set(clauseIds)].map((id) => ({ id, text: byId.get(id)!.text, version }));
  }

  /**
   * The check every decision, extension and appeal goes through: the cited clauses must exist in
   * the version the request was filed under, and one must justify this outcome for this type.
   * Returns the cited clauses with their text, or throws 422 with `justifyingClauses`.
   */
  async assertJustified(version: number, requestType: RequestType, outcome: Outcome, clauseIds: readonly string[]): Promise<CitedClause[]> {
    const v = await this.get(version);
    const result = checkJustification(v.rules, { requestType, outcome, clauses: clauseIds });
    if (result.unknownClauses.length > 0) throw unknownClauses(result.unknownClauses, version, v.rules.clauseIds);
    if (!result.justified) throw clausesDoNotJustify(clauseIds, result.justifyingClauses, `"${outcome}" for a ${requestType} request`, version);
    return this.cite(version, clauseIds);
  }

  /** The disclosure register's check (recipient kind ↔ basis, consents on file, cross-border). */
  async assertDisclosureBasis(version: number, query: DisclosureBasisQuery): Promise<CitedClause[]> {
    const v = await this.get(version);
    const result = checkDisclosureBasis(v.rules, query);
    if (result.unknownClauses.length > 0) throw unknownClauses(result.unknownClauses, version, v.rules.clauseIds);
    if (!result.allowed)
      throw new AppError(
        ErrorKind.Unprocessable,
        PolicyErrorCode.BasisDoesNotFit,
        result.missingConsents.length > 0 && result.unacceptableClauses.length === 0
          ? `The subject has not consented to ${result.missingConsents.join(', ')}`
          : `The basis does not fit a disclosure to a recipient of kind ${query.recipientKind}; cite one of ${result.acceptableBasis.join(', ')}`,
        {
          acceptableBasis: result.acceptableBasis,
          unacceptableClauses: result.unacceptableClauses,
          missingConsents: result.missingConsents,
          policyVersion: version,
        },
      );
    return this.cite(version, query.basis);
  }

  /** The clause a consent purpose is given (and withdrawn) under, with its text. */
  async purposeClause(version: number, purpose: ConsentPurposeKey): Promise<CitedClause> {
    const v = await this.get(version);
    const [clause] = await this.cite(version, [clauseForConsentPurpose(v.rules, purpose)]);
    return clause;
  }
}
