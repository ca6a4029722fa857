import { Module } from '@nestjs/common';
import { ConsentsModule } from '../consents/consents.module';
import { DisclosuresModule } from '../disclosures';
import { FulfilmentModule } from '../fulfilment';
import { IdentityModule } from '../identity';
import { PolicyModule } from '../policy/policy.module';
import { RequestsModule } from '../requests';
import { DisclosureRecordJob } from './disclosure-record.job';
import { ExportJob } from './export.job';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';
import { TransferSender } from './transfer-sender';
import { TransferSigningKey } from './transfer-signing-key';
import { TransfersController } from './transfers.controller';

/**
 * The copies approved access and copy_transfer requests produce, the record of disclosures an approved
 * disclosure_log produces (stored and downloaded the same way), their download, and a copy's transfer
 * to another handler.
 */
@Module({
  imports: [RequestsModule, FulfilmentModule, IdentityModule, ConsentsModule, PolicyModule, DisclosuresModule],
  controllers: [ExportsController, TransfersController],
  providers: [ExportsRepository, ExportsService, ExportJob, DisclosureRecordJob, TransferSigningKey, TransferSender],
  exports: [ExportsService],
})
export class ExportsModule {}
