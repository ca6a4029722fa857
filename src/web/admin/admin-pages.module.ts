import { Module } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module';
import { EndOfServiceModule } from '../../end-of-service';
import { PolicyModule } from '../../policy/policy.module';
import { ReviewModule } from '../../review/review.module';
import { WebCoreModule } from '../web-core.module';
import { AdminPagesController, DashboardPageController } from './admin-pages.controller';
import { AdminPages } from './admin-pages.service';

/** Administration pages and the reviewers' dashboard: accounts, policy versions with the impact report and publishing, end of service, charts. */
@Module({
  imports: [WebCoreModule, AccountsModule, PolicyModule, EndOfServiceModule, ReviewModule],
  controllers: [AdminPagesController, DashboardPageController],
  providers: [AdminPages],
})
export class AdminPagesModule {}
