import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { whileLocked } from '../database/advisory-lock';
import { HoldsService } from '../holds';
import { IdentityService } from '../identity';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { JobsService } from '../jobs/jobs.service';
import { DataCategory } from '../policy/domain/policy.types';
import { AccountClosure } from './account-closure';
import { ErasureStepsRepository, HeldStep } from './erasure-steps.repository';
import { ERASURE_LOCK_SCOPE, ErasureJob } from './erasure.job';

export const HELD_ERASURES_JOB = 'erasure.after-holds';
/** Every hour, at minute 17: a category is erased within the hour after the last hold on it ends. */
const HELD_ERASURES_SCHEDULE = '17 * * * *';
const PAGE = 200;

/**
 * Erases what a legal hold kept out of an erasure once no hold keeps it any longer (PIPL Art. 47
 * para. 2: kept storage-only while the law requires it, then deleted). It walks the categories
 * erasures recorded as kept under holds, oldest first; for each whose subject no active hold
 * covers for that category now, it erases the category as the data map says (ErasureJob's own
 * statement, through the verified link kept for this) and records the step done with the holds it
 * outlived, audited (`erasure.after_hold`). Under the same per-request lock as the erasure itself;
 * each step is recorded once, so a second run or a second worker changes nothing more. A failure
 * leaves the step kept, to be tried at the next run, and is logged with ids and codes only.
 */
@Injectable()
export class HeldErasures implements OnModuleInit {
  private readonly logger = new Logger(HeldErasures.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly steps: ErasureStepsRepository,
    private readonly holds: HoldsService,
    private readonly identity: IdentityService,
    private readonly erasure: ErasureJob,
    private readonly closure: AccountClosure,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      HELD_ERASURES_JOB,
      async () => {
        await this.run();
      },
      { schedule: HELD_ERASURES_SCHEDULE },
    );
  }

  /** Answers how many categories it erased. */
  async run(): Promise<number> {
    let erased = 0;
    let after: HeldStep | undefined;
    for (;;) {
      const page = await this.steps.held(PAGE, after);
      for (const step of page) if (await this.eraseIfReleased(step)) erased += 1;
      if (page.length < PAGE) return erased;
      after = page[page.length - 1];
    }
  }

  private async eraseIfReleased(step: HeldStep): Promise<boolean> {
    const category = step.category as DataCategory;
    const active = await this.holds.activeHolds(step.subjectId);
    if (active.some((h) => h.categories.includes(category))) return false;
    let erased = false;
    await whileLocked(this.dataSource, ERASURE_LOCK_SCOPE, step.requestId, async () => {
      const current = (await this.steps.ofRequest(step.requestId)).find((s) => s.category === step.category);
      if (current?.status !== 'kept') return;
      const found = await this.identity.appUserFor({ id: step.requestId, subjectId: step.subjectId, details: { onBehalfOf: step.onBehalf || undefined } });
      const link = 'missing' in found ? null : found;
      if (!link) {
        this.logger.warn({ requestId: step.requestId, category }, 'a held category cannot be erased: the account has no verified link');
        return;
      }
      try {
        const rows = await this.erasure.eraseCategory(category, link.appUserId, { id: step.requestId, subjectId: step.subjectId, subjectRef: step.subjectRef });
        await this.dataSource.transaction(async (manager) => {
          await this.steps.record(step.requestId, { category, status: 'done', action: step.action, rows, detail: { afterHolds: step.detail.holds } }, manager);
          await this.audit.record(manager, {
            action: 'erasure.after_hold',
            actor: SYSTEM_ACTOR,
            entityType: 'request',
            entityId: step.requestId,
            subjectRef: step.subjectRef,
            data: { category, rows, holds: step.detail.holds },
          });
          await this.closure.forgetLinkIfDone(manager, step.subjectId);
        });
        erased = true;
      } catch (err) {
        this.logger.warn(
          { requestId: step.requestId, category, code: (err as { code?: string }).code },
          'erasing a category after its hold ended failed; tried again at the next run',
        );
      }
    });
    return erased;
  }
}
