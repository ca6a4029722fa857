import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { JobsService } from '../jobs/jobs.service';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { EvidenceRepository } from './evidence.repository';

export const EVIDENCE_SWEEP_JOB = 'evidence.retention-sweep';
/** The same cadence as the requests' lapse scan: content is erased at most five minutes late. */
const EVIDENCE_SWEEP_SCHEDULE = '*/5 * * * *';
/** An upload no filing took within this many hours is removed. */
export const UNATTACHED_UPLOAD_HOURS = 24;
/** Uploads erased, and removed, per transaction. */
const BATCH = 200;

export interface SweepResult {
  /** attached uploads whose content was erased (the rows stay) */
  erased: number;
  /** uploads never attached, removed */
  discarded: number;
}

/**
 * Keeps evidence no longer than it serves: the content of an upload attached to a request closed
 * more than EVIDENCE_RETENTION_DAYS ago is erased (its kind, size and hash stay, with `deleted_at`),
 * and an upload never attached is removed a day after it came. Each batch is one transaction with
 * its audit event (`evidence.deleted`, counts only). Safe with several processes and idempotent:
 * rows another sweep holds are skipped, and a second run finds nothing left to do.
 */
@Injectable()
export class EvidenceRetention implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: EvidenceRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      EVIDENCE_SWEEP_JOB,
      async () => {
        await this.sweep();
      },
      { schedule: EVIDENCE_SWEEP_SCHEDULE },
    );
  }

  /** Erases and removes what is due; returns how many uploads this call erased and removed. */
  async sweep(): Promise<SweepResult> {
    const retentionDays = this.config.env.EVIDENCE_RETENTION_DAYS;
    const total: SweepResult = { erased: 0, discarded: 0 };
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const erased = await this.repo.eraseExpired(manager, retentionDays, BATCH);
        const discarded = await this.repo.discardUnattached(manager, UNATTACHED_UPLOAD_HOURS, BATCH);
        if (erased + discarded > 0) {
          await this.audit.record(manager, {
            action: 'evidence.deleted',
            actor: SYSTEM_ACTOR,
            entityType: 'upload',
            data: { erased, discarded, retentionDays, unattachedHours: UNATTACHED_UPLOAD_HOURS },
          });
        }
        return { erased, discarded };
      });
      total.erased += done.erased;
      total.discarded += done.discarded;
      if (done.erased < BATCH && done.discarded < BATCH) return total;
    }
  }
}
