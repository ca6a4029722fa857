// The door of the fulfilment capability: what other folders may use of it.
export { FulfilmentModule } from './fulfilment.module';
export { ErasureSchedule } from './erasure-schedule';
export { ERASE_JOB } from './erase.job';
export { ErasureCause, ErasureStatus } from './erasure.types';
export type { ScheduledErasure, ScheduleErasureInput } from './erasure.types';
