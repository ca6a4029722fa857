import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { iso } from '../common/time/iso';
import { JobsService } from '../jobs/jobs.service';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { RequestReader, SubjectRequest } from '../requests';
import { ExportFormat } from './dto/export-query.dto';
import { EXPORT_JOB } from './export.job';
import { DISCLOSURE_RECORD_JOB, RECORD_TYPES } from './disclosure-record.job';
import { COPY_TYPES } from '../policy/domain/policy.types';
import { categoryRequired, exportExpired, exportNotFound } from './exports.errors';
import { ExportStatus, ExportsRepository } from './exports.repository';
import { copyCsv, copyHtml, linesOf, readCopy } from './copy-rendering';

const MEDIA_TYPES: Record<ExportFormat, string> = { json: 'application/json', html: 'text/html; charset=utf-8', csv: 'text/csv; charset=utf-8' };

export interface ExportStatusView {
  status: ExportStatus;
  files: string[];
  expiresAt: string | null;
  failure: { step: string; system: string | null; reason: string; at: string } | null;
}

export interface ExportDownload {
  file: string;
  mediaType: string;
  parts: AsyncGenerator<Buffer | string>;
}

/** Starting a copy when a request is approved, and the subject's download of it. */
@Injectable()
export class ExportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: ExportsRepository,
    private readonly requests: RequestReader,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * In the transaction that approves the request: the copy (access, copy_transfer) or the record of
   * disclosures (disclosure_log) is made if and only if the approval commits.
   */
  async startIfCopy(manager: EntityManager, request: SubjectRequest): Promise<void> {
    if (COPY_TYPES.includes(request.type)) await this.jobs.send(EXPORT_JOB, { requestId: request.id }, { manager });
    else if (RECORD_TYPES.includes(request.type)) await this.jobs.send(DISCLOSURE_RECORD_JOB, { requestId: request.id }, { manager });
  }

  /** Where the copy of a request stands, for staff: running, ready (until when) or failed (which step, which system, why). */
  async statusOf(requestId: string): Promise<ExportStatusView | null> {
    const found = await this.repo.find(requestId);
    if (!found) return null;
    return {
      status: found.status,
      files: found.files,
      expiresAt: found.expiresAt ? iso(found.expiresAt) : null,
      failure: (found.failure as ExportStatusView['failure']) ?? null,
    };
  }

  /** The caller's own copy, one file of it, audited (`export.downloaded`) before a byte is sent. */
  async download(user: AuthUser, requestId: string, format: ExportFormat, category?: string): Promise<ExportDownload> {
    const request = await this.requests.find(requestId);
    if (!request || request.subjectId !== user.id) throw exportNotFound();
    const found = await this.repo.find(requestId);
    if (!found || found.status !== ExportStatus.Ready || !found.expiresAt) throw exportNotFound();
    if (found.expiresAt.getTime() < Date.now()) throw exportExpired(iso(found.expiresAt));
    const file = format === 'csv' ? `${category ?? ''}.csv` : `export.${format}`;
    if (format === 'csv' && !found.files.includes(file)) {
      const sheets = found.files.filter((f) => f.endsWith('.csv')).map((f) => f.slice(0, -4));
      if (sheets.length === 0) throw exportNotFound();
      throw categoryRequired(sheets);
    }
    if (!found.files.includes(file)) throw exportNotFound();
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        action: 'export.downloaded',
        actor: actorOf(user),
        entityType: 'request',
        entityId: requestId,
        subjectRef: user.subjectRef,
        data: { file },
      }),
    );
    return { file, mediaType: MEDIA_TYPES[format], parts: this.contentOf(requestId, file, found.summary.rendered === true) };
  }

  /**
   * A file of a copy: its stored parts, or, for a copy stored as its JSON alone (`rendered`), the
   * page and the CSV files made from the JSON as they go out (copy-rendering.ts).
   */
  private contentOf(requestId: string, file: string, rendered: boolean): AsyncGenerator<Buffer | string> {
    if (!rendered || file === 'export.json') return this.repo.parts(requestId, file);
    const copy = readCopy(linesOf(this.repo.parts(requestId, 'export.json')));
    return file === 'export.html' ? copyHtml(copy) : copyCsv(copy, file.slice(0, -'.csv'.length));
  }
}
