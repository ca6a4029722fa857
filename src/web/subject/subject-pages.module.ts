import { Module } from '@nestjs/common';
import { ConsentsModule } from '../../consents/consents.module';
import { ExportsModule } from '../../exports';
import { IdentityModule } from '../../identity';
import { LawModule } from '../../law';
import { PolicyModule } from '../../policy/policy.module';
import { RequestsModule } from '../../requests';
import { TransparencyModule } from '../../transparency';
import { WebCoreModule } from '../web-core.module';
import { AccountLinkController, RequestActionsController, RequestDownloadsController, SubjectRecordsController } from './subject-pages.controller';
import { SubjectPages } from './subject-pages.service';

/** The subject's own pages beyond the request list: acting on a request (cancel, reply, appeal, downloads), the app account link, consents, the disclosure record; and the public transparency page. */
@Module({
  imports: [WebCoreModule, RequestsModule, ExportsModule, IdentityModule, ConsentsModule, PolicyModule, LawModule, TransparencyModule],
  controllers: [RequestActionsController, RequestDownloadsController, AccountLinkController, SubjectRecordsController],
  providers: [SubjectPages],
  // The request page itself is served by the web module's SubjectPagesController, from this service.
  exports: [SubjectPages],
})
export class SubjectPagesModule {}
