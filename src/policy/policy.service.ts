import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, ErrorKind } from '../common/errors/app-error';
import {
  checkDisclosureBasis,
  checkJustification,
  clauseForConsentPurpose,
  DisclosureBasisQuery,
  justifyingClauses,
  outcomesJustifiedBy,
} from './domain/justification';
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
   * The version in force as this process last read it, for a write that makes "still in force"
   * (VERSION_IN_FORCE_SQL) its statement's condition instead of asking first: publishing is rare, so the guess is nearly
   * always right, and a wrong one writes nothing (call `versionInForceChanged` and try again).
   */
  async lastSeenVersion(): Promise<number> {
    this.lastSeen ??= await this.currentVersion();
    return this.lastSeen;
  }

  versionInForceChanged(): void {
    this.lastSeen = null;
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

  /** The clauses of `version` that could justify `outcome` for a request of `requestType`, with their text: what a reviewer may cite. */
  async justifyingClauses(version: number, requestType: RequestType, outcome: Outcome): Promise<CitedClause[]> {
    const v = await this.get(version);
    return this.cite(version, justifyingClauses(v.rules, requestType, outcome));
  }

  /**
   * What a withdrawal of consent cites, checked like any decision: the clauses that give the subject
   * the right to withdraw whatever the purpose (those of the version's justifying clauses that
   * belong to no purpose: face.use.3 in version 1), then each withdrawn purpose's own clause. A
   * `face_basic` withdrawal needs the former: its clause (face.collect.1) says the information is
   * necessary, and justifies no withdrawal.
   */
  async withdrawalCitation(version: number, purposes: readonly ConsentPurposeKey[]): Promise<CitedClause[]> {
    const { rules } = await this.get(version);
    const ofSomePurpose = new Set(Object.values(rules.consentPurposes));
    const general = justifyingClauses(rules, RequestType.WithdrawConsent, Outcome.Approve).filter((id) => !ofSomePurpose.has(id));
    const own = purposes.map((purpose) => clauseForConsentPurpose(rules, purpose));
    return this.assertJustified(version, RequestType.WithdrawConsent, Outcome.Approve, [...new Set([...general, ...own])]);
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
