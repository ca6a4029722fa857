import { Module } from '@nestjs/common';
import { DataMapService } from './data-map.service';
import { EraseJob } from './erase.job';
import { OperatorDatabase } from './operator-database';
import { ErasureConnectors } from './erasure-connectors';
import { ErasureSchedule } from './erasure-schedule';
import { ScheduledErasuresRepository } from './scheduled-erasures.repository';

/** Fulfilment in the operator's systems: the data map (checked at start), the schedule of erasures and the job that carries them out. */
@Module({
  providers: [DataMapService, OperatorDatabase, ScheduledErasuresRepository, ErasureSchedule, ErasureConnectors, EraseJob],
  exports: [DataMapService, OperatorDatabase, ErasureSchedule],
})
export class FulfilmentModule {}
