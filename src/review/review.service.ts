import { IdentityService } from '../identity';
import { FulfilmentStarter } from './fulfilment-starter';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { actorOf } from '../kernel/actor';
import { Role } from '../kernel/role';
import type { AuthUser } from '../kernel/auth-user';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { NotificationData, NotificationKind } from '../notifications/notification-kind';
import { NotificationsService } from '../notifications/notifications.service';
import { OUTCOMES, Outcome } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import { iso } from '../common/time/iso';
import {
  ClauseView,
  RequestAction,
  RequestLifecycle,
  RequestDeadlines,
  RequestReader,
  requestNotFound,
  RequestStatus,
  staffFields,
  StaffRequestView,
  statusAfterDecision,
  SubjectRequest,
  TransitionInput,
  TransitionRecord,
  appealBy,
  OPEN_STATUSES,
} from '../requests';
import { SubjectErrorCode } from '../subjects/subjects.errors';
import { SubjectsService } from '../subjects/subjects.service';
import { AskDto, AssignDto, ConfirmDecisionDto, DecisionDto, ExtendDto, NameRepresentedDto, TakeDto } from './dto/decision.dto';
import { DEFAULT_QUEUE_LIMIT, QueueQueryDto } from './dto/queue-query.dto';
import {
  DecisionLawOptions,
  DecisionOptions,
  LawOption,
  PreviewEntryView,
  QueueItem,
  QueuePage,
  RepresentedAccountView,
  StaffRequestPage,
} from './dto/review-view.dto';
import { decodeCursor, encodeCursor } from './queue-cursor';
import { QueueRow, ReviewRepository } from './review.repository';
import {
  alreadyClaimed,
  alreadyExtended,
  assigneeNotReviewer,
  deadlinePassed,
  deciderCannotReviewAppeal,
  extensionBeyondCeiling,
  extensionInPast,
  extensionNotLater,
  notHeld,
  nothingToRetry,
  notHolder,
  notOnBehalf,
  ownDecision,
  ownRequest,
  reasonRequired,
  requestClosed,
  takeReasonRequired,
} from './review.errors';
import { HoldsService } from '../holds';
import { DataMapService, ManualSteps } from '../fulfilment';
import { ExportsService } from '../exports';
import { ErasureJob, ErasureStepsRepository, RecipientNotices } from '../erasure';
import { CorrectionJob } from '../corrections';
import { AuditService } from '../audit/audit.service';
import { DECISION_TERMS, decisionTerms } from './domain/decision-terms';

/** A notice of any kind with its own data; to the subject unless `userId` names another account. */
type ReviewNotice = { [K in NotificationKind]: { kind: K; data: NotificationData<K>; userId?: string } }[NotificationKind];

/** What a review action asks of the lifecycle, and the notices it sends in the same transaction. */
type ReviewTransition = Omit<TransitionInput, 'request' | 'action' | 'actor'> & {
  notices?: (updated: SubjectRequest) => ReviewNotice[];
  /** a check that must hold in the same transaction as the change (and may lock what it read) */
  before?: (manager: EntityManager) => Promise<unknown>;
};

/** Outcomes a subject must be given a reason for. */
const OUTCOMES_NEEDING_REASON: readonly Outcome[] = [Outcome.Reject, Outcome.Partial];

/**
 * The staff workflow: the queue, claiming, asking the subject, extending a deadline once, deciding,
 * and (legal) deciding appeals. Every decision and extension is checked by the policy's one
 * justification check (PolicyService.assertJustified) against the version the request was filed
 * under, before anything is written; every change goes through RequestLifecycle.
 */
