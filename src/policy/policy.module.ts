import { Module } from '@nestjs/common';
import { LawModule } from '../law';
import { DataCategoriesController } from './data-categories.controller';
import { DataCategoriesService } from './data-categories.service';
import { PolicyController } from './policy.controller';
import { PolicyPublisher } from './policy-publisher';
import { PolicyRepository } from './policy.repository';
import { PolicyService } from './policy.service';

@Module({
  imports: [LawModule],
  controllers: [PolicyController, DataCategoriesController],
  providers: [PolicyRepository, PolicyService, PolicyPublisher, DataCategoriesService],
  // The law is cited beside the policy: whoever reads the policy may quote it too.
  exports: [PolicyService, PolicyPublisher, DataCategoriesService, LawModule],
})
export class PolicyModule {}
