// The door of corrections: review starts one when it approves a correction, and shows its steps.
export { CorrectionsModule } from './corrections.module';
export { CorrectionJob, CORRECT_JOB } from './correction.job';
export type { CorrectionStep } from './correction.job';
