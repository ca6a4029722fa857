import { AllowedNetworks } from '../common/net/reachable-address';
import { AppConfig } from '../config/app-config';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PasswordStepUp } from '../auth/password-step-up';
import { actorOf, SYSTEM_ACTOR } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { isUniqueViolation } from '../common/errors/database-errors';
import { ConsentsService } from '../consents/consents.service';
import { NotificationKind } from '../notifications/notification-kind';
import { NewNotice } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { ConsentPurposeKey, COPY_TYPES, ERASURE_TYPES, Outcome, RequestType } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import { RequestAction } from './domain/request-lifecycle';
import { RequestStatus } from './domain/request-status';
import { DeleteAccountRequestDto, NewRequestDto, WithdrawConsentRequestDto } from './dto/new-request.dto';
import { ageOn, CHILD_AGE_LIMIT, OnBehalfRelation, representedKey } from './domain/on-behalf';
import { endpointProblem } from './domain/transfer-endpoint';
import { EvidenceService } from '../evidence';
import { IdentityService, identityNotVerified } from '../identity';
import { RequestSummary, RequestView } from './dto/request-view.dto';
import { AppealDto, ReplyDto } from './dto/subject-actions.dto';
import { APPEAL_WINDOW_DAYS, appealDeadline } from './domain/appeal-window';
import { RequestDeadlines } from './request-deadlines';
import { RequestEvent } from './request-event.entity';
import { RequestLifecycle, TransitionResult } from './request-lifecycle.service';
import { iso } from '../common/time/iso';
import { RequestViews } from './request-views';
import {
  alreadyAppealed,
  appealWindowClosed,
  dateOfBirthRequired,
  duplicateOpenRequest,
  endpointNotAllowed,
  evidenceRequired,
  idempotencyKeyReused,
  interestRequired,
  notAChild,
  onBehalfNotPossible,
  passwordNotConfirmed,
  policyInFlux,
  requestNotFound,
} from './requests.errors';
import { FiledRow, FilingRepository } from './filing.repository';
import { IDEMPOTENCY_KEY, NewRequestRow, ONE_OPEN_PER_TYPE, RequestsRepository } from './requests.repository';
import { RequestDetails, SubjectRequest } from './subject-request.entity';

/** The answer to a submission: a new request (201), or the one an Idempotency-Key already made (200). */
export interface Submission {
  replayed: boolean;
  request: RequestView;
}

/** A request just filed, with the whole of its timeline as the filing wrote it. */
interface Filed {
  request: SubjectRequest;
  timeline: RequestEvent[];
}

/** Filings in a row that may find a newer policy version in force than the one they were pinned to. */
const MAX_FILING_ATTEMPTS = 3;

/** The request types that copy, change or erase data: filed only with a verified link to the app account. */
const LINK_REQUIRED: readonly RequestType[] = [...COPY_TYPES, RequestType.Correction, ...ERASURE_TYPES];

/** How many of their own requests a subject's list shows. */
const OWN_LIST_LIMIT = 200;

/** What the subject reads as the reason of a withdrawal the system granted. */
const WITHDRAWAL_REASON =
  '已按您的请求撤回同意，立即生效；撤回前基于您的同意已进行的处理不受影响。' +
  ' Consent withdrawn at your request, effective at once; processing based on it before the withdrawal is unaffected.';

/**
 * The subject's side of a request: filing (with its step-up, idempotency and one-open-per-type
 * rules), following, cancelling, answering staff's question and appealing a rejection. Every
 * change goes through RequestLifecycle, in one transaction with its notices.
 */
