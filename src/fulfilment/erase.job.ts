import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { whileLocked } from '../database/advisory-lock';
import { JobsService } from '../jobs/jobs.service';
import { ERASE_JOB, EraseJobData, ErasureStatus } from './erasure.types';
import { ErasureConnectors } from './erasure-connectors';
import { ScheduledErasuresRepository } from './scheduled-erasures.repository';

export { ERASE_JOB } from './erasure.types';

/**
 * Carries out one scheduled erasure (`{ erasureId }`), sent by ErasureSchedule in the transaction
 * that scheduled it, through the connector the data map names for the erasure's category
 * (PostgreSQL, HTTP or a manual step, product.md "Fulfilment: the data map"): ErasureConnectors
 * records the outcome on the erasure. A failure another try may mend (a timeout, a refusal, a
 * garbage answer) is recorded, then thrown, so that the queue tries again; a `failed` erasure is
 * carried out again by that try, or by the job sent when a manual step is confirmed.
 * One run per erasure at a time across every process (an advisory lock).
 */
@Injectable()
export class EraseJob implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly repo: ScheduledErasuresRepository,
    private readonly connectors: ErasureConnectors,
  ) {}

  onModuleInit(): void {
    this.jobs.register<EraseJobData>(ERASE_JOB, (data) => this.run(data), { retryLimit: 2, retryDelaySeconds: 30, retryBackoff: true });
  }

  async run({ erasureId }: EraseJobData): Promise<void> {
    await whileLocked(this.dataSource, ERASE_JOB, erasureId, async () => {
      const erasure = await this.repo.findById(erasureId);
      if (!erasure || erasure.status === ErasureStatus.Done) return;
      await this.connectors.forCategory(erasure.category).erase(erasure);
    });
  }
}
