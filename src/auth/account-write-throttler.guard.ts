import { ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthUser } from '../kernel/auth-user';
import { NamedThrottlerGuard, Throttler } from './throttling';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface WriteRequest {
  method: string;
  user?: AuthUser;
}

/**
 * Every write (POST, PUT, PATCH, DELETE) of a signed-in account counts toward one allowance per
 * account and minute (ACCOUNT_WRITE_RATE_LIMIT), whatever the route: a stolen token or a runaway
 * client cannot flood the portal with writes. Global, registered after AccessGuard, which has
 * established the caller by then; anonymous calls are left to the sign-in throttle.
 */
@Injectable()
export class AccountWriteThrottlerGuard extends NamedThrottlerGuard {
  protected readonly throttler = Throttler.AccountWrite;

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const { method, user } = context.switchToHttp().getRequest<WriteRequest>();
    return Promise.resolve(!user || READS.has(method));
  }

  protected override getTracker(req: WriteRequest): Promise<string> {
    return Promise.resolve((req.user as AuthUser).id);
  }

  /** One allowance across all routes (the library's key is per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}
