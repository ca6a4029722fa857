import { Module } from '@nestjs/common';
import { PolicyController } from './policy.controller';
import { PolicyPublisher } from './policy-publisher';
import { PolicyRepository } from './policy.repository';
import { PolicyService } from './policy.service';

@Module({
  controllers: [PolicyController],
  providers: [PolicyRepository, PolicyService, PolicyPublisher],
  exports: [PolicyService, PolicyPublisher],
})
export class PolicyModule {}
