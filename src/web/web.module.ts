import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import { LawModule } from '../law';
import { PolicyModule } from '../policy/policy.module';
import { RequestsModule } from '../requests';
import { PageContexts } from './web-context';
import { PublicPagesController, SignInPagesController, SubjectPagesController, WebAssetsController } from './web-pages.controller';
import { WebPageFilter } from './web-page.filter';
import { WebPages } from './web-pages.service';
import { WebViews } from './web-views';

/**
 * The web portal: server-rendered pages (Eta templates, no script) over the services the API uses.
 * Built so far: the home page, the policy viewer, sign-in with the second factor, sign-out, the
 * language switch, and the subject's requests. See README, "The web portal".
 */
@Module({
  imports: [AuthModule, LawModule, PolicyModule, RequestsModule],
  controllers: [PublicPagesController, SignInPagesController, SubjectPagesController, WebAssetsController],
  // The one exception filter of the whole application: JSON for the API, pages for browsers (WebPageFilter).
  providers: [WebViews, WebPages, PageContexts, { provide: APP_FILTER, useClass: WebPageFilter }],
})
export class WebModule {}