@Injectable()
export class RequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: RequestsRepository,
    private readonly filings: FilingRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly views: RequestViews,
    private readonly deadlines: RequestDeadlines,
    private readonly policy: PolicyService,
    private readonly consents: ConsentsService,
    private readonly notifications: NotificationsService,
    private readonly stepUp: PasswordStepUp,
    private readonly evidence: EvidenceService,
    private readonly identity: IdentityService,
    config: AppConfig,
  ) {
    this.transferNetworks = new AllowedNetworks(config.env.TRANSFER_ALLOWED_NETWORKS);
  }

  /** Where a copy may be sent besides public addresses (TRANSFER_ALLOWED_NETWORKS: a test's own receiver). */
  private readonly transferNetworks: AllowedNetworks;

  /**
   * A replay (same Idempotency-Key and body, the password aside) answers the earlier request before
   * any step-up: it files nothing, and its answer must not depend on the password sent.
   */
  async submit(user: AuthUser, dto: NewRequestDto, idempotencyKey: string | undefined, clientAddress: string): Promise<Submission> {
    const fingerprint = idempotencyKey ? fingerprintOf(dto) : null;
    if (idempotencyKey) {
      const earlier = await this.replay(user, idempotencyKey, fingerprint as string);
      if (earlier) return earlier;
    }
    await this.assertFileable(user, dto, new Date());
    if (dto.type === RequestType.DeleteAccount) await this.confirmPassword(user, dto, clientAddress);
    try {
      const filed = await this.file(user, dto, idempotencyKey ?? null, fingerprint);
      // The whole timeline was written by this filing: answer from it rather than read it back.
      return { replayed: false, request: await this.views.forSubjectWithTimeline(filed.request, filed.timeline) };
    } catch (err) {
      // A concurrent submission with the same key committed first: answer as it was answered. It
      // may surface on either index (it is also the open request of this type).
      if (idempotencyKey && (isUniqueViolation(err, IDEMPOTENCY_KEY) || isUniqueViolation(err, ONE_OPEN_PER_TYPE))) {
        const earlier = await this.replay(user, idempotencyKey, fingerprint as string);
        if (earlier) return earlier;
      }
      if (isUniqueViolation(err, ONE_OPEN_PER_TYPE)) {
        const open = await this.repo.findOpenOfType(user.id, dto.type, representedKey(dto.onBehalfOf));
        throw duplicateOpenRequest(open?.id ?? null, dto.type);
      }
      throw err;
    }
  }

  async list(user: AuthUser): Promise<RequestSummary[]> {
    const requests = await this.repo.listOwn(user.id, OWN_LIST_LIMIT);
    return requests.map((r) => this.views.summary(r));
  }

  async get(user: AuthUser, id: string): Promise<RequestView> {
    return this.views.forSubject(await this.owned(user, id));
  }

  /** Before a decision only; 409 `already_decided` after. */
  async cancel(user: AuthUser, id: string): Promise<RequestView> {
    const request = await this.owned(user, id);
    this.lifecycle.assertAllowed(request, RequestAction.Cancel, user.role);
    const { request: cancelled } = await this.dataSource.transaction((manager) =>
      this.lifecycle.apply(manager, { request, action: RequestAction.Cancel, actor: actorOf(user) }),
    );
    return this.views.forSubject(cancelled);
  }

  /**
   * Answers staff's question: back to `in_review`. If the question paused the clock, the deadline
   * moves later by the time spent waiting, but never past the type's ceiling from submission; if it
   * did not (the deletion review, or a question after the pauses were used), the deadline stays.
   */
  async reply(user: AuthUser, id: string, dto: ReplyDto): Promise<RequestView> {
    const request = await this.owned(user, id);
    this.lifecycle.assertAllowed(request, RequestAction.Reply, user.role);
    const { request: resumed } = await this.dataSource.transaction((manager) =>
      this.lifecycle.apply(manager, {
        request,
        action: RequestAction.Reply,
        actor: actorOf(user),
        changes: { resumeClock: true },
        record: (updated) => ({ note: dto.message, data: resumedClock(request, updated, this.deadlines.ceiling(request.type, request.submittedAt)) }),
      }),
    );
    return this.views.forSubject(resumed);
  }

  /**
   * Once, after a rejection: legal decides it, on a fresh deadline of the request's type. The appeal
   * leaves the hands of whoever rejected the request: it waits, unassigned, for legal.
   */
  async appeal(user: AuthUser, id: string, dto: AppealDto): Promise<RequestView> {
    const request = await this.owned(user, id);
    this.lifecycle.assertAllowed(request, RequestAction.Appeal, user.role);
    if (request.appealedAt) throw alreadyAppealed();
    if (request.closedAt && appealDeadline(request.closedAt).getTime() < Date.now()) throw appealWindowClosed(request.closedAt, APPEAL_WINDOW_DAYS);
    const { request: appealed } = await this.dataSource.transaction(async (manager) => {
      const dueAt = this.deadlines.dueAt(request.type, await this.repo.transactionTime(manager));
      return this.lifecycle.apply(manager, {
        request,
        action: RequestAction.Appeal,
        actor: actorOf(user),
        changes: { markAppealed: true, dueAt, clearOverdueFlag: true, assigneeId: null },
        record: { note: dto.statement, data: { dueAt: iso(dueAt) } },
      });
    });
    return this.views.forSubject(appealed);
  }

  /**
   * Files a request: the request, its first timeline entry, its audit event and (for a request
   * staff will decide) the subject's receipt, computed here and written by the filing's one
   * statement. It is pinned to the version in force as this process last saw it and writes nothing
   * if another has been published since: then it reads the new one and files again.
   *
   * A request the system decides at once (a withdrawal of consent) is filed the same way, inside the
   * transaction that then decides it, so that it exists only with its decision.
   */
  private async file(user: AuthUser, dto: NewRequestDto, key: string | null, fingerprint: string | null): Promise<Filed> {
    for (let attempt = 1; ; attempt += 1) {
      const row = this.newRow(user, dto, key, fingerprint, new Date(), await this.policy.lastSeenVersion());
      const filed =
        dto.type === RequestType.WithdrawConsent
          ? await this.dataSource.transaction((manager) => this.fileAndWithdraw(manager, user, row, dto))
          : await this.fileForReview(user, row, dto.onBehalfOf?.evidence ?? []);
      if (filed) return filed;
      this.policy.versionInForceChanged();
      if (attempt === MAX_FILING_ATTEMPTS) throw policyInFlux();
    }
  }

  /**
   * A request staff will decide, with its receipt; null when the version pinned is no longer in
   * force. Filed for someone else, it takes its evidence with it in the same transaction: an upload
   * that is not the filer's, or is already another request's, files nothing (404).
   */
  private async fileForReview(user: AuthUser, row: NewRequestRow, evidence: string[]): Promise<Filed | null> {
    const receipt = this.notifications.prepare({
      userId: user.id,
      kind: NotificationKind.RequestReceived,
      data: { requestId: row.id, requestType: row.type, dueAt: iso(row.dueAt) },
    });
    if (evidence.length === 0) {
      const filed = await this.insertFiling(this.dataSource.manager, user, row, receipt);
      if (filed) this.notifications.written(this.dataSource.manager);
      return filed;
    }
    const filed = await this.dataSource.transaction(async (manager) => {
      const written = await this.insertFiling(manager, user, row, receipt);
      if (written) await this.evidence.attach(manager, user.id, evidence, row.id);
      return written;
    });
    if (filed) this.notifications.written(this.dataSource.manager);
    return filed;
  }

  /** A withdrawal of consent, filed and decided by the system in the caller's transaction. */
  private async fileAndWithdraw(manager: EntityManager, user: AuthUser, row: NewRequestRow, dto: WithdrawConsentRequestDto): Promise<Filed | null> {
    const filed = await this.insertFiling(manager, user, row, null);
    if (!filed) return null;
    const { request: completed, event: decided } = await this.withdrawAtOnce(manager, filed.request, dto);
    return { request: completed, timeline: [...filed.timeline, decided] };
  }

  private async insertFiling(manager: EntityManager, user: AuthUser, row: NewRequestRow, receipt: NewNotice | null): Promise<Filed | null> {
    // Whom it is filed for is on the timeline and in the audit trail by relation only, never by name.
    const relation = row.details.onBehalfOf?.relation;
    const { entry, audit } = this.lifecycle.submission(asFiled(row), actorOf(user), {
      data: { dueAt: iso(row.dueAt), ...(relation && { onBehalfOf: relation }) },
    });
    const written: FiledRow | null = await this.filings.insert(manager, { request: row, entry, audit, receipt });
    if (!written) return null;
    const { eventId, eventN, ...request } = written;
    return { request, timeline: [{ ...entry, id: eventId, n: eventN, at: row.submittedAt }] };
  }

  /** The row a filing inserts: pinned to a policy version, due by the configured deadline. */
  private newRow(user: AuthUser, dto: NewRequestDto, key: string | null, fingerprint: string | null, submittedAt: Date, policyVersion: number): NewRequestRow {
    return {
      id: randomUUID(),
      subjectId: user.id,
      subjectRef: user.subjectRef,
      type: dto.type,
      policyVersion,
      details: detailsOf(dto),
      represented: representedKey(dto.onBehalfOf),
      submittedAt,
      dueAt: this.deadlines.dueAt(dto.type, submittedAt),
      idempotencyKey: key,
      idempotencyFingerprint: fingerprint,
    };
  }

  /**
   * A withdrawal of consent is decided by the system in the transaction that files it: the ledger
   * records it (refusing `face_basic` without confirmation) and schedules the erasure of withdrawn
   * facial data, and the decision cites each purpose's clause, checked like any other decision.
   */
  private async withdrawAtOnce(manager: EntityManager, request: SubjectRequest, dto: WithdrawConsentRequestDto): Promise<TransitionResult> {
    const withdrawn = await this.consents.withdrawForRequest(
      manager,
      { id: request.subjectId, subjectRef: request.subjectRef },
      dto.purposes as ConsentPurposeKey[],
      request.policyVersion,
      { confirmFaceBasic: dto.confirmFaceBasic === true, requestId: request.id },
    );
    // Withdrawing a facial consent scheduled the erasure of that facial data (PIPL Art. 47(1)(3)): the subject reads which.
    const erasureScheduled = withdrawn.flatMap((w) => (w.erasureScheduled ? [w.erasureScheduled] : []));
    const cited = await this.policy.withdrawalCitation(
      request.policyVersion,
      withdrawn.map((w) => w.purpose),
    );
    const decided = await this.lifecycle.apply(manager, {
      request,
      action: RequestAction.Decide,
      to: RequestStatus.Completed,
      actor: SYSTEM_ACTOR,
      record: {
        outcome: Outcome.Approve,
        clauses: cited.clauses.map((c) => c.id),
        law: cited.law.map((p) => p.id),
        reason: WITHDRAWAL_REASON,
        data: {
          purposes: withdrawn.map((w) => w.purpose),
          previousStates: withdrawn.map((w) => w.previousState),
          ...(erasureScheduled.length > 0 && { erasureScheduled }),
        },
      },
    });
    await this.notifications.enqueue(manager, {
      userId: request.subjectId,
      kind: NotificationKind.RequestDecided,
      data: { requestId: request.id, requestType: request.type, outcome: Outcome.Approve, clauses: cited.clauses.map((c) => c.id) },
    });
    return decided;
  }

  /**
   * The step-up of a deletion (PasswordStepUp: counted toward the lockout, audited, refused while
   * locked). With a deletion already open the answer is 409 whatever the password, which is then
   * neither tried nor counted: a 409 for a right password and a 403 for a wrong one would tell them apart.
   */
  private async confirmPassword(user: AuthUser, dto: DeleteAccountRequestDto, clientAddress: string): Promise<void> {
    const open = await this.repo.findOpenOfType(user.id, RequestType.DeleteAccount, representedKey(dto.onBehalfOf));
    if (open) throw duplicateOpenRequest(open.id, RequestType.DeleteAccount);
    if (!(await this.stepUp.confirm(user, dto.password, clientAddress))) throw passwordNotConfirmed();
  }

  /**
   * What a body's shape cannot say and must hold before anything is written (422): who may file for
   * whom, with what proof; and where a copy may be sent. An upload id that is not the filer's is
   * found out when the filing takes it (404), in the filing's transaction.
   */
  private async assertFileable(user: AuthUser, dto: NewRequestDto, now: Date): Promise<void> {
    const behalf = dto.onBehalfOf;
    // Data is copied, changed or erased only for the app user the subject proved to be (a one-time
    // code to the contact the operator's records hold). Filed for someone else, the proof of the
    // relation is weighed by staff instead, and the person's app account is found by them.
    if (!behalf && LINK_REQUIRED.includes(dto.type) && !(await this.identity.linkOf(user.id))) throw identityNotVerified();
    if (behalf) {
      if (dto.type === RequestType.WithdrawConsent) throw onBehalfNotPossible(dto.type);
      if (!behalf.evidence?.length) throw evidenceRequired(behalf.relation);
      if (behalf.relation === OnBehalfRelation.Guardian) {
        if (!behalf.dateOfBirth) throw dateOfBirthRequired();
        const age = ageOn(behalf.dateOfBirth, now);
        if (age < 0 || age >= CHILD_AGE_LIMIT) throw notAChild(age, CHILD_AGE_LIMIT);
      }
      if (behalf.relation === OnBehalfRelation.RelativeOfDeceased && !behalf.statement?.trim()) throw interestRequired();
    }
    if (dto.type === RequestType.CopyTransfer && dto.sendTo) {
      const problem = await endpointProblem(dto.sendTo.endpoint, undefined, (address) => this.transferNetworks.reachable(address));
      if (problem) throw endpointNotAllowed(problem);
    }
  }

  /** The request an Idempotency-Key made before; 422 if that key came with another body. */
  private async replay(user: AuthUser, key: string, fingerprint: string): Promise<Submission | null> {
    const earlier = await this.repo.findByIdempotencyKey(user.id, key);
    if (!earlier) return null;
    if (earlier.idempotencyFingerprint !== fingerprint) throw idempotencyKeyReused(earlier.id);
    return { replayed: true, request: await this.views.forSubject(earlier) };
  }

  private async owned(user: AuthUser, id: string): Promise<SubjectRequest> {
    const request = await this.repo.findOwned(user.id, id);
    if (!request) throw requestNotFound();
    return request;
  }
}

