import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
} from '../requests';
import { SubjectErrorCode } from '../subjects/subjects.errors';
import { SubjectsService } from '../subjects/subjects.service';
import { AskDto, AssignDto, DecisionDto, ExtendDto, TakeDto } from './dto/decision.dto';
import { DEFAULT_QUEUE_LIMIT, QueueQueryDto } from './dto/queue-query.dto';
import { DecisionOptions, QueueItem, QueuePage, StaffRequestPage } from './dto/review-view.dto';
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
  notHolder,
  ownRequest,
  reasonRequired,
  takeReasonRequired,
} from './review.errors';

/** A notice of any kind with its own data; to the subject unless `userId` names another account. */
type ReviewNotice = { [K in NotificationKind]: { kind: K; data: NotificationData<K>; userId?: string } }[NotificationKind];

/** What a review action asks of the lifecycle, and the notices it sends in the same transaction. */
type ReviewTransition = Omit<TransitionInput, 'request' | 'action' | 'actor'> & { notices?: (updated: SubjectRequest) => ReviewNotice[] };

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
  ) {}

  async queue(user: AuthUser, query: QueueQueryDto): Promise<QueuePage> {
    const limit = query.limit ?? DEFAULT_QUEUE_LIMIT;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const assigneeId = query.assignee === 'me' ? user.id : query.assignee === 'none' ? null : query.assignee?.toLowerCase();
    const rows = await this.repo.findQueuePage({ status: query.status, type: query.type, overdue: query.overdue === true, assigneeId }, limit, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(queueItem), nextCursor: rows.length > limit ? encodeCursor({ dueMicros: last.dueMicros, id: last.id }) : null };
  }

  /** The request, its subject (masked), and the clauses that could justify each outcome for its type. */
  async get(_user: AuthUser, id: string): Promise<StaffRequestPage> {
    const request = await this.find(id);
    return {
      ...(await this.requests.staffView(request)),
      subject: await this.maskedSubject(request.subjectId),
      options: await this.options(request),
    };
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
    const cited = await this.policy.assertJustified(request.policyVersion, request.type, Outcome.Extend, dto.clauses);
    const ceiling = this.deadlines.ceiling(request.type, request.submittedAt);
    if (until.getTime() > ceiling.getTime()) throw extensionBeyondCeiling(ceiling);
    const clauses = cited.map((c) => c.id);
    return this.transition(request, user, RequestAction.Extend, {
      expectedVersion: dto.expectedVersion,
      changes: { dueAt: until, markExtended: true, clearOverdueFlag: true },
      record: { outcome: Outcome.Extend, clauses, reason: dto.reason, data: { previousDueAt: iso(request.dueAt), dueAt: iso(until) } },
      notices: (updated) => [
        { kind: NotificationKind.RequestExtended, data: { requestId: updated.id, requestType: updated.type, dueAt: iso(updated.dueAt), clauses } },
      ],
    });
  }

  /** Asks the subject for information: `awaiting_subject`, and the clock stops until they reply. */
  async ask(user: AuthUser, id: string, dto: AskDto): Promise<StaffRequestView> {
    const request = await this.find(id);
    this.lifecycle.assertAllowed(request, RequestAction.Ask, user.role);
    this.assertHolds(request, user);
    return this.transition(request, user, RequestAction.Ask, {
      expectedVersion: dto.expectedVersion,
      changes: { pauseClock: true },
      record: (updated) => ({ reason: dto.question, data: { clockPausedAt: iso(updated.updatedAt), dueAt: iso(updated.dueAt) } }),
      notices: (updated) => [{ kind: NotificationKind.RequestQuestion, data: { requestId: updated.id, requestType: updated.type, dueAt: iso(updated.dueAt) } }],
    });
  }

  private async decideAs(action: RequestAction.Decide | RequestAction.DecideAppeal, user: AuthUser, id: string, dto: DecisionDto): Promise<StaffRequestView> {
    const request = await this.find(id);
    const to = statusAfterDecision(dto.outcome);
    this.lifecycle.assertAllowed(request, action, user.role, to);
    if (action === RequestAction.DecideAppeal) await this.assertNotDeciderOfAppeal(request, user.id, ErrorKind.Forbidden);
    this.assertHolds(request, user);
    this.lifecycle.assertVersion(request, dto.expectedVersion);
    const cited = await this.policy.assertJustified(request.policyVersion, request.type, dto.outcome, dto.clauses);
    if (OUTCOMES_NEEDING_REASON.includes(dto.outcome) && !dto.reason?.trim()) throw reasonRequired(dto.outcome);
    const clauses = cited.map((c) => c.id);
    return this.transition(request, user, action, {
      to,
      expectedVersion: dto.expectedVersion,
      record: { outcome: dto.outcome, clauses, reason: dto.reason ?? null },
      notices: (updated) => [
        { kind: NotificationKind.RequestDecided, data: { requestId: updated.id, requestType: updated.type, outcome: dto.outcome, clauses } },
      ],
    });
  }

  /** One transition in one transaction, with the subject's notice when there is one. */
  private async transition(request: SubjectRequest, user: AuthUser, action: RequestAction, opts: ReviewTransition): Promise<StaffRequestView> {
    const { notices, ...rest } = opts;
    const { request: updated } = await this.dataSource.transaction(async (manager) => {
      const result = await this.lifecycle.apply(manager, { ...rest, request, action, actor: actorOf(user) });
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
    if ((await this.repo.deciderOf(request.id)) === accountId) throw deciderCannotReviewAppeal(kind);
  }

  /** For each outcome, the clauses of the request's policy version that could justify it for its type. */
  private async options(request: SubjectRequest): Promise<DecisionOptions> {
    const entries = await Promise.all(
      OUTCOMES.map(async (outcome) => {
        const cited = await this.policy.justifyingClauses(request.policyVersion, request.type, outcome);
        return [outcome, cited.map(({ id, text }) => ({ id, text }))] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<Outcome, ClauseView[]>;
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
    ...staff,
    // As the database saw it when the page was read, the same clock as the overdue filter.
    overdue: row.overdue,
  };
}
