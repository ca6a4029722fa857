import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ErasureModule } from '../erasure';
import { FulfilmentModule } from '../fulfilment';
import { HoldsModule } from '../holds';
import { RequestsModule } from '../requests';
import { EndOfServiceController } from './end-of-service.controller';
import { EndOfServiceRepository } from './end-of-service.repository';
import { EndOfService } from './end-of-service.service';

/** The end of operations (face.retain.3): scheduled by an administrator, every subject's data erased on the date. */
@Module({
  imports: [AccountsModule, ErasureModule, FulfilmentModule, HoldsModule, RequestsModule],
  controllers: [EndOfServiceController],
  providers: [EndOfServiceRepository, EndOfService],
  exports: [EndOfService],
})
export class EndOfServiceModule {}