/**
 * What a request keeps of its body besides its type (its `details`): what each type asks for, the
 * subject's note, and whom it is filed for. Never the password.
 */
function detailsOf(dto: NewRequestDto): RequestDetails {
  const own: RequestDetails = (() => {
    switch (dto.type) {
      case RequestType.WithdrawConsent:
        return { purposes: dto.purposes, confirmFaceBasic: dto.confirmFaceBasic === true };
      case RequestType.Correction:
        return {
          items: dto.items.map((i) => ({
            category: i.category,
            field: i.field,
            ...(i.currentValue !== undefined && { currentValue: i.currentValue }),
            correctedValue: i.correctedValue,
            explanation: i.explanation,
          })),
        };
      case RequestType.CopyTransfer:
        return { format: dto.format, ...(dto.sendTo && { sendTo: { name: dto.sendTo.name, endpoint: dto.sendTo.endpoint } }) };
      case RequestType.Explanation:
        return { question: dto.question };
      case RequestType.DeleteData:
        return { categories: dto.categories };
      default:
        return {};
    }
  })();
  const behalf = dto.onBehalfOf;
  return {
    ...own,
    ...(dto.note !== undefined && { note: dto.note }),
    ...(behalf && {
      onBehalfOf: {
        relation: behalf.relation,
        name: behalf.name,
        ...(behalf.dateOfBirth !== undefined && { dateOfBirth: behalf.dateOfBirth }),
        ...(behalf.statement !== undefined && { statement: behalf.statement }),
        evidence: behalf.evidence ?? [],
      },
    }),
  };
}

