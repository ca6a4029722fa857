import { Module } from '@nestjs/common';
import { FulfilmentModule } from '../fulfilment';
import { AccountsModule } from '../accounts/accounts.module';
import { DisclosuresModule } from '../disclosures';
import { HoldsModule } from '../holds';
import { RequestsModule } from '../requests';
import { ErasureStepsRepository } from './erasure-steps.repository';
import { AccountClosure } from './account-closure';
import { ErasureJob } from './erasure.job';
import { HeldErasures } from './held-erasures';
import { RecipientNotices } from './recipient-notices';

/** The erasure approved delete_data and delete_account requests run in the operator's systems. */
@Module({
  imports: [RequestsModule, FulfilmentModule, HoldsModule, AccountsModule, DisclosuresModule],
  providers: [ErasureStepsRepository, ErasureJob, AccountClosure, HeldErasures, RecipientNotices],
  exports: [ErasureJob, ErasureStepsRepository, AccountClosure, HeldErasures, RecipientNotices],
})
export class ErasureModule {}
