import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { DataSource, EntityManager } from 'typeorm';

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

export enum ExportStatus {
  Running = 'running',
  Ready = 'ready',
  Failed = 'failed',
}

export interface ExportRow {
  requestId: string;
  subjectId: string;
  status: ExportStatus;
  files: string[];
  summary: Record<string, unknown>;
  failure: Record<string, unknown> | null;
  readyAt: Date | null;
  expiresAt: Date | null;
}

const COLUMNS = `request_id AS "requestId", subject_id AS "subjectId", status, files, summary, failure, ready_at AS "readyAt", expires_at AS "expiresAt"`;

/** The copies requests produce (`exports`) and their files in chunks (`export_parts`). */
@Injectable()
export class ExportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A copy starts (again): its row running, any part an interrupted run left behind gone. */
  async start(requestId: string, subjectId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO exports (request_id, subject_id, status) VALUES ($1, $2, 'running')
         ON CONFLICT (request_id) DO UPDATE SET status = 'running', files = '{}', summary = '{}', failure = NULL, ready_at = NULL, expires_at = NULL, started_at = now()`,
        [requestId, subjectId],
      );
      await manager.query(`DELETE FROM export_parts WHERE request_id = $1`, [requestId]);
    });
  }

  /**
   * One part, compressed first (raw deflate, level 1: a copy is JSON and HTML text, which shrinks
   * six- to sevenfold at about 250 MiB/s; zlib works on a thread of its own, not the one the portal
   * answers requests on).
   *
   * Committed without waiting for the disk (`synchronous_commit` off for this statement's
   * transaction alone): the copy is ready only once markReady commits, which waits for the log up to
   * itself and so for every part before it; parts a crash loses belong to a copy not yet ready,
   * whose next run starts again (start). A part costs one round trip, not one flush of the log.
   */
  async insertPart(requestId: string, file: string, n: number, data: Buffer): Promise<void> {
    const deflated = await deflate(data, { level: 1 });
    await this.dataSource.query(
      `WITH unflushed AS (SELECT set_config('synchronous_commit', 'off', true))
       INSERT INTO export_parts (request_id, file, n, data, deflated) SELECT $1, $2, $3, $4, true FROM unflushed`,
      [requestId, file, n, deflated],
    );
  }

  /** Ready to download until `expiresAt`, in the transaction that completes the request. */
  async markReady(manager: EntityManager, requestId: string, files: string[], summary: Record<string, unknown>, expiresAt: Date): Promise<void> {
    await manager.query(`UPDATE exports SET status = 'ready', files = $2, summary = $3, ready_at = now(), expires_at = $4 WHERE request_id = $1`, [
      requestId,
      files,
      JSON.stringify(summary),
      expiresAt,
    ]);
  }

  /** A failed step, shown on the request; the row is made if the step failed before the copy began. */
  async markFailed(requestId: string, subjectId: string, failure: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO exports (request_id, subject_id, status, failure) VALUES ($1, $2, 'failed', $3)
       ON CONFLICT (request_id) DO UPDATE SET status = 'failed', failure = $3, ready_at = NULL, expires_at = NULL`,
      [requestId, subjectId, JSON.stringify(failure)],
    );
  }

  async find(requestId: string): Promise<ExportRow | null> {
    const [row]: ExportRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM exports WHERE request_id = $1`, [requestId]);
    return row ?? null;
  }

  /** One file's chunks in order, a few at a time. */
  async *parts(requestId: string, file: string): AsyncGenerator<Buffer> {
    for (let from = 0; ; from += PARTS_PER_READ) {
      const rows: { data: Buffer; deflated: boolean }[] = await this.dataSource.query(
        `SELECT data, deflated FROM export_parts WHERE request_id = $1 AND file = $2 AND n >= $3 ORDER BY n LIMIT ${PARTS_PER_READ}`,
        [requestId, file, from],
      );
      for (const row of rows) yield row.deflated ? await inflate(row.data) : row.data;
      if (rows.length < PARTS_PER_READ) return;
    }
  }

  /** Copies past their days, with their parts; answers how many went. */
  async deleteExpired(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const expired: { request_id: string }[] = await manager.query(`DELETE FROM exports WHERE expires_at < now() RETURNING request_id`);
      if (expired.length > 0) await manager.query(`DELETE FROM export_parts WHERE request_id = ANY($1)`, [expired.map((e) => e.request_id)]);
      return expired.length;
    });
  }
}

const PARTS_PER_READ = 2;