/** A request as `insertIn` writes it, before any change: what its first timeline entry and audit event describe. */
function asFiled(row: NewRequestRow): SubjectRequest {
  return {
    ...row,
    status: RequestStatus.Submitted,
    version: 1,
    awaitingSince: null,
    questionAskedAt: null,
    clockPauses: 0,
    extendedAt: null,
    appealedAt: null,
    assigneeId: null,
    overdueFlaggedAt: null,
    closedAt: null,
    updatedAt: row.submittedAt,
  };
}

/** What the reply's timeline entry says of the clock: how long it was paused and where the deadline went, or that it ran on. */
function resumedClock(asked: SubjectRequest, replied: SubjectRequest, ceiling: Date): Record<string, unknown> {
  if (!asked.awaitingSince) return { clockPaused: false, dueAt: iso(replied.dueAt) };
  return {
    clockPaused: true,
    clockPausedAt: iso(asked.awaitingSince),
    clockResumedAt: iso(replied.updatedAt),
    pausedSeconds: Math.round((replied.updatedAt.getTime() - asked.awaitingSince.getTime()) / 1000),
    previousDueAt: iso(asked.dueAt),
    dueAt: iso(replied.dueAt),
    // The pause would have carried the deadline past the type's ceiling: it stops there.
    ...(replied.dueAt.getTime() >= ceiling.getTime() ? { dueAtCeiling: true } : {}),
  };
}

/** SHA-256 of the body with sorted keys, without the password (which is never stored in any form). */
function fingerprintOf(dto: NewRequestDto): string {
  const { password: _password, ...rest } = dto as NewRequestDto & { password?: string };
  const canonical = JSON.stringify(rest, Object.keys(rest).sort());
  return createHash('sha256').update(canonical).digest('hex');
}
