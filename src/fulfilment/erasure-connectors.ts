import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { IdentityService } from '../identity';
import { SYSTEM_ACTOR } from '../kernel/actor';
import type { DataCategory } from '../policy/domain/policy.types';
import { AwaitingConfirmation, ConnectorStepFailed, ConnectorTarget } from './connectors/connector';
import { Connectors } from './connectors/connectors';
import { ErasureAction, KEYSET_BATCH_ROWS } from './domain/data-map';
import { ERASE_JOB } from './erasure.types';
import type { PendingErasure } from './scheduled-erasures.repository';
import { ScheduledErasuresRepository } from './scheduled-erasures.repository';

/** Rows one statement (or one call) erases: each batch is short, so no lock is held for long (a keyset statement: KEYSET_BATCH_ROWS). */
export const SCHEDULED_ERASE_BATCH_ROWS = 1000;

/** The legal holds in force on a subject, as the holds capability answers them. */
export type ActiveHoldsReader = (subjectId: string) => Promise<{ id: string; categories: readonly string[] }[]>;

/** Erases one category of one subject's data in one of the operator's systems and records the outcome on the erasure (`done` or `failed`). */
export interface ErasureConnector {
  erase(erasure: PendingErasure): Promise<void>;
}

/** An erasure that failed in a way another try may mend (a timeout, a refusal, a garbage answer): the job throws it, so the queue tries again. */
export class ScheduledErasureFailed extends Error {
  constructor(readonly reason: string) {
    super(`the scheduled erasure failed: ${reason}`);
    this.name = 'ScheduledErasureFailed';
  }
}

/**
 * Carries out a scheduled erasure (a withdrawn facial consent, PIPL Art. 47(1)(3)) through the
 * connector the data map names for its category, for the app account the subject proved to be
 * theirs (IdentityService.linkOf), exactly as an approved deletion does.
 *
 * Without a verified link the erasure fails, visibly, with `identity_not_verified`, and erases
 * nothing: the portal cannot tell which app account is the subject's, and erasing by a guess (an
 * e-mail typed into the portal) could destroy another person's data, itself an unlawful
 * processing. A failure is kept on the erasure and audited (`erasure.failed`), so that the duty
 * stays open and visible rather than waiting silently as if in progress.
 *
 * An active legal hold on the category keeps it, storage only, until the hold ends (PIPL Art.
 * 47(2)): the erasure stays scheduled, saying so. The holds capability lends its reader
 * (`useActiveHolds`); until it has, nothing is erased (the step fails, and is tried again).
 */
@Injectable()
export class ErasureConnectors {
  private readonly logger = new Logger(ErasureConnectors.name);
  private activeHolds?: ActiveHoldsReader;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connectors: Connectors,
    private readonly identity: IdentityService,
    private readonly repo: ScheduledErasuresRepository,
    private readonly audit: AuditService,
  ) {}

  useActiveHolds(reader: ActiveHoldsReader): void {
    this.activeHolds = reader;
  }

  forCategory(category: DataCategory): ErasureConnector {
    return { erase: (erasure) => this.erase(category, erasure) };
  }

  private async erase(category: DataCategory, erasure: PendingErasure): Promise<void> {
    const { mapping, connector } = this.connectors.forCategory(category);
    const system = mapping.system.id;
    const link = await this.identity.linkOf(erasure.subjectId);
    if (!link) return this.fail(erasure, { step: 'find', system, reason: 'identity_not_verified' }, false);
    if (mapping.erase.action === ErasureAction.Keep) return this.done(erasure, { system, kept: 'data_map', rows: 0 });
    if (!this.activeHolds) return this.fail(erasure, { step: 'holds', system, reason: 'holds_unknown' }, true);
    const holds = (await this.activeHolds(erasure.subjectId)).filter((h) => h.categories.includes(category));
    if (holds.length > 0) return this.repo.markWaiting(erasure.id, { keptUnderHolds: holds.map((h) => h.id) });

    const target: ConnectorTarget = {
      category,
      mapping,
      subjectId: erasure.subjectId,
      subjectRef: erasure.subjectRef,
      appUserId: link.appUserId,
      requestId: erasure.requestId,
      resume: { job: ERASE_JOB, data: { erasureId: erasure.id } },
    };
    let rows = 0;
    // Where a keyset statement's next batch starts (in memory only: a retry starts from the beginning).
    let after: string | null = null;
    const batchRows = mapping.erase.keyset ? KEYSET_BATCH_ROWS : SCHEDULED_ERASE_BATCH_ROWS;
    try {
      for (;;) {
        const batch = await connector.eraseBatch(target, batchRows, after);
        rows += batch.rows;
        if (batch.done) return this.done(erasure, { system, rows, ...(batch.confirmation && { confirmation: batch.confirmation }) });
        after = batch.after ?? null;
      }
    } catch (err) {
      if (err instanceof AwaitingConfirmation) return this.repo.markWaiting(erasure.id, err.detail);
      if (!(err instanceof ConnectorStepFailed)) throw err;
      // What was erased before the failure stays erased; the next try erases the rest (every batch is idempotent).
      return this.fail(erasure, { ...err.detail, rowsBeforeFailure: rows }, true);
    }
  }

  private async done(erasure: PendingErasure, detail: Record<string, unknown>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.repo.markDone(manager, erasure.id, detail);
      await this.audit.record(manager, {
        action: 'erasure.done',
        actor: SYSTEM_ACTOR,
        entityType: 'scheduled_erasure',
        entityId: erasure.id,
        subjectRef: erasure.subjectRef,
        data: { category: erasure.category, system: detail.system, rows: detail.rows },
      });
    });
  }

  private async fail(
    erasure: PendingErasure,
    detail: { step: string; system: string; reason: string } & Record<string, unknown>,
    retry: boolean,
  ): Promise<void> {
    // Ids and codes only: the log never names the subject.
    this.logger.warn(
      { erasureId: erasure.id, category: erasure.category, step: detail.step, system: detail.system, reason: detail.reason },
      'scheduled erasure failed',
    );
    await this.dataSource.transaction(async (manager) => {
      await this.repo.markFailed(manager, erasure.id, detail);
      await this.audit.record(manager, {
        action: 'erasure.failed',
        actor: SYSTEM_ACTOR,
        entityType: 'scheduled_erasure',
        entityId: erasure.id,
        subjectRef: erasure.subjectRef,
        data: { category: erasure.category, step: detail.step, system: detail.system, reason: detail.reason },
      });
    });
    if (retry) throw new ScheduledErasureFailed(detail.reason);
  }
}
