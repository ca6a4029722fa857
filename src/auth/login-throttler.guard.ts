import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { AuditedThrottlerGuard, Throttler } from './throttling';

/** Per-address throttling of the sign-in routes; refusals are audited (without the address), once per address and minute. */
@Injectable()
export class LoginThrottlerGuard extends AuditedThrottlerGuard {
  protected readonly throttler = Throttler.Login;

  protected refusedActor() {
    return { actor: SYSTEM_ACTOR };
  }
}
