import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface EndOfServiceRow {
  id: string;
  endsAt: Date;
  reason: string;
  scheduledBy: string;
  scheduledAt: Date;
  notified: number;
  startedAt: Date | null;
  subjectsTotal: number | null;
  finishedAt: Date | null;
}

export type SubjectOutcome = 'done' | 'kept' | 'failed';

export interface EndProgress {
  done: number;
  kept: number;
  failed: number;
}

const COLUMNS = `id, ends_at AS "endsAt", reason, scheduled_by AS "scheduledBy", scheduled_at AS "scheduledAt", notified,
  started_at AS "startedAt", subjects_total AS "subjectsTotal", finished_at AS "finishedAt"`;

@Injectable()
export class EndOfServiceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  /** The standing schedule (not cancelled), if any. */
  async standing(manager?: EntityManager, lock = false): Promise<EndOfServiceRow | null> {
    const [row]: EndOfServiceRow[] = await this.q(manager).query(
      `SELECT ${COLUMNS} FROM end_of_service WHERE cancelled_at IS NULL ${lock ? 'FOR UPDATE' : ''}`,
    );
    return row ?? null;
  }

  /** Null when another schedule stands (the unique index decides, under concurrency too). */
  async insert(manager: EntityManager, endsAt: Date, reason: string, by: string): Promise<EndOfServiceRow | null> {
    const [row]: EndOfServiceRow[] = await manager.query(
      `INSERT INTO end_of_service (ends_at, reason, scheduled_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [endsAt, reason, by],
    );
    return row ?? null;
  }

  async setNotified(manager: EntityManager, id: string, notified: number): Promise<void> {
    await manager.query(`UPDATE end_of_service SET notified = $2 WHERE id = $1`, [id, notified]);
  }

  async cancel(manager: EntityManager, id: string, by: string): Promise<void> {
    await manager.query(`UPDATE end_of_service SET cancelled_at = now(), cancelled_by = $2 WHERE id = $1`, [id, by]);
  }

  /** Marks the run started once, counting the subjects it will go through. */
  async start(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE end_of_service SET started_at = now(), subjects_total = (SELECT count(*)::int FROM users WHERE role = 'subject')
        WHERE id = $1 AND started_at IS NULL`,
      [id],
    );
  }

  async finish(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE end_of_service SET finished_at = now() WHERE id = $1 AND finished_at IS NULL`, [id]);
  }

  /** Subjects without an outcome yet, by id after `after`. */
  async unvisited(id: string, limit: number, after: string | null): Promise<{ id: string; subjectRef: string }[]> {
    return this.dataSource.query(
      `SELECT u.id, u.subject_ref AS "subjectRef" FROM users u
        WHERE u.role = 'subject' ${after ? 'AND u.id > $3' : ''}
          AND NOT EXISTS (SELECT 1 FROM end_of_service_subjects s WHERE s.end_id = $1 AND s.subject_id = u.id)
        ORDER BY u.id LIMIT $2`,
      after ? [id, limit, after] : [id, limit],
    );
  }

  /** Subjects kept (a legal hold) or failed, to be tried again, by id after `after`. */
  async unfinished(id: string, limit: number, after: string | null): Promise<{ id: string; subjectRef: string }[]> {
    return this.dataSource.query(
      `SELECT u.id, u.subject_ref AS "subjectRef" FROM end_of_service_subjects s JOIN users u ON u.id = s.subject_id
        WHERE s.end_id = $1 AND s.status <> 'done' ${after ? 'AND s.subject_id > $3' : ''}
        ORDER BY s.subject_id LIMIT $2`,
      after ? [id, limit, after] : [id, limit],
    );
  }

  async record(manager: EntityManager, id: string, subjectId: string, status: SubjectOutcome, detail: object): Promise<void> {
    await manager.query(
      `INSERT INTO end_of_service_subjects (end_id, subject_id, status, detail) VALUES ($1, $2, $3, $4)
       ON CONFLICT (end_id, subject_id) DO UPDATE SET status = $3, detail = $4, at = now()`,
      [id, subjectId, status, JSON.stringify(detail)],
    );
  }

  async progress(id: string): Promise<EndProgress> {
    const rows: { status: SubjectOutcome; n: number }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS n FROM end_of_service_subjects WHERE end_id = $1 GROUP BY status`,
      [id],
    );
    const of = (s: SubjectOutcome) => rows.find((r) => r.status === s)?.n ?? 0;
    return { done: of('done'), kept: of('kept'), failed: of('failed') };
  }
}
