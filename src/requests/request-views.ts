import { Injectable } from '@nestjs/common';
import { iso } from '../common/time/iso';
import { Outcome, RequestType } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import { RequestAction } from './domain/request-lifecycle';
import { OPEN_STATUSES, RequestStatus } from './domain/request-status';
import { clockDueAt } from './domain/deadline-ceiling';
import { RefusalGround, refusalNotice, RightsNotice } from '../kernel/rights-notice';
import { appealBy } from './domain/appeal-window';
import { LawService } from '../law';
import {
  AskedView,
  ClauseView,
  CorrectionItemView,
  DecisionView,
  ExplanationResultView,
  OnBehalfOfView,
  ProvisionCiteView,
  RequestSummary,
  RequestView,
  StaffRequestView,
  TimelineEntry,
  TransferDecisionView,
} from './dto/request-view.dto';
import { EvidenceService } from '../evidence';
import { ageOn } from './domain/on-behalf';
import { maskName } from '../common/text/masking';
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
    private readonly evidence: EvidenceService,
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
            ...(Array.isArray(e.data.corrections) && { corrections: e.data.corrections as CorrectionItemView[] }),
            ...(typeof e.data.answer === 'string' && { answer: e.data.answer }),
            ...(typeof e.data.transfer === 'object' && e.data.transfer !== null && { transfer: e.data.transfer as TransferDecisionView }),
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
    const standing = decisionOf(appealDecision ?? decision);
    const asked = askedOf(request);
    return {
      ...head,
      ...(request.details.purposes ? { purposes: request.details.purposes } : {}),
      ...(asked && { asked }),
      clockPaused,
      subjectNote: request.details.note ?? null,
      onBehalfOf: await this.onBehalfOf(request, audience),
      ...(request.type === RequestType.Explanation && { result: this.explanationResult(request, standing) }),
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
      ...this.noticeOf(request, standing),
      ...(audience === Audience.Staff ? { proposedDecision: decisionOf(proposed) } : {}),
      timeline,
    };
  }

  /**
   * Whom the request is filed for. The filer reads what they gave; staff read the person's name
   * masked and their age at filing, and the evidence as files behind an audited route.
   */
  private async onBehalfOf(request: SubjectRequest, audience: Audience): Promise<OnBehalfOfView | null> {
    const behalf = request.details.onBehalfOf;
    if (!behalf) return null;
    const common = { relation: behalf.relation, ...(behalf.statement !== undefined && { statement: behalf.statement }) };
    if (audience === Audience.Subject) {
      return { ...common, name: behalf.name, ...(behalf.dateOfBirth && { dateOfBirth: behalf.dateOfBirth }), evidence: behalf.evidence };
    }
    const files = await this.evidence.forRequest(request.id);
    return {
      ...common,
      name: maskName(behalf.name) ?? '',
      ...(behalf.dateOfBirth && { ageAtFiling: ageOn(behalf.dateOfBirth, request.submittedAt) }),
      evidence: files.map((f) => ({ ...f, href: `/api/v1/staff/requests/${request.id}/evidence/${f.id}` })),
    };
  }

  /** An explanation's answer once a decision that gives one stands, with each cited clause and provision linked to its text. */
  private explanationResult(request: SubjectRequest, standing: DecisionView | null): ExplanationResultView | null {
    if (!standing?.answer) return null;
    return {
      answer: standing.answer,
      clauses: standing.clauses.map((c) => ({ ...c, href: `/api/v1/policy/clauses/${encodeURIComponent(c.id)}?version=${request.policyVersion}` })),
      law: standing.law.map((p) => ({ ...p, href: `/api/v1/law/${encodeURIComponent(p.id)}` })),
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

/** The part of the body a type has of its own, as filed; undefined for a type with none. */
function askedOf(request: SubjectRequest): AskedView | undefined {
  const { items, format, sendTo, question, categories } = request.details;
  const asked: AskedView = {
    ...(items && { items }),
    ...(format && { format }),
    ...(sendTo && { sendTo }),
    ...(question !== undefined && { question }),
    ...(categories && { categories }),
  };
  return Object.keys(asked).length > 0 ? asked : undefined;
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
