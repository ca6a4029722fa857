import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum SessionKind {
  /** A bearer token for API clients. */
  Api = 'api',
  /** An HttpOnly cookie for the web portal. */
  Web = 'web',
}

/**
 * Every token and cookie names a session row; logging out revokes the row, so a token that has
 * not yet expired is refused from then on.
 */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'enum', enum: SessionKind, enumName: 'session_kind' })
  kind: SessionKind;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
