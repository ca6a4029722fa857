import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { whileLocked } from '../database/advisory-lock';
import { DataSource, EntityManager } from 'typeorm';
import { AwaitingConfirmation, Connectors, ConnectorStepFailed } from '../fulfilment';
import { IdentityService } from '../identity';
import { JobsService } from '../jobs/jobs.service';
import { DataCategory, RequestType } from '../policy/domain/policy.types';
import { FulfilmentProgress, RequestReader, SubjectRequest } from '../requests';

export const CORRECT_JOB = 'fulfilment.correct';

/** One correction as the decision approved it. */
interface ApprovedCorrection {
  category: DataCategory;
  field: string;
  correctedValue: string;
}

export interface CorrectionStep {
  item: number;
  category: string;
  field: string;
  /** awaiting_confirmation: a system worked by hand, until a reviewer confirms the step */
  status: 'done' | 'failed' | 'awaiting_confirmation';
  detail: Record<string, unknown>;
  at: Date;
}

/**
 * Applies an approved correction (PIPL Art. 46) in the operator's systems: each item the decision
 * approved (its `corrections`), through the statement the data map gives that field, for the app
 * user the subject proved to be, then read back through the category's copy statement to confirm
 * the system now holds the corrected value. Each item's outcome is recorded (`correction_steps`);
 * a failed item (refused by the system, or not read back as corrected) leaves the request
 * `fulfilling`, and the next run applies only what is not done. Then the request completes, once.
 */
@Injectable()
export class CorrectionJob implements OnModuleInit {
  private readonly logger = new Logger(CorrectionJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly requests: RequestReader,
    private readonly progress: FulfilmentProgress,
    private readonly identity: IdentityService,
    private readonly connectors: Connectors,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ requestId: string }>(CORRECT_JOB, (data) => this.run(data.requestId), { retryLimit: 2, retryDelaySeconds: 30, retryBackoff: true });
  }

  /** In the transaction that approves the request: applied if and only if the approval commits. */
  async startIfCorrection(manager: EntityManager, request: SubjectRequest): Promise<void> {
    if (request.type !== RequestType.Correction) return;
    await this.jobs.send(CORRECT_JOB, { requestId: request.id }, { manager });
  }

  async run(requestId: string): Promise<void> {
    await whileLocked(this.dataSource, CORRECT_JOB, requestId, () => this.runLocked(requestId));
  }

  async steps(requestId: string): Promise<CorrectionStep[]> {
    return this.dataSource.query(`SELECT item, category, field, status, detail, at FROM correction_steps WHERE request_id = $1 ORDER BY item`, [requestId]);
  }

  private async runLocked(requestId: string): Promise<void> {
    const request = await this.progress.begin(requestId, [RequestType.Correction]);
    if (!request) return;
    const view = await this.requests.staffView(request);
    const approved = (view.decision?.corrections ?? []) as ApprovedCorrection[];
    const done = new Set((await this.steps(request.id)).filter((s) => s.status === 'done').map((s) => s.item));
    // Through the represented person's app account for a request filed on their behalf, once a reviewer named it.
    const found = await this.identity.appUserFor(request);
    const link = 'missing' in found ? null : found;
    for (const [item, correction] of approved.entries()) {
      if (done.has(item)) continue;
      const detail = link
        ? await this.apply(request, correction, link.appUserId)
        : { step: 'find', reason: 'missing' in found ? found.missing : 'identity_not_verified' };
      await this.record(request.id, item, correction, detail);
    }
    const steps = await this.steps(request.id);
    if (steps.length < approved.length || steps.some((s) => s.status !== 'done')) return;
    await this.progress.complete(request.id, { corrected: approved.map(({ category, field }) => ({ category, field })) });
  }

  /**
   * The change, then the read-back, through the connector of the category's system; answers the
   * step's detail (`ok: true` when the system holds the corrected value; the reason
   * `awaiting_confirmation` while a reviewer has yet to confirm a step worked by hand).
   */
  private async apply(request: SubjectRequest, correction: ApprovedCorrection, appUserId: string): Promise<Record<string, unknown>> {
    const { mapping, connector } = this.connectors.forCategory(correction.category);
    const target = {
      category: correction.category,
      mapping,
      subjectId: request.subjectId,
      subjectRef: request.subjectRef,
      appUserId,
      requestId: request.id,
      resume: { job: CORRECT_JOB, data: { requestId: request.id } },
    };
    try {
      const result = await connector.correct(target, correction.field, correction.correctedValue);
      if (!result.applied) return { step: 'correct', system: mapping.system.id, reason: 'no_record' };
      if (!sameValue(result.held, correction.correctedValue)) return { step: 'read_back', system: mapping.system.id, reason: 'value_differs' };
      return { ok: true, system: mapping.system.id, ...(result.confirmation && { confirmation: result.confirmation }) };
    } catch (err) {
      if (!(err instanceof ConnectorStepFailed)) throw err;
      if (err instanceof AwaitingConfirmation) return err.detail;
      // Codes only: the log never shows the value or names the subject.
      this.logger.warn(
        { category: correction.category, field: correction.field, step: err.step, system: err.system, reason: err.reason },
        'correction step failed',
      );
      return err.detail;
    }
  }

  private async record(requestId: string, item: number, c: ApprovedCorrection, detail: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO correction_steps (request_id, item, category, field, status, detail) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (request_id, item) DO UPDATE SET status = $5, detail = $6, at = now()`,
      [
        requestId,
        item,
        c.category,
        c.field,
        detail.ok === true ? 'done' : detail.reason === 'awaiting_confirmation' ? 'awaiting_confirmation' : 'failed',
        JSON.stringify(detail),
      ],
    );
  }
}

/** What the system holds equals what was asked: dates by their calendar day, e-mail addresses whatever their case. */
function sameValue(held: unknown, asked: string): boolean {
  if (held instanceof Date) return held.toISOString().slice(0, 10) === asked || held.toISOString() === asked;
  if (typeof held !== 'string') return false;
  return held === asked || (asked.includes('@') && held.toLowerCase() === asked.toLowerCase());
}
