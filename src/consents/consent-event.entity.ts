import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ConsentSource, ConsentState } from './consent.types';

/** One grant or withdrawal, as it happened; append-only (the database refuses UPDATE and DELETE). */
@Entity({ name: 'consent_events' })
export class ConsentEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** The pseudonymous reference, so that the history stays proof after the account is anonymised. */
  @Column({ name: 'subject_ref', type: 'uuid' })
  subjectRef: string;

  @Column({ type: 'text' })
  purpose: string;

  @Column({ type: 'text' })
  state: ConsentState.Granted | ConsentState.Withdrawn;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion: number;

  @Column({ name: 'clause_id', type: 'text' })
  clauseId: string;

  @Column({ type: 'text' })
  source: ConsentSource;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;
}
