import { Module } from '@nestjs/common';
import { DisclosuresModule } from '../../disclosures';
import { LawModule } from '../../law';
import { PolicyModule } from '../../policy/policy.module';
import { ReviewModule } from '../../review/review.module';
import { WebCoreModule } from '../web-core.module';
import { HoldsModule } from '../../holds';
import { LegalCsvController, LegalPagesController } from './legal-pages.controller';
import { LegalPages } from './legal-pages.service';

/**
 * Legal pages: refusals awaiting confirmation, appeals, legal holds, the disclosure register, the
 * audit chain's status, over the services the API's controllers call (AuditService and PageCursors
 * are global).
 */
@Module({
  imports: [WebCoreModule, ReviewModule, DisclosuresModule, HoldsModule, PolicyModule, LawModule],
  controllers: [LegalCsvController, LegalPagesController],
  providers: [LegalPages],
})
export class LegalPagesModule {}
