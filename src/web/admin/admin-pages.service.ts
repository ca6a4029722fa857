import { Injectable } from '@nestjs/common';
import { AccountsService, toAccountView } from '../../accounts/accounts.service';
import { AccountErrorCode } from '../../accounts/accounts.errors';
import { AppError, ErrorKind } from '../../common/errors/app-error';
import { EndOfService } from '../../end-of-service';
import { actorOf } from '../../kernel/actor';
import type { AuthUser } from '../../kernel/auth-user';
import { Role } from '../../kernel/role';
import type { PolicyParseIssue } from '../../policy/domain/policy-parse.error';
import { PolicyErrorCode } from '../../policy/policy.errors';
import { ImpactReport, PolicyDraft, PolicyPublisher } from '../../policy/policy-publisher';
import { PolicyService } from '../../policy/policy.service';
import { ReviewDashboard } from '../../review/dashboard';
import type { PageContext } from '../web-context';
import { FormProblem, formProblemOf, FormValues, readForm } from '../web-form';
import { webText } from '../web-locale';
import { clauseHref } from '../web-pages.service';
import type { WebResult } from '../web-result';
import { PageModel, WebViews } from '../web-views';
import {
  ACCOUNT_DONE,
  CancelEndFormDto,
  ChangeRoleFormDto,
  CreateAccountFormDto,
  PolicyDraftFormDto,
  ResetMfaFormDto,
  ScheduleEndFormDto,
} from './admin-forms.dto';
import { adminText, refusalMessages } from './admin-text';
import { barChart } from './svg-chart';

/** The clause of the policy the end of service carries out (product.md: every subject's data erased at the end). */
const END_CLAUSE = 'face.retain.3';

/** The roles an administrator gives from the accounts page (the API takes any role; subjects register themselves). */
const GIVEN_ROLES: readonly Role[] = [Role.Staff, Role.Legal, Role.Admin];

/** A form shown again: what the person typed and why it was not accepted. */
interface Shown {
  values: FormValues;
  problem: FormProblem | null;
}
const blank = (values: FormValues = {}): Shown => ({ values, problem: null });

