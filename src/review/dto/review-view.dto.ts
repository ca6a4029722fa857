import { IntersectionType, PickType } from '@nestjs/swagger';
import { ClauseView, RequestSummary, StaffRequestView } from '../../requests';
import { MaskedSubjectDto } from '../../subjects/dto/masked-subject.dto';
import { ApiNullableModel } from '../../common/openapi';

/** One request in the review queue: its summary and what staff see of it, without its timeline. */
export class QueueItem extends IntersectionType(
  RequestSummary,
  PickType(StaffRequestView, ['version', 'subjectId', 'subjectRef', 'assigneeId', 'overdue', 'overdueFlaggedAt', 'closedAt'] as const),
) {
  /** its deadline was extended (once is the most) */
  extended: boolean;
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

/** A request's page for staff: the request, its subject masked, and what each outcome could cite. */
export class StaffRequestPage extends StaffRequestView {
  @ApiNullableModel(MaskedSubjectDto, "null once the subject's account is gone (the request record outlives it)")
  subject: MaskedSubjectDto | null;
  options: DecisionOptions;
}
