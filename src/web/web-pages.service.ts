import { Injectable } from '@nestjs/common';
import { AuthService, CookieInstruction, SET_COOKIE, SignedIn } from '../auth/auth.service';
import { AuthErrorCode } from '../auth/auth.errors';
import { SessionKind } from '../auth/session.entity';
import { AppError } from '../common/errors/app-error';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { LawService } from '../law';
import { Outcome, REQUEST_TYPES } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import { OPEN_STATUSES, RequestsService } from '../requests';
import type { LanguageFormDto, LoginFormDto, MfaFormDto } from './dto/web-forms.dto';
import type { PageContext } from './web-context';
import { timeLeft, webText } from './web-locale';
import type { WebResult } from './web-result';
import { PageModel, WebViews } from './web-views';

/** A form that signs in answers with the session cookie (applied by the auth module's SessionCookieInterceptor). */
export type SignInResult = WebResult & { [SET_COOKIE]?: CookieInstruction };

/** Where a cited clause of a version is read: the policy viewer, at the clause's anchor. */
export const clauseHref = (version: number, id: string): string => `/policy/versions/${version}#${encodeURIComponent(id)}`;
/** Where a cited provision is read: the law section of the policy viewer. */
export const provisionHref = (id: string): string => `/policy#law-${encodeURIComponent(id)}`;

/**
 * The portal's pages, over the services the API uses: the policy and the law (PolicyService,
 * LawService), sign-in (AuthService, with a web session), the subject's list of requests
 * (RequestsService; one request's page is SubjectPages', src/web/subject). Nothing here decides
 * anything; it only arranges what the services answer for people to read.
 */
@Injectable()
export class WebPages {
  constructor(
    private readonly views: WebViews,
    private readonly policy: PolicyService,
    private readonly law: LawService,
    private readonly auth: AuthService,
    private readonly requests: RequestsService,
  ) {}

  /** Each right in plain words, with the clauses and provisions that justify granting it under the version in force. */
  async home(page: PageContext): Promise<WebResult> {
    const version = await this.policy.currentVersion();
    const t = webText(page.locale);
    const rights = await Promise.all(
      REQUEST_TYPES.map(async (type) => {
        const basis = await this.policy.justification(version, type, Outcome.Approve);
        return {
          type,
          name: t.typeName(type),
          text: t.rightText(type),
          clauses: basis.clauses.map((c) => ({ id: c.id, href: clauseHref(version, c.id) })),
          law: basis.law.map((p) => ({ id: p.id, label: `${p.instrument} ${p.article}`, href: provisionHref(p.id) })),
        };
      }),
    );
    return this.page('home', page, { title: t.homeTitle, rights });
  }

  /** The policy viewer: one version (default: the one in force), every clause an anchor, the versions, what changed, the law cited. */
  async policyPage(page: PageContext, version?: number): Promise<WebResult> {
    const inForce = await this.policy.currentVersion();
    const [v, versions] = await Promise.all([this.policy.get(version ?? inForce), this.policy.listVersions()]);
    const t = webText(page.locale);
    const law = this.law.all().map((p) => ({
      id: p.id,
      anchor: `law-${p.id}`,
      title: page.locale === 'en' ? p.instrument.titleEn : p.instrument.title,
      article: p.article,
      text: p.text,
      gloss: page.locale === 'en' ? p.gloss : null,
    }));
    return this.page('policy', page, {
      title: `${t.policyTitle} · ${t.policyVersion(v.version)}`,
      policy: {
        version: v.version,
        title: v.title,
        publishedAt: v.publishedAt.toISOString(),
        inForce: v.version === inForce,
        changes: v.changes,
        clauses: v.clauses.map((c) => ({ id: c.id, heading: c.heading, text: c.text, gloss: page.locale === 'en' ? (c.gloss ?? null) : null })),
      },
      versions: versions.map((x) => ({
        n: x.version,
        publishedAt: new Date(x.publishedAt).toISOString(),
        major: x.major,
        href: `/policy/versions/${x.version}`,
        current: x.version === v.version,
        inForce: x.version === inForce,
      })),
      law,
    });
  }

  loginPage(page: PageContext, message: string | null = null, status = 200, email = ''): WebResult {
    const t = webText(page.locale);
    return this.page('login', page, { title: t.loginTitle, message, email }, status);
  }

