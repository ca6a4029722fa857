import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { whileLocked } from '../database/advisory-lock';
import { DataSource, EntityManager } from 'typeorm';
import { AwaitingConfirmation, Connectors, ConnectorStepFailed, DataMapService, ErasureAction, ErasureConnectors, KEYSET_BATCH_ROWS } from '../fulfilment';
import { HoldsService } from '../holds';
import { IdentityService } from '../identity';
import { JobsService } from '../jobs/jobs.service';
import { DATA_CATEGORIES, DataCategory, ERASURE_TYPES, RequestType } from '../policy/domain/policy.types';
import { FulfilmentProgress, RequestReader, SubjectRequest } from '../requests';
import { AccountClosure } from './account-closure';
import { RecipientNotices } from './recipient-notices';
import { ErasureStepsRepository } from './erasure-steps.repository';

export const ERASE_REQUEST_JOB = 'fulfilment.erase-request';

/** The advisory lock under which one request's erasure runs (also HeldErasures, for the categories holds kept). */
export const ERASURE_LOCK_SCOPE = 'fulfilment.erase';

/**
 * Rows one statement deletes: each batch is its own short transaction, so no lock is held for long.
 * A keyset statement (data-map.yaml) deletes KEYSET_BATCH_ROWS a batch.
 */
export const ERASE_BATCH_ROWS = 1000;

/**
 * Carries out the erasure an approved delete_data or delete_account request decided (product.md,
 * "Correction and deletion"): for each category (the ones delete_data asked for and the decision
 * did not keep; every one for an account), what the data map says, in the system it names, for the
 * app user the subject proved to be: `delete` in batches of ERASE_BATCH_ROWS until none is left,
 * `anonymise` once, `keep` nothing. A category an active legal hold keeps is left, storage only,
 * and recorded as kept with the hold. Each category's outcome is recorded (`erasure_steps`);
 * a run after a crash skips what is done, and every statement is idempotent, so running it again
 * changes nothing more. When every category is done or kept the request completes, once.
 */
@Injectable()
export class ErasureJob implements OnModuleInit {
  private readonly logger = new Logger(ErasureJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly requests: RequestReader,
    private readonly progress: FulfilmentProgress,
    private readonly identity: IdentityService,
    private readonly dataMap: DataMapService,
    private readonly connectors: Connectors,
    private readonly holds: HoldsService,
    private readonly steps: ErasureStepsRepository,
    private readonly closure: AccountClosure,
    private readonly recipients: RecipientNotices,
    private readonly erasureConnectors: ErasureConnectors,
  ) {}

  onModuleInit(): void {
    // A withdrawn facial consent's erasure (fulfilment's ErasureConnectors) honours the same legal holds.
    this.erasureConnectors.useActiveHolds((subjectId) => this.holds.activeHolds(subjectId));
    this.jobs.register<{ requestId: string }>(ERASE_REQUEST_JOB, (data) => this.run(data.requestId), {
      retryLimit: 2,
      retryDelaySeconds: 30,
      retryBackoff: true,
    });
  }

  /**
   * In the transaction that approves the request: the erasure runs if and only if the approval
   * commits; an account being deleted is closed at once (AccountClosure).
   */
  async startIfErasure(manager: EntityManager, request: SubjectRequest): Promise<void> {
    if (!ERASURE_TYPES.includes(request.type)) return;
    await this.closure.onApproval(manager, request);
    await this.jobs.send(ERASE_REQUEST_JOB, { requestId: request.id }, { manager });
  }

  /** One run per request at a time across every process. */
  async run(requestId: string): Promise<void> {
    await whileLocked(this.dataSource, ERASURE_LOCK_SCOPE, requestId, () => this.runLocked(requestId));
  }

