import { Module } from '@nestjs/common';
import { EraseJob } from './erase.job';
import { ErasureConnectors } from './erasure-connectors';
import { ErasureSchedule } from './erasure-schedule';
import { ScheduledErasuresRepository } from './scheduled-erasures.repository';

/** Fulfilment in the operator's systems: for now, the schedule of erasures and the job that carries them out. */
@Module({
  providers: [ScheduledErasuresRepository, ErasureSchedule, ErasureConnectors, EraseJob],
  exports: [ErasureSchedule],
})
export class FulfilmentModule {}
