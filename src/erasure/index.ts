// The door of request erasure: review starts it when it approves a deletion; staff read its steps.
export { ErasureModule } from './erasure.module';
export { ErasureJob, ERASE_REQUEST_JOB, ERASE_BATCH_ROWS } from './erasure.job';
export { ErasureStepsRepository } from './erasure-steps.repository';
export type { ErasureStep } from './erasure-steps.repository';
