import { IntersectionType, PickType } from '@nestjs/swagger';
import { ClauseView, OnBehalfRelation, ProvisionCiteView, RequestSummary, StaffRequestView } from '../../requests';
import { MaskedSubjectDto } from '../../subjects/dto/masked-subject.dto';
import { ApiNullableEnum, ApiNullableModel } from '../../common/openapi';

/** One request in the review queue: its summary and what staff see of it, without its timeline. */
export class QueueItem extends IntersectionType(
  RequestSummary,
  PickType(StaffRequestView, ['version', 'subjectId', 'subjectRef', 'assigneeId', 'overdue', 'overdueFlaggedAt', 'closedAt'] as const),
) {
  /** its deadline was extended (once is the most) */
  extended: boolean;
  @ApiNullableEnum(OnBehalfRelation, "filed on someone's behalf: the relation; null when filed by the subject for themselves")
  onBehalfOf: OnBehalfRelation | null;
}

/** One page of the queue, sorted by due date; pass `nextCursor` back as `cursor` for the next. */
export class QueuePage {
  items: QueueItem[];
  /** null on the last page */
  nextCursor: string | null;
}

/** For each outcome, the clauses of the request's policy version that could justify it for its type. */
export class DecisionOptions {
  approve: ClauseView[];
  reject: ClauseView[];
  partial: ClauseView[];
  extend: ClauseView[];
}

/** The provisions of law that could justify one outcome, and whether the outcome needs one. */
export class LawOption {
  provisions: ProvisionCiteView[];
  /** no clause carries this outcome alone: cite one of `provisions` */
  needsLaw: boolean;
}

/** For each outcome, the provisions of law that could justify it for the request's type. */
export class DecisionLawOptions {
  approve: LawOption;
  reject: LawOption;
  partial: LawOption;
  extend: LawOption;
}

/** A request's page for staff: the request, its subject masked, and what each outcome could cite. */
export class StaffRequestPage extends StaffRequestView {
  @ApiNullableModel(MaskedSubjectDto, "null once the subject's account is gone (the request record outlives it)")
  subject: MaskedSubjectDto | null;
  options: DecisionOptions;
  lawOptions: DecisionLawOptions;
}
