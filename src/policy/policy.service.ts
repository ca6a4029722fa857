import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, ErrorKind } from '../common/errors/app-error';
import {
  checkDisclosureBasis,
  checkJustification,
  clauseForConsentPurpose,
  DisclosureBasisQuery,
  justifyingClauses,
  outcomeRule,
  outcomesJustifiedBy,
} from './domain/justification';
import { ClauseStanding, clauseStandings, supersededClauses } from './domain/policy-coverage';
import { CitedProvision, LawService } from '../law';
import { ConsentPurposeKey, DataCategory, Outcome, RequestType } from './domain/policy.types';
import {
  clauseNotFound,
  clausesDoNotJustify,
  coverageNotRecorded,
  disclosureBasisDoesNotFit,
  PolicyErrorCode,
  unknownClauses,
  versionNotFound,
} from './policy.errors';
import { PolicyRepository } from './policy.repository';
import type { CitedClause, PolicyVersion } from './policy-version';

/** What a decision cites, with the texts: clauses of its policy version, and provisions of the law. */
export interface CitedDecision {
  clauses: CitedClause[];
  law: CitedProvision[];
}

/**
 * What the rest of the system asks of the policy. Versions never change once published, so they
 * are cached by number; "which version is in force" is asked of the database each time, except by
 * writes that check it in their own statement (`lastSeenVersion`).
 */
@Injectable()
export class PolicyService {
  private readonly cache = new Map<number, Promise<PolicyVersion | null>>();
  private lastSeen: number | null = null;

  constructor(
    private readonly repo: PolicyRepository,
    private readonly law: LawService,
  ) {}

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
   * the version the request was filed under and the cited provisions in the law catalogue, and one
   * of them must justify this outcome for this type (a provision, where the outcome needs law; never
   * a clause the law has superseded, where the outcome reduces a right). Returns what was cited with
   * its text, or throws 422 with `justifyingClauses` and `justifyingLaw`.
   */
  async assertJustified(
    version: number,
    requestType: RequestType,
    outcome: Outcome,
    clauseIds: readonly string[],
    lawIds: readonly string[] = [],
  ): Promise<CitedDecision> {
    const v = await this.get(version);
    const law = this.law.cite(lawIds);
    const result = checkJustification(v.rules, { requestType, outcome, clauses: clauseIds, law: lawIds }, supersededClauses(v.coverage ?? {}));
    if (result.unknownClauses.length > 0) throw unknownClauses(result.unknownClauses, version, v.rules.clauseIds);
    if (!result.justified) throw clausesDoNotJustify([...clauseIds, ...lawIds], result, `"${outcome}" for a ${requestType} request`, version);
    return { clauses: await this.cite(version, clauseIds), law };
  }

  /** What could justify `outcome` for a request of `requestType` under `version`, with the texts: what a reviewer may cite. */
  async justification(version: number, requestType: RequestType, outcome: Outcome): Promise<CitedDecision & { needsLaw: boolean }> {
    const v = await this.get(version);
    const rule = outcomeRule(v.rules, requestType, outcome);
    return { clauses: await this.cite(version, rule.clauses), law: this.law.cite(rule.law), needsLaw: rule.needsLaw };
  }

  /** Every clause of a version with its standing (`GET /policy/coverage`); 404 for a version published before standings were kept. */
  async coverage(version?: number): Promise<ClauseStanding[]> {
    const v = await this.get(version ?? (await this.currentVersion()));
    if (!v.coverage) throw coverageNotRecorded(v.version);
    return clauseStandings(v.rules, v.coverage);
  }

  /** Each data category's clauses under the rules of the version in force (its reading's latest revision). */
  async dataCategoryClauses(): Promise<Record<DataCategory, string[]>> {
    return (await this.current()).rules.dataCategories;
  }

  /** After a new revision of a version's reading: read it again on next use. */
  readingRevised(version: number): void {
    this.cache.delete(version);
  }

  /**
   * What a withdrawal of consent cites, checked like any decision: the clauses that give the subject
   * the right to withdraw whatever the purpose (those of the version's justifying clauses that
   * belong to no purpose: face.use.3 in version 1), then each withdrawn purpose's own clause. A
   * `face_basic` withdrawal needs the former: its clause (face.collect.1) says the information is
   * necessary, and justifies no withdrawal.
   */
  async withdrawalCitation(version: number, purposes: readonly ConsentPurposeKey[]): Promise<CitedDecision> {
    const { rules } = await this.get(version);
    const ofSomePurpose = new Set(Object.values(rules.consentPurposes));
    const general = justifyingClauses(rules, RequestType.WithdrawConsent, Outcome.Approve).filter((id) => !ofSomePurpose.has(id));
    const own = purposes.map((purpose) => clauseForConsentPurpose(rules, purpose));
    // The statute that gives the right to withdraw (PIPL Art. 15 in version 1's rules), beside the clauses.
    const law = outcomeRule(rules, RequestType.WithdrawConsent, Outcome.Approve).law;
    return this.assertJustified(version, RequestType.WithdrawConsent, Outcome.Approve, [...new Set([...general, ...own])], law);
  }

  /**
   * The disclosure register's check (recipient kind ↔ basis, and the facts the law asks for that
   * kind, those categories and that country, per subject): the cited clauses with their text, or
   * 422 `disclosure_basis_does_not_fit` naming each subject, clause or provision and what is missing.
   */
  async assertDisclosureBasis(version: number, query: DisclosureBasisQuery): Promise<CitedClause[]> {
    const v = await this.get(version);
    const result = checkDisclosureBasis(v.rules, query);
    if (result.unknownClauses.length > 0) throw unknownClauses(result.unknownClauses, version, v.rules.clauseIds);
    if (!result.allowed) throw disclosureBasisDoesNotFit(query.recipientKind, result, version);
    return this.cite(version, query.basis);
  }

  /** The clause a consent purpose is given (and withdrawn) under, with its text. */
  async purposeClause(version: number, purpose: ConsentPurposeKey): Promise<CitedClause> {
    const v = await this.get(version);
    const [clause] = await this.cite(version, [clauseForConsentPurpose(v.rules, purpose)]);
    return clause;
  }
}
