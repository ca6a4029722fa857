import { ExecutionContext, Injectable } from '@nestjs/common';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { AuditedThrottlerGuard, Throttler } from './throttling';

interface StepUpRequest {
  user?: AuthUser;
  body?: unknown;
}

/**
 * A route where a signed-in caller confirms their password (filing a deletion) takes password
 * guesses like sign-in does, so the calls that carry a `password` are throttled like sign-ins
 * (LOGIN_RATE_LIMIT a minute), per account: a stolen session tried from many addresses gains
 * nothing. Whether the password is right plays no part (the guard runs before it is read).
 */
@Injectable()
export class StepUpThrottlerGuard extends AuditedThrottlerGuard {
  protected readonly throttler = Throttler.StepUp;

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const { user, body } = context.switchToHttp().getRequest<StepUpRequest>();
    const carriesPassword = typeof body === 'object' && body !== null && 'password' in body;
    return Promise.resolve(!user || !carriesPassword);
  }

  protected override getTracker(req: StepUpRequest): Promise<string> {
    return Promise.resolve(`account:${(req.user as AuthUser).id}`);
  }

  protected refusedActor(context: ExecutionContext) {
    const user = context.switchToHttp().getRequest<StepUpRequest>().user as AuthUser;
    return { actor: actorOf(user), subjectRef: user.subjectRef };
  }
}
