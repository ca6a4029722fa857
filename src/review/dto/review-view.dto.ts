import { ApiProperty, IntersectionType, PickType } from '@nestjs/swagger';
import { ClauseView, OnBehalfRelation, ProvisionCiteView, RequestSummary, StaffRequestView } from '../../requests';
import { RecipientNoticeView } from '../../erasure';
import { ManualStepView } from '../../fulfilment';
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
  /** failed steps of its fulfilment (a copy, erasure steps, correction items): the request page names each; retry with POST …/retry */
  failedSteps: number;
}

/** One page of the queue, sorted by due date; pass `nextCursor` back as `cursor` for the next. */
export class QueuePage {
  items: QueueItem[];
  /** null on the last page */
  nextCursor: string | null;
  /** how many requests, in the whole queue, wait in fulfilment with a failed step (`?failing=true` lists them) */
  failing: number;
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
export class ExportFailureDto {
  /** `find` (the subject's records), `export` (reading a system) */
  step: string;
  @ApiProperty({ type: String, nullable: true })
  system: string | null;
  /** a code: `identity_not_verified`, `connection_failed`, `database_error_<sqlstate>`, … */
  reason: string;
  at: string;
}

/** One category of an erasure: done (rows changed), kept (by a legal hold or the data map) or failed (which system, why). */
export class ErasureStepDto {
  category: string;
  /** `done`, `kept` or `failed` */
  status: string;
  /** `delete`, `anonymise` or `keep` (the data map's) */
  action: string;
  rows: number;
  /** the holds that keep it and until when, or the failed step's system and reason */
  detail: Record<string, unknown>;
  at: string;
}

/** One item of an approved correction: applied and read back as corrected (`done`), or `failed` (which step, which system, why). */
export class CorrectionStepDto {
  /** its position among the approved corrections */
  item: number;
  category: string;
  field: string;
  status: string;
  detail: Record<string, unknown>;
  at: string;
}

export class ExportStatusDto {
  /** `running`, `ready` or `failed` */
  status: string;
  files: string[];
  @ApiProperty({ type: String, nullable: true })
  expiresAt: string | null;
  @ApiNullableModel(ExportFailureDto, 'why the copy failed, while it is failed')
  failure: ExportFailureDto | null;
}

export class PreviewSystemView {
  id: string;
  /** `postgres`, `portal`, `manual` */
  connector: string;
  label: { 'zh-CN': string; en: string };
}

/** What the request will do to one category of personal information, in the system that holds it (the data map). */
export class PreviewEntryView {
  category: string;
  system: PreviewSystemView;
  /** `exported`: a copy takes it */
  @ApiProperty({ type: String, nullable: true, enum: ['exported', null] })
  onAccess: 'exported' | null;
  /** erasure deletes, anonymises or keeps it */
  @ApiProperty({ type: String, nullable: true, enum: ['delete', 'anonymise', 'keep', null] })
  onErasure: string | null;
  /** a correction changes these fields */
  @ApiProperty({ type: [String], nullable: true })
  onCorrection: string[] | null;
  /** the active legal holds on the subject that keep this category (storage only, until they end) */
  holds: string[];
}

/** Whom a request filed on someone's behalf acts on in the app: the account a reviewer named from the evidence. */
export class RepresentedAccountView {
  appUserId: string;
  namedBy: string;
  namedAt: string;
  /** how the reviewer identified it */
  note: string;
}

export class StaffRequestPage extends StaffRequestView {
  @ApiNullableModel(MaskedSubjectDto, "null once the subject's account is gone (the request record outlives it)")
  subject: MaskedSubjectDto | null;
  options: DecisionOptions;
  lawOptions: DecisionLawOptions;
  /** which categories and systems the request will touch once approved, before anyone decides (the data map) */
  preview: PreviewEntryView[];
  @ApiNullableModel(ExportStatusDto, 'the copy an approved access or copy_transfer request makes: running, ready or failed (which step, which system, why)')
  export: ExportStatusDto | null;
  /** what the erasure an approved deletion runs has done, category by category (empty before it runs) */
  erasure: ErasureStepDto[];
  /** what applying an approved correction has done, item by item (empty before it runs) */
  corrections: CorrectionStepDto[];
  /** the steps of systems worked by hand: who confirmed each, when, with which note and evidence (waiting ones too) */
  manualSteps: ManualStepView[];
  /** after an erasure: the notice to each recipient of the subject's data the disclosure register lists (mailed, or for staff to send) */
  recipientNotices: RecipientNoticeView[];
  @ApiNullableModel(
    RepresentedAccountView,
    "filed on someone's behalf: the represented person's app account once a reviewer named it (POST …/represented-account); else null",
  )
  representedAccount: RepresentedAccountView | null;
}
