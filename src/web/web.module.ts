import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import { LawModule } from '../law';
import { PolicyModule } from '../policy/policy.module';
import { RequestsModule } from '../requests';
import { PublicPagesController, SignInPagesController, SubjectPagesController, WebAssetsController } from './web-pages.controller';
import { WebPageFilter } from './web-page.filter';
import { WebPages } from './web-pages.service';
import { AdminPagesModule } from './admin/admin-pages.module';
import { FilingPagesModule } from './filing/filing-pages.module';
import { LegalPagesModule } from './legal/legal-pages.module';
import { StaffPagesModule } from './staff/staff-pages.module';
import { SubjectPagesModule } from './subject/subject-pages.module';
import { WebCoreModule } from './web-core.module';

/**
 * The web portal: server-rendered pages (Eta templates, no script) over the services the API uses.
 * Built so far: the home page, the policy viewer, sign-in with the second factor, sign-out, the
 * language switch, and the subject's requests. See README, "The web portal".
 */
@Module({
  imports: [
    WebCoreModule,
    AuthModule,
    LawModule,
    PolicyModule,
    RequestsModule,
    FilingPagesModule,
    SubjectPagesModule,
    StaffPagesModule,
    LegalPagesModule,
    AdminPagesModule,
  ],
  controllers: [PublicPagesController, SignInPagesController, SubjectPagesController, WebAssetsController],
  // The one exception filter of the whole application: JSON for the API, pages for browsers (WebPageFilter).
  providers: [WebPages, { provide: APP_FILTER, useClass: WebPageFilter }],
})
export class WebModule {}
