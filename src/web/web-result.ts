import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { PageContexts } from './web-context';
import { LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE_MS, type WebLocale } from './web-locale';
import { PAGE_CSP } from './web-views';

/** What a page handler answers: a page (with its status) or a redirect after a form (303 See Other). */
export type WebResult = { page: string; status?: number } | { redirect: string; language?: WebLocale };

/** The headers every HTML answer of the portal carries (pages and error pages alike). */
export function setPageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  // Pages show a person's requests and carry form tokens: no browser or shared cache keeps them.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // Helmet's `no-referrer` makes a browser send `Origin: null` with a form post, which the
  // cross-site check (common/http/cross-site.ts) must refuse; `same-origin` lets the portal's forms
  // name their origin to the portal and still tells other sites nothing.
  res.setHeader('Referrer-Policy', 'same-origin');
}

/** Turns a handler's WebResult into the answer, so that page handlers stay one line. */
@Injectable()
export class WebResultInterceptor implements NestInterceptor {
  constructor(
    private readonly config: AppConfig,
    private readonly contexts: PageContexts,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    // Before the handler: its @Page() parameter reads what this makes.
    this.contexts.of(context.switchToHttp().getRequest<Request>(), res);
    return next.handle().pipe(
      map((result: WebResult) => {
        setPageHeaders(res);
        if ('redirect' in result) {
          if (result.language) {
            const options = { httpOnly: true, sameSite: 'lax', secure: this.config.isProduction, path: '/', maxAge: LANGUAGE_COOKIE_MAX_AGE_MS } as const;
            res.cookie(LANGUAGE_COOKIE, result.language, options);
          }
          res.status(303).setHeader('Location', result.redirect);
          return '';
        }
        res.status(result.status ?? 200);
        return result.page;
      }),
    );
  }
}