  /** The sign-in form: the auth service's login with a web session; a second factor asks for its code next. */
  async login(dto: LoginFormDto, client: string, page: PageContext): Promise<SignInResult> {
    try {
      const answer = await this.auth.login({ email: dto.email, password: dto.password }, client, SessionKind.Web);
      if ('mfaRequired' in answer) return this.mfaPage(page, answer.mfaToken);
      return signedIn(answer);
    } catch (err) {
      return this.refused(err, page, () => this.loginPage(page, this.refusal(page, err), 401, dto.email));
    }
  }

  async completeMfa(dto: MfaFormDto, client: string, page: PageContext): Promise<SignInResult> {
    try {
      return signedIn(await this.auth.completeMfaLogin({ mfaToken: dto.mfaToken, code: dto.code }, client, SessionKind.Web));
    } catch (err) {
      // An expired challenge starts the sign-in again; a wrong code asks again with the same challenge.
      const again = err instanceof AppError && SIGN_IN_REFUSALS[err.code] === 'wrongCode';
      return this.refused(err, page, () =>
        again ? this.mfaPage(page, dto.mfaToken, this.refusal(page, err), 401) : this.loginPage(page, this.refusal(page, err), 401),
      );
    }
  }

  /** Ends the session (the auth service revokes it and clears the cookie). */
  async logout(user: AuthUser): Promise<SignInResult> {
    const done = await this.auth.logout(user);
    return { redirect: '/', [SET_COOKIE]: done[SET_COOKIE] };
  }

  switchLanguage(dto: LanguageFormDto): WebResult {
    return { redirect: dto.next, language: dto.lang };
  }

  /** My requests: type, status, due date and time left (the newest 200, as the API lists them). */
  async myRequests(user: AuthUser, page: PageContext): Promise<WebResult> {
    const t = webText(page.locale);
    const list = await this.requests.list(user);
    const rows = list.map((r) => ({
      ...r,
      href: `/requests/${r.id}`,
      typeName: t.typeName(r.type),
      statusName: t.statusName(r.status),
      left: timeLeft(page.locale, r.dueAt),
      open: OPEN_STATUSES.includes(r.status),
    }));
    return this.page('requests', page, {
      title: t.myRequestsTitle,
      rows,
    });
  }

  private page(view: string, page: PageContext, model: PageModel, status = 200): WebResult {
    return { page: this.views.render(view, page, model), status };
  }

  private mfaPage(page: PageContext, mfaToken: string, message: string | null = null, status = 200): WebResult {
    const t = webText(page.locale);
    return this.page('login-mfa', page, { title: t.mfaTitle, signedIn: false, mfaToken, message }, status);
  }

  /** A refused sign-in shows the form again with why; anything else (a lost database, throttling) is the error page's. */
  private refused(err: unknown, page: PageContext, again: () => WebResult): WebResult {
    if (err instanceof AppError && err.code in SIGN_IN_REFUSALS) return again();
    throw err;
  }

  private refusal(page: PageContext, err: unknown): string {
    const key = err instanceof AppError ? SIGN_IN_REFUSALS[err.code] : undefined;
    return webText(page.locale)[key ?? 'wrongCredentials'];
  }
}

/** The refusals of a sign-in that show its form again, and what the form says of each. */
const SIGN_IN_REFUSALS: Record<string, 'wrongCredentials' | 'wrongCode' | 'accountClosed' | 'loginRequired'> = {
  [AuthErrorCode.InvalidCredentials]: 'wrongCredentials',
  [AuthErrorCode.InvalidMfaCode]: 'wrongCode',
  [AuthErrorCode.AccountClosed]: 'accountClosed',
  // an expired second-factor challenge: start again
  [AuthErrorCode.NotAuthenticated]: 'loginRequired',
};

/** Where each role starts after signing in: its own pages. */
export const START_PAGE: Record<Role, string> = {
  [Role.Subject]: '/requests',
  [Role.Staff]: '/staff/requests',
  [Role.Legal]: '/legal',
  [Role.Admin]: '/admin',
};

function signedIn(answer: SignedIn): SignInResult {
  return { redirect: START_PAGE[answer.user.role], [SET_COOKIE]: answer[SET_COOKIE] };
}
