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
  category: DataCategory;
  status: ErasureStatus;
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
      `SELECT id, subject_id AS "subjectId", category, status FROM scheduled_erasures WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }
}
