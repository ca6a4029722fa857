import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { RequestStatus } from './domain/request-status';

/**
 * One entry of a request's timeline (table `request_events`): a transition, who made it, the
 * clauses cited and why. Append-only; only `note` (the subject's own words) may be erased.
 */
@Entity({ name: 'request_events' })
export class RequestEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Write order. */
  @Column({ type: 'bigint' })
  n: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'from_status', type: 'enum', enum: RequestStatus, enumName: 'request_status', nullable: true })
  fromStatus: RequestStatus | null;

  @Column({ name: 'to_status', type: 'enum', enum: RequestStatus, enumName: 'request_status' })
  toStatus: RequestStatus;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole: string;

  /** approve | reject | partial for a decision, extend for an extension; null otherwise. */
  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  @Column({ type: 'text', array: true })
  clauses: string[];

  /** Provisions of the law catalogue cited beside the clauses (`PIPL.47`). */
  @Column({ type: 'text', array: true })
  law: string[];

  /** Staff's reason or question, written for the subject to read. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The subject's own words (a reply, an appeal statement). */
  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** Facts of the transition: due dates before and after, the pause, purposes withdrawn. */
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;
}
