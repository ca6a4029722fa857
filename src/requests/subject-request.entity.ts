import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DataCategory, RequestType } from '../policy/domain/policy.types';
import type { OnBehalfOf } from './domain/on-behalf';
import { RequestStatus } from './domain/request-status';

/** One item of a correction: what the subject says is wrong, and what is right (PIPL Art. 46). */
export interface CorrectionItem {
  category: DataCategory;
  field: string;
  currentValue?: string;
  correctedValue: string;
  explanation: string;
}

/**
 * What a request carries besides its type, as filed (personal data: never audited or logged): the
 * purposes of a consent withdrawal, a correction's items, a copy's format and recipient, the
 * question to explain, the categories to delete, the subject's note, and whom it is filed for.
 */
export interface RequestDetails {
  purposes?: string[];
  confirmFaceBasic?: boolean;
  items?: CorrectionItem[];
  format?: 'json' | 'csv';
  sendTo?: { name: string; endpoint: string };
  question?: string;
  categories?: DataCategory[];
  /** the subject's own words filed with the request */
  note?: string;
  onBehalfOf?: OnBehalfOf;
}

/** A request filed by a data subject (table `requests`, migration 1764403500000). */
@Entity({ name: 'requests' })
export class SubjectRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId: string;

  /** The subject's pseudonymous reference, for audit events and records kept after erasure. */
  @Column({ name: 'subject_ref', type: 'uuid' })
  subjectRef: string;

  @Column({ type: 'enum', enum: RequestType, enumName: 'request_type' })
  type: RequestType;

  @Column({ type: 'enum', enum: RequestStatus, enumName: 'request_status' })
  status: RequestStatus;

  /** Incremented by every transition; a caller may name the version it read (`expectedVersion`). */
  @Column({ type: 'integer' })
  version: number;

  /** The policy version in force at filing: every citation on this request is checked against it. */
  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion: number;

  @Column({ type: 'jsonb' })
  details: RequestDetails;

  /** Whom the request is about when filed for someone else (representedKey); '' for the subject themselves. */
  @Column({ type: 'text' })
  represented: string;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  /**
   * Set while the clock is paused, awaiting the subject, since then. A question that does not pause
   * the clock (the deletion review's, or one after MAX_CLOCK_PAUSES) leaves it null.
   */
  @Column({ name: 'awaiting_since', type: 'timestamptz', nullable: true })
  awaitingSince: Date | null;

  /** When the question now awaiting the subject was asked (set exactly while awaiting the subject): the lapse counts from it. */
  @Column({ name: 'question_asked_at', type: 'timestamptz', nullable: true })
  questionAskedAt: Date | null;

  /** How many times a question has paused the clock (at most MAX_CLOCK_PAUSES; never for the deletion review). */
  @Column({ name: 'clock_pauses', type: 'smallint' })
  clockPauses: number;

  /** A deadline is extended at most once. */
  @Column({ name: 'extended_at', type: 'timestamptz', nullable: true })
  extendedAt: Date | null;

  /** A rejection is appealed at most once. */
  @Column({ name: 'appealed_at', type: 'timestamptz', nullable: true })
  appealedAt: Date | null;

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  /** When the overdue scan first found this request past its due date (its assignee is told once). */
  @Column({ name: 'overdue_flagged_at', type: 'timestamptz', nullable: true })
  overdueFlaggedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 of the request body (without the password): a key reused with another body is refused. */
  @Column({ name: 'idempotency_fingerprint', type: 'text', nullable: true })
  idempotencyFingerprint: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
