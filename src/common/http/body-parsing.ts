import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import { errorName, HttpErrorBody } from '../errors/http-error-body';
import { requestIdOf } from './request-id';

const logger = new Logger('Http');

/**
 * Body parsing is registered by hand so that its failures (malformed JSON, a body over the limit,
 * a wrong charset, a body that is not what its Content-Encoding says) are answered in the API's
 * error shape instead of Express's HTML page, and never as a 500.
 *
 * Bodies are JSON (api.md), except on the routes that take a file (MULTIPART_ROUTES), where
 * `multipart/form-data` is read by that route's own interceptor (multer, with its limits) and by
 * nothing else: no form parser is mounted anywhere. Any other declared type is refused with 415
 * before a byte is read. A page on another site can post a multipart form without asking; such a
 * post carries the session cookie at most, and the cross-site check refuses it (cross-site.ts).
 *
 * These parsers run before Nest's own middleware, the request logger among them, so a body they
 * refuse never reaches it: configureApp assigns the request id before them, so that every refusal
 * still carries an X-Request-Id the caller can quote and is logged under that id.
 */
export function useBodyParsing(app: NestExpressApplication, limit: string): void {
  app.use(refuseUnsupportedBodies);
  app.use(json({ limit, strict: true, inflate: true }));
  // Only web forms get this far with this type (isWebForm); flat fields, no nested objects.
  app.use(urlencoded({ limit, extended: false, inflate: true, parameterLimit: 100 }));
  app.use(bodyParsingErrors);
}

/** What the JSON parser can undo; anything else (`br`, `zstd`, a list such as `identity, gzip`) is refused. */
const READABLE_ENCODINGS = new Set(['identity', 'gzip', 'deflate']);

/** `application/json`, with or without parameters (`; charset=utf-8`); the parser checks the charset. */
const isJson = (contentType: string): boolean => contentType.split(';')[0].trim().toLowerCase() === 'application/json';

/** The routes that take a file, read by their own interceptor. */
const MULTIPART_ROUTES = new Set(['POST /api/v1/uploads']);
/** The portal's form filing a request for someone else with its proof (src/web/filing): read and CSRF-checked by FilingFormGuard. */
const MULTIPART_PAGE = /^\/new-request\/[a-z_]{1,40}\/on-behalf$/;

/**
 * The web portal's forms (src/web): `application/x-www-form-urlencoded`, posted to the pages' own
 * routes, never to the API. Such a post needs no CORS preflight, so the pages refuse any without
 * the form's CSRF token (src/web/csrf.guard.ts), beside the cross-site check.
 */
const isWebForm = (req: Request, contentType: string): boolean =>
  contentType.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded' && !req.path.toLowerCase().startsWith('/api/');

const isMultipartUpload = (req: Request, contentType: string): boolean =>
  contentType.split(';')[0].trim().toLowerCase() === 'multipart/form-data' &&
  (MULTIPART_ROUTES.has(`${req.method} ${req.path}`) || (req.method === 'POST' && MULTIPART_PAGE.test(req.path)));

/** A body is on its way: a length above zero, or chunks of unknown length. */
const carriesBytes = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * 415 for a request whose body is of a type or in an encoding the API does not read, before it is
 * read. A request with no body and no Content-Type (a POST to claim, cancel, log out) passes.
 */
function refuseUnsupportedBodies(req: Request, res: Response, next: NextFunction): void {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && !READABLE_ENCODINGS.has(encoding.trim().toLowerCase())) {
    return refuse(req, res, {
      statusCode: 415,
      error: errorName(415),
      message: 'The request body must be sent uncompressed, or compressed with gzip or deflate',
      code: 'unsupported_encoding',
    });
  }
  const type = req.headers['content-type'];
  if (type !== undefined ? !isJson(type) && !isMultipartUpload(req, type) && !isWebForm(req, type) : carriesBytes(req)) {
    return refuse(req, res, { statusCode: 415, error: errorName(415), message: 'The request body must be application/json', code: 'unsupported_media_type' });
  }
  next();
}

function refuse(req: Request, res: Response, body: HttpErrorBody): void {
  logger.warn({ requestId: requestIdOf(req, res), statusCode: body.statusCode, code: body.code }, 'request body refused');
  // Unread bytes are left to Node, which discards them once the answer is sent.
  res.status(body.statusCode).json(body);
}

/**
 * What body-parser's errors carry: a `type` for its own (`entity.parse.failed`, …) and a `status`;
 * a decompression error (a body that claims gzip and is not) has the 400 status only.
 */
interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

const isBodyParserError = (err: unknown): err is BodyParserError => {
  if (typeof err !== 'object' || err === null) return false;
  const { type, status } = err as { type?: unknown; status?: unknown };
  return typeof type === 'string' || (typeof status === 'number' && status >= 400 && status < 500);
};

function bodyParsingErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!isBodyParserError(err)) return next(err);
  refuse(req, res, refusalFor(err));
}

function refusalFor(err: BodyParserError): HttpErrorBody {
  if (err.type === 'entity.too.large') {
    return { statusCode: 413, error: errorName(413), message: `The request body is larger than the limit of ${err.limit} bytes`, code: 'body_too_large' };
  }
  if (err.type === 'entity.parse.failed') {
    return { statusCode: 400, error: errorName(400), message: 'The request body is not a valid JSON object', code: 'malformed_json' };
  }
  // A wrong charset (415), a body that is not what its Content-Encoding says, a body shorter than
  // announced: the client's fault, never a 500.
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
  return { statusCode: status, error: errorName(status), message: 'The request body could not be read', code: 'unreadable_body' };
}
