import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type StepStatus = 'done' | 'kept' | 'failed';

export interface ErasureStep {
  category: string;
  status: StepStatus;
  action: string;
  rows: number;
  detail: Record<string, unknown>;
  at: Date;
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

  async record(requestId: string, step: Omit<ErasureStep, 'at'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO erasure_steps (request_id, category, status, action, rows, detail) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (request_id, category) DO UPDATE SET status = $3, action = $4, rows = $5, detail = $6, at = now()`,
      [requestId, step.category, step.status, step.action, step.rows, JSON.stringify(step.detail)],
    );
  }
}
