import type { DataCategory } from '../policy/domain/policy.types';

/** Where a scheduled erasure stands (`scheduled_erasures.status`). */
export enum ErasureStatus {
  Scheduled = 'scheduled',
  Done = 'done',
  Failed = 'failed',
}

/** Why an erasure was scheduled (`scheduled_erasures.cause`). */
export enum ErasureCause {
  /** The subject withdrew the consent the data was collected under (PIPL Art. 47(1)(3)). */
  ConsentWithdrawn = 'consent_withdrawn',
}

/** What to erase, for whom and why; ids and codes only. */
export interface ScheduleErasureInput {
  /** The subject's account id. */
  subjectId: string;
  /** The account's pseudonymous reference, for the audit trail. */
  subjectRef: string;
  category: DataCategory;
  cause: `${ErasureCause}`;
  /** The request that caused it, if any (a `withdraw_consent` request). */
  requestId?: string | null;
  /** The consent ledger event that caused it, if any. */
  consentEventId?: string | null;
}

/** The erasure that stands scheduled after `schedule`: a new one, or the one already waiting. */
export interface ScheduledErasure {
  erasureId: string;
  category: DataCategory;
  /** False when an erasure of this category was already waiting for this subject. */
  newlyScheduled: boolean;
}

/** The job that carries out one scheduled erasure. */
export const ERASE_JOB = 'fulfilment.erase';

/** The data of a `fulfilment.erase` job: ids only (job data is stored). */
export interface EraseJobData {
  erasureId: string;
}
