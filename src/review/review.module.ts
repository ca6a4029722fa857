import { FulfilmentStarter } from './fulfilment-starter';
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CorrectionsModule } from '../corrections';
import { ErasureModule } from '../erasure';
import { ExportsModule } from '../exports';
import { FulfilmentModule } from '../fulfilment';
import { HoldsModule } from '../holds';
import { PolicyModule } from '../policy/policy.module';
import { RequestsModule } from '../requests';
import { SubjectsModule } from '../subjects/subjects.module';
import { ReviewDashboard } from './dashboard';
import { OverdueScanner } from './overdue-scanner';
import { LegalReviewController } from './legal-review.controller';
import { ReviewController } from './review.controller';
import { ReviewRepository } from './review.repository';
import { ReviewService } from './review.service';

/** The staff workflow over requests: its own queries, and the lifecycle and read port RequestsModule exports. */
@Module({
  imports: [RequestsModule, PolicyModule, SubjectsModule, AccountsModule, HoldsModule, FulfilmentModule, ExportsModule, ErasureModule, CorrectionsModule],
  controllers: [ReviewController, LegalReviewController],
  providers: [ReviewRepository, ReviewService, OverdueScanner, FulfilmentStarter, ReviewDashboard],
  exports: [OverdueScanner, ReviewService, ReviewDashboard],
})
export class ReviewModule {}
