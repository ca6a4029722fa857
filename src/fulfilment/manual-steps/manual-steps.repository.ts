import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export enum ManualStepStatus {
  AwaitingConfirmation = 'awaiting_confirmation',
  Confirmed = 'confirmed',
}

export interface ManualStepRow {
  requestId: string;
  category: string;
  operation: string;
  system: string;
  owner: string | null;
  subjectId: string;
  subjectRef: string;
  status: ManualStepStatus;
  job: string;
  jobData: Record<string, unknown>;
  requestedAt: Date;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  note: string | null;
  evidenceUploadId: string | null;
}

export type NewManualStep = Pick<ManualStepRow, 'requestId' | 'category' | 'operation' | 'system' | 'owner' | 'subjectId' | 'subjectRef' | 'job' | 'jobData'>;

const COLUMNS = `request_id AS "requestId", category, operation, system, owner, subject_id AS "subjectId", subject_ref AS "subjectRef", status,
  job, job_data AS "jobData", requested_at AS "requestedAt", confirmed_by AS "confirmedBy", confirmed_at AS "confirmedAt", note,
  evidence_upload_id AS "evidenceUploadId"`;

/** The manual steps of requests (`manual_steps`): asked for by a job, confirmed by a reviewer. */
@Injectable()
export class ManualStepsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The step of this request and category, asked for now unless it already was (then as it stands). */
  async ensure(step: NewManualStep): Promise<ManualStepRow> {
    const [row]: ManualStepRow[] = await this.dataSource.query(
      `WITH asked AS (
         INSERT INTO manual_steps (request_id, category, operation, system, owner, subject_id, subject_ref, job, job_data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (request_id, category) DO NOTHING
         RETURNING ${COLUMNS})
       SELECT * FROM asked
       UNION ALL
       SELECT ${COLUMNS} FROM manual_steps WHERE request_id = $1 AND category = $2
       LIMIT 1`,
      [step.requestId, step.category, step.operation, step.system, step.owner, step.subjectId, step.subjectRef, step.job, JSON.stringify(step.jobData)],
    );
    return row;
  }

  async ofRequest(requestId: string, manager?: EntityManager): Promise<ManualStepRow[]> {
    return (manager ?? this.dataSource.manager).query(`SELECT ${COLUMNS} FROM manual_steps WHERE request_id = $1 ORDER BY requested_at, category`, [requestId]);
  }

  /** Every step of the request, locked until the caller's transaction ends: two confirmations of one request take turns. */
  async lockRequest(manager: EntityManager, requestId: string): Promise<ManualStepRow[]> {
    return manager.query(`SELECT ${COLUMNS} FROM manual_steps WHERE request_id = $1 ORDER BY requested_at, category FOR UPDATE`, [requestId]);
  }

  async confirm(
    manager: EntityManager,
    requestId: string,
    category: string,
    by: { confirmedBy: string; note: string; evidenceUploadId: string | null },
  ): Promise<ManualStepRow> {
    const [rows]: [ManualStepRow[], number] = await manager.query(
      `UPDATE manual_steps SET status = 'confirmed', confirmed_by = $3, confirmed_at = now(), note = $4, evidence_upload_id = $5
       WHERE request_id = $1 AND category = $2 AND status = 'awaiting_confirmation'
       RETURNING ${COLUMNS}`,
      [requestId, category, by.confirmedBy, by.note, by.evidenceUploadId],
    );
    return rows[0];
  }
}
