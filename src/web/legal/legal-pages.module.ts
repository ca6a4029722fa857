import { Module } from '@nestjs/common';
import { WebCoreModule } from '../web-core.module';

/** Legal pages: refusals awaiting confirmation, appeals, legal holds, the disclosure register, the audit chain's status. */
@Module({
  imports: [WebCoreModule],
  controllers: [],
  providers: [],
})
export class LegalPagesModule {}
