import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { ConsentsModule } from '../consents/consents.module';
import { PolicyModule } from '../policy/policy.module';
import { RequestDeadlines } from './request-deadlines';
import { RequestEvent } from './request-event.entity';
import { RequestLifecycle } from './request-lifecycle.service';
import { RequestViews } from './request-views';
import { RequestsController } from './requests.controller';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';
import { SubjectRequest } from './subject-request.entity';

/**
 * Intake and the subject's side of a request. Exports the lifecycle (the one way a request changes
 * state), the repository and the views, which review and fulfilment build on.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SubjectRequest, RequestEvent]), AccountsModule, ConsentsModule, PolicyModule],
  controllers: [RequestsController],
  providers: [RequestsRepository, RequestLifecycle, RequestViews, RequestDeadlines, RequestsService],
  exports: [RequestsRepository, RequestLifecycle, RequestViews, RequestDeadlines],
})
export class RequestsModule {}
