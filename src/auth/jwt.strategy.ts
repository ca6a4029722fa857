import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt } from 'passport-jwt';
import { Strategy } from 'passport-strategy';
import type { AuthUser } from '../kernel/auth-user';
import { AuthService } from './auth.service';
import { SESSION_COOKIE, TokenClaims, Tokens } from './tokens';

const fromSessionCookie = (req: Request): string | null => {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : null;
};

const extractToken = ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), fromSessionCookie]);

type Resolve = (claims: TokenClaims, done: (err: unknown, user?: AuthUser | false) => void) => void;

/**
 * Reads the token and has `Tokens` verify it (HS256 only, our issuer, not expired, type `access`),
 * with the key prepared once rather than rebuilt from bytes on every call; then resolves the session.
 */
class AccessTokenStrategy extends Strategy {
  constructor(
    private readonly tokens: Tokens,
    private readonly resolve: Resolve,
  ) {
    super();
  }

  override authenticate(req: Request): void {
    const token = extractToken(req);
    if (!token) return this.fail(401);
    const claims = this.tokens.verify(token, 'access');
    if (!claims) return this.fail(401);
    this.resolve(claims, (err, user) => {
      // Passed on as is: the guard tells a lost database (503) from a refused token by it.
      if (err) return this.error(err as Error);
      if (!user) return this.fail(401);
      this.success(user);
    });
  }
}

/**
 * API clients send `Authorization: Bearer`; the web portal sends its HttpOnly cookie. Either way
 * the token must be ours (HS256 only), of type `access`, and name a session that is still live.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(AccessTokenStrategy, 'jwt') {
  constructor(
    tokens: Tokens,
    private readonly auth: AuthService,
  ) {
    super(tokens);
  }

  async validate(claims: TokenClaims): Promise<AuthUser | false> {
    if (claims.typ !== 'access' || !claims.sid) return false;
    return (await this.auth.resolve(claims.sub, claims.sid)) ?? false;
  }
}
