import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../kernel/role';
import { SessionKind } from './session.entity';

export interface LiveSession {
  sessionId: string;
  userId: string;
  role: Role;
  subjectRef: string;
  mfaEnabled: boolean;
}

@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async open(manager: EntityManager, userId: string, kind: SessionKind, ttlSeconds: number): Promise<string> {
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO sessions (user_id, kind, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING id`,
      [userId, kind, ttlSeconds],
    );
    return row.id;
  }

  /** The session with its account, if it is neither revoked nor expired and the account is not closed. Role is read fresh every time. */
  async findLive(sessionId: string, userId: string): Promise<LiveSession | null> {
    const rows: LiveSession[] = await this.dataSource.query(
      `SELECT s.id AS "sessionId", u.id AS "userId", u.role, u.subject_ref AS "subjectRef", (u.mfa_enabled_at IS NOT NULL) AS "mfaEnabled"
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.closed_at IS NULL`,
      [sessionId, userId],
    );
    return rows[0] ?? null;
  }

  async revoke(manager: EntityManager, sessionId: string): Promise<void> {
    await manager.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId]);
  }
}
