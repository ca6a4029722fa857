// The door to the disclosure register: what other capabilities may use. A subject's disclosure_log
// request reads DisclosureRegister.entriesOfSubject (withheld entries counted, not detailed); the
// erasure's recipient notices read recipientsOfSubject.
export { DisclosuresModule } from './disclosures.module';
export { DisclosureRegister } from './disclosure-register';
export type { DisclosureRecipient, SubjectDisclosureEntry, SubjectRecipient } from './disclosure-register';
export { DisclosureStatus, countsAsMade } from './domain/disclosure.types';
export { DisclosureErrorCode } from './disclosures.errors';
