import { Module } from '@nestjs/common';
import { EvidenceModule } from '../../evidence';
import { FulfilmentModule } from '../../fulfilment';
import { PolicyModule } from '../../policy/policy.module';
import { ReviewModule } from '../../review/review.module';
import { SubjectsModule } from '../../subjects/subjects.module';
import { WebCoreModule } from '../web-core.module';
import { StaffEvidenceController, StaffPagesController } from './staff-pages.controller';
import { StaffPages } from './staff-pages.service';

/** Staff pages: the queue, a request with its decision, extension and question forms, evidence and fulfilment steps. */
@Module({
  imports: [WebCoreModule, ReviewModule, SubjectsModule, EvidenceModule, FulfilmentModule, PolicyModule],
  controllers: [StaffPagesController, StaffEvidenceController],
  providers: [StaffPages],
})
export class StaffPagesModule {}
