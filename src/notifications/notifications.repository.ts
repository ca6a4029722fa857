import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../kernel/role';

export interface NewNotice {
  userId: string;
  kind: string;
  data: object;
  dedupeKey?: string | null;
}

/**
 * The columns a notice is inserted with, its values in their order (the data as JSON text, cast to
 * jsonb by the statement), and what a repeated dedupe key does: the filing's one statement writes a
 * receipt with them too (src/requests/filing.repository.ts).
 */
export const NOTICE_INSERT_COLUMNS = `(user_id, kind, data, dedupe_key)`;
export const NOTICE_ON_CONFLICT = `ON CONFLICT ON CONSTRAINT uq_notifications_dedupe_key DO NOTHING`;

export function noticeValues(n: NewNotice): [string, string, string, string | null] {
  return [n.userId, n.kind, JSON.stringify(n.data), n.dedupeKey ?? null];
}

/** A notice taken for one delivery attempt, with its recipient's address as of now. */
export interface ClaimedNotice {
  id: string;
  kind: string;
  data: Record<string, unknown>;
  /** this attempt's number (1 for the first) */
  attempt: number;
  /** null when the account no longer exists */
  email: string | null;
  locale: string | null;
}

/** The SQL of the notice outbox. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Returns the new notice's id, or null when a notice with this dedupe key exists already. */
  async insertOne(manager: EntityManager, n: NewNotice): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO notifications ${NOTICE_INSERT_COLUMNS} VALUES ($1, $2, $3::jsonb, $4) ${NOTICE_ON_CONFLICT} RETURNING id`,
      noticeValues(n),
    );
    return rows[0]?.id ?? null;
  }

  /**
   * One notice for every account of a role, in one statement (100k accounts: a few seconds, about as long as writing the rows takes).
   * With a dedupe key, each account's notice gets `<key>:<user id>`, so running it again adds none.
   */
  async insertForRole(manager: EntityManager, role: Role, kind: string, data: object, dedupeKey?: string): Promise<number> {
    const [{ n }]: { n: number }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO notifications (user_id, kind, data, dedupe_key)
         SELECT u.id, $2, $3::jsonb, CASE WHEN $4::text IS NULL THEN NULL ELSE $4::text || ':' || u.id END
         FROM users u WHERE u.role = $1::user_role
         ON CONFLICT ON CONSTRAINT uq_notifications_dedupe_key DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM inserted`,
      [role, kind, JSON.stringify(data), dedupeKey ?? null],
    );
    return n;
  }

  /**
   * Takes up to `limit` due notices for one attempt. The rows are locked only for this statement
   * (SKIP LOCKED: concurrent deliverers take different rows); what keeps another deliverer from
   * taking them again while they are being sent is the lease: `next_attempt_at` moves `leaseSeconds`
   * ahead, far beyond any send's time-outs. A deliverer that dies mid-send leaves them due again
   * when the lease ends. The attempt is counted now, so a notice that crashes its sender still
   * reaches the maximum.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<ClaimedNotice[]> {
    return this.dataSource.query(
      `WITH due AS (
         SELECT id FROM notifications
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE notifications n
         SET attempts = n.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
         FROM due WHERE n.id = due.id
         RETURNING n.id, n.user_id, n.kind, n.data, n.attempts
       )
       SELECT c.id, c.kind, c.data, c.attempts AS attempt, u.email, u.locale
       FROM claimed c LEFT JOIN users u ON u.id = c.user_id`,
      [limit, leaseSeconds],
    );
  }

  // The outcome of an attempt is written only if the notice is still in that attempt: should a
  // lease ever run out and another deliverer take the notice, the late writer changes nothing.

  async markSent(id: string, attempt: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications SET status = 'sent', sent_at = now(), last_error = NULL
       WHERE id = $1 AND status = 'pending' AND attempts = $2`,
      [id, attempt],
    );
  }

  async markRetry(id: string, attempt: number, delaySeconds: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications SET next_attempt_at = now() + make_interval(secs => $3), last_error = $4
       WHERE id = $1 AND status = 'pending' AND attempts = $2`,
      [id, attempt, delaySeconds, error],
    );
  }

  async markFailed(id: string, attempt: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications SET status = 'failed', last_error = $3
       WHERE id = $1 AND status = 'pending' AND attempts = $2`,
      [id, attempt, error],
    );
  }
}
