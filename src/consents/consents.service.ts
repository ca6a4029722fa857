import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../kernel/role';
import { AuditService } from '../audit/audit.service';
import { ErasureCause, ErasureSchedule } from '../fulfilment';
import type { Actor } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { CONSENT_PURPOSES, ConsentPurpose, ConsentPurposeKey, isConsentPurposeKey } from '../policy/domain/policy.types';
import type { CitedClause } from '../policy/policy-version';
import { PolicyService } from '../policy/policy.service';
import { ConsentSource, ConsentState, ConsentSubject, ConsentView, RecordedConsentState, WithdrawForRequestOptions, WithdrawnConsent } from './consent.types';
import { faceBasicNeedsConfirmation, noPurposes, unknownPurpose } from './consents.errors';
import { erasureOnWithdrawal } from './facial-withdrawal';
import { ConsentsRepository } from './consents.repository';
import { actorOf } from '../kernel/actor';

/**
 * The consent ledger. Every change is an event in `consent_events` (append-only) plus the current
 * state in `consents`, written together with its audit event. Granting is the subject's explicit
 * act (face.use.6: a new purpose is opt-in only, so nothing else grants); withdrawing goes through
 * a `withdraw_consent` request, which calls `withdrawForRequest` in the request's transaction.
 * Withdrawing a facial consent schedules the erasure of that facial data in the same transaction
 * (PIPL Art. 47(1)(3)), whichever way it is withdrawn: `change` does it for every withdrawal.
 */
@Injectable()
export class ConsentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: ConsentsRepository,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly erasures: ErasureSchedule,
  ) {}

  /** Every fixed purpose (in policy order) and every new purpose the subject has a record for. */
  async list(user: AuthUser): Promise<ConsentView[]> {
    const recorded = new Map((await this.repo.currentStates(user.id)).map((c) => [c.purpose, c]));
    const newPurposes = [...recorded.keys()].filter((p) => !(CONSENT_PURPOSES as readonly string[]).includes(p)).sort();
    const purposes = [...CONSENT_PURPOSES, ...newPurposes].filter(isConsentPurposeKey);
    let currentVersion: number | undefined;
    const views: ConsentView[] = [];
    for (const purpose of purposes) {
      const record = recorded.get(purpose);
      if (record) {
        // The clause as it read when the consent was given or withdrawn, not as it reads today.
        const [clause] = await this.policy.cite(record.policyVersion, [record.clauseId]);
        views.push(toView(purpose, record.state, record.changedAt, clause));
      } else {
        currentVersion ??= await this.policy.currentVersion();
        views.push(toView(purpose, ConsentState.Never, null, await this.policy.purposeClause(currentVersion, purpose)));
      }
    }
    return views;
  }

  /** The subject's explicit opt-in, under the policy version in force; audited as `consent.granted`. */
  async grant(user: AuthUser, purpose: string): Promise<ConsentView> {
    const key = assertPurposes([purpose])[0];
    return this.dataSource.transaction(async (manager) => {
      const version = await this.policy.currentVersion(manager);
      const clause = await this.policy.purposeClause(version, key);
      const recorded = await this.change(manager, user.id, key, ConsentState.Granted, clause, ConsentSource.Subject, null, actorOf(user));
      return toView(key, ConsentState.Granted, recorded.at, clause);
    });
  }

  /**
   * Withdraws `purposes` for a `withdraw_consent` request, in the caller's transaction (so it
   * happens if and only if the request commits), citing the clauses of `policyVersion` (the
   * version the request was filed under). Withdrawing a purpose that was never granted, or is
   * already withdrawn, is recorded too and is not an error. Throws 400 for an unknown purpose and
   * 422 `face_basic_needs_confirmation` for `face_basic` without `confirmFaceBasic`, before
   * writing anything. The events and audit carry the account's own `subject_ref`. A withdrawn
   * facial purpose reports the data category whose erasure now stands scheduled (`erasureScheduled`).
   */
  async withdrawForRequest(
    manager: EntityManager,
    subject: ConsentSubject,
    purposes: ConsentPurposeKey[],
    policyVersion: number,
    opts: WithdrawForRequestOptions,
  ): Promise<WithdrawnConsent[]> {
    const keys = assertPurposes(purposes);
    const clauses = new Map<ConsentPurposeKey, CitedClause>();
    for (const purpose of keys) clauses.set(purpose, await this.policy.purposeClause(policyVersion, purpose));
    if (keys.includes(ConsentPurpose.FaceBasic) && !opts.confirmFaceBasic) {
      throw faceBasicNeedsConfirmation(clauses.get(ConsentPurpose.FaceBasic)!);
    }
    const actor = { id: subject.id, role: Role.Subject };
    const withdrawn: WithdrawnConsent[] = [];
    for (const purpose of keys) {
      const clause = clauses.get(purpose)!;
      const recorded = await this.change(manager, subject.id, purpose, ConsentState.Withdrawn, clause, ConsentSource.Request, opts.requestId, actor);
      withdrawn.push({ purpose, clause, previousState: recorded.previousState, ...(recorded.erasure && { erasureScheduled: recorded.erasure.category }) });
    }
    return withdrawn;
  }

  /** The purposes this subject has granted now (e.g. for the disclosure register's consent check). */
  grantedPurposes(userId: string, manager?: EntityManager): Promise<string[]> {
    return this.repo.grantedPurposes(userId, manager);
  }

  private async change(
    manager: EntityManager,
    userId: string,
    purpose: ConsentPurposeKey,
    state: RecordedConsentState,
    clause: CitedClause,
    source: ConsentSource,
    requestId: string | null,
    actor: Actor,
  ) {
    const recorded = await this.repo.record(manager, {
      userId,
      purpose,
      state,
      policyVersion: clause.version,
      clauseId: clause.id,
      source,
      requestId,
    });
    await this.audit.record(manager, {
      action: state === ConsentState.Granted ? 'consent.granted' : 'consent.withdrawn',
      actor,
      entityType: 'consent',
      entityId: recorded.eventId,
      subjectRef: recorded.subjectRef,
      data: {
        purpose,
        clauseId: clause.id,
        policyVersion: clause.version,
        previousState: recorded.previousState,
        source,
        ...(requestId ? { requestId } : {}),
      },
    });
    // The erasure after the withdrawal's own audit event, citing the ledger event that caused it.
    const category = state === ConsentState.Withdrawn ? erasureOnWithdrawal(purpose) : null;
    const erasure = category
      ? await this.erasures.schedule(manager, {
          subjectId: userId,
          subjectRef: recorded.subjectRef,
          category,
          cause: ErasureCause.ConsentWithdrawn,
          requestId,
          consentEventId: recorded.eventId,
        })
      : null;
    return { ...recorded, erasure };
  }
}

/** The distinct purposes, in the order given; 400 listing the valid ones when any is unknown or none is given. */
function assertPurposes(purposes: readonly string[]): ConsentPurposeKey[] {
  if (purposes.length === 0) throw noPurposes();
  const unknown = purposes.filter((p) => typeof p !== 'string' || !isConsentPurposeKey(p));
  if (unknown.length > 0) throw unknownPurpose(unknown);
  return [...new Set(purposes as ConsentPurposeKey[])];
}

function toView(purpose: ConsentPurposeKey, state: ConsentState, changedAt: Date | null, clause: CitedClause): ConsentView {
  return { purpose, state, changedAt: changedAt ? new Date(changedAt).toISOString() : null, clause: { id: clause.id, text: clause.text } };
}
