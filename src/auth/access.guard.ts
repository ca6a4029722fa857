import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Role } from '../kernel/role';
import { isDatabaseUnavailable } from '../common/errors/database-errors';
import { IS_PUBLIC, ROLES, SEES_SIGNED_IN } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { mfaEnrolmentRequired, noAccessRule, notAllowed, notAuthenticated } from './auth.errors';

export const ALLOWED_DURING_MFA_ENROLMENT = 'access:mfa-enrolment';
/** Reachable by an account that must still enrol its second factor (enrolment itself, me, logout). */
export const AllowDuringMfaEnrolment = () => SetMetadata(ALLOWED_DURING_MFA_ENROLMENT, true);

/**
 * The one global guard. Fails closed: a route that declares neither @Public() nor @Roles() is
 * refused (and a test walks every route so that none ships that way).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      if (this.reflector.getAllAndOverride<boolean>(SEES_SIGNED_IN, targets)) await this.signedInIfAny(context);
      return true;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    // An empty @Roles() names nobody; treated like a missing rule, so the mistake is loud.
    if (!roles || roles.length === 0) throw noAccessRule();
    await super.canActivate(context);
    const user = context.switchToHttp().getRequest<{ user: AuthUser }>().user;
    if (user.mfaEnrolmentPending && !this.reflector.getAllAndOverride<boolean>(ALLOWED_DURING_MFA_ENROLMENT, targets)) throw mfaEnrolmentRequired();
    if (!roles.includes(user.role)) throw notAllowed();
    return true;
  }

  /** A public page reads the session when there is one; no session, or a stale one, leaves it anonymous. */
  private async signedInIfAny(context: ExecutionContext): Promise<void> {
    try {
      await super.canActivate(context);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      context.switchToHttp().getRequest<{ user?: AuthUser }>().user = undefined;
    }
  }

  override handleRequest<TUser = AuthUser>(err: unknown, user: TUser | false): TUser {
    // A session that cannot be looked up is not a failed sign-in: let the outage answer 503.
    if (isDatabaseUnavailable(err)) throw err;
    if (err || !user) throw notAuthenticated();
    return user;
  }
}
