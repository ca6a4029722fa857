import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { NamedThrottlerGuard, Throttler } from './throttling';

/** Per-address throttling of the sign-in routes; refusals are audited (without the address), once per address and minute. */
@Injectable()
export class LoginThrottlerGuard extends NamedThrottlerGuard {
  protected readonly throttler = Throttler.Login;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super(options, storage, reflector);
  }

  protected override async auditRefusal(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = context.switchToHttp().getRequest<{ route?: { path?: string } }>();
    await this.audit.record(this.dataSource.manager, {
      action: 'auth.throttled',
      actor: SYSTEM_ACTOR,
      entityType: 'route',
      entityId: req.route?.path ?? null,
      data: { limit: detail.limit, windowMs: detail.ttl },
    });
  }
}
