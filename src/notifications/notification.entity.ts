import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum NotificationStatus {
  Pending = 'pending',
  Sent = 'sent',
  Failed = 'failed',
}

/**
 * One notice in the outbox (migration 1764403300000). It holds no address: the recipient's is read
 * from `users` when the notice is sent.
 */
@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** NULL once the recipient's account is erased; the notice is then never sent. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ type: 'enum', enum: NotificationStatus, enumName: 'notification_status' })
  status: NotificationStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  /** Why the last attempt failed; never an address. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'dedupe_key', type: 'text', nullable: true })
  dedupeKey: string | null;
}
