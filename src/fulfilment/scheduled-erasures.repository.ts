import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DataCategory } from '../policy/domain/policy.types';
import { ErasureStatus } from './erasure.types';

export interface NewErasureRow {
  subjectId: string;
  category: DataCategory;
  cause: string;
  requestId: string | null;
  consentEventId: string | null;
}

/** What carrying out an erasure needs to know of it. */
export interface PendingErasure {
  id: string;
  subjectId: string;
  /** the account's pseudonymous reference, for the audit trail */
  subjectRef: string;
  category: DataCategory;
  status: ErasureStatus;
  /** the request that caused it (a withdraw_consent request), on which a manual step is confirmed */
  requestId: string | null;
}

@Injectable()
export class ScheduledErasuresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts a `scheduled` erasure, in the caller's transaction; null when one of this category is
   * already waiting for this subject (`uq_scheduled_erasures_pending`). A concurrent transaction
   * scheduling the same waits here for the other to end, then inserts nothing if it committed.
   */
  async insertUnlessPending(manager: EntityManager, row: NewErasureRow): Promise<string | null> {
    const [inserted]: { id: string }[] = await manager.query(
      `INSERT INTO scheduled_erasures (subject_id, category, cause, request_id, consent_event_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (subject_id, category) WHERE status = 'scheduled' DO NOTHING
       RETURNING id`,
      [row.subjectId, row.category, row.cause, row.requestId, row.consentEventId],
    );
    return inserted?.id ?? null;
  }

  /** The erasure of this category waiting for this subject, if any. */
  async findPending(manager: EntityManager, subjectId: string, category: DataCategory): Promise<string | null> {
    const [row]: { id: string }[] = await manager.query(`SELECT id FROM scheduled_erasures WHERE subject_id = $1 AND category = $2 AND status = 'scheduled'`, [
      subjectId,
      category,
    ]);
    return row?.id ?? null;
  }

  async findById(id: string, manager?: EntityManager): Promise<PendingErasure | null> {
    const [row]: PendingErasure[] = await (manager ?? this.dataSource.manager).query(
      `SELECT e.id, e.subject_id AS "subjectId", u.subject_ref AS "subjectRef", e.category, e.status, e.request_id AS "requestId"
       FROM scheduled_erasures e JOIN users u ON u.id = e.subject_id WHERE e.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** Carried out: `detail` says what was done (ids, codes and counts only). */
  async markDone(manager: EntityManager, id: string, detail: Record<string, unknown>): Promise<void> {
    await manager.query(`UPDATE scheduled_erasures SET status = 'done', done_at = now(), detail = $2 WHERE id = $1 AND status <> 'done'`, [
      id,
      JSON.stringify(detail),
    ]);
  }

  /** Failed, with the step, system and reason: shown, and carried out again by the job's next try. */
  async markFailed(manager: EntityManager, id: string, detail: Record<string, unknown>): Promise<void> {
    await manager.query(`UPDATE scheduled_erasures SET status = 'failed', detail = $2 WHERE id = $1 AND status <> 'done'`, [id, JSON.stringify(detail)]);
  }

  /**
   * Erasures another try may now carry out, oldest id first after `afterId`: failed for want of a
   * verified link (`identity_not_verified`: the subject may have linked since), or waiting under a
   * legal hold (it may have ended). The caller decides whether the try is due.
   */
  async toTryAgain(limit: number, afterId: string | null): Promise<{ id: string; subjectId: string; why: 'no_link' | 'held' }[]> {
    return this.dataSource.query(
      `SELECT id, subject_id AS "subjectId", CASE WHEN status = 'failed' THEN 'no_link' ELSE 'held' END AS why
       FROM scheduled_erasures
       WHERE ((status = 'failed' AND detail::jsonb ->> 'reason' = 'identity_not_verified') OR (status = 'scheduled' AND detail::jsonb ? 'keptUnderHolds'))
         AND ($2::uuid IS NULL OR id > $2::uuid)
       ORDER BY id LIMIT $1`,
      [limit, afterId],
    );
  }

  /** Still to do, with why it waits (a manual step to confirm, a legal hold in force). */
  async markWaiting(id: string, detail: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(`UPDATE scheduled_erasures SET detail = $2 WHERE id = $1 AND status = 'scheduled'`, [id, JSON.stringify(detail)]);
  }
}
