import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { whileLocked } from '../database/advisory-lock';
import { IdentityService } from '../identity';
import { JobsService } from '../jobs/jobs.service';
import { ERASE_JOB, EraseJobData, ErasureStatus } from './erasure.types';
import { ErasureConnectors } from './erasure-connectors';
import { ScheduledErasuresRepository } from './scheduled-erasures.repository';

export { ERASE_JOB } from './erasure.types';

/** Every hour, at minute 41: the erasures a link made since, or a hold's end, lets through. */
export const ERASE_SWEEP_JOB = 'fulfilment.erase-sweep';
const ERASE_SWEEP_SCHEDULE = '41 * * * *';
const SWEEP_PAGE = 200;

/**
 * Carries out one scheduled erasure (`{ erasureId }`), sent by ErasureSchedule in the transaction
 * that scheduled it, through the connector the data map names for the erasure's category
 * (PostgreSQL, HTTP or a manual step, product.md "Fulfilment: the data map"): ErasureConnectors
 * records the outcome on the erasure. A failure another try may mend (a timeout, a refusal, a
 * garbage answer) is recorded, then thrown, so that the queue tries again; a `failed` erasure is
 * carried out again by that try, or by the job sent when a manual step is confirmed.
 * One run per erasure at a time across every process (an advisory lock). An hourly sweep tries
 * again what a later link or a hold's end lets through (`sweep`).
 */
@Injectable()
export class EraseJob implements OnModuleInit {
  private readonly logger = new Logger(EraseJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly repo: ScheduledErasuresRepository,
    private readonly connectors: ErasureConnectors,
    private readonly identity: IdentityService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<EraseJobData>(ERASE_JOB, (data) => this.run(data), { retryLimit: 2, retryDelaySeconds: 30, retryBackoff: true });
    this.jobs.register(
      ERASE_SWEEP_JOB,
      async () => {
        await this.sweep();
      },
      { schedule: ERASE_SWEEP_SCHEDULE },
    );
  }

  /**
   * Carries out again what was stopped by something that may have changed since: an erasure that
   * failed because the subject had no verified link to an app account, once they have one (until
   * then it is left as it is, failed and visible, with no new failure recorded each hour); and an
   * erasure kept under a legal hold, which the connector carries out once no hold covers it (and
   * otherwise leaves waiting). Answers how many it ran; a run that fails again stays failed, is
   * logged with ids only, and does not stop the others.
   */
  async sweep(): Promise<number> {
    let ran = 0;
    for (let after: string | null = null; ;) {
      const page = await this.repo.toTryAgain(SWEEP_PAGE, after);
      for (const erasure of page) {
        if (erasure.why === 'no_link' && !(await this.identity.linkOf(erasure.subjectId))) continue;
        try {
          await this.run({ erasureId: erasure.id });
          ran += 1;
        } catch (err) {
          this.logger.warn({ erasureId: erasure.id, code: (err as { code?: string }).code }, 'an erasure tried again failed; tried again at the next sweep');
        }
      }
      if (page.length < SWEEP_PAGE) return ran;
      after = page[page.length - 1].id;
    }
  }

  async run({ erasureId }: EraseJobData): Promise<void> {
    await whileLocked(this.dataSource, ERASE_JOB, erasureId, async () => {
      const erasure = await this.repo.findById(erasureId);
      if (!erasure || erasure.status === ErasureStatus.Done) return;
      await this.connectors.forCategory(erasure.category).erase(erasure);
    });
  }
}
