import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** awaiting_confirmation: a system worked by hand, until a reviewer confirms the step (fulfilment's ManualSteps). */
export type StepStatus = 'done' | 'kept' | 'failed' | 'awaiting_confirmation';

export interface ErasureStep {
  category: string;
  status: StepStatus;
  action: string;
  rows: number;
  detail: Record<string, unknown>;
  at: Date;
}

export interface HeldStep {
  requestId: string;
  subjectId: string;
  subjectRef: string;
  category: string;
  action: string;
  detail: Record<string, unknown>;
  at: Date;
  /** filed on someone's behalf: the records are the represented person's */
  onBehalf: boolean;
}

/** What a request's erasure has done, category by category (`erasure_steps`). */
@Injectable()
export class ErasureStepsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ofRequest(requestId: string, manager?: EntityManager): Promise<ErasureStep[]> {
    return (manager ?? this.dataSource.manager).query(
      `SELECT category, status, action, rows::int AS rows, detail, at FROM erasure_steps WHERE request_id = $1 ORDER BY at, category`,
      [requestId],
    );
  }

  /** Whether a legal hold still keeps a category of any of the subject's erasures. */
  async anyHeldOfSubject(subjectId: string, manager?: EntityManager): Promise<boolean> {
    const [row]: unknown[] = await (manager ?? this.dataSource.manager).query(
      `SELECT 1 FROM erasure_steps s JOIN requests r ON r.id = s.request_id
        WHERE r.subject_id = $1 AND s.status = 'kept' AND s.detail ? 'holds' LIMIT 1`,
      [subjectId],
    );
    return row !== undefined;
  }

  /**
   * Up to `limit` categories kept under legal holds, oldest first, of completed erasures: the
   * candidates for erasure once their holds end (HeldErasures checks which still hold).
   */
  async held(limit: number, after?: { at: Date; requestId: string; category: string }): Promise<HeldStep[]> {
    return this.dataSource.query(
      `SELECT s.request_id AS "requestId", r.subject_id AS "subjectId", r.subject_ref AS "subjectRef", s.category, s.action, s.detail, s.at,
              (r.details ? 'onBehalfOf') AS "onBehalf"
         FROM erasure_steps s JOIN requests r ON r.id = s.request_id
        WHERE s.status = 'kept' AND s.detail ? 'holds' AND r.status = 'completed'
          ${after ? `AND (s.at, s.request_id, s.category) > ($2, $3, $4)` : ''}
        ORDER BY s.at, s.request_id, s.category
        LIMIT $1`,
      after ? [limit, after.at, after.requestId, after.category] : [limit],
    );
  }

  async record(requestId: string, step: Omit<ErasureStep, 'at'>, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO erasure_steps (request_id, category, status, action, rows, detail) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (request_id, category) DO UPDATE SET status = $3, action = $4, rows = $5, detail = $6, at = now()`,
      [requestId, step.category, step.status, step.action, step.rows, JSON.stringify(step.detail)],
    );
  }
}
