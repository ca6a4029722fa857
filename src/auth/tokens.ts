import { Injectable } from '@nestjs/common';
import { createSecretKey, KeyObject } from 'node:crypto';
import { sign, verify } from 'jsonwebtoken';
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
  /**
   * Prepared once: handed raw bytes, the JWT library would rebuild a key object from them on every
   * signature and verification (trying a public key first), a cost paid by every authenticated call.
   */
  private readonly key: KeyObject;

  constructor(config: AppConfig) {
    this.key = createSecretKey(config.key('token-signing'));
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
      const claims = verify(token, this.key, { algorithms: [TOKEN_ALGORITHM], issuer: TOKEN_ISSUER });
      return isClaims(claims) && claims.typ === typ ? claims : null;
    } catch {
      return null;
    }
  }

  private sign(claims: TokenClaims, ttlSeconds: number): string {
    return sign(claims, this.key, { algorithm: TOKEN_ALGORITHM, issuer: TOKEN_ISSUER, expiresIn: ttlSeconds });
  }
}

function isClaims(payload: unknown): payload is TokenClaims {
  if (typeof payload !== 'object' || payload === null) return false;
  const { sub, typ, sid } = payload as Record<string, unknown>;
  return typeof sub === 'string' && (typ === 'access' || typ === 'mfa') && (sid === undefined || typeof sid === 'string');
}
