import type { Params } from 'nestjs-pino';
import { requestIdOf } from './http/request-id';

export interface LogOptions {
  level: string;
  /** readable lines (pino-pretty) instead of JSON: in development, on a terminal */
  pretty: boolean;
}

/**
 * Structured logs with a correlation id per request, and nothing personal in them: no headers
 * (tokens, cookies), no bodies, no query strings (they may carry an email), no client address.
 */
export function loggerParams(options: LogOptions): Params {
  return {
    pinoHttp: [
      {
        level: options.level,
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
      options.pretty ? prettyStream() : process.stdout,
    ],
  };
}

/**
 * pino-pretty, a development dependency, on standard output. Where it is not installed (a
 * production install without development dependencies) the lines stay JSON.
 */
function prettyStream(): NodeJS.WritableStream {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when wanted, and only if installed
    const pretty = require('pino-pretty') as (options: object) => NodeJS.WritableStream;
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, destination: process.stdout });
  } catch {
    return process.stdout;
  }
}
