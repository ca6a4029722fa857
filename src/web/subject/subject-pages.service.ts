import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind, STATUS_OF_KIND } from '../../common/errors/app-error';
import { ConsentState } from '../../consents/consent.types';
import { ConsentsService } from '../../consents/consents.service';
import { Role } from '../../kernel/role';
import { ExportsService, type DisclosureRecordDocument } from '../../exports';
import { IdentityService } from '../../identity';
import type { AuthUser } from '../../kernel/auth-user';
import { LawService } from '../../law';
import { RequestType } from '../../policy/domain/policy.types';
import { PolicyService } from '../../policy/policy.service';
import { appealBy, checkTransition, OPEN_STATUSES, RequestAction, RequestStatus, RequestsService } from '../../requests';
import { TransparencyService, type TransparencyOutcomeCounts } from '../../transparency';
import type { PageContext } from '../web-context';
import { type FormProblem, formProblemOf, type FormValues, readForm } from '../web-form';
import { timeLeft, webText, type WebLocale } from '../web-locale';
import { clauseHref, provisionHref } from '../web-pages.service';
import type { WebResult } from '../web-result';
import { type PageModel, WebViews } from '../web-views';
import { AppealFormDto, CancelFormDto, ConfirmLinkFormDto, DownloadQueryDto, LinkFormDto, PeriodQueryDto, ReplyFormDto } from './subject-forms.dto';
import { REFUSALS, subjectText, wrongCodeText } from './subject-text';

/** The subject's actions on a request, each a form of the request page. */
export type RequestActionName = 'cancel' | 'reply' | 'appeal';

/** A form of a page shown again: which one, why, and what was typed. */
interface Shown {
  form: string;
  problem: FormProblem;
  values: FormValues;
}

/** The statuses from which the subject may cancel (the lifecycle's `cancel` rows); the service decides, this only offers the form. */
/** The request types whose approval gives the subject files to download (a copy, or the record of disclosures). */
const RESULT_TYPES: readonly RequestType[] = [RequestType.Access, RequestType.CopyTransfer, RequestType.DisclosureLog];

/**
 * The subject's own pages beyond filing, over the API's services: acting on a request
 * (RequestsService: cancel, reply, appeal; ExportsService: the result's files), the link to the app
 * account (IdentityService), the consents (ConsentsService), the record of disclosures (a
 * disclosure_log request's result); and the public transparency figures (TransparencyService).
 * Nothing here decides: each refusal is the service's, shown on the page that asked.
 */
