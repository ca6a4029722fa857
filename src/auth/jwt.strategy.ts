import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from './auth-user';
import { AuthService } from './auth.service';
import { SESSION_COOKIE, TOKEN_ALGORITHM, TOKEN_ISSUER, TokenClaims, Tokens } from './tokens';

const fromSessionCookie = (req: Request): string | null => {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : null;
};

/**
 * API clients send `Authorization: Bearer`; the web portal sends its HttpOnly cookie. Either way
 * the token must be ours (HS256 only), of type `access`, and name a session that is still live.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    tokens: Tokens,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), fromSessionCookie]),
      secretOrKey: tokens.signingKey,
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      ignoreExpiration: false,
    });
  }

  async validate(claims: TokenClaims): Promise<AuthUser | false> {
    if (claims.typ !== 'access' || !claims.sid) return false;
    return (await this.auth.resolve(claims.sub, claims.sid)) ?? false;
  }
}
