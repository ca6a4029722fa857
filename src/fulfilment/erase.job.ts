import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service';
import { EraseJobData, ErasureStatus } from './erasure.types';
import { ErasureConnectors } from './erasure-connectors';
import { ScheduledErasuresRepository } from './scheduled-erasures.repository';

export const ERASE_JOB = 'fulfilment.erase';

/**
 * Carries out one scheduled erasure (`{ erasureId }`), sent by ErasureSchedule in the transaction
 * that scheduled it. It asks the data map for the connector of the erasure's category; while the
 * data map has none, the erasure stays `scheduled` and the job ends without failing: the data
 * map's fulfilment work picks up every erasure still `scheduled` and carries it out through the
 * category's connector (PostgreSQL, HTTP or manual task, product.md "Fulfilment: the data map").
 */
@Injectable()
export class EraseJob implements OnModuleInit {
  private readonly logger = new Logger(EraseJob.name);

  constructor(
    private readonly jobs: JobsService,
    private readonly repo: ScheduledErasuresRepository,
    private readonly connectors: ErasureConnectors,
  ) {}

  onModuleInit(): void {
    this.jobs.register<EraseJobData>(ERASE_JOB, (data) => this.run(data));
  }

  async run({ erasureId }: EraseJobData): Promise<void> {
    const erasure = await this.repo.findById(erasureId);
    if (!erasure || erasure.status !== ErasureStatus.Scheduled) return;
    const connector = this.connectors.forCategory(erasure.category);
    if (!connector) {
      // Ids and codes only: the log never names the subject.
      this.logger.debug({ erasureId, category: erasure.category }, 'no erasure connector for this category yet; the erasure stays scheduled');
      return;
    }
    await connector.erase(erasure);
  }
}
