import { Module } from '@nestjs/common';
import { FulfilmentModule } from '../fulfilment';
import { RequestsModule } from '../requests';
import { CorrectionJob } from './correction.job';

/** Approved corrections applied in the operator's systems and read back. */
@Module({
  imports: [RequestsModule, FulfilmentModule],
  providers: [CorrectionJob],
  exports: [CorrectionJob],
})
export class CorrectionsModule {}
