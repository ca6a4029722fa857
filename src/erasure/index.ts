// The door of request erasure: review starts it when it approves a deletion; staff read its steps.
export { ErasureModule } from './erasure.module';
export { ErasureJob, ERASE_REQUEST_JOB, ERASE_BATCH_ROWS } from './erasure.job';
export { ErasureStepsRepository } from './erasure-steps.repository';
export type { ErasureStep } from './erasure-steps.repository';
export { AccountClosure, PSEUDONYMISE_ACCOUNT_JOB, PSEUDONYMISE_AFTER_SECONDS } from './account-closure';
export { HeldErasures, HELD_ERASURES_JOB } from './held-erasures';
export { RecipientNotices, RecipientNoticeView, RECIPIENT_NOTICES_JOB } from './recipient-notices';
