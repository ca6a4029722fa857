import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../kernel/actor';
import type { Environment } from '../config/environment';

/** The named throttlers of the one ThrottlerModule; each guard below applies its own alone. */
export enum Throttler {
  /** sign-in routes (register, login, second factor), per client address */
  Login = 'login',
  /** calls that carry a password to confirm (a deletion's step-up), per account */
  StepUp = 'step-up',
  /** every write of a signed-in account, per account, all routes together */
  AccountWrite = 'account-write',
}

export const THROTTLE_WINDOW_MS = 60_000;

export function throttlerOptions(env: Readonly<Environment>): ThrottlerModuleOptions {
  return {
    throttlers: [
      { name: Throttler.Login, ttl: THROTTLE_WINDOW_MS, limit: env.LOGIN_RATE_LIMIT },
      // A password step-up is a password guess like a sign-in, and gets the same allowance.
      { name: Throttler.StepUp, ttl: THROTTLE_WINDOW_MS, limit: env.LOGIN_RATE_LIMIT },
      { name: Throttler.AccountWrite, ttl: THROTTLE_WINDOW_MS, limit: env.ACCOUNT_WRITE_RATE_LIMIT },
    ],
  };
}

/**
 * A guard for one named throttler: the library's guard applies every throttler of the module to
 * every route it guards, so each of ours passes over the others'. A refusal is a 429 in the API's
 * error shape (AllExceptionsFilter) with the standard Retry-After header (the library names its
 * own after the throttler, `Retry-After-login`), and is audited, if the guard audits refusals, once
 * per tracker and window: a client hammering a throttled route cannot grow the audit trail with it.
 */
export abstract class NamedThrottlerGuard extends ThrottlerGuard {
  protected abstract readonly throttler: Throttler;

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    if (request.throttler.name !== this.throttler) return Promise.resolve(true);
    return super.handleRequest(request);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(detail.timeToBlockExpire));
    if (await this.firstRefusalInWindow(detail)) await this.auditRefusal(context, detail).catch(() => undefined);
    return super.throwThrottlingException(context, detail);
  }

  /** Records a refusal in the audit trail; by default, nothing is recorded. */
  protected auditRefusal(_context: ExecutionContext, _detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.resolve();
  }

  /** Whether no refusal of this tracker was audited in the last window (counted in the throttler's own storage). */
  private async firstRefusalInWindow(detail: ThrottlerLimitDetail): Promise<boolean> {
    const audited = await this.storageService.increment(`${detail.key}:audited`, detail.ttl, 1, detail.ttl, `${this.throttler}:audited`);
    return !audited.isBlocked;
  }
}

/**
 * A throttle whose refusals are recorded in the audit trail (once per tracker and window): the
 * event names the route and the limit, and the actor `refusedActor` gives; never the address.
 */
export abstract class AuditedThrottlerGuard extends NamedThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super(options, storage, reflector);
  }

  /** Who the refused call is recorded as: the signed-in account, or the system for an anonymous one. */
  protected abstract refusedActor(context: ExecutionContext): { actor: Actor; subjectRef?: string };

  protected override async auditRefusal(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = context.switchToHttp().getRequest<{ route?: { path?: string } }>();
    const { actor, subjectRef } = this.refusedActor(context);
    await this.audit.record(this.dataSource.manager, {
      action: 'auth.throttled',
      actor,
      entityType: 'route',
      entityId: req.route?.path ?? null,
      ...(subjectRef && { subjectRef }),
      data: { limit: detail.limit, windowMs: detail.ttl },
    });
  }
}
