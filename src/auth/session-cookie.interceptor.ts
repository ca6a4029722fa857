import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { CookieInstruction, SET_COOKIE } from './auth.service';

/** Applies a service's cookie instruction to the response, so controllers stay one line. */
@Injectable()
export class SessionCookieInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: Record<string | symbol, unknown> | undefined) => {
        const cookie = body?.[SET_COOKIE] as CookieInstruction | undefined;
        if (cookie) {
          res.cookie(cookie.name, cookie.value, {
            httpOnly: true,
            sameSite: 'lax',
            secure: this.config.isProduction,
            path: '/',
            maxAge: cookie.maxAgeSeconds * 1000,
          });
        }
        return body;
      }),
    );
  }
}
