import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EvidenceModule } from '../evidence';
import { Connectors } from './connectors/connectors';
import { HttpConnector } from './connectors/http.connector';
import { ManualConnector } from './connectors/manual.connector';
import { PortalConnector } from './connectors/portal.connector';
import { PostgresConnector } from './connectors/postgres.connector';
import { DataMapService } from './data-map.service';
import { EraseJob } from './erase.job';
import { OperatorDatabase } from './operator-database';
import { ErasureConnectors } from './erasure-connectors';
import { ErasureSchedule } from './erasure-schedule';
import { ManualStepsController } from './manual-steps/manual-steps.controller';
import { ManualStepsRepository } from './manual-steps/manual-steps.repository';
import { ManualSteps } from './manual-steps/manual-steps.service';
import { ScheduledErasuresRepository } from './scheduled-erasures.repository';

/**
 * Fulfilment in the operator's systems: the data map (checked at start), the connector of each
 * kind it names (PostgreSQL, the portal's own records, HTTP, manual steps confirmed by a
 * reviewer), the schedule of erasures and the job that carries them out.
 */
@Module({
  // ConfigModule: the signing secrets of http systems are settings the data map names (DataMapService.secretOf).
  imports: [ConfigModule, EvidenceModule],
  controllers: [ManualStepsController],
  providers: [
    DataMapService,
    OperatorDatabase,
    PostgresConnector,
    PortalConnector,
    HttpConnector,
    ManualStepsRepository,
    ManualSteps,
    ManualConnector,
    Connectors,
    ScheduledErasuresRepository,
    ErasureSchedule,
    ErasureConnectors,
    EraseJob,
  ],
  exports: [DataMapService, OperatorDatabase, ErasureSchedule, Connectors, ErasureConnectors, ManualSteps],
})
export class FulfilmentModule {}
