import { Module } from '@nestjs/common';
import { ConsentsModule } from '../consents/consents.module';
import { FulfilmentModule } from '../fulfilment';
import { IdentityModule } from '../identity';
import { PolicyModule } from '../policy/policy.module';
import { RequestsModule } from '../requests';
import { ExportJob } from './export.job';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';

/** The copies approved access and copy_transfer requests produce, and their download. */
@Module({
  imports: [RequestsModule, FulfilmentModule, IdentityModule, ConsentsModule, PolicyModule],
  controllers: [ExportsController],
  providers: [ExportsRepository, ExportsService, ExportJob],
  exports: [ExportsService],
})
export class ExportsModule {}