@Injectable()
export class ReviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: ReviewRepository,
    private readonly requests: RequestReader,
    private readonly lifecycle: RequestLifecycle,
    private readonly policy: PolicyService,
    private readonly subjects: SubjectsService,
    private readonly notifications: NotificationsService,
    private readonly accounts: AccountsRepository,
    private readonly deadlines: RequestDeadlines,
    private readonly holds: HoldsService,
    private readonly dataMap: DataMapService,
    private readonly manualSteps: ManualSteps,
    private readonly recipientNotices: RecipientNotices,
    private readonly fulfilment: FulfilmentStarter,
    private readonly identity: IdentityService,
    private readonly exports: ExportsService,
    private readonly erasure: ErasureJob,
    private readonly erasureSteps: ErasureStepsRepository,
    private readonly corrections: CorrectionJob,
    private readonly audit: AuditService,
  ) {}

  async queue(user: AuthUser, query: QueueQueryDto): Promise<QueuePage> {
    const limit = query.limit ?? DEFAULT_QUEUE_LIMIT;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const assigneeId = query.assignee === 'me' ? user.id : query.assignee === 'none' ? null : query.assignee?.toLowerCase();
    const rows = await this.repo.findQueuePage(
      {
        status: query.status,
        type: query.type,
        overdue: query.overdue === true,
        assigneeId,
        onBehalf: query.onBehalf,
        relation: query.relation,
        failing: query.failing === true,
      },
      limit,
      after,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(queueItem),
      nextCursor: rows.length > limit ? encodeCursor({ dueMicros: last.dueMicros, id: last.id }) : null,
      failing: await this.repo.countFailing(),
    };
  }

  /** The request, its subject (masked), and the clauses that could justify each outcome for its type. */
  async get(_user: AuthUser, id: string): Promise<StaffRequestPage> {
    const request = await this.find(id);
    return {
      ...(await this.requests.staffView(request)),
      subject: await this.maskedSubject(request.subjectId),
      ...(await this.options(request)),
      preview: await this.preview(request),
      export: await this.exports.statusOf(request.id),
      erasure: (await this.erasureSteps.ofRequest(request.id)).map((s) => ({ ...s, at: iso(s.at) })),
      corrections: (await this.corrections.steps(request.id)).map((s) => ({ ...s, at: iso(s.at) })),
      manualSteps: await this.manualSteps.ofRequest(request.id),
      recipientNotices: await this.recipientNotices.ofRequest(request.id),
      representedAccount: await this.representedAccount(request),
    };
  }

  private async representedAccount(request: SubjectRequest): Promise<RepresentedAccountView | null> {
    if (!request.details.onBehalfOf) return null;
    const named = await this.identity.representedOf(request.id);
    return named && { appUserId: named.appUserId, namedBy: named.namedBy, namedAt: iso(named.namedAt), note: named.note };
  }

  async claim(user: AuthUser, id: string): Promise<StaffRequestView> {
    const request = await this.find(id);
    this.lifecycle.assertAllowed(request, RequestAction.Claim, user.role);
    if (request.subjectId === user.id) throw ownRequest();
    await this.assertNotDeciderOfAppeal(request, user.id, ErrorKind.Forbidden);
    if (request.assigneeId === user.id) return this.requests.staffView(request);
    if (request.assigneeId) throw alreadyClaimed(request.assigneeId);
    return this.transition(request, user, RequestAction.Claim, { changes: { assigneeId: user.id }, record: { data: { assigneeId: user.id } } });
  }

  async assign(user: AuthUser, id: string, dto: AssignDto): Promise<StaffRequestView> {
    const request = await this.find(id);
    this.lifecycle.assertAllowed(request, RequestAction.Assign, user.role);
    if (request.subjectId === user.id) throw ownRequest();
    // A request another reviewer holds is handed on by its holder, or by legal; staff take it over instead.
    if (request.assigneeId && request.assigneeId !== user.id && user.role !== Role.Legal) throw notHolder(request.assigneeId);
    const assigneeId = dto.assigneeId.toLowerCase();
    const eligible = request.status === RequestStatus.UnderAppeal ? [Role.Legal] : [Role.Staff, Role.Legal];
    const assignee = await this.accounts.findById(assigneeId);
    if (!assignee || !eligible.includes(assignee.role)) throw assigneeNotReviewer(eligible);
    if (assigneeId === request.subjectId) throw ownRequest(ErrorKind.Unprocessable);
    await this.assertNotDeciderOfAppeal(request, assigneeId, ErrorKind.Unprocessable);
    if (request.assigneeId === assigneeId) return this.requests.staffView(request);
    const previous = request.assigneeId;
    return this.transition(request, user, RequestAction.Assign, {
      changes: { assigneeId },
      record: { data: { assigneeId, previousAssigneeId: previous } },
      notices: (updated) => (previous && previous !== user.id ? [reassignedNotice(updated, previous, user)] : []),
    });
  }

  /**
   * Takes over a request another reviewer holds: an explicit act, on the timeline and in the audit
   * trail, with a reason from staff (legal may act without one), and the holder is told.
   */
  async take(user: AuthUser, id: string, dto: TakeDto): Promise<StaffRequestView> {
    const request = await this.find(id);
    this.lifecycle.assertAllowed(request, RequestAction.Take, user.role);
    if (request.subjectId === user.id) throw ownRequest();
    if (!request.assigneeId) throw notHeld();
    if (request.assigneeId === user.id) return this.requests.staffView(request);
    const reason = dto.reason?.trim() ? dto.reason : null;
    if (user.role !== Role.Legal && !reason) throw takeReasonRequired();
    await this.assertNotDeciderOfAppeal(request, user.id, ErrorKind.Forbidden);
    const previous = request.assigneeId;
    return this.transition(request, user, RequestAction.Take, {
      expectedVersion: dto.expectedVersion,
      changes: { assigneeId: user.id },
      record: { reason, data: { assigneeId: user.id, previousAssigneeId: previous } },
      notices: (updated) => [reassignedNotice(updated, previous, user)],
    });
  }

  async decide(user: AuthUser, id: string, dto: DecisionDto): Promise<StaffRequestView> {
    return this.decideAs(RequestAction.Decide, user, id, dto);
  }

  /**
   * Sends the request's fulfilment job again, for a request stuck in `fulfilling` (a step failed:
   * the page shows which, in which system, why): the job skips what is done. Audited
   * (`request.fulfilment_retried`), with the job sent in the same transaction.
   */
  async retry(user: AuthUser, id: string): Promise<StaffRequestView> {
    const request = await this.find(id);
    if (request.subjectId === user.id) throw ownRequest();
    if (request.status !== RequestStatus.Fulfilling) throw nothingToRetry(request.status);
    await this.dataSource.transaction(async (manager) => {
      await this.audit.record(manager, {
        action: 'request.fulfilment_retried',
        actor: actorOf(user),
        entityType: 'request',
        entityId: request.id,
        subjectRef: request.subjectRef,
        data: {},
      });
      await this.startFulfilment(manager, request);
    });
    return this.requests.staffView(request);
  }

  /**
   * For a request filed on someone's behalf: the app account of the person represented, as the
   * reviewer identified it from the evidence (the filer's own link points at the filer). Any
   * reviewer but the filer, while the request is open; once, audited
   * (`request.represented_account_named`, the note's length only). A request already being
   * fulfilled, stopped for want of it, runs again at once.
   */
  async nameRepresented(user: AuthUser, id: string, dto: NameRepresentedDto): Promise<StaffRequestPage> {
    const request = await this.find(id);
    if (request.subjectId === user.id) throw ownRequest();
    if (!request.details.onBehalfOf) throw notOnBehalf();
    if (!OPEN_STATUSES.includes(request.status)) throw requestClosed(request.status);
    await this.dataSource.transaction(async (manager) => {
      await this.identity.nameRepresented(manager, request.id, dto.appUserId, user.id, dto.note);
      await this.audit.record(manager, {
        action: 'request.represented_account_named',
        actor: actorOf(user),
        entityType: 'request',
        entityId: request.id,
        subjectRef: request.subjectRef,
        data: { noteLength: dto.note.length },
      });
      if (request.status === RequestStatus.Fulfilling) await this.startFulfilment(manager, request);
    });
    return this.get(user, id);
  }

  /** Legal's decision on an appeal: the same check, the same rules, a decision of its own on the timeline. */
  async decideAppeal(user: AuthUser, id: string, dto: DecisionDto): Promise<StaffRequestView> {
    return this.decideAs(RequestAction.DecideAppeal, user, id, dto);
  }

  /** Once, before the deadline passes, with a reason and a clause that justifies extending this type. */
  async extend(user: AuthUser, id: string, dto: ExtendDto): Promise<StaffRequestView> {
    const request = await this.find(id);
    this.lifecycle.assertAllowed(request, RequestAction.Extend, user.role);
    this.assertHolds(request, user);
    this.lifecycle.assertVersion(request, dto.expectedVersion);
    if (request.extendedAt) throw alreadyExtended();
    const now = Date.now();
    if (request.dueAt.getTime() <= now) throw deadlinePassed(request.dueAt);
    const until = new Date(dto.until);
    if (until.getTime() <= now) throw extensionInPast();
    if (until.getTime() <= request.dueAt.getTime()) throw extensionNotLater(request.dueAt);
    const cited = await this.policy.assertJustified(request.policyVersion, request.type, Outcome.Extend, dto.clauses, dto.law);
    const ceiling = this.deadlines.ceiling(request.type, request.submittedAt);
    if (until.getTime() > ceiling.getTime()) throw extensionBeyondCeiling(ceiling);
    const clauses = cited.clauses.map((c) => c.id);
    const law = cited.law.map((p) => p.id);
    return this.transition(request, user, RequestAction.Extend, {
      expectedVersion: dto.expectedVersion,
      changes: { dueAt: until, markExtended: true, clearOverdueFlag: true },
      record: { outcome: Outcome.Extend, clauses, law, reason: dto.reason, data: { previousDueAt: iso(request.dueAt), dueAt: iso(until) } },
      notices: (updated) => [
        {
          kind: NotificationKind.RequestExtended,
          data: { requestId: updated.id, requestType: updated.type, dueAt: iso(updated.dueAt), clauses, ...(law.length > 0 && { law }) },
        },
      ],
    });
  }

  /**
   * Asks the subject for information: `awaiting_subject`, and the clock stops until they reply, at
   * most twice per request and never for the 48-hour deletion review (RequestDeadlines); a
   * question that does not pause says so (`clockPaused: false` on the timeline and in the notice).
   * Unanswered for SUBJECT_REPLY_DAYS, the request lapses (LapseScanner).
   */
  async ask(user: AuthUser, id: string, dto: AskDto): Promise<StaffRequestView> {
    const request = await this.find(id);
    this.lifecycle.assertAllowed(request, RequestAction.Ask, user.role);
    this.assertHolds(request, user);
    const noPause = this.deadlines.whyQuestionDoesNotPause(request);
    const clock = (updated: SubjectRequest) => ({ dueAt: iso(updated.dueAt), replyBy: iso(this.deadlines.replyBy(updated.questionAskedAt as Date)) });
    return this.transition(request, user, RequestAction.Ask, {
      expectedVersion: dto.expectedVersion,
      changes: { awaitSubject: true, pauseClock: noPause === null },
      record: (updated) => ({
        reason: dto.question,
        data:
          noPause === null
            ? { clockPaused: true, clockPausedAt: iso(updated.updatedAt), clockPauses: updated.clockPauses, ...clock(updated) }
            : { clockPaused: false, clockNotPausedBecause: noPause, ...clock(updated) },
      }),
      notices: (updated) => [
        {
          kind: NotificationKind.RequestQuestion,
          data: { requestId: updated.id, requestType: updated.type, clockPaused: noPause === null, ...clock(updated) },
        },
      ],
    });
  }

  private async decideAs(action: RequestAction.Decide | RequestAction.DecideAppeal, user: AuthUser, id: string, dto: DecisionDto): Promise<StaffRequestView> {
    const request = await this.find(id);
    // Four eyes: staff's refusal or partial decision waits for legal; legal's own decisions stand.
    const to = statusAfterDecision(dto.outcome, action === RequestAction.Decide && user.role === Role.Staff);
    this.lifecycle.assertAllowed(request, action, user.role, to);
    if (action === RequestAction.DecideAppeal) await this.assertNotDeciderOfAppeal(request, user.id, ErrorKind.Forbidden);
    this.assertHolds(request, user);
    this.lifecycle.assertVersion(request, dto.expectedVersion);
    const record = await this.decisionRecord(request, dto);
    return this.transition(request, user, action, {
      to,
      expectedVersion: dto.expectedVersion,
      record,
      before: this.keptUnderHolds(request, record),
      notices: (updated) => (to === RequestStatus.AwaitingLegal ? [] : [decidedNotice(updated, record)]),
    });
  }

  /**
   * Legal confirms staff's refusal or partial decision as it was proposed: it then stands, and the
   * subject is told. Not by its author, nor by a reviewer whose own account the request is about.
   */
  async confirm(user: AuthUser, id: string, dto: ConfirmDecisionDto): Promise<StaffRequestView> {
    const { request, proposed } = await this.proposedFor(user, id, RequestAction.ConfirmDecision);
    this.lifecycle.assertVersion(request, dto.expectedVersion);
    const record = {
      outcome: proposed.outcome,
      clauses: proposed.clauses,
      law: proposed.law,
      reason: proposed.reason,
      note: dto.note ?? null,
      data: { ...pick(proposed.data, DECISION_TERMS), confirmedDecision: proposed.id },
    };
    return this.transition(request, user, RequestAction.ConfirmDecision, {
      to: statusAfterDecision(proposed.outcome === 'reject' ? Outcome.Reject : Outcome.Partial),
      expectedVersion: dto.expectedVersion,
      record,
      // A hold a partial deletion rests on may have been released or have expired since it was proposed.
      before: this.keptUnderHolds(request, record),
      notices: (updated) => [decidedNotice(updated, record)],
    });
  }

  /** Legal replaces staff's proposed refusal with a decision of their own, checked like any decision; it stands at once. */
  async replace(user: AuthUser, id: string, dto: DecisionDto): Promise<StaffRequestView> {
    const { request, proposed } = await this.proposedFor(user, id, RequestAction.ReplaceDecision);
    this.lifecycle.assertVersion(request, dto.expectedVersion);
    const decided = await this.decisionRecord(request, dto);
    const record = { ...decided, data: { ...decided.data, replacedDecision: proposed.id } };
    return this.transition(request, user, RequestAction.ReplaceDecision, {
      to: statusAfterDecision(dto.outcome),
      expectedVersion: dto.expectedVersion,
      record,
      before: this.keptUnderHolds(request, record),
      notices: (updated) => [decidedNotice(updated, record)],
    });
  }

  /**
   * A partial deletion keeps data only under the active holds it names, covering every category it
   * keeps: checked in the deciding transaction, which locks the holds until it commits, so that no
   * release slips in between.
   */
  private keptUnderHolds(request: SubjectRequest, record: TransitionRecord): ((manager: EntityManager) => Promise<unknown>) | undefined {
    const data = record.data ?? {};
    const holds = Array.isArray(data.holds) ? (data.holds as string[]) : [];
    if (holds.length === 0) return undefined;
    return (manager) => this.holds.assertCovering(request.subjectId, holds, (data.withheld as string[] | undefined) ?? [], manager);
  }

  /** The request awaiting legal and the decision staff proposed, once the caller may act on it. */
  private async proposedFor(user: AuthUser, id: string, action: RequestAction.ConfirmDecision | RequestAction.ReplaceDecision) {
    const request = await this.find(id);
    this.lifecycle.assertAllowed(request, action, user.role);
    if (request.subjectId === user.id) throw ownRequest();
    const proposed = await this.repo.proposedDecision(request.id);
    if (!proposed) throw requestNotFound();
    if (proposed.actorId === user.id) throw ownDecision();
    return { request, proposed };
  }

  /**
   * What a decision records once every rule holds: what it cites (the policy's one justification
   * check), the reason the subject reads, what a partial decision withholds (for a deletion: the
   * holds it names, checked to cover it in the deciding transaction: keptUnderHolds), and a
   * refusal's ground. Throws 422 naming what is missing; nothing is written before.
   */
  private async decisionRecord(request: SubjectRequest, dto: DecisionDto): Promise<TransitionRecord> {
    const cited = await this.policy.assertJustified(request.policyVersion, request.type, dto.outcome, dto.clauses, dto.law);
    if (OUTCOMES_NEEDING_REASON.includes(dto.outcome) && !dto.reason?.trim()) throw reasonRequired(dto.outcome);
    const clauses = cited.clauses.map((c) => c.id);
    const law = cited.law.map((p) => p.id);
    return {
      outcome: dto.outcome,
      clauses,
      law,
      reason: dto.reason ?? null,
      data: decisionTerms(request, { ...dto, clauses, law }),
    };
  }

  /** The job that carries out an approved request of its type (a copy, an erasure, a correction), sent in the caller's transaction. */
  private async startFulfilment(manager: EntityManager, request: SubjectRequest): Promise<void> {
    await this.fulfilment.start(manager, request);
  }

  /** One transition in one transaction, with the subject's notice when there is one. */
  private async transition(request: SubjectRequest, user: AuthUser, action: RequestAction, opts: ReviewTransition): Promise<StaffRequestView> {
    const { notices, before, ...rest } = opts;
    const { request: updated } = await this.dataSource.transaction(async (manager) => {
      await before?.(manager);
      const result = await this.lifecycle.apply(manager, { ...rest, request, action, actor: actorOf(user) });
      // An approval that stands starts its fulfilment in the same transaction.
      if (result.request.status === RequestStatus.Approved) await this.startFulfilment(manager, result.request);
      for (const notice of notices?.(result.request) ?? []) await this.notifications.enqueue(manager, { userId: request.subjectId, ...notice });
      return result;
    });
    return this.requests.staffView(updated);
  }

  /**
   * Deciding, asking, extending and deciding an appeal are for whoever holds the request, and never
   * for a reviewer whose own account the request is about (separation of duties).
   */
  private assertHolds(request: SubjectRequest, user: AuthUser): void {
    if (request.subjectId === user.id) throw ownRequest();
    if (request.assigneeId !== user.id) throw notHolder(request.assigneeId);
  }

  /** On a request under appeal: throws if `accountId` made the decision appealed against. */
  private async assertNotDeciderOfAppeal(request: SubjectRequest, accountId: string, kind: ErrorKind.Forbidden | ErrorKind.Unprocessable): Promise<void> {
    if (request.status !== RequestStatus.UnderAppeal) return;
    if ((await this.repo.decidersOf(request.id)).includes(accountId)) throw deciderCannotReviewAppeal(kind);
  }

  /**
   * For each outcome, what could justify it for the request's type under its policy version: the
   * clauses (`options`) and the provisions of law (`lawOptions`, with whether one is needed).
   */
  private async options(request: SubjectRequest): Promise<{ options: DecisionOptions; lawOptions: DecisionLawOptions }> {
    const entries = await Promise.all(
      OUTCOMES.map(async (outcome) => [outcome, await this.policy.justification(request.policyVersion, request.type, outcome)] as const),
    );
    return {
      options: Object.fromEntries(entries.map(([outcome, j]) => [outcome, j.clauses.map(({ id, text }) => ({ id, text }))])) as Record<Outcome, ClauseView[]>,
      lawOptions: Object.fromEntries(entries.map(([outcome, j]) => [outcome, { provisions: j.law, needsLaw: j.needsLaw }])) as Record<Outcome, LawOption>,
    };
  }

  /** What the request will touch, category by category (the data map), with the active holds that keep each. */
  private async preview(request: SubjectRequest): Promise<PreviewEntryView[]> {
    const entries = this.dataMap.preview(request.type, request.details);
    if (entries.length === 0) return [];
    const holds = await this.holds.activeHolds(request.subjectId);
    return entries.map((e) => ({ ...e, holds: holds.filter((h) => h.categories.includes(e.category)).map((h) => h.id) }));
  }

  /** The subject masked; null once the account is gone (the request record outlives it). */
  private async maskedSubject(userId: string) {
    try {
      return await this.subjects.maskedSubject(userId);
    } catch (err) {
      if (err instanceof AppError && err.code === (SubjectErrorCode.SubjectNotFound as string)) return null;
      throw err;
    }
  }

  private async find(id: string): Promise<SubjectRequest> {
    const request = await this.requests.find(id);
    if (!request) throw requestNotFound();
    return request;
  }
}