/** The typed values kept to fill a form in again (never the password or the token). */
function kept(body: FormValues, ...drop: string[]): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) if (!drop.includes(k) && k !== '_csrf' && typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The administration pages and the reviewers' dashboard, over the services the API uses: accounts
 * (AccountsService, as POST /api/v1/accounts and PATCH …/:id/role), the policy (PolicyPublisher's
 * impact and publish, as POST /api/v1/policy/impact and /versions), the end of service
 * (EndOfService, as /api/v1/admin/end-of-service) and the dashboard's aggregates (ReviewDashboard).
 * Nothing here decides anything: a refusal of a service is shown on its form.
 */
@Injectable()
export class AdminPages {
  constructor(
    private readonly views: WebViews,
    private readonly accounts: AccountsService,
    private readonly policy: PolicyService,
    private readonly publisher: PolicyPublisher,
    private readonly end: EndOfService,
    private readonly dashboard: ReviewDashboard,
  ) {}

  // ---- start page

  async start(page: PageContext): Promise<WebResult> {
    const a = adminText(page.locale);
    const [version, end] = await Promise.all([this.policy.currentVersion(), this.end.status()]);
    return this.page('admin/index', page, { title: a.adminTitle, a, version, end: end.schedule });
  }

  // ---- accounts

  accountsPage(page: PageContext, create: Shown = blank({ role: Role.Staff }), role: Shown = blank(), status = 200): WebResult {
    const a = adminText(page.locale);
    return this.page('admin/accounts', page, { title: a.accountsTitle, a, roles: GIVEN_ROLES, allRoles: Object.values(Role), create, roleForm: role }, status);
  }

  async createAccount(admin: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const values = kept(body, 'password');
    // An empty optional field is no value (the DTO refuses an empty name).
    const form = { ...body };
    if (form.displayName === '') delete form.displayName;
    const read = await readForm(CreateAccountFormDto, form, page.locale);
    if (read.problem) return this.accountsPage(page, { values, problem: read.problem }, blank(), read.problem.status);
    const { email, password, role, displayName } = read.value;
    try {
      const user = await this.accounts.create({ email, password, role, displayName }, actorOf(admin));
      return { redirect: `/admin/accounts/${user.id}?done=created` };
    } catch (err) {
      const problem = this.refusal(err, page);
      if (problem.field) problem.problem.fields[problem.field] ??= problem.problem.message ?? '';
      return this.accountsPage(page, { values, problem: problem.problem }, blank(), problem.problem.status);
    }
  }

  async accountPage(
    page: PageContext,
    id: string,
    done?: (typeof ACCOUNT_DONE)[number],
    role: Shown = blank(),
    status = 200,
    mfaForm: Shown | null = null,
  ): Promise<WebResult> {
    const a = adminText(page.locale);
    const account = toAccountView(await this.accounts.get(id));
    const notice = done ? { created: a.accountCreated, role: a.roleChanged, mfa: a.mfaWasReset }[done] : null;
    return this.page(
      'admin/account',
      page,
      {
        title: a.accountTitle,
        a,
        account,
        notice,
        allRoles: Object.values(Role),
        roleForm: { ...role, values: { role: account.role, ...role.values } },
        mfaForm,
      },
      status,
    );
  }

  async changeRole(admin: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const values = kept(body);
    const read = await readForm(ChangeRoleFormDto, body, page.locale);
    if (read.problem) return this.accountsPage(page, blank({ role: Role.Staff }), { values, problem: read.problem }, read.problem.status);
    try {
      await this.accounts.changeRole(read.value.account, read.value.role, actorOf(admin));
      return { redirect: `/admin/accounts/${read.value.account}?done=role` };
    } catch (err) {
      const problem = this.refusal(err, page);
      if (problem.field) problem.problem.fields[problem.field] ??= problem.problem.message ?? '';
      return this.accountsPage(page, blank({ role: Role.Staff }), { values, problem: problem.problem }, problem.problem.status);
    }
  }

  /** Another account's second factor off and its sessions ended (AccountsService.resetMfaOf, as the API's POST /api/v1/accounts/:id/mfa/reset). */
  async resetMfa(admin: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const read = await readForm(ResetMfaFormDto, body, page.locale);
    // Without an account id there is no account page to show the problem on.
    if (read.problem) throw new AppError(ErrorKind.BadRequest, 'validation_failed', 'account must be an account id');
    try {
      await this.accounts.resetMfaOf(read.value.account, actorOf(admin));
      return { redirect: `/admin/accounts/${read.value.account}?done=mfa` };
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== OWN_MFA) throw err;
      const problem = { fields: {}, message: adminText(page.locale).ownMfa, status: 403 };
      return this.accountPage(page, read.value.account, undefined, blank(), 403, { values: {}, problem });
    }
  }

  // ---- policy

  async policyPage(
    page: PageContext,
    options: { published?: number; draft?: Shown; report?: ImpactReport; issues?: PolicyParseIssue[] } = {},
    status = 200,
  ): Promise<WebResult> {
    const a = adminText(page.locale);
    const [current, versions] = await Promise.all([this.policy.current(), this.policy.listVersions()]);
    const draft = options.draft ?? blank({ markdown: current.sourceMarkdown, major: 'false' });
    const report = options.report
      ? {
          ...options.report,
          changes: {
            added: options.report.changes.added.map((id) => ({ id, href: null as string | null })),
            // what changes or goes is read in the version in force
            changed: options.report.changes.changed.map((id) => ({ id, href: clauseHref(options.report!.currentVersion, id) })),
            removed: options.report.changes.removed.map((id) => ({ id, href: clauseHref(options.report!.currentVersion, id) })),
          },
          cite: (c: { policyVersion: number; clauseId: string }) => clauseHref(c.policyVersion, c.clauseId),
        }
      : null;
    return this.page(
      'admin/policy',
      page,
      {
        title: a.policyTitle,
        a,
        inForce: current.version,
        versions: versions.map((v) => ({
          n: v.version,
          href: `/policy/versions/${v.version}`,
          publishedAt: new Date(v.publishedAt).toISOString(),
          major: v.major,
          title: v.title,
          inForce: v.version === current.version,
        })),
        published: options.published && options.published === current.version ? options.published : null,
        draft,
        report,
        issues: options.issues ?? [],
      },
      status,
    );
  }

  async impact(body: FormValues, page: PageContext): Promise<WebResult> {
    const values = kept(body);
    const read = await readForm(PolicyDraftFormDto, draftOf(body), page.locale);
    if (read.problem) return this.policyPage(page, { draft: { values, problem: read.problem } }, read.problem.status);
    try {
      const report = await this.publisher.impact(toDraft(read.value));
      return this.policyPage(page, { draft: blank(values), report });
    } catch (err) {
      return this.policyRefused(err, page, values);
    }
  }

  async publish(admin: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const values = kept(body);
    const read = await readForm(PolicyDraftFormDto, draftOf(body), page.locale);
    if (read.problem) return this.policyPage(page, { draft: { values, problem: read.problem } }, read.problem.status);
    try {
      const published = await this.publisher.publish(toDraft(read.value), actorOf(admin));
      return { redirect: `/admin/policy?published=${published.version}` };
    } catch (err) {
      return this.policyRefused(err, page, values);
    }
  }

  private async policyRefused(err: unknown, page: PageContext, values: FormValues): Promise<WebResult> {
    const { problem } = this.refusal(err, page);
    const issues = err instanceof AppError && err.code === POLICY_INVALID ? ((err.details.issues as PolicyParseIssue[] | undefined) ?? []) : [];
    if (issues.length > 0) problem.fields.markdown ??= problem.message ?? '';
    // a moved version: the publish form is dropped, the draft kept for a new dry run
    const { expectedCurrentVersion: _moved, ...rest } = values;
    return this.policyPage(page, { draft: { values: rest, problem }, issues }, problem.status);
  }

  // ---- end of service

  async endPage(page: PageContext, schedule: Shown = blank(), cancel: Shown = blank(), status = 200): Promise<WebResult> {
    const a = adminText(page.locale);
    const [state, policy] = await Promise.all([this.end.status(), this.policy.current()]);
    // The clause the end of service rests on, with its text and a link to it in the version in force.
    const found = policy.clauses.find((c) => c.id === END_CLAUSE);
    const clause = found ? { id: found.id, text: found.text, href: clauseHref(policy.version, found.id) } : null;
    return this.page('admin/end-of-service', page, { title: a.endTitle, a, state, schedule, cancel, clause }, status);
  }

  async schedule(admin: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const values = kept(body);
    const read = await readForm(ScheduleEndFormDto, scheduleOf(body), page.locale);
    if (read.problem) return this.endPage(page, { values, problem: read.problem }, blank(), read.problem.status);
    try {
      await this.end.schedule(admin, { endsAt: read.value.endsAt, reason: read.value.reason });
      return { redirect: '/admin/end-of-service' };
    } catch (err) {
      const { problem, field } = this.refusal(err, page);
      if (field) problem.fields[field] ??= problem.message ?? '';
      return this.endPage(page, { values, problem }, blank(), problem.status);
    }
  }

  async cancel(admin: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const values = kept(body);
    const read = await readForm(CancelEndFormDto, body, page.locale);
    if (read.problem) return this.endPage(page, blank(), { values, problem: read.problem }, read.problem.status);
    try {
      await this.end.cancel(admin, { reason: read.value.reason });
      return { redirect: '/admin/end-of-service' };
    } catch (err) {
      const { problem } = this.refusal(err, page);
      return this.endPage(page, blank(), { values, problem }, problem.status);
    }
  }

  // ---- the reviewers' dashboard

  async dashboardPage(page: PageContext): Promise<WebResult> {
    const a = adminText(page.locale);
    const t = webText(page.locale);
    const f = await this.dashboard.figures();
    const share = (decided: number, within: number) => (decided === 0 ? null : within / decided);
    const percent = (v: number) => `${Math.round(v * 100)}%`;
    const rows = f.byType.map((r) => ({ ...r, name: t.typeName(r.type), share: share(r.decided, r.withinDeadline) }));
    const total = { ...f.total, share: share(f.total.decided, f.total.withinDeadline) };
    const charts = {
      open: barChart({ id: 'chart-open', title: a.openByType, desc: a.openByTypeDesc, bars: rows.map((r) => ({ label: r.name, value: r.open })) }),
      median: barChart({
        id: 'chart-median',
        title: a.medianByType,
        desc: a.medianByTypeDesc,
        bars: rows.map((r) => ({ label: r.name, value: r.medianDays })),
        format: (v) => v.toFixed(1),
        empty: a.noData,
      }),
      share: barChart({
        id: 'chart-share',
        title: a.shareByType,
        desc: a.shareByTypeDesc,
        bars: rows.map((r) => ({ label: r.name, value: r.share })),
        max: 1,
        format: percent,
        empty: a.noData,
      }),
    };
    return this.page('admin/dashboard', page, {
      title: a.dashboardTitle,
      a,
      generatedAt: f.generatedAt,
      days: f.days,
      rows,
      total,
      charts,
      percent,
      // the queue is staff's and legal's: an administrator sees the figures only
      queueLinks: page.user?.role === Role.Staff || page.user?.role === Role.Legal,
    });
  }

  // ----

  private page(view: string, page: PageContext, model: PageModel, status = 200): WebResult {
    return { page: this.views.render(view, page, model), status };
  }

  /**
   * A service's refusal as a problem for its form, with the field it concerns; anything that is not
   * the form's fault (a lost database, 404 of the page itself) is rethrown for the error page. An
   * administrator changing their own role (403) and an account id that names nobody (404) are the
   * form's, said beside its field.
   */
  private refusal(err: unknown, page: PageContext): { problem: FormProblem; field: string | null } {
    const messages = refusalMessages();
    if (err instanceof AppError && (err.code === OWN_ROLE || err.code === NO_ACCOUNT)) {
      const message = messages[err.code]?.[page.locale] ?? err.message;
      return { problem: { fields: {}, message, status: err.code === NO_ACCOUNT ? 404 : 403 }, field: 'account' };
    }
    const problem = formProblemOf(err, page.locale, messages);
    if (!problem) throw err;
    const code = err instanceof AppError ? err.code : '';
    const field = FIELD_OF[code] ?? null;
    return { problem, field };
  }
}

