import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** A caller's own id is kept only if it is harmless to echo and to log. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * The id that ties a response, its log lines and an error report together: the caller's
 * X-Request-Id when acceptable, otherwise a new UUID. Set once, echoed on the response.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  // `id` is declared by the request logger's typings but is absent until someone assigns it.
  const assigned: unknown = req.id;
  if (typeof assigned === 'string' && assigned.length > 0) return assigned;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
  req.id = id;
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Express middleware form of requestIdOf, for the very front of the chain. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  requestIdOf(req, res);
  next();
}