/** To the subject: their request's decision stands, with what a refusal's notice needs (codes only). */
function decidedNotice(request: SubjectRequest, record: TransitionRecord): ReviewNotice {
  const outcome = record.outcome as 'approve' | 'reject' | 'partial';
  const data = record.data ?? {};
  const until = appealBy(request, new Date());
  return {
    kind: NotificationKind.RequestDecided,
    data: {
      requestId: request.id,
      requestType: request.type,
      outcome,
      clauses: record.clauses ?? [],
      ...(record.law?.length && { law: record.law }),
      ...(Array.isArray(data.withheld) && { withheld: data.withheld as string[] }),
      ...(typeof data.ground === 'string' && { ground: data.ground }),
      ...(until && { appealBy: iso(until) }),
    },
  };
}

function pick(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => data[k] !== undefined).map((k) => [k, data[k]]));
}

/** To the reviewer who held a request: someone else holds it now. */
function reassignedNotice(request: SubjectRequest, previousHolder: string, by: AuthUser): ReviewNotice {
  return {
    userId: previousHolder,
    kind: NotificationKind.RequestReassigned,
    data: { requestId: request.id, requestType: request.type, assigneeId: request.assigneeId as string, byRole: by.role },
  };
}

function queueItem(row: QueueRow): QueueItem {
  const { overdue: _overdue, ...staff } = staffFields(row, new Date());
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    policyVersion: row.policyVersion,
    submittedAt: iso(row.submittedAt),
    dueAt: iso(row.dueAt),
    clockPaused: row.awaitingSince !== null,
    extended: row.extendedAt !== null,
    onBehalfOf: row.details.onBehalfOf?.relation ?? null,
    failedSteps: row.failedSteps,
    ...staff,
    // As the database saw it when the page was read, the same clock as the overdue filter.
    overdue: row.overdue,
  };
}
