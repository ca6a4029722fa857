import { Injectable } from '@nestjs/common';
import { iso } from '../common/time/iso';
import { Outcome } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import { RequestAction } from './domain/request-lifecycle';
import { OPEN_STATUSES, RequestStatus } from './domain/request-status';
import { clockDueAt } from './domain/deadline-ceiling';
import { RefusalGround, refusalNotice, RightsNotice } from '../kernel/rights-notice';
import { appealBy } from './domain/appeal-window';
import { LawService } from '../law';
import { ClauseView, DecisionView, ProvisionCiteView, RequestSummary, RequestView, StaffRequestView, TimelineEntry } from './dto/request-view.dto';
import { RequestEvent } from './request-event.entity';
import { RequestsRepository } from './requests.repository';
import { SubjectRequest } from './subject-request.entity';

const DECISION_OUTCOMES: readonly string[] = [Outcome.Approve, Outcome.Reject, Outcome.Partial];

enum Audience {
  Subject = 'subject',
  Staff = 'staff',
}

/** Facts of the timeline that are the operator's business: the subject sees the role that acted, not who. */
const STAFF_FACTS = ['assigneeId', 'previousAssigneeId', 'holds'];

function withoutStaffFacts(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !STAFF_FACTS.includes(key)));
}

/** Builds the views of a request from its row and timeline, with every cited clause's and provision's text. */
@Injectable()
export class RequestViews {
  constructor(
    private readonly repo: RequestsRepository,
    private readonly policy: PolicyService,
    private readonly law: LawService,
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
    const law = (ids: string[] | undefined): ProvisionCiteView[] => this.law.quote(ids ?? []);

    // Staff's proposal awaiting legal is the operator's deliberation: the subject sees that a decision
    // is under legal review, and what it says only once it stands (the confirmation repeats it).
    const shown = (e: RequestEvent): RequestEvent =>
      audience === Audience.Subject && e.toStatus === RequestStatus.AwaitingLegal ? { ...e, outcome: null, clauses: [], law: [], reason: null, data: {} } : e;
    const timeline: TimelineEntry[] = events.map(shown).map((e) => ({
      at: iso(e.at),
      action: e.action,
      from: e.fromStatus,
      to: e.toStatus,
      actorRole: e.actorRole,
      outcome: e.outcome,
      clauses: clauses(e.clauses),
      law: law(e.law),
      reason: e.reason,
      note: e.note,
      data: audience === Audience.Subject ? withoutStaffFacts(e.data) : e.data,
    }));

    const decisionOf = (e: RequestEvent | undefined): DecisionView | null =>
      e
        ? {
            outcome: e.outcome as Outcome,
            clauses: clauses(e.clauses),
            law: law(e.law),
            withheld: Array.isArray(e.data.withheld) ? (e.data.withheld as string[]) : [],
            ground: typeof e.data.ground === 'string' ? e.data.ground : null,
            reason: e.reason,
            decidedAt: iso(e.at),
            decidedByRole: e.actorRole,
          }
        : null;
    const last = (action: RequestAction, where: (e: RequestEvent) => boolean = () => true) =>
      [...events].reverse().find((e) => e.action === (action as string) && where(e));

    // The decision that stands: staff's own approval, legal's own decision, or staff's refusal once
    // legal confirmed or replaced it. A refusal still awaiting legal is only proposed.
    const decision = [...events]
      .reverse()
      .find(
        (e) =>
          STANDING_DECISIONS.includes(e.action) && e.outcome !== null && DECISION_OUTCOMES.includes(e.outcome) && e.toStatus !== RequestStatus.AwaitingLegal,
      );
    const proposed = request.status === RequestStatus.AwaitingLegal ? last(RequestAction.Decide, (e) => e.toStatus === RequestStatus.AwaitingLegal) : undefined;
    const appealDecision = last(RequestAction.DecideAppeal);
    const extension = last(RequestAction.Extend);
    const appeal = last(RequestAction.Appeal);
    const question = request.status === RequestStatus.AwaitingSubject ? last(RequestAction.Ask) : undefined;
    const { clockPaused, ...head } = this.summary(request);
    return {
      ...head,
      ...(request.details.purposes ? { purposes: request.details.purposes } : {}),
      clockPaused,
      subjectNote: request.details.note ?? null,
      question: question?.reason ?? null,
      extension: extension
        ? {
            until: iso(extension.data.dueAt as string),
            clauses: clauses(extension.clauses),
            law: law(extension.law),
            reason: extension.reason,
            extendedAt: iso(extension.at),
          }
        : null,
      decision: decisionOf(decision),
      appeal: appeal ? { statement: appeal.note, appealedAt: iso(appeal.at), decision: decisionOf(appealDecision) } : null,
      ...this.noticeOf(request, decisionOf(appealDecision ?? decision)),
      ...(audience === Audience.Staff ? { proposedDecision: decisionOf(proposed) } : {}),
      timeline,
    };
  }

  /**
   * The notice of a refusal or partial decision that stands (src/kernel/rights-notice.ts): what it
   * rests on, what was withheld, until when it may be appealed (a first rejection only: an appeal
   * is possible once, from a rejection), and the remedies.
   */
  private noticeOf(request: SubjectRequest, standing: DecisionView | null): { rightsNotice?: RightsNotice } {
    if (!standing || standing.outcome === Outcome.Approve) return {};
    const until = appealBy(request, new Date(standing.decidedAt));
    return {
      rightsNotice: refusalNotice({
        outcome: standing.outcome === Outcome.Reject ? 'reject' : 'partial',
        clauses: standing.clauses.map((c) => c.id),
        law: standing.law.map((p) => p.id),
        withheld: standing.withheld,
        ground: standing.ground as RefusalGround | null,
        appealBy: until && iso(until),
      }),
    };
  }
}

/** The actions whose decision stands once taken (staff's refusal only via legal's confirmation). */
const STANDING_DECISIONS: readonly string[] = [RequestAction.Decide, RequestAction.ConfirmDecision, RequestAction.ReplaceDecision];

export function staffFields(request: SubjectRequest, now: Date) {
  return {
    version: request.version,
    subjectId: request.subjectId,
    subjectRef: request.subjectRef,
    assigneeId: request.assigneeId,
    // Open and its clock run out, paused or not (OVERDUE_SQL's twin: the queue and the scan agree).
    overdue: OPEN_STATUSES.includes(request.status) && clockDueAt(request, now).getTime() < now.getTime(),
    overdueFlaggedAt: request.overdueFlaggedAt ? iso(request.overdueFlaggedAt) : null,
    closedAt: request.closedAt ? iso(request.closedAt) : null,
  };
}
