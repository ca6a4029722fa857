import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PolicyModule } from '../policy/policy.module';
import { RequestsModule } from '../requests/requests.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { OverdueScanner } from './overdue-scanner';
import { ReviewController } from './review.controller';
import { ReviewService } from './review.service';

/** The staff workflow over requests (the lifecycle and repository come from RequestsModule). */
@Module({
  imports: [RequestsModule, PolicyModule, SubjectsModule, AccountsModule],
  controllers: [ReviewController],
  providers: [ReviewService, OverdueScanner],
  exports: [OverdueScanner],
})
export class ReviewModule {}
