import { Outcome, RequestType } from '../../policy/domain/policy.types';
import { RequestStatus } from '../domain/request-status';
import { RefusalGround, type RightsNotice } from '../../kernel/rights-notice';
import { ApiNullableEnum, ApiNullableModel } from '../../common/openapi';

/** A cited clause as people read it: its id and its text in the version the request was filed under. */
export class ClauseView {
  /** e.g. `face.retain.2` */
  id: string;
  text: string;
}

/** A cited provision of law as people read it: its id, where it stands, and its text as published. */
export class ProvisionCiteView {
  /** e.g. `PIPL.47` */
  id: string;
  /** the instrument's title, e.g. 中华人民共和国个人信息保护法 */
  instrument: string;
  /** e.g. 第四十七条 */
  article: string;
  text: string;
}

/** One step of a request's life. */
export class TimelineEntry {
  /** ISO-8601 */
  at: string;
  /** `submit`, `claim`, `ask`, `reply`, `extend`, `decide`, `appeal`, `decide_appeal`, … */
  action: string;
  @ApiNullableEnum(RequestStatus, 'the status before the step; null on the first')
  from: RequestStatus | null;
  to: RequestStatus;
  /** who acted, by role only (`subject`, `staff`, `legal`, `system`) */
  actorRole: string;
  /** `approve`, `reject` or `partial` on a decision, `extend` on an extension */
  outcome: string | null;
  clauses: ClauseView[];
  /** provisions of law cited beside the clauses */
  law: ProvisionCiteView[];
  /** staff's reason or question */
  reason: string | null;
  /** the subject's own words (a reply, an appeal statement) */
  note: string | null;
  /** facts of the step: the deadline before and after, the pause, the purposes withdrawn */
  data: Record<string, unknown>;
}

/** One item of a correction as filed, or as a decision approved it. */
export class CorrectionItemView {
  category: string;
  field: string;
  currentValue?: string;
  correctedValue: string;
  explanation?: string;
}

/** The subject asked for a copy to go to another handler: whether it goes, and on what. */
export class TransferDecisionView {
  /** true: the copy is sent to `to`; false: given to the subject only */
  approved: boolean;
  to?: { name: string; endpoint: string };
  /** the conditions of NDSMR Art. 25 as the reviewer found them */
  conditions?: Record<string, boolean>;
  /** those not met, when the transfer was declined */
  unmet?: string[];
}

export class DecisionView {
  outcome: Outcome;
  clauses: ClauseView[];
  law: ProvisionCiteView[];
  /** a refusal or partial decision: the data-map categories withheld (or, on a deletion, kept under a legal hold) */
  withheld: string[];
  @ApiNullableEnum(RefusalGround, 'a refusal: its ground (GB/T 35273-2020 §8.7); null otherwise')
  ground: string | null;
  reason: string | null;
  /** ISO-8601 */
  decidedAt: string;
  decidedByRole: string;
  /** a correction: exactly what is to change (the items approved) */
  corrections?: CorrectionItemView[];
  /** an explanation: the written answer, which cites `clauses` */
  answer?: string;
  /** a copy the subject asked to be sent to another handler */
  transfer?: TransferDecisionView;
}

/** A cited clause with where to read it. */
export class LinkedClauseView extends ClauseView {
  /** the clause in the version the request was filed under */
  href: string;
}

/** What an explanation request results in: the written answer and the clauses and provisions it relies on, each linked to its text. */
export class ExplanationResultView {
  answer: string;
  clauses: LinkedClauseView[];
  law: (ProvisionCiteView & { href: string })[];
}

/** Whom a request is filed for, as the filer gave it. */
export class OnBehalfOfView {
  /** `guardian`, `relative_of_deceased` or `agent` */
  relation: string;
  /** the person's name (masked for staff) */
  name: string;
  /** the child's date of birth (the filer's view) */
  dateOfBirth?: string;
  /** the child's age in whole years when the request was filed (staff's view) */
  ageAtFiling?: number;
  statement?: string;
  /** the proof: upload ids (the filer's view), or the files with where staff read them (audited) */
  evidence: unknown[];
}

/** What the subject asked for, beyond the type: the part of the body each type has of its own. */
export class AskedView {
  /** correction */
  items?: CorrectionItemView[];
  /** copy_transfer: `json` or `csv` */
  format?: string;
  /** copy_transfer: the other handler */
  sendTo?: { name: string; endpoint: string };
  /** explanation */
  question?: string;
  /** delete_data */
  categories?: string[];
}

export class ExtensionView {
  /** the new due date (ISO-8601) */
  until: string;
  clauses: ClauseView[];
  law: ProvisionCiteView[];
  reason: string | null;
  extendedAt: string;
}

export class AppealView {
  statement: string | null;
  appealedAt: string;
  @ApiNullableModel(DecisionView, "legal's decision on the appeal, once taken")
  decision: DecisionView | null;
}

/**
 * What a subject is told of a refusal or partial decision: what it rests on, what was withheld, the
 * deadline to appeal, and the right to complain and to sue (PIPL Art. 50, Art. 65), in both languages.
 */
export class RightsNoticeView implements RightsNotice {
  law: string;
  'zh-CN': string;
  en: string;
}

/** The short form of a request, for lists (GET /api/v1/requests). */
export class RequestSummary {
  id: string;
  type: RequestType;
  status: RequestStatus;
  /** the policy version the request was filed under, and is decided under */
  policyVersion: number;
  submittedAt: string;
  dueAt: string;
  /** waiting on the subject: the clock is paused */
  clockPaused: boolean;
}

/** A request as its subject sees it (GET /api/v1/requests/:id). */
export class RequestView extends RequestSummary {
  /** the purposes of a consent withdrawal */
  purposes?: string[];
  /** what a correction, copy, explanation or partial deletion asks for */
  asked?: AskedView;
  /** the subject's own words filed with the request (`note`), or null */
  subjectNote: string | null;
  @ApiNullableModel(OnBehalfOfView, 'whom the request is filed for, when not the filer themselves')
  onBehalfOf: OnBehalfOfView | null;
  @ApiNullableModel(ExplanationResultView, 'an explanation request: the answer, once it stands')
  result?: ExplanationResultView | null;
  /** staff's open question, while awaiting the subject */
  question: string | null;
  @ApiNullableModel(ExtensionView, 'the extension of the deadline, once granted')
  extension: ExtensionView | null;
  @ApiNullableModel(DecisionView, 'the first decision (by staff, or by the system for a consent withdrawal)')
  decision: DecisionView | null;
  @ApiNullableModel(AppealView, 'the appeal, once filed')
  appeal: AppealView | null;
  /** on a request refused or granted in part only */
  rightsNotice?: RightsNoticeView;
  timeline: TimelineEntry[];
}

/** The same request as the review queue sees it: with who holds it, how late it is, its version. */
export class StaffRequestView extends RequestView {
  /** send it back as `expectedVersion` to act only if nobody changed the request meanwhile */
  version: number;
  subjectId: string;
  subjectRef: string;
  assigneeId: string | null;
  overdue: boolean;
  overdueFlaggedAt: string | null;
  closedAt: string | null;
  @ApiNullableModel(DecisionView, "staff's refusal or partial decision while it awaits legal's confirmation")
  proposedDecision?: DecisionView | null;
}

/** The views that appear in answers only as "this, or null": a controller answering with a request lists them (`@ApiExtraModels`). */
export const NULLABLE_VIEW_MODELS = [ExtensionView, DecisionView, AppealView, OnBehalfOfView, ExplanationResultView];
