import type { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from './http/request-id';

/**
 * Structured logs with a correlation id per request, and nothing personal in them: no headers
 * (tokens, cookies), no bodies, no query strings (they may carry an email), no client address.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: [
      {
        level: config.env.LOG_LEVEL,
        genReqId: requestIdOf,
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
        redact: { paths: ['req.headers', 'res.headers', '*.password', '*.email', '*.phone', '*.accessToken', '*.mfaToken'], remove: true },
        customSuccessMessage: () => 'request completed',
        customErrorMessage: () => 'request failed',
      },
      // Through process.stdout (not a raw file descriptor) so that tests can read what is logged.
      process.stdout,
    ],
  };
}
