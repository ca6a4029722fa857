import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errorName, HttpErrorBody } from '../errors/http-error-body';
import { requestIdOf } from './request-id';

const logger = new Logger('Http');

export interface CrossSiteOptions {
  /** Origins whose pages may write with the session cookie: the portal's own (PUBLIC_URL) and CORS_ORIGINS. */
  allowedOrigins: string[];
  /** The cookie that authenticates the web portal. */
  sessionCookie: string;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The token a bearer-authenticated request carries, read as the access strategy reads it
 * (auth/jwt.strategy.ts: an `Authorization: Bearer …` header wins over the cookie). Matching only
 * what the strategy would take as a bearer token, never more, so that no request the strategy
 * authenticates by the cookie escapes the check below.
 */
const BEARER = /^bearer\s+\S+/i;

/** `scheme://host[:port]` of a URL, or null when it is not one. */
function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Refuses a state-changing request (POST, PUT, PATCH, DELETE) that the session cookie would
 * authenticate unless it comes from a page of an allowed origin: `Origin`, or `Referer` when a
 * browser sent no Origin, must be one of `allowedOrigins`; with neither, it is refused.
 * 403 `cross_site_request`, before the body is read.
 *
 * Why an origin check rather than a CSRF token: browsers set Origin themselves on every
 * cross-origin write and a page cannot forge it, so the check needs no state, no token to hand
 * out, and nothing from the web portal but being served from PUBLIC_URL. A token would need a
 * per-session secret, an endpoint to fetch it and every form and script to echo it. It is one
 * of three layers: the cookie is SameSite=Lax, and bodies are JSON (but for the one file upload),
 * which a page on another origin cannot send without a CORS preflight that only CORS_ORIGINS pass.
 * The upload's multipart form needs no preflight, so there this check is the one that counts. Requests with a
 * bearer token are not affected: a page cannot make a browser attach one.
 */
export function refuseCrossSiteWrites(options: CrossSiteOptions): RequestHandler {
  const allowed = new Set(options.allowedOrigins.map(originOf).filter((o): o is string => o !== null));
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!WRITES.has(req.method) || !authenticatesByCookie(req, options.sessionCookie)) return next();
    const origin = req.headers.origin;
    const referer = req.headers.referer;
    // Origin when present (even `null`, which a sandboxed or privacy-minded page sends), else Referer.
    const from = origin !== undefined ? originOf(origin) : referer !== undefined ? originOf(referer) : null;
    if (from !== null && allowed.has(from)) return next();
    const body: HttpErrorBody = {
      statusCode: 403,
      error: errorName(403),
      message: 'A change made with the session cookie must come from a page of this portal',
      code: 'cross_site_request',
    };
    logger.warn({ requestId: requestIdOf(req, res), statusCode: 403, code: body.code }, 'cross-site request refused');
    res.status(403).json(body);
  };
}

function authenticatesByCookie(req: Request, cookie: string): boolean {
  const authorization = req.headers.authorization;
  if (authorization !== undefined && BEARER.test(authorization)) return false;
  const value = (req.cookies as Record<string, unknown> | undefined)?.[cookie];
  return typeof value === 'string' && value.length > 0;
}
