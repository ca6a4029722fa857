import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ALL_ROLES, Role } from './role';
import type { AuthUser } from './auth-user';

export const IS_PUBLIC = 'access:public';
export const ROLES = 'access:roles';

/** Anyone may call this route, signed in or not. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const SEES_SIGNED_IN = 'access:sees-signed-in';
/**
 * A public page that still knows who is signed in (the navigation offers their pages): the session
 * is read when there is one, and a missing or stale one is no refusal.
 */
export const PublicPage = () => applyDecorators(Public(), SetMetadata(SEES_SIGNED_IN, true));

/** Only these roles may call this route. Every route declares either this or @Public(). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** Any signed-in account. */
export const AnyRole = () => Roles(...ALL_ROLES);

/** The signed-in caller, as established by the access guard. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => ctx.switchToHttp().getRequest<{ user: AuthUser }>().user);

/**
 * The caller's network address as the HTTP layer sees it (the proxy's X-Forwarded-For only with
 * TRUST_PROXY), for rules kept per client such as the sign-in lockout. Never stored as it is.
 */
export const ClientAddress = createParamDecorator((_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<{ ip?: string }>().ip ?? '');
