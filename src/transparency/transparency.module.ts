import { Module } from '@nestjs/common';
import { TransparencyController } from './transparency.controller';
import { TransparencyRepository } from './transparency.repository';
import { TransparencyService } from './transparency.service';

/** The public statistics page (face.use.4). */
@Module({
  controllers: [TransparencyController],
  providers: [TransparencyRepository, TransparencyService],
  exports: [TransparencyService],
})
export class TransparencyModule {}
