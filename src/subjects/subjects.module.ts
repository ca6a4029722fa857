import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests';
import { SubjectsController } from './subjects.controller';
import { SubjectsRepository } from './subjects.repository';
import { SubjectsService } from './subjects.service';

@Module({
  imports: [RequestsModule],
  controllers: [SubjectsController],
  providers: [SubjectsRepository, SubjectsService],
  exports: [SubjectsService],
})
export class SubjectsModule {}
