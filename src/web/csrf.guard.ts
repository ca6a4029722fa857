import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { CSRF_COOKIE, CSRF_FIELD } from './web-context';

export const CSRF_REFUSED = 'csrf_token_invalid';

/**
 * Every form the portal posts carries the CSRF cookie's value in `_csrf` (double submit). A post
 * without it, or with another value (a stale form, a page of another site), is refused with 403
 * before the handler runs, so nothing changes. It sits beside the cross-site check of
 * `common/http/cross-site.ts`, which refuses a write with the session cookie from another origin
 * before the body is read; this one also covers the forms posted without a session (sign-in).
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[CSRF_COOKIE];
    const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (typeof cookie !== 'string' || typeof field !== 'string' || cookie.length === 0 || !sameToken(cookie, field)) {
      throw new AppError(ErrorKind.Forbidden, CSRF_REFUSED, 'The form did not carry this browser’s CSRF token');
    }
    return true;
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
