import { Module } from '@nestjs/common';
import { WebCoreModule } from '../web-core.module';

/** Administration pages and the reviewers' dashboard: accounts, policy versions with the impact report and publishing, end of service, charts. */
@Module({
  imports: [WebCoreModule],
  controllers: [],
  providers: [],
})
export class AdminPagesModule {}
