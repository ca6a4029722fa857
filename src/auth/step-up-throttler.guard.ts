import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { NamedThrottlerGuard, Throttler } from './throttling';

interface StepUpRequest {
  user?: AuthUser;
  body?: unknown;
  route?: { path?: string };
}

/**
 * A route where a signed-in caller confirms their password (filing a deletion) takes password
 * guesses like sign-in does, so the calls that carry a `password` are throttled like sign-ins
 * (LOGIN_RATE_LIMIT a minute), per account: a stolen session tried from many addresses gains
 * nothing. Whether the password is right plays no part (the guard runs before it is read).
 */
@Injectable()
export class StepUpThrottlerGuard extends NamedThrottlerGuard {
  protected readonly throttler = Throttler.StepUp;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const { user, body } = context.switchToHttp().getRequest<StepUpRequest>();
    const carriesPassword = typeof body === 'object' && body !== null && 'password' in body;
    return Promise.resolve(!user || !carriesPassword);
  }

  protected override getTracker(req: StepUpRequest): Promise<string> {
    return Promise.resolve(`account:${(req.user as AuthUser).id}`);
  }

  protected override async auditRefusal(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = context.switchToHttp().getRequest<StepUpRequest>();
    const user = req.user as AuthUser;
    await this.audit.record(this.dataSource.manager, {
      action: 'auth.throttled',
      actor: actorOf(user),
      entityType: 'route',
      entityId: req.route?.path ?? null,
      subjectRef: user.subjectRef,
      data: { limit: detail.limit, windowMs: detail.ttl },
    });
  }
}