@Injectable()
export class SubjectPages {
  constructor(
    private readonly views: WebViews,
    private readonly requests: RequestsService,
    private readonly exports: ExportsService,
    private readonly identity: IdentityService,
    private readonly consents: ConsentsService,
    private readonly policy: PolicyService,
    private readonly law: LawService,
    private readonly transparency: TransparencyService,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // One request: its page and the subject's actions on it
  // ---------------------------------------------------------------------------------------------

  /** One request of mine, with its decision, the rights notice, the timeline, what I may do now and the result's files. */
  async requestPage(user: AuthUser, id: string, page: PageContext, shown: Shown | null = null, status = 200): Promise<WebResult> {
    const t = webText(page.locale);
    const s = subjectText(page.locale);
    const r = await this.requests.get(user, id);
    const cite = (clauses: { id: string; text: string }[], law: { id: string; instrument: string; article: string; text: string }[]) => [
      ...clauses.map((c) => ({ id: c.id, text: c.text, href: clauseHref(r.policyVersion, c.id) })),
      ...law.map((p) => ({ id: p.id, label: `${p.instrument} ${p.article}`, text: p.text, href: provisionHref(p.id) })),
    ];
    const decisionOf = (d: NonNullable<typeof r.decision>) => ({
      outcome: t.outcomes[d.outcome] ?? d.outcome,
      reason: d.reason,
      answer: d.answer ?? null,
      decidedAt: d.decidedAt,
      cited: cite(d.clauses, d.law),
    });
    // Until when the refusal may be appealed: the rule of requests/domain/appeal-window (a first rejection only).
    const standing = r.appeal?.decision ?? r.decision;
    const appealUntil = standing
      ? appealBy({ status: r.status, appealedAt: r.appeal ? new Date(r.appeal.appealedAt) : null }, new Date(standing.decidedAt))
      : null;
    // What the subject may do now: the lifecycle's table decides (the service checks again when it is done).
    const may = (action: RequestAction) => checkTransition({ action, from: r.status, type: r.type, role: Role.Subject }).allowed;
    const actions = {
      cancel: may(RequestAction.Cancel),
      reply: may(RequestAction.Reply),
      appeal: appealUntil && appealUntil.getTime() > Date.now() ? appealUntil.toISOString() : null,
    };
    const behalf = r.onBehalfOf;
    return this.page(
      'request',
      page,
      {
        title: `${t.requestTitle} · ${t.typeName(r.type)}`,
        s,
        shown,
        actions,
        anyAction: actions.cancel || actions.reply || actions.appeal !== null,
        downloads: await this.downloadsOf(r.id, r.type, r.status, page.locale),
        onBehalf: behalf
          ? {
              relation: s.relations[behalf.relation] ?? behalf.relation,
              name: behalf.name,
              dateOfBirth: behalf.dateOfBirth ?? null,
              statement: behalf.statement ?? null,
              evidence: behalf.evidence.length,
            }
          : null,
        r: {
          ...r,
          typeName: t.typeName(r.type),
          statusName: t.statusName(r.status),
          left: timeLeft(page.locale, r.dueAt),
          open: OPEN_STATUSES.includes(r.status),
          decision: r.decision ? decisionOf(r.decision) : null,
          appealDecision: r.appeal?.decision ? decisionOf(r.appeal.decision) : null,
          extension: r.extension ? { until: r.extension.until, reason: r.extension.reason, cited: cite(r.extension.clauses, r.extension.law) } : null,
          rightsNotice: r.rightsNotice ? r.rightsNotice[page.locale] : null,
          timeline: r.timeline.map((e) => ({
            at: e.at,
            statusName: t.statusName(e.to),
            actor: t.actors[e.actorRole] ?? e.actorRole,
            outcome: e.outcome ? (t.outcomes[e.outcome] ?? e.outcome) : null,
            reason: e.reason,
            note: e.note,
            cited: cite(e.clauses, e.law),
          })),
        },
      },
      status,
    );
  }

  /** Cancel, reply or appeal: the service's action; on a refusal (400, 409, 422) the request page again, with why beside the form. */
  async act(user: AuthUser, id: string, action: RequestActionName, body: FormValues, page: PageContext): Promise<WebResult> {
    const again = (problem: FormProblem) => this.requestPage(user, id, page, { form: action, problem, values: body }, problem.status);
    try {
      if (action === 'cancel') {
        const form = await readForm(CancelFormDto, body, page.locale);
        if (form.problem) return again(form.problem);
        await this.requests.cancel(user, id);
      } else if (action === 'reply') {
        const form = await readForm(ReplyFormDto, body, page.locale);
        if (form.problem) return again(form.problem);
        await this.requests.reply(user, id, { message: form.value.message });
      } else {
        const form = await readForm(AppealFormDto, body, page.locale);
        if (form.problem) return again(form.problem);
        await this.requests.appeal(user, id, { statement: form.value.statement });
      }
    } catch (err) {
      const problem = formProblemOf(err, page.locale, REFUSALS);
      if (!problem) throw err;
      return again(problem);
    }
    return { redirect: `/requests/${id}` };
  }

  /** One file of a request's result, through the API's download (the subject's own only, audited). */
  async download(user: AuthUser, id: string, query: FormValues) {
    const read = await readForm(DownloadQueryDto, query, 'en');
    if (read.problem) throw new AppError(ErrorKind.BadRequest, 'validation_failed', 'Unknown format or category', { errors: [] });
    return this.exports.download(user, id, read.value.format ?? 'json', read.value.category);
  }

  /** The files of a completed copy or record, while they are kept (the export's own state, read once the request proved to be the caller's). */
  private async downloadsOf(id: string, type: RequestType, status: RequestStatus, locale: WebLocale) {
    if (!RESULT_TYPES.includes(type) || status !== RequestStatus.Completed) return null;
    const state = await this.exports.statusOf(id);
    if (!state || (state.status as string) !== 'ready' || !state.expiresAt || Date.parse(state.expiresAt) < Date.now()) return null;
    const s = subjectText(locale);
    const record = type === RequestType.DisclosureLog;
    const files = state.files.map((file) => {
      if (file === 'export.json') return { href: `/requests/${id}/export?format=json`, label: record ? s.recordJson : s.downloadJson };
      if (file === 'export.html') return { href: `/requests/${id}/export?format=html`, label: record ? s.recordHtml : s.downloadHtml };
      const category = file.replace(/\.csv$/, '');
      return { href: `/requests/${id}/export?format=csv&category=${encodeURIComponent(category)}`, label: s.downloadCsv(category) };
    });
    return { until: state.expiresAt, files };
  }

  // ---------------------------------------------------------------------------------------------
  // The link to the app account
  // ---------------------------------------------------------------------------------------------

  async linkPage(user: AuthUser, page: PageContext, extra: { shown?: Shown | null; sentUntil?: string | null } = {}, status = 200): Promise<WebResult> {
    const s = subjectText(page.locale);
    const link = await this.identity.statusOf(user.id);
    return this.page('subject/account-link', page, { title: s.linkTitle, s, link, shown: extra.shown ?? null, sentUntil: extra.sentUntil ?? null }, status);
  }

  /** Asks for a code to the contact the operator holds (IdentityService.sendCode): the same answer whether the contact is known or not. */
  async sendLinkCode(user: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const again = (problem: FormProblem) => this.linkPage(user, page, { shown: { form: 'send', problem, values: body } }, problem.status);
    const form = await readForm(LinkFormDto, body, page.locale);
    if (form.problem) return again(form.problem);
    try {
      const sent = await this.identity.sendCode(user, { channel: form.value.channel, address: form.value.address });
      return this.linkPage(user, page, { sentUntil: sent.expiresAt });
    } catch (err) {
      const problem = this.linkProblem(err, page.locale);
      if (!problem) throw err;
      return again(problem);
    }
  }

  async confirmLinkCode(user: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const again = (problem: FormProblem) => this.linkPage(user, page, { shown: { form: 'confirm', problem, values: body } }, problem.status);
    const form = await readForm(ConfirmLinkFormDto, body, page.locale);
    if (form.problem) return again(form.problem);
    try {
      await this.identity.confirm(user, { code: form.value.code });
    } catch (err) {
      const problem = this.linkProblem(err, page.locale);
      if (!problem) throw err;
      return again(problem);
    }
    return { redirect: '/account/link' };
  }

  /** The link's refusals shown on its form: those of formProblemOf, and the two rate limits (429), whose page is the form again. */
  private linkProblem(err: unknown, locale: WebLocale): FormProblem | null {
    if (err instanceof AppError && err.code === 'wrong_code' && typeof err.details.attemptsLeft === 'number') {
      return { fields: { code: wrongCodeText(locale, err.details.attemptsLeft) }, message: null, status: 422 };
    }
    if (err instanceof AppError && err.kind === ErrorKind.TooManyRequests) {
      return { fields: {}, message: REFUSALS[err.code]?.[locale] ?? err.message, status: STATUS_OF_KIND[err.kind] };
    }
    return formProblemOf(err, locale, REFUSALS);
  }

  // ---------------------------------------------------------------------------------------------
  // Consents, the record of disclosures
  // ---------------------------------------------------------------------------------------------

  /** Each purpose, its state, what it means, and the clause it was given or withdrawn under (with its text, linked). */
  async consentsPage(user: AuthUser, page: PageContext): Promise<WebResult> {
    const s = subjectText(page.locale);
    const [list, inForce] = await Promise.all([this.consents.list(user), this.policy.currentVersion()]);
    const rows = list.map((c) => ({
      purpose: c.purpose,
      meaning: s.purposes[c.purpose] ?? s.newPurpose(c.purpose.replace(/^new_purpose:/, '')),
      state: c.state,
      stateName: s.states[c.state] ?? c.state,
      changedAt: c.changedAt,
      clause: { id: c.clause.id, text: c.clause.text, href: clauseHref(inForce, c.clause.id) },
      withdrawable: c.state === ConsentState.Granted,
    }));
    return this.page('subject/consents', page, { title: s.consentsTitle, s, rows, withdrawHref: '/new-request/withdraw_consent' });
  }

  /**
   * The record of disclosures comes through a disclosure_log request (ExportsService makes it when
   * the request is approved): the latest completed one's record, read through the subject's own
   * audited download, with its files; or how to ask for one.
   */
  async disclosuresPage(user: AuthUser, page: PageContext): Promise<WebResult> {
    const s = subjectText(page.locale);
    const t = webText(page.locale);
    const mine = (await this.requests.list(user)).filter((r) => r.type === RequestType.DisclosureLog);
    const pending = mine
      .filter((r) => OPEN_STATUSES.includes(r.status) || r.status === RequestStatus.Approved || r.status === RequestStatus.Fulfilling)
      .map((r) => ({ href: `/requests/${r.id}`, statusName: t.statusName(r.status), submittedAt: r.submittedAt }));
    const latest = mine.find((r) => r.status === RequestStatus.Completed) ?? null;
    let record = null;
    if (latest) {
      const files = await this.downloadsOf(latest.id, latest.type, latest.status, page.locale);
      record = {
        href: `/requests/${latest.id}`,
        submittedAt: latest.submittedAt,
        files,
        content: files ? await this.recordOf(user, latest.id, page.locale) : null,
      };
    }
    return this.page('subject/disclosures', page, { title: s.disclosuresTitle, s, pending, record, askHref: '/new-request/disclosure_log' });
  }

  /** The record's entries as the JSON file holds them, for reading on the page. */
  private async recordOf(user: AuthUser, id: string, locale: WebLocale) {
    const s = subjectText(locale);
    const file = await this.exports.download(user, id, 'json');
    const chunks: Buffer[] = [];
    for await (const part of file.parts) chunks.push(typeof part === 'string' ? Buffer.from(part) : part);
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as DisclosureRecordDocument;
    return {
      generatedAt: doc.request.generatedAt,
      withheld: s.withheldEntries(doc.withheld.entries),
      entries: doc.entries.map((e) => ({
        recipient: e.recipient.name,
        kind: s.kinds[e.recipient.kind] ?? e.recipient.kind,
        country: e.recipient.country,
        contact: e.recipient.contact,
        first: e.firstDisclosedAt,
        last: e.lastDisclosedAt === e.firstDisclosedAt ? null : e.lastDisclosedAt,
        frequency: e.frequency,
        purpose: e.purpose,
        categories: e.categories.map((c) => (c.label ? c.label[locale] : c.id)),
        cited: [
          ...e.clauses.map((c) => ({ id: c.id, label: null, text: c.text, href: clauseHref(doc.request.policyVersion, c.id) })),
          ...e.law.map((p) => ({ id: p.id, label: `${p.instrument} ${p.article}`, text: p.text, href: provisionHref(p.id) })),
        ],
      })),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Transparency (public)
  // ---------------------------------------------------------------------------------------------

  /** The aggregate figures of a period, each explained; a suppressed count reads "fewer than 5", every basis linked to its text. */
  async transparencyPage(query: FormValues, page: PageContext): Promise<WebResult> {
    const s = subjectText(page.locale);
    const t = webText(page.locale);
    // An empty date field of the GET form is no date: the API's query simply leaves it out.
    const read = await readForm(PeriodQueryDto, Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '')), page.locale);
    const period = { from: typeof query.from === 'string' ? query.from : '', to: typeof query.to === 'string' ? query.to : '' };
    // A problem with no field of the form to stand beside (an unknown parameter) is said above the form.
    const shell = (found: FormProblem) => {
      const elsewhere = Object.entries(found.fields).find(([field]) => field !== 'from' && field !== 'to');
      const problem = { ...found, message: found.message ?? elsewhere?.[1] ?? null };
      return this.page(
        'subject/transparency',
        page,
        { title: s.transparencyTitle, s, period, problem, report: null, signedIn: page.user !== null },
        problem.status,
      );
    };
    if (read.problem) return shell(read.problem);
    let report;
    try {
      report = await this.transparency.report({ ...(read.value.from && { from: read.value.from }), ...(read.value.to && { to: read.value.to }) });
    } catch (err) {
      const problem = formProblemOf(err, page.locale, REFUSALS);
      if (!problem) throw err;
      return shell(problem);
    }
    const min = report.smallestPublishedCount;
    const count = (n: number | null) => (n === null ? s.fewerThan(min) : String(n));
    const days = (d: number | null) => (d === null ? s.notPublished : s.days(d));
    const share = (x: number | null) => (x === null ? s.notPublished : `${Math.round(x * 1000) / 10}%`);
    const outcomeKeys: (keyof TransparencyOutcomeCounts)[] = ['approved', 'partial', 'rejected', 'cancelled', 'lapsed', 'open'];
    const inForce = await this.policy.currentVersion();
    const clauses = new Map((await this.policy.get(inForce)).clauses.map((c) => [c.id, c.text]));
    const bases = report.disclosures.byBasis.map((b) => {
      if (clauses.has(b.basis))
        return { id: b.basis, label: null, text: clauses.get(b.basis) ?? '', href: clauseHref(inForce, b.basis), entries: count(b.entries) };
      const [p] = this.law.quote([b.basis]);
      return {
        id: b.basis,
        label: p.instrument ? `${p.instrument} ${p.article}` : null,
        text: p.text,
        href: provisionHref(b.basis),
        entries: count(b.entries),
      };
    });
    return this.page('subject/transparency', page, {
      title: s.transparencyTitle,
      s,
      period,
      problem: null,
      signedIn: page.user !== null,
      report: {
        from: report.period.from,
        to: report.period.to,
        generatedAt: report.generatedAt,
        outcomeKeys,
        byType: report.requests.byType.map((r) => ({
          name: t.typeName(r.type),
          outcomes: outcomeKeys.map((k) => count(r.outcomes[k] ?? null)),
          median: days(r.medianDaysToDecide),
          within: share(r.decidedWithinDeadline),
        })),
        median: days(report.requests.medianDaysToDecide),
        within: share(report.requests.decidedWithinDeadline),
        byKind: report.disclosures.byRecipientKind.map((k) => ({ name: s.kinds[k.kind] ?? k.kind, entries: count(k.entries) })),
        bases,
      },
    });
  }

  private page(view: string, page: PageContext, model: PageModel, status = 200): WebResult {
    return { page: this.views.render(view, page, model), status };
  }
}
