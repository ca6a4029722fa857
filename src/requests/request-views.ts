import { Injectable } from '@nestjs/common';
import { iso } from '../common/time/iso';
import { Outcome } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import { RequestAction } from './domain/request-lifecycle';
import { CLOCK_RUNNING_STATUSES, RequestStatus } from './domain/request-status';
import { REFUSAL_RIGHTS_NOTICE } from '../kernel/rights-notice';
import { ClauseView, DecisionView, RequestSummary, RequestView, StaffRequestView, TimelineEntry } from './dto/request-view.dto';
import { RequestEvent } from './request-event.entity';
import { RequestsRepository } from './requests.repository';
import { SubjectRequest } from './subject-request.entity';

const DECISION_OUTCOMES: readonly string[] = [Outcome.Approve, Outcome.Reject, Outcome.Partial];

enum Audience {
  Subject = 'subject',
  Staff = 'staff',
}

/** Facts of the timeline that are the operator's business: the subject sees the role that acted, not who. */
const STAFF_FACTS = ['assigneeId', 'previousAssigneeId'];

function withoutStaffFacts(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !STAFF_FACTS.includes(key)));
}

/** Builds the views of a request from its row and timeline, with every cited clause's text. */
@Injectable()
export class RequestViews {
  constructor(
    private readonly repo: RequestsRepository,
    private readonly policy: PolicyService,
  ) {}

  async forSubject(request: SubjectRequest): Promise<RequestView> {
    const events = await this.repo.timeline(request.id);
    return this.build(request, events, Audience.Subject);
  }

  /** The same, from a timeline the caller already holds (the events it has just written, in order). */
  forSubjectWithTimeline(request: SubjectRequest, events: RequestEvent[]): Promise<RequestView> {
    return this.build(request, events, Audience.Subject);
  }

  async forStaff(request: SubjectRequest, now = new Date()): Promise<StaffRequestView> {
    const events = await this.repo.timeline(request.id);
    return { ...(await this.build(request, events, Audience.Staff)), ...staffFields(request, now) };
  }

  /** The short form of a request for lists (no timeline). */
  summary(request: SubjectRequest): RequestSummary {
    return {
      id: request.id,
      type: request.type,
      status: request.status,
      policyVersion: request.policyVersion,
      submittedAt: iso(request.submittedAt),
      dueAt: iso(request.dueAt),
      clockPaused: request.awaitingSince !== null,
    };
  }

  private async build(request: SubjectRequest, events: RequestEvent[], audience: Audience): Promise<RequestView> {
    const cited = [...new Set(events.flatMap((e) => e.clauses))];
    const texts = new Map((await this.policy.cite(request.policyVersion, cited)).map((c) => [c.id, c.text]));
    const clauses = (ids: string[]): ClauseView[] => ids.map((id) => ({ id, text: texts.get(id) ?? '' }));

    const timeline: TimelineEntry[] = events.map((e) => ({
      at: iso(e.at),
      action: e.action,
      from: e.fromStatus,
      to: e.toStatus,
      actorRole: e.actorRole,
      outcome: e.outcome,
      clauses: clauses(e.clauses),
      reason: e.reason,
      note: e.note,
      data: audience === Audience.Subject ? withoutStaffFacts(e.data) : e.data,
    }));

    const decisionOf = (e: RequestEvent | undefined): DecisionView | null =>
      e ? { outcome: e.outcome as Outcome, clauses: clauses(e.clauses), reason: e.reason, decidedAt: iso(e.at), decidedByRole: e.actorRole } : null;
    const last = (action: RequestAction, where: (e: RequestEvent) => boolean = () => true) =>
      [...events].reverse().find((e) => e.action === (action as string) && where(e));

    const decision = last(RequestAction.Decide, (e) => e.outcome !== null && DECISION_OUTCOMES.includes(e.outcome));
    const extension = last(RequestAction.Extend);
    const appeal = last(RequestAction.Appeal);
    const question = request.status === RequestStatus.AwaitingSubject ? last(RequestAction.Ask) : undefined;
    const { clockPaused, ...head } = this.summary(request);
    return {
      ...head,
      ...(request.details.purposes ? { purposes: request.details.purposes } : {}),
      clockPaused,
      question: question?.reason ?? null,
      extension: extension
        ? { until: iso(extension.data.dueAt as string), clauses: clauses(extension.clauses), reason: extension.reason, extendedAt: iso(extension.at) }
        : null,
      decision: decisionOf(decision),
      appeal: appeal ? { statement: appeal.note, appealedAt: iso(appeal.at), decision: decisionOf(last(RequestAction.DecideAppeal)) } : null,
      ...(request.status === RequestStatus.Rejected ? { rightsNotice: REFUSAL_RIGHTS_NOTICE } : {}),
      timeline,
    };
  }
}

export function staffFields(request: SubjectRequest, now: Date) {
  return {
    version: request.version,
    subjectId: request.subjectId,
    subjectRef: request.subjectRef,
    assigneeId: request.assigneeId,
    overdue: CLOCK_RUNNING_STATUSES.includes(request.status) && request.dueAt.getTime() < now.getTime(),
    overdueFlaggedAt: request.overdueFlaggedAt ? iso(request.overdueFlaggedAt) : null,
    closedAt: request.closedAt ? iso(request.closedAt) : null,
  };
}
