import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AccountsService, AccountView, normaliseEmail, toAccountView } from '../accounts/accounts.service';
import { PasswordHasher } from '../accounts/password-hasher';
import { PRIVILEGED_ROLES, Role } from '../kernel/role';
import { User } from '../accounts/user.entity';
import { AuditService } from '../audit/audit.service';
import { IdentityService, IdentityStatus } from '../identity';
import { actorOf, SYSTEM_ACTOR } from '../kernel/actor';
import { AppError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { accountClosed, invalidCredentials, invalidMfaCode, mfaAlreadyEnabled, mfaCodeNotConfirmed, mfaNotStarted, notAuthenticated } from './auth.errors';
import type { AuthUser } from '../kernel/auth-user';
import { LoginDto, MfaLoginDto, RegisterDto } from './dto/auth.dto';
import { MfaSecrets } from './mfa-secrets';
import { SessionKind } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { SignInKeys } from './sign-in-keys';
import { ANY_CLIENT, FailureReason, SignInLockout } from './sign-in-lockout';
import { SESSION_COOKIE, Tokens } from './tokens';
import { UnknownSignInTally } from './unknown-sign-in-tally';

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
    private readonly keys: SignInKeys,
    private readonly lockout: SignInLockout,
    private readonly unknownSignIns: UnknownSignInTally,
    private readonly identity: IdentityService,
  ) {}

  async register(dto: RegisterDto): Promise<{ id: string; email: string; role: Role }> {
    const user = await this.accounts.create({ ...dto, role: Role.Subject }, 'self');
    return { id: user.id, email: user.email, role: user.role };
  }

  /**
   * Signs in from `clientAddress`. An unknown email costs what a wrong password costs (one argon2
   * verification, against a decoy hash) and is tallied, not audited per attempt (UnknownSignInTally);
   * a known one is refused while the account is locked for this client (SignInLockout).
   */
  async login(dto: LoginDto, clientAddress: string, kind: SessionKind = SessionKind.Api): Promise<SignedIn | MfaChallenge> {
    const client = this.keys.client(clientAddress);
    const user = await this.accountsRepo.findByEmail(normaliseEmail(dto.email));
    if (!user) {
      await this.hasher.verifyDecoy(dto.password);
      await this.unknownSignIns.count(this.keys.email(dto.email), client);
      throw invalidCredentials();
    }
    // The hash is checked even for a locked account, so the answer takes as long either way.
    const [passwordOk, locked] = await Promise.all([this.hasher.verify(user.passwordHash, dto.password), this.lockout.isLocked(user.id, client)]);
    if (locked) return this.refuse(user, client, 'account_locked', invalidCredentials());
    if (!passwordOk) return this.refuse(user, client, 'wrong_password', invalidCredentials());
    if (user.closedAt) throw accountClosed();
    if (user.mfaEnabledAt) return { mfaRequired: true, mfaToken: this.tokens.signMfaChallenge(user.id) };
    return this.openSession(user, kind, client);
  }

  async completeMfaLogin(dto: MfaLoginDto, clientAddress: string, kind: SessionKind = SessionKind.Api): Promise<SignedIn> {
    const claims = this.tokens.verify(dto.mfaToken, 'mfa');
    const user = claims ? await this.accountsRepo.findById(claims.sub) : null;
    if (!user || !user.mfaSecret || !user.mfaEnabledAt) throw notAuthenticated();
    if (user.closedAt) throw accountClosed();
    const client = this.keys.client(clientAddress);
    if (await this.lockout.isLocked(user.id, client)) return this.refuse(user, client, 'account_locked', invalidCredentials());
    // Wrong codes are counted for the account, whatever the client (see ANY_CLIENT).
    if (await this.lockout.isLocked(user.id, ANY_CLIENT)) return this.refuse(user, ANY_CLIENT, 'account_locked', invalidCredentials());
    const step = this.mfa.stepOf(this.mfa.decrypt(user.mfaSecret), dto.code);
    if (step === null) return this.refuse(user, ANY_CLIENT, 'wrong_mfa_code', invalidMfaCode());
    // A code is good once: seen before (or one older than the last accepted), it is a replay.
    if (!(await this.accountsRepo.useMfaStep(user.id, step))) return this.refuse(user, ANY_CLIENT, 'replayed_mfa_code', invalidMfaCode());
    return this.openSession(user, kind, client);
  }

  async logout(auth: AuthUser): Promise<{ loggedOut: true; [SET_COOKIE]: CookieInstruction }> {
    await this.dataSource.transaction(async (m) => {
      await this.sessions.revoke(m, auth.sessionId);
      await this.audit.record(m, {
        action: 'auth.logged_out',
        actor: actorOf(auth),
        entityType: 'session',
        entityId: auth.sessionId,
        subjectRef: auth.subjectRef,
      });
    });
    return { loggedOut: true, [SET_COOKIE]: { name: SESSION_COOKIE, value: '', maxAgeSeconds: 0 } };
  }

  /** The account, and whether it is linked to the app's account (src/identity). */
  async me(auth: AuthUser): Promise<AccountView & { identity: IdentityStatus }> {
    const [user, identity] = await Promise.all([this.accounts.get(auth.id), this.identity.statusOf(auth.id)]);
    return { ...toAccountView(user), identity };
  }

  /** Step one of enrolment: a new secret, not yet in force until a code from it is confirmed. */
  async startMfaEnrolment(auth: AuthUser): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.accounts.get(auth.id);
    if (user.mfaEnabledAt) throw mfaAlreadyEnabled();
    const secret = this.mfa.generate();
    await this.dataSource.transaction(async (m) => {
      await this.accountsRepo.setMfaSecret(m, user.id, this.mfa.encrypt(secret));
      await this.audit.record(m, {
        action: 'auth.mfa_enrolment_started',
        actor: actorOf(user),
        entityType: 'user',
        entityId: user.id,
        subjectRef: user.subjectRef,
      });
    });
    return { secret, otpauthUrl: this.mfa.uri(user.email, secret) };
  }

  async confirmMfaEnrolment(auth: AuthUser, code: string): Promise<{ mfaEnabled: true }> {
    const user = await this.accounts.get(auth.id);
    if (user.mfaEnabledAt) throw mfaAlreadyEnabled();
    if (!user.mfaSecret) throw mfaNotStarted();
    const step = this.mfa.stepOf(this.mfa.decrypt(user.mfaSecret), code);
    if (step === null) throw mfaCodeNotConfirmed();
    await this.dataSource.transaction(async (m) => {
      await this.accountsRepo.enableMfa(m, user.id, step);
      await this.audit.record(m, { action: 'auth.mfa_enabled', actor: actorOf(user), entityType: 'user', entityId: user.id, subjectRef: user.subjectRef });
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

  private async openSession(user: User, kind: SessionKind, client: string): Promise<SignedIn> {
    const apiTtl = this.config.env.ACCESS_TOKEN_TTL;
    const webTtl = this.config.env.SESSION_TTL;
    // One session backs both the short-lived bearer token and the longer web cookie.
    const sessionTtl = Math.max(apiTtl, webTtl);
    const opened = await this.dataSource.transaction(async (m): Promise<{ sessionId: string } | { lockedFor: string }> => {
      // A concurrent failed attempt may have locked the account since it was read: the lock wins.
      // The count of wrong codes starts again too (nothing to clear for an account without them).
      for (const key of [client, ANY_CLIENT]) if (!(await this.lockout.clearUnlessLocked(m, user.id, key))) return { lockedFor: key };
      const id = await this.sessions.open(m, user.id, kind, sessionTtl);
      await this.audit.record(m, {
        action: 'auth.login_succeeded',
        actor: actorOf(user),
        entityType: 'session',
        entityId: id,
        subjectRef: user.subjectRef,
        data: { kind },
      });
      return { sessionId: id };
    });
    if ('lockedFor' in opened) return this.refuse(user, opened.lockedFor, 'account_locked', invalidCredentials());
    const { sessionId } = opened;
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

  /** Counts a failed attempt from this client toward the lockout, audits it, and throws the refusal. */
  private async refuse(user: User, client: string, reason: FailureReason, refusal: AppError): Promise<never> {
    await this.lockout.recordFailure(user, client, { action: 'auth.login_failed', actor: SYSTEM_ACTOR, reason });
    throw refusal;
  }
}
