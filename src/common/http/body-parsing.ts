import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import { errorName } from '../errors/http-error-body';

/**
 * Body parsing is registered by hand so that its failures (malformed JSON, a body over the limit,
 * a wrong charset) are answered in the API's error shape instead of Express's HTML page.
 */
export function useBodyParsing(app: NestExpressApplication, limit: string): void {
  app.use(json({ limit, strict: true }));
  app.use(urlencoded({ limit, extended: false }));
  app.use(bodyParsingErrors);
}

function bodyParsingErrors(err: unknown, req: Request & { id?: string }, res: Response, next: NextFunction): void {
  const e = err as { type?: string; status?: number; limit?: number };
  if (!e || typeof e.type !== 'string') return next(err);
  if (e.type === 'entity.too.large') {
    res.status(413).json({
      statusCode: 413,
      error: errorName(413),
      message: `The request body is larger than the limit of ${e.limit} bytes`,
      code: 'body_too_large',
    });
    return;
  }
  const status = e.status && e.status >= 400 && e.status < 500 ? e.status : 400;
  res.status(status).json({
    statusCode: status,
    error: errorName(status),
    message: e.type === 'entity.parse.failed' ? 'The request body is not valid JSON' : 'The request body could not be read',
    code: e.type === 'entity.parse.failed' ? 'malformed_json' : 'unreadable_body',
  });
}
