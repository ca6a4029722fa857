import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthModule } from '../auth/auth.module';
import { ConsentsModule } from '../consents/consents.module';
import { EvidenceModule } from '../evidence';
import { IdentityModule } from '../identity';
import { PolicyModule } from '../policy/policy.module';
import { RequestDeadlines } from './request-deadlines';
import { RequestEvent } from './request-event.entity';
import { FilingRepository } from './filing.repository';
import { FulfilmentProgress } from './fulfilment-progress';
import { LapseScanner } from './lapse-scanner';
import { RequestLifecycle } from './request-lifecycle.service';
import { RequestRecords } from './request-records';
import { RequestReader } from './request-reader';
import { RequestViews } from './request-views';
import { RequestsController } from './requests.controller';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';
import { SubjectRequest } from './subject-request.entity';

/**
 * Intake and the subject's side of a request. Exports the lifecycle (the one way a request changes
 * state), the read port and the deadlines, which review and fulfilment build on (see index.ts).
 */
@Module({
  imports: [TypeOrmModule.forFeature([SubjectRequest, RequestEvent]), AccountsModule, AuthModule, ConsentsModule, EvidenceModule, IdentityModule, PolicyModule],
  controllers: [RequestsController],
  providers: [
    RequestsRepository,
    FilingRepository,
    RequestLifecycle,
    RequestViews,
    RequestReader,
    RequestDeadlines,
    RequestsService,
    LapseScanner,
    FulfilmentProgress,
    RequestRecords,
  ],
  exports: [RequestLifecycle, RequestReader, RequestDeadlines, FulfilmentProgress, RequestRecords, RequestsService],
})
export class RequestsModule {}
