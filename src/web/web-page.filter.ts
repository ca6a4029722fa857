import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter';
import { requestIdOf } from '../common/http/request-id';
import { CSRF_REFUSED } from './csrf.guard';
import { PageContexts } from './web-context';
import { webText } from './web-locale';
import { setPageHeaders } from './web-result';
import { WebViews } from './web-views';

/** A browser asks for HTML; an API client or a test asking for nothing in particular gets the API's JSON error. */
const wantsHtml = (req: Request): boolean => (req.headers.accept ?? '').toLowerCase().includes('text/html');
/** The API and the health check answer JSON whatever the client asks for (a browser following a download link included). */
const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/') || path === '/health' || path.startsWith('/health/');

/**
 * The application's one exception filter (registered globally by WebModule). The status and code
 * come from the API's mapping (AllExceptionsFilter, no second mapping of errors). A browser asking
 * for a page of the portal, or for an address that is no page at all, gets them as a page in its
 * language (a 401 as the sign-in form, an unknown address as the 404 page); the API's routes and
 * any client not asking for HTML get the API's JSON error body, so that tools walking every route
 * see one shape.
 */
@Catch()
@Injectable()
export class WebPageFilter implements ExceptionFilter {
  private readonly api = new AllExceptionsFilter();

  constructor(
    private readonly views: WebViews,
    private readonly contexts: PageContexts,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent || !wantsHtml(req) || isApiPath(req.path)) return this.api.catch(exception, host);
    const body = this.api.toBody(exception, requestIdOf(req, res));
    const page = this.contexts.of(req, res);
    const t = webText(page.locale);
    setPageHeaders(res);
    if (body.statusCode === 401) {
      res.status(401).send(this.views.render('login', page, { title: t.loginTitle, signedIn: false, message: t.loginRequired, email: '' }));
      return;
    }
    const message = body.code === CSRF_REFUSED ? t.csrfRefused : (t.errors[body.statusCode] ?? t.errorOther);
    const title = t.errorTitle(body.statusCode);
    res.status(body.statusCode).send(this.views.render('error', page, { title, message, correlationId: body.correlationId ?? null }));
  }
}