  private async runLocked(requestId: string): Promise<void> {
    const request = await this.progress.begin(requestId, ERASURE_TYPES);
    if (!request) return;
    const categories = await this.categoriesOf(request);
    const done = new Map((await this.steps.ofRequest(request.id)).map((s) => [s.category, s]));
    // Filed for someone else, the filer's own link points at the wrong person: the records are
    // found through the represented person's app account, once a reviewer named it.
    const found = await this.identity.appUserFor(request);
    const link = 'missing' in found ? null : found;
    const holds = await this.holds.activeHolds(request.subjectId);
    let failed = false;
    for (const category of categories) {
      if (done.get(category)?.status === 'done') continue;
      const mapping = this.dataMap.mapping(category);
      const keptBy = holds.filter((h) => h.categories.includes(category));
      if (keptBy.length > 0) {
        // Storage only until the hold ends (PIPL Art. 47 para. 2); a later run erases it then.
        await this.steps.record(request.id, {
          category,
          status: 'kept',
          action: mapping.erase.action,
          rows: 0,
          detail: { holds: keptBy.map((h) => h.id), until: keptBy.map((h) => h.until) },
        });
        continue;
      }
      if (mapping.erase.action === ErasureAction.Keep) {
        await this.steps.record(request.id, { category, status: 'kept', action: ErasureAction.Keep, rows: 0, detail: { reason: 'data_map' } });
        continue;
      }
      if (!link) {
        failed = true;
        await this.steps.record(request.id, {
          category,
          status: 'failed',
          action: mapping.erase.action,
          rows: 0,
          detail: { step: 'find', reason: 'missing' in found ? found.missing : 'identity_not_verified' },
        });
        continue;
      }
      try {
        const { rows, confirmation } = await this.eraseThrough(category, link.appUserId, request);
        await this.steps.record(request.id, {
          category,
          status: 'done',
          action: mapping.erase.action,
          rows,
          detail: { system: mapping.system.id, ...(confirmation && { confirmation }) },
        });
      } catch (err) {
        failed = true;
        // A system worked by hand: the step waits for a reviewer's confirmation, which sends this job again.
        const awaiting = err instanceof AwaitingConfirmation;
        const detail = err instanceof ConnectorStepFailed ? err.detail : { step: 'erase', system: mapping.system.id, reason: 'connection_failed' };
        // Codes only: the log never names the subject.
        if (!awaiting) this.logger.warn({ requestId, category, ...detail }, 'erasure step failed');
        await this.steps.record(request.id, { category, status: awaiting ? 'awaiting_confirmation' : 'failed', action: mapping.erase.action, rows: 0, detail });
      }
    }
    const steps = await this.steps.ofRequest(request.id);
    if (failed || steps.some((s) => s.status === 'failed' || s.status === 'awaiting_confirmation')) return;
    const kept = steps.filter((s) => s.status === 'kept' && Array.isArray(s.detail.holds));
    await this.progress.complete(
      request.id,
      {
        erased: steps.filter((s) => s.status === 'done').map((s) => ({ category: s.category, action: s.action, rows: s.rows })),
        keptUnderHolds: kept.map((s) => s.category),
      },
      {},
      async (manager) => {
        await this.closure.onCompletion(manager, request);
        const erased = steps.filter((s) => s.status === 'done').map((s) => s.category);
        await this.recipients.onErasureCompleted(manager, request, erased);
      },
    );
  }

  /**
   * What the data map says erasure does to `category`, for one app user: delete batch after batch
   * until a batch finds nothing, anonymise once. Answers the rows changed. Also for a category a
   * legal hold kept, once the hold ends (HeldErasures).
   */
  async eraseCategory(category: DataCategory, appUserId: string, on?: Pick<SubjectRequest, 'id' | 'subjectId' | 'subjectRef'>): Promise<number> {
    return (await this.eraseThrough(category, appUserId, on)).rows;
  }

  /**
   * Through the connector of the category's system (the data map): batch after batch of
   * ERASE_BATCH_ROWS until the system says nothing is left; a manual system answers with the
   * reviewer's confirmation. Throws ConnectorStepFailed (AwaitingConfirmation for a step to confirm).
   */
  private async eraseThrough(category: DataCategory, appUserId: string, on?: Pick<SubjectRequest, 'id' | 'subjectId' | 'subjectRef'>) {
    const { mapping, connector } = this.connectors.forCategory(category);
    const target = {
      category,
      mapping,
      subjectId: on?.subjectId ?? '',
      subjectRef: on?.subjectRef ?? '',
      appUserId,
      requestId: on?.id ?? null,
      resume: { job: ERASE_REQUEST_JOB, data: { requestId: on?.id } },
    };
    let rows = 0;
    // A keyset statement starts each batch after the last key the previous one deleted (kept in
    // memory only: a run after a crash starts from the beginning, where nothing erased is left).
    let after: string | null = null;
    const batchRows = mapping.erase.keyset ? KEYSET_BATCH_ROWS : ERASE_BATCH_ROWS;
    for (;;) {
      const batch = await connector.eraseBatch(target, batchRows, after);
      rows += batch.rows;
      if (batch.done) return { rows, confirmation: batch.confirmation };
      after = batch.after ?? null;
    }
  }

  /** What the approval erases: the asked categories the decision did not keep, or every one for an account. */
  private async categoriesOf(request: SubjectRequest): Promise<DataCategory[]> {
    if (request.type === RequestType.DeleteAccount) return [...DATA_CATEGORIES];
    const view = await this.requests.staffView(request);
    const kept = new Set(view.decision?.withheld ?? []);
    return (request.details.categories ?? []).filter((c) => !kept.has(c));
  }
}
