import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import { errorName, HttpErrorBody } from '../errors/http-error-body';
import { requestIdOf } from './request-id';

const logger = new Logger('Http');

/**
 * Body parsing is registered by hand so that its failures (malformed JSON, a body over the limit,
 * a wrong charset) are answered in the API's error shape instead of Express's HTML page.
 *
 * These parsers run before Nest's own middleware, the request logger among them, so a body they
 * refuse never reaches it: configureApp assigns the request id before them, so that every refusal
 * still carries an X-Request-Id the caller can quote and is logged under that id.
 */
export function useBodyParsing(app: NestExpressApplication, limit: string): void {
  app.use(json({ limit, strict: true }));
  app.use(urlencoded({ limit, extended: false }));
  app.use(bodyParsingErrors);
}

/** What body-parser attaches to the errors it raises. */
interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
}

const isBodyParserError = (err: unknown): err is BodyParserError =>
  typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';

function bodyParsingErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!isBodyParserError(err)) return next(err);
  const body = refusalFor(err);
  logger.warn({ requestId: requestIdOf(req, res), statusCode: body.statusCode, code: body.code }, 'request body refused');
  res.status(body.statusCode).json(body);
}

function refusalFor(err: BodyParserError): HttpErrorBody {
  if (err.type === 'entity.too.large') {
    return { statusCode: 413, error: errorName(413), message: `The request body is larger than the limit of ${err.limit} bytes`, code: 'body_too_large' };
  }
  if (err.type === 'entity.parse.failed') {
    return { statusCode: 400, error: errorName(400), message: 'The request body is not a valid JSON object', code: 'malformed_json' };
  }
  // A wrong charset (415), a bad encoding, a body shorter than announced: the client's fault, never a 500.
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
  return { statusCode: status, error: errorName(status), message: 'The request body could not be read', code: 'unreadable_body' };
}
