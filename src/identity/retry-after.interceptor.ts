import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, Observable, throwError } from 'rxjs';
import { AppError } from '../common/errors/app-error';

/**
 * Gives a refusal that lifts at a known time (`retryAfterSeconds` in its details: too many codes,
 * a locked confirmation) the standard Retry-After header; the error body itself is written by the
 * one exception filter, which keeps headers already set.
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) => {
        const seconds = err instanceof AppError ? err.details.retryAfterSeconds : undefined;
        if (typeof seconds === 'number') context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
        return throwError(() => err);
      }),
    );
  }
}
