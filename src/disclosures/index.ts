// The door to the disclosure register: what other capabilities may use. A subject's disclosure_log
// request reads DisclosureRegister.entriesOfSubject (withheld entries counted, not detailed); the
// erasure's recipient notices read recipientsOfSubject.
export { DisclosuresModule } from './disclosures.module';
export { DisclosureRegister } from './disclosure-register';
export type { DisclosureRecipient, SubjectDisclosureEntry, SubjectRecipient } from './disclosure-register';
export { DisclosureStatus, countsAsMade } from './domain/disclosure.types';
export { DisclosureErrorCode } from './disclosures.errors';
// The register as legal works it, for the portal's legal pages: the service and the API's own DTOs.
export { DisclosuresService } from './disclosures.service';
export {
  DisclosuresFilterDto,
  DisclosuresQueryDto,
  RecordDisclosureDto,
  ReviewDisclosureDto,
  ReviewOutcome,
  WithholdDisclosureDto,
} from './dto/disclosure.dto';
export type { DisclosureStats, DisclosureView } from './dto/disclosure-view.dto';
export { CONFIDENTIALITY_PROVISIONS, DISCLOSURE_FREQUENCIES, DISCLOSURE_STATUSES } from './domain/disclosure.types';
export { DisclosureStatsQueryDto } from './dto/stats-query.dto';