const POLICY_INVALID: string = PolicyErrorCode.PolicyInvalid;
const OWN_ROLE: string = AccountErrorCode.CannotChangeOwnRole;
const NO_ACCOUNT: string = AccountErrorCode.AccountNotFound;
const OWN_MFA: string = AccountErrorCode.CannotResetOwnMfa;

/** The field a refusal is about, to say it beside it. */
const FIELD_OF: Record<string, string> = {
  [AccountErrorCode.EmailTaken]: 'email',
  end_too_soon: 'endsAt',
  end_too_far: 'endsAt',
};

/** The draft form's text fields as the API's types: `major` a boolean, `expectedCurrentVersion` a number (what is not stays text, and is refused). */
function draftOf(body: FormValues): FormValues {
  const out: FormValues = { ...body };
  // A browser sends a textarea's line breaks as CRLF (HTML form encoding): the text typed has LF.
  if (typeof out.markdown === 'string') out.markdown = out.markdown.replace(/\r\n?/g, '\n');
  if (out.major === 'true') out.major = true;
  else if (out.major === 'false') out.major = false;
  if (out.expectedCurrentVersion === '' || out.expectedCurrentVersion === undefined) delete out.expectedCurrentVersion;
  else if (typeof out.expectedCurrentVersion === 'string' && /^\d{1,10}$/.test(out.expectedCurrentVersion))
    out.expectedCurrentVersion = Number(out.expectedCurrentVersion);
  return out;
}

function toDraft(v: PolicyDraftFormDto): PolicyDraft {
  return { markdown: v.markdown, major: v.major, ...(v.expectedCurrentVersion !== undefined && { expectedCurrentVersion: v.expectedCurrentVersion }) };
}

/** A date from the form's date field (YYYY-MM-DD) is that day's midnight in Beijing time, the operator's zone; anything else goes to the DTO as typed. */
function scheduleOf(body: FormValues): FormValues {
  const out: FormValues = { ...body };
  if (typeof out.endsAt === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(out.endsAt)) out.endsAt = `${out.endsAt}T00:00:00+08:00`;
  return out;
}
