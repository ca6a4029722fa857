import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { ConsentsModule } from '../../consents/consents.module';
import { EvidenceModule } from '../../evidence';
import { PolicyModule } from '../../policy/policy.module';
import { RequestsModule } from '../../requests';
import { WebCoreModule } from '../web-core.module';
import { FilingFormGuard } from './filing-form.guard';
import { NewRequestPagesController, RegisterPagesController } from './filing-pages.controller';
import { FilingPages } from './filing-pages.service';

/** Filing a request: registration and a form per request type, with evidence for a request filed on someone's behalf. */
@Module({
  imports: [WebCoreModule, AuthModule, RequestsModule, EvidenceModule, ConsentsModule, PolicyModule],
  controllers: [RegisterPagesController, NewRequestPagesController],
  providers: [FilingPages, FilingFormGuard],
})
export class FilingPagesModule {}
