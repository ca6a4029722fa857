import { Module } from '@nestjs/common';
import { FulfilmentModule } from '../fulfilment';
import { HoldsModule } from '../holds';
import { RequestsModule } from '../requests';
import { ErasureStepsRepository } from './erasure-steps.repository';
import { ErasureJob } from './erasure.job';

/** The erasure approved delete_data and delete_account requests run in the operator's systems. */
@Module({
  imports: [RequestsModule, FulfilmentModule, HoldsModule],
  providers: [ErasureStepsRepository, ErasureJob],
  exports: [ErasureJob, ErasureStepsRepository],
})
export class ErasureModule {}
