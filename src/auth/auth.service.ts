import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AccountsService, AccountView, normaliseEmail, toAccountView } from '../accounts/accounts.service';
import { PasswordHasher } from '../accounts/password-hasher';
import { PRIVILEGED_ROLES, Role } from '../accounts/role.enum';
import { User } from '../accounts/user.entity';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../audit/audit.types';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { AuthErrorCode, invalidCredentials, invalidMfaCode, notAuthenticated } from './auth.errors';
import type { AuthUser } from './auth-user';
import { LoginDto, MfaLoginDto, RegisterDto } from './dto/auth.dto';
import { MfaSecrets } from './mfa-secrets';
import { SessionKind } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { SESSION_COOKIE, Tokens } from './tokens';

/** The cookie a response should set (or clear, with maxAge 0); applied by SessionCookieInterceptor. */
export interface CookieInstruction {
  name: string;
  value: string;
  maxAgeSeconds: number;
}
export const SET_COOKIE = Symbol('set-cookie');

export interface SignedIn {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; email: string; role: Role };
  /** present when this account must enrol a second factor before doing anything else */
  mfaEnrolmentRequired?: true;
  [SET_COOKIE]?: CookieInstruction;
}

export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsService,
    private readonly accountsRepo: AccountsRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: Tokens,
    private readonly mfa: MfaSecrets,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async register(dto: RegisterDto): Promise<{ id: string; email: string; role: Role }> {
    const user = await this.accounts.create({ ...dto, role: Role.Subject }, 'self');
    return { id: user.id, email: user.email, role: user.role };
  }

  async login(dto: LoginDto, kind: SessionKind = SessionKind.Api): Promise<SignedIn | MfaChallenge> {
    const user = await this.accountsRepo.findByEmail(normaliseEmail(dto.email));
    if (!user) {
      await this.hasher.verifyDecoy(dto.password);
      await this.audit.record(this.dataSource.manager, {
        action: 'auth.login_failed',
        actor: SYSTEM_ACTOR,
        entityType: 'user',
        data: { reason: 'unknown_account' },
      });
      throw invalidCredentials();
    }
    const passwordOk = await this.hasher.verify(user.passwordHash, dto.password);
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      await this.recordAuthEvent(user, 'auth.login_refused_locked');
      throw invalidCredentials();
    }
    if (!passwordOk) {
      await this.recordFailure(user, 'wrong_password');
      throw invalidCredentials();
    }
    if (user.mfaEnabledAt) return { mfaRequired: true, mfaToken: this.tokens.signMfaChallenge(user.id) };
    return this.openSession(user, kind);
  }

  async completeMfaLogin(dto: MfaLoginDto, kind: SessionKind = SessionKind.Api): Promise<SignedIn> {
    const claims = this.tokens.verify(dto.mfaToken, 'mfa');
    const user = claims ? await this.accountsRepo.findById(claims.sub) : null;
    if (!user || !user.mfaSecret || !user.mfaEnabledAt) throw notAuthenticated();
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      await this.recordAuthEvent(user, 'auth.login_refused_locked');
      throw invalidCredentials();
    }
    if (!this.mfa.verify(this.mfa.decrypt(user.mfaSecret), dto.code)) {
      await this.recordFailure(user, 'wrong_mfa_code');
      throw invalidMfaCode();
    }
    return this.openSession(user, kind);
  }

  async logout(auth: AuthUser): Promise<{ loggedOut: true; [SET_COOKIE]: CookieInstruction }> {
    await this.dataSource.transaction(async (m) => {
      await this.sessions.revoke(m, auth.sessionId);
      await this.audit.record(m, { action: 'auth.logged_out', actor: { id: auth.id, role: auth.role }, entityType: 'session', entityId: auth.sessionId });
    });
    return { loggedOut: true, [SET_COOKIE]: { name: SESSION_COOKIE, value: '', maxAgeSeconds: 0 } };
  }

  async me(auth: AuthUser): Promise<AccountView> {
    return toAccountView(await this.accounts.get(auth.id));
  }

  /** Step one of enrolment: a new secret, not yet in force until a code from it is confirmed. */
  async startMfaEnrolment(auth: AuthUser): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.accounts.get(auth.id);
    if (user.mfaEnabledAt) throw new AppError(ErrorKind.Conflict, AuthErrorCode.MfaAlreadyEnabled, 'A second factor is already enrolled');
    const secret = this.mfa.generate();
    await this.dataSource.transaction(async (m) => {
      await this.accountsRepo.setMfaSecret(m, user.id, this.mfa.encrypt(secret));
      await this.audit.record(m, { action: 'auth.mfa_enrolment_started', actor: { id: user.id, role: user.role }, entityType: 'user', entityId: user.id, subjectRef: user.subjectRef });
    });
    return { secret, otpauthUrl: this.mfa.uri(user.email, secret) };
  }

  async confirmMfaEnrolment(auth: AuthUser, code: string): Promise<{ mfaEnabled: true }> {
    const user = await this.accounts.get(auth.id);
    if (user.mfaEnabledAt) throw new AppError(ErrorKind.Conflict, AuthErrorCode.MfaAlreadyEnabled, 'A second factor is already enrolled');
    if (!user.mfaSecret) throw new AppError(ErrorKind.Conflict, AuthErrorCode.MfaNotStarted, 'Start enrolment first');
    if (!this.mfa.verify(this.mfa.decrypt(user.mfaSecret), code)) throw invalidMfaCode();
    await this.dataSource.transaction(async (m) => {
      await this.accountsRepo.enableMfa(m, user.id);
      await this.audit.record(m, { action: 'auth.mfa_enabled', actor: { id: user.id, role: user.role }, entityType: 'user', entityId: user.id, subjectRef: user.subjectRef });
    });
    return { mfaEnabled: true };
  }

  /** Used by the access guard's strategy: the caller behind a token, if its session is live. */
  async resolve(userId: string, sessionId: string): Promise<AuthUser | null> {
    const live = await this.sessions.findLive(sessionId, userId);
    if (!live) return null;
    return {
      id: live.userId,
      role: live.role,
      subjectRef: live.subjectRef,
      sessionId: live.sessionId,
      mfaEnrolmentPending: this.mustEnrolMfa(live.role, live.mfaEnabled),
    };
  }

  private mustEnrolMfa(role: Role, mfaEnabled: boolean): boolean {
    return this.config.env.MFA_REQUIRED_FOR_STAFF && PRIVILEGED_ROLES.includes(role) && !mfaEnabled;
  }

  private async openSession(user: User, kind: SessionKind): Promise<SignedIn> {
    const apiTtl = this.config.env.ACCESS_TOKEN_TTL;
    const webTtl = this.config.env.SESSION_TTL;
    // One session backs both the short-lived bearer token and the longer web cookie.
    const sessionTtl = Math.max(apiTtl, webTtl);
    const sessionId = await this.dataSource.transaction(async (m) => {
      await this.accountsRepo.clearFailedLogins(m, user.id);
      const id = await this.sessions.open(m, user.id, kind, sessionTtl);
      await this.audit.record(m, { action: 'auth.login_succeeded', actor: { id: user.id, role: user.role }, entityType: 'session', entityId: id, subjectRef: user.subjectRef, data: { kind } });
      return id;
    });
    const mustEnrol = this.mustEnrolMfa(user.role, user.mfaEnabledAt !== null);
    return {
      accessToken: this.tokens.signAccess(user.id, sessionId, apiTtl),
      tokenType: 'Bearer',
      expiresIn: apiTtl,
      user: { id: user.id, email: user.email, role: user.role },
      ...(mustEnrol ? { mfaEnrolmentRequired: true as const } : {}),
      [SET_COOKIE]: { name: SESSION_COOKIE, value: this.tokens.signAccess(user.id, sessionId, webTtl), maxAgeSeconds: webTtl },
    };
  }

  private async recordFailure(user: User, reason: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const { lockedNow } = await this.accountsRepo.recordFailedLogin(m, user.id);
      await this.audit.record(m, { action: 'auth.login_failed', actor: SYSTEM_ACTOR, entityType: 'user', entityId: user.id, subjectRef: user.subjectRef, data: { reason } });
      if (lockedNow)
        await this.audit.record(m, { action: 'auth.account_locked', actor: SYSTEM_ACTOR, entityType: 'user', entityId: user.id, subjectRef: user.subjectRef, data: { minutes: 15 } });
    });
  }

  private async recordAuthEvent(user: User, action: string): Promise<void> {
    await this.audit.record(this.dataSource.manager, { action, actor: SYSTEM_ACTOR, entityType: 'user', entityId: user.id, subjectRef: user.subjectRef });
  }
}
