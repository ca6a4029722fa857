import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';

export const TOKEN_ISSUER = 'dsr-portal';
/** The one signing algorithm; verification accepts nothing else. */
export const TOKEN_ALGORITHM = 'HS256' as const;
export const SESSION_COOKIE = 'dsr_session';
const MFA_TOKEN_TTL = 300;

export type TokenType = 'access' | 'mfa';

export interface TokenClaims {
  sub: string;
  typ: TokenType;
  /** session id; absent on a second-factor challenge token */
  sid?: string;
}

@Injectable()
export class Tokens {
  private readonly key: Buffer;

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    this.key = config.key('token-signing');
  }

  get signingKey(): Buffer {
    return this.key;
  }

  signAccess(userId: string, sessionId: string, ttlSeconds: number): string {
    return this.sign({ sub: userId, typ: 'access', sid: sessionId }, ttlSeconds);
  }

  signMfaChallenge(userId: string): string {
    return this.sign({ sub: userId, typ: 'mfa' }, MFA_TOKEN_TTL);
  }

  /** Returns the claims of a valid token of the given type, or null. */
  verify(token: string, typ: TokenType): TokenClaims | null {
    try {
      const claims = this.jwt.verify<TokenClaims>(token, { secret: this.key, algorithms: [TOKEN_ALGORITHM], issuer: TOKEN_ISSUER });
      return claims.typ === typ ? claims : null;
    } catch {
      return null;
    }
  }

  private sign(claims: TokenClaims, ttlSeconds: number): string {
    return this.jwt.sign(claims, { secret: this.key, algorithm: TOKEN_ALGORITHM, issuer: TOKEN_ISSUER, expiresIn: ttlSeconds });
  }
}
