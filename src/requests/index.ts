// The door of the requests capability: everything another folder may use of it. Its repository,
// its filing and its services stay inside; a request changes only through RequestLifecycle.apply,
// and is read through RequestReader (the architecture test holds other folders to this file).
export { RequestsModule } from './requests.module';
export { RequestLifecycle } from './request-lifecycle.service';
export type { TransitionInput, TransitionRecord, TransitionResult } from './request-lifecycle.service';
export { RequestReader } from './request-reader';
// The subject's own requests as the API serves them: the web portal's pages read them through it.
export { RequestsService } from './requests.service';
export { FulfilmentProgress } from './fulfilment-progress';
export { RequestRecords } from './request-records';
export { RequestDeadlines } from './request-deadlines';
export { staffFields } from './request-views';
export { checkTransition, RequestAction, statusAfterDecision } from './domain/request-lifecycle';
export { appealBy } from './domain/appeal-window';
export { OPEN_STATUSES, RequestStatus, sqlList } from './domain/request-status';
export { ClauseView, NULLABLE_VIEW_MODELS, ProvisionCiteView, RequestSummary, StaffRequestView } from './dto/request-view.dto';
export { requestNotFound } from './requests.errors';
export { OVERDUE_SQL, REQUEST_COLUMNS } from './requests.repository';
export type { SubjectRequest } from './subject-request.entity';
export { ON_BEHALF_RELATIONS, OnBehalfRelation } from './domain/on-behalf';
export type { OnBehalfOf } from './domain/on-behalf';
export type { CorrectionItem } from './subject-request.entity';
// The bodies of a filing, one per type: the portal's filing forms validate with the API's own rules.
export { NEW_REQUEST_BODIES } from './dto/new-request.dto';
export { AppealDto, ReplyDto } from './dto/subject-actions.dto';
export type { NewRequestDto } from './dto/new-request.dto';
