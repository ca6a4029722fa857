import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { iso } from '../common/time/iso';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { EvidenceRef, EvidenceView } from './dto/evidence.dto';
import type { ReceivedFile } from './evidence-file.interceptor';
import {
  emptyUpload,
  evidenceDeleted,
  evidenceNotFound,
  fileRequired,
  tooManyUploads,
  unsupportedUpload,
  uploadNotFound,
  uploadTooLarge,
  uploadTypeMismatch,
} from './evidence.errors';
import { EvidenceRepository, UploadRow } from './evidence.repository';
import { kindOfMediaType, MAX_UPLOAD_BYTES, sniffUploadKind, UploadKind } from './upload-kind';

/** Uploads one subject may have waiting for a filing at once: enough for any request, too few to fill the database. */
export const MAX_WAITING_UPLOADS = 20;

/** An upload's bytes as staff download them. */
export interface EvidenceFile {
  uploadId: string;
  kind: UploadKind;
  content: Buffer;
}

const refOf = (row: UploadRow): EvidenceRef => ({ id: row.id, kind: row.kind, size: row.size, sha256: row.sha256 });

/**
 * Evidence (the proof a request filed on someone's behalf carries): a subject uploads files, the
 * requests capability attaches them to the request when it is filed, staff read them.
 *
 * What a file is comes from its bytes (upload-kind.ts), never from its name, which is neither
 * stored nor logged nor audited. Every check runs before anything is written; each upload and each
 * staff read is audited in the transaction that stores or reads it.
 */
@Injectable()
export class EvidenceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: EvidenceRepository,
    private readonly audit: AuditService,
  ) {}

  /** Stores a subject's file, waiting to be attached to a request they file. */
  async upload(user: AuthUser, file: ReceivedFile | undefined): Promise<EvidenceRef> {
    if (!file) throw fileRequired();
    const content = file.buffer;
    if (content.length === 0) throw emptyUpload();
    // multer stops at the limit already; checked again so that no other way in can pass it.
    if (content.length > MAX_UPLOAD_BYTES) throw uploadTooLarge();
    const kind = sniffUploadKind(content);
    if (!kind) throw unsupportedUpload();
    const declared = kindOfMediaType(file.mimetype);
    if (declared && declared !== kind) throw uploadTypeMismatch(declared, kind);
    const sha256 = createHash('sha256').update(content).digest('hex');
    return this.dataSource.transaction(async (manager) => {
      await this.repo.lockUploadsOf(manager, user.id);
      if ((await this.repo.countWaiting(manager, user.id)) >= MAX_WAITING_UPLOADS) throw tooManyUploads(MAX_WAITING_UPLOADS);
      const row = await this.repo.insert(manager, { ownerId: user.id, kind, size: content.length, sha256, content });
      await this.audit.record(manager, {
        action: 'evidence.uploaded',
        actor: actorOf(user),
        entityType: 'upload',
        entityId: row.id,
        subjectRef: user.subjectRef,
        data: { id: row.id, kind: row.kind, size: row.size },
      });
      return refOf(row);
    });
  }

  /**
   * Attaches the owner's waiting uploads to a request, in the caller's transaction (the filing's):
   * each must exist, be `ownerId`'s, not be erased and not be attached yet; otherwise 404
   * `upload_not_found`, whichever the reason, and nothing is attached. The rows stay locked until
   * the caller's transaction ends. Answers in the order given (an id given twice counts once).
   */
  async attach(manager: EntityManager, ownerId: string, uploadIds: string[], requestId: string): Promise<EvidenceRef[]> {
    const ids = [...new Set(uploadIds.map((id) => id.toLowerCase()))];
    if (ids.length === 0) return [];
    // Not a UUID: no upload has it (and PostgreSQL would refuse the cast with an error, not an answer).
    if (!ids.every((id) => isUUID(id))) throw uploadNotFound();
    const rows = new Map((await this.repo.lockForAttaching(manager, ids)).map((row) => [row.id, row]));
    const claims = ids.map((id) => rows.get(id));
    if (claims.some((row) => !row || row.ownerId !== ownerId || row.deletedAt !== null || row.requestId !== null)) throw uploadNotFound();
    await this.repo.attach(manager, ids, requestId);
    return claims.map((row) => refOf(row!));
  }

  /** A request's evidence, oldest first, without content; erased files are listed with `deletedAt`. */
  async forRequest(requestId: string, manager?: EntityManager): Promise<EvidenceView[]> {
    const rows = await this.repo.findOfRequest(requestId, manager);
    return rows.map((row) => ({ ...refOf(row), uploadedAt: iso(row.createdAt), deletedAt: row.deletedAt ? iso(row.deletedAt) : null }));
  }

  /**
   * One upload of one request, for staff: 404 unless it is attached to that request (a request that
   * does not exist answers the same), 410 once its content is erased. The read and its audit event
   * (`evidence.viewed`) are one transaction: a file is never handed out unrecorded.
   */
  async openForStaff(user: AuthUser, requestId: string, uploadId: string): Promise<EvidenceFile> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.repo.findForStaff(manager, requestId, uploadId);
      if (!found?.uploadId || !found.kind) throw evidenceNotFound();
      if (found.deletedAt || !found.content) throw evidenceDeleted(found.deletedAt ?? new Date());
      await this.audit.record(manager, {
        action: 'evidence.viewed',
        actor: actorOf(user),
        entityType: 'request',
        entityId: requestId,
        subjectRef: found.subjectRef,
        data: { uploadId: found.uploadId },
      });
      return { uploadId: found.uploadId, kind: found.kind, content: found.content };
    });
  }
}
