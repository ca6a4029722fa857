import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module';
import { RequestsModule } from '../requests';
import { SubjectsModule } from '../subjects/subjects.module';
import { HoldsController } from './holds.controller';
import { HoldsRepository } from './holds.repository';
import { HoldsService } from './holds.service';

/** Legal holds; exports the service review asks before a deletion keeps anything. PolicyModule brings the law catalogue. */
@Module({
  imports: [PolicyModule, SubjectsModule, RequestsModule],
  controllers: [HoldsController],
  providers: [HoldsRepository, HoldsService],
  exports: [HoldsService],
})
export class HoldsModule {}
