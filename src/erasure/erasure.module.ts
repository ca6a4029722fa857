import { Module } from '@nestjs/common';
import { FulfilmentModule } from '../fulfilment';
import { AccountsModule } from '../accounts/accounts.module';
import { HoldsModule } from '../holds';
import { RequestsModule } from '../requests';
import { ErasureStepsRepository } from './erasure-steps.repository';
import { AccountClosure } from './account-closure';
import { ErasureJob } from './erasure.job';
import { HeldErasures } from './held-erasures';

/** The erasure approved delete_data and delete_account requests run in the operator's systems. */
@Module({
  imports: [RequestsModule, FulfilmentModule, HoldsModule, AccountsModule],
  providers: [ErasureStepsRepository, ErasureJob, AccountClosure, HeldErasures],
  exports: [ErasureJob, ErasureStepsRepository, AccountClosure, HeldErasures],
})
export class ErasureModule {}
