import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UploadKind } from './upload-kind';

/** An upload to store: the subject's, with its bytes and what was learnt of them. */
export interface NewUpload {
  ownerId: string;
  kind: UploadKind;
  size: number;
  sha256: string;
  content: Buffer;
}

/** What an upload is, without its bytes. */
export interface UploadRow {
  id: string;
  kind: UploadKind;
  size: number;
  sha256: string;
}

/** An upload as attaching it needs to judge it. */
export interface UploadClaim extends UploadRow {
  ownerId: string;
  requestId: string | null;
  deletedAt: Date | null;
}

/** An upload of a request, as staff see it listed. */
export interface EvidenceRow extends UploadRow {
  createdAt: Date;
  deletedAt: Date | null;
}

/** A request's subject and, when that request has an upload with the id asked for, the upload (else nulls). */
export interface StaffRead {
  subjectRef: string;
  uploadId: string | null;
  kind: UploadKind | null;
  content: Buffer | null;
  deletedAt: Date | null;
}

const UPLOAD_COLUMNS = `id, kind, size, sha256`;

/**
 * The queries of evidence uploads. The request an upload belongs to is reached through the
 * `uploads.request_id` foreign key: the requests capability will ask this one to attach evidence
 * when it files, so this one does not ask it anything back (the folder graph stays acyclic).
 */
@Injectable()
export class EvidenceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Holds, until the caller's transaction ends, the one lock under which this subject's waiting
   * uploads are counted and added to: two uploads at once cannot both see room for one more.
   */
  async lockUploadsOf(manager: EntityManager, ownerId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('evidence.uploads'), hashtext($1))`, [ownerId]);
  }

  /** How many of this subject's uploads wait for a filing (ix_uploads_owner_unattached). */
  async countWaiting(manager: EntityManager, ownerId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await manager.query(
      `SELECT count(*)::int AS n FROM uploads WHERE owner_id = $1 AND request_id IS NULL AND deleted_at IS NULL`,
      [ownerId],
    );
    return n;
  }

  async insert(manager: EntityManager, upload: NewUpload): Promise<UploadRow> {
    const [row]: UploadRow[] = await manager.query(
      `INSERT INTO uploads (owner_id, kind, size, sha256, content) VALUES ($1, $2, $3, $4, $5) RETURNING ${UPLOAD_COLUMNS}`,
      [upload.ownerId, upload.kind, upload.size, upload.sha256, upload.content],
    );
    return row;
  }

  /** The uploads with these ids, locked FOR UPDATE until the caller's transaction ends. */
  lockForAttaching(manager: EntityManager, ids: readonly string[]): Promise<UploadClaim[]> {
    return manager.query(
      `SELECT ${UPLOAD_COLUMNS}, owner_id AS "ownerId", request_id AS "requestId", deleted_at AS "deletedAt"
       FROM uploads WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
  }

  async attach(manager: EntityManager, ids: readonly string[], requestId: string): Promise<void> {
    await manager.query(`UPDATE uploads SET request_id = $2, attached_at = now() WHERE id = ANY($1::uuid[])`, [ids, requestId]);
  }

  /** A request's uploads, oldest first (ix_uploads_request). */
  findOfRequest(requestId: string, manager?: EntityManager): Promise<EvidenceRow[]> {
    return (manager ?? this.dataSource.manager).query(
      `SELECT ${UPLOAD_COLUMNS}, created_at AS "createdAt", deleted_at AS "deletedAt"
       FROM uploads WHERE request_id = $1 ORDER BY created_at, id`,
      [requestId],
    );
  }

  /** The request (null: there is none) and, when attached to it, the upload with its bytes. */
  async findForStaff(manager: EntityManager, requestId: string, uploadId: string): Promise<StaffRead | null> {
    const [row]: StaffRead[] = await manager.query(
      `SELECT r.subject_ref AS "subjectRef", u.id AS "uploadId", u.kind, u.content, u.deleted_at AS "deletedAt"
       FROM requests r LEFT JOIN uploads u ON u.request_id = r.id AND u.id = $2
       WHERE r.id = $1`,
      [requestId, uploadId],
    );
    return row ?? null;
  }

  /**
   * Erases the content of up to `limit` uploads attached to a request closed more than
   * `retentionDays` ago; the rows stay. Rows another transaction holds (an attach, another sweep)
   * are skipped, for the next round. Returns how many were erased.
   */
  async eraseExpired(manager: EntityManager, retentionDays: number, limit: number): Promise<number> {
    const [, count]: [unknown[], number] = await manager.query(
      `UPDATE uploads SET content = NULL, deleted_at = now()
       WHERE id IN (
         SELECT u.id FROM uploads u JOIN requests r ON r.id = u.request_id
         WHERE u.deleted_at IS NULL AND r.closed_at IS NOT NULL AND r.closed_at < now() - make_interval(days => $1)
         LIMIT $2 FOR UPDATE OF u SKIP LOCKED)`,
      [retentionDays, limit],
    );
    return count;
  }

  /** Removes up to `limit` uploads that no filing took within `hours` of their upload. Returns how many. */
  async discardUnattached(manager: EntityManager, hours: number, limit: number): Promise<number> {
    const [, count]: [unknown[], number] = await manager.query(
      `DELETE FROM uploads
       WHERE id IN (
         SELECT id FROM uploads
         WHERE request_id IS NULL AND created_at < now() - make_interval(hours => $1)
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [hours, limit],
    );
    return count;
  }
}
