import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ConsentState } from './consent.types';

/**
 * The current state of one purpose for one subject, kept in step with `consent_events` in the same
 * transaction: one row per user and purpose, so "what has this subject consented to" and "who has
 * consented to X" are index reads.
 */
@Entity({ name: 'consents' })
export class Consent {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ type: 'text' })
  purpose: string;

  @Column({ type: 'text' })
  state: ConsentState.Granted | ConsentState.Withdrawn;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion: number;

  @Column({ name: 'clause_id', type: 'text' })
  clauseId: string;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;
}
