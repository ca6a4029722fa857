import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { AppError, STATUS_OF_KIND } from './app-error';
import { errorName, HttpErrorBody } from './http-error-body';
import { isDatabaseUnavailable } from './database-errors';
import { requestIdOf } from '../http/request-id';

/**
 * Every error leaves the API in one shape. Rule violations (AppError) and framework exceptions
 * keep their status; a lost database is a 503; anything else is logged with a correlation id and
 * answered as a bare 500 that reveals no internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const body = this.toBody(exception, requestIdOf(ctx.getRequest<Request>(), res));
    // A handler that already streamed part of its answer cannot be given another; the error is logged above.
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }

  /** The one mapping of an exception to its status and error body; the web portal's pages read it too. */
  toBody(exception: unknown, correlationId: string): HttpErrorBody {
    if (exception instanceof AppError) {
      const status = STATUS_OF_KIND[exception.kind];
      // Details first: an extra field can never overwrite the fields every error body has.
      // The standard fields lead the body and cannot be overwritten by a rule's extra fields.
      const standard = { statusCode: status, error: errorName(status), message: exception.message, code: exception.code };
      return { ...standard, ...exception.details, ...standard };
    }
    if (exception instanceof ThrottlerException) {
      return { statusCode: 429, error: errorName(429), message: 'Too many requests; try again later', code: 'throttled' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (messageOf(response) ?? exception.message);
      return { statusCode: status, error: errorName(status), message, code: codeOfStatus(status) };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ correlationId, err: summarise(exception) }, 'database unavailable');
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: errorName(HttpStatus.SERVICE_UNAVAILABLE),
        message: 'The service is temporarily unavailable; try again shortly',
        code: 'database_unavailable',
        correlationId,
      };
    }
    this.logger.error({ correlationId, err: summarise(exception) }, 'unexpected error');
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: errorName(HttpStatus.INTERNAL_SERVER_ERROR),
      message: 'Something went wrong on our side; quote the correlation id when reporting it',
      correlationId,
    };
  }
}

/** A framework exception (an unknown route, say) gets the status's name as its code: `not_found`. */
function codeOfStatus(status: number): string {
  return (HttpStatus[status] as string | undefined)?.toLowerCase() ?? 'error';
}

function messageOf(response: object): string | undefined {
  const m = (response as { message?: unknown }).message;
  if (Array.isArray(m)) return m.join('; ');
  return typeof m === 'string' ? m : undefined;
}

/**
 * What of an unexpected error goes to the log: never query parameters or driver details, which can
 * carry personal data (an email in a unique-violation detail, for instance).
 */
function summarise(exception: unknown): Record<string, unknown> {
  if (exception instanceof QueryFailedError) {
    const driver = exception.driverError as { code?: string; routine?: string };
    return { type: 'QueryFailedError', code: driver.code, routine: driver.routine, stack: exception.stack };
  }
  if (exception instanceof Error) return { type: exception.name, message: exception.message, stack: exception.stack };
  return { type: typeof exception };
}
