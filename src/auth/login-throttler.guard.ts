import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../kernel/actor';

/** Per-address throttling of the sign-in routes; each refusal is audited (without the address). */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super(options, storage, reflector);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = context.switchToHttp().getRequest<{ route?: { path?: string } }>();
    // The library names its header after the throttler (`Retry-After-login`); clients read the standard one.
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(detail.timeToBlockExpire));
    await this.audit
      .record(this.dataSource.manager, {
        action: 'auth.throttled',
        actor: SYSTEM_ACTOR,
        entityType: 'route',
        entityId: req.route?.path ?? null,
        data: { limit: detail.limit, windowMs: detail.ttl },
      })
      .catch(() => undefined);
    return super.throwThrottlingException(context, detail);
  }
}
