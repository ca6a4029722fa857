import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageContext } from './web-context';
import { CSRF_FIELD } from './web-context';
import { formatDate, webText } from './web-locale';

/**
 * The Content-Security-Policy of every page: scripts, styles and fonts from the portal itself only,
 * nothing inline (no 'unsafe-inline'), forms posted only to the portal, never framed.
 */
export const PAGE_CSP =
  "default-src 'self'; base-uri 'none'; object-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; frame-ancestors 'none'";

/** What every page is rendered with: the words of its language, its context and its own data. */
export interface PageModel {
  title: string;
  /** whether the layout offers sign-out (default: whether anyone is signed in) */
  signedIn?: boolean;
  [key: string]: unknown;
}

/**
 * The templates (Eta, `views/*.eta`): every `<%= %>` is HTML-escaped (Eta's `autoEscape`, on by
 * default and never switched off here); raw output `<%~ %>` is used only for a page's body inside
 * the layout, itself rendered with escaping.
 */
@Injectable()
export class WebViews {
  private readonly eta = new Eta({ views: join(__dirname, 'views'), cache: true, autoEscape: true });
  /** The portal's stylesheet, read once: served at /assets/portal.css. */
  readonly stylesheet = readFileSync(join(__dirname, 'assets', 'portal.css'), 'utf8');
  /** The portal's one script (dates in the reader's own time zone), read once: served at /assets/portal.js. */
  readonly script = readFileSync(join(__dirname, 'assets', 'portal.js'), 'utf8');

  render(view: string, page: PageContext, model: PageModel): string {
    const t = webText(page.locale);
    return this.eta.render(`./${view}`, {
      ...model,
      signedIn: model.signedIn ?? page.user !== null,
      role: page.user?.role ?? null,
      t,
      lang: page.locale,
      csrfField: CSRF_FIELD,
      csrfToken: page.csrfToken,
      path: page.path,
      otherLocale: page.locale === 'en' ? 'zh-CN' : 'en',
      date: (iso: string | Date) => formatDate(page.locale, iso),
    });
  }
}
