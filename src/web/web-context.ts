import { createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import type { AuthUser } from '../kernel/auth-user';
import { LANGUAGE_COOKIE, webLocale, WebLocale } from './web-locale';

/** The double-submit CSRF cookie: a random value every form of the portal echoes in `_csrf`. */
export const CSRF_COOKIE = 'dsr_csrf';
export const CSRF_FIELD = '_csrf';

/** What every page needs to know of the browser asking: its language and its form token. */
export interface PageContext {
  locale: WebLocale;
  csrfToken: string;
  /** the path of the page, for the language switch to come back to (never a query string) */
  path: string;
  /** who is signed in (the access guard ran first), or null: the layout's navigation follows the role */
  user: AuthUser | null;
}

const LOCALS_KEY = 'webPage';

/**
 * The page context of a request, made once (by WebResultInterceptor before the handler, or by the
 * error filter when a guard refused first): reads the language cookie and makes sure the browser
 * holds a CSRF cookie (HttpOnly, SameSite=Lax, Secure in production), so that every form the page
 * renders carries the same value. A page on another site can neither read the cookie nor set it,
 * so it cannot fill in `_csrf` (CsrfGuard).
 */
@Injectable()
export class PageContexts {
  constructor(private readonly config: AppConfig) {}

  of(req: Request, res: Response): PageContext {
    const locals = res.locals as Record<string, unknown>;
    const made = locals[LOCALS_KEY] as PageContext | undefined;
    if (made) return made;
    const cookies = (req.cookies ?? {}) as Record<string, unknown>;
    let csrfToken = cookies[CSRF_COOKIE];
    if (typeof csrfToken !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(csrfToken)) {
      csrfToken = randomBytes(32).toString('base64url');
      if (!res.headersSent) res.cookie(CSRF_COOKIE, csrfToken, { httpOnly: true, sameSite: 'lax', secure: this.config.isProduction, path: '/' });
    }
    const user = (req.user as AuthUser | undefined) ?? null;
    const context: PageContext = { locale: webLocale(cookies[LANGUAGE_COOKIE]), csrfToken: csrfToken as string, path: req.path, user };
    locals[LOCALS_KEY] = context;
    return context;
  }
}

/** The context PageContexts made for this request. */
function madeContext(res: Response): PageContext {
  const context = (res.locals as Record<string, unknown>)[LOCALS_KEY] as PageContext | undefined;
  if (!context) throw new Error('no page context: the handler is not behind WebResultInterceptor');
  return context;
}

/** `@Page() page: PageContext` in a handler of the portal. */
export const Page = createParamDecorator((_: unknown, ctx: ExecutionContext): PageContext => madeContext(ctx.switchToHttp().getResponse<Response>()));
