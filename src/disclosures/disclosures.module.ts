import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ConsentsModule } from '../consents/consents.module';
import { PolicyModule } from '../policy/policy.module';
import { DisclosureRegister } from './disclosure-register';
import { DisclosuresController } from './disclosures.controller';
import { DisclosuresRepository } from './disclosures.repository';
import { DisclosuresService } from './disclosures.service';

/** The disclosure register; exports its read port (a subject's entries and recipients). PolicyModule brings the law catalogue. */
@Module({
  imports: [PolicyModule, ConsentsModule, AccountsModule],
  controllers: [DisclosuresController],
  providers: [DisclosuresRepository, DisclosuresService, DisclosureRegister],
  exports: [DisclosureRegister, DisclosuresService],
})
export class DisclosuresModule {}
