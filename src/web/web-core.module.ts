import { Module } from '@nestjs/common';
import { PageContexts } from './web-context';
import { WebViews } from './web-views';

/**
 * What every page of the portal is made with: the templates (WebViews) and the page context
 * (language, form token, who is signed in). Each area of the portal (public, filing, the subject's
 * own pages, staff, legal, admin) is a module of its own that imports this one.
 */
@Module({
  providers: [WebViews, PageContexts],
  exports: [WebViews, PageContexts],
})
export class WebCoreModule {}
