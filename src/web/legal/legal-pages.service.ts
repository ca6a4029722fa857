import { Injectable } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { AuditService } from '../../audit/audit.service';
import { AppError, ErrorKind } from '../../common/errors/app-error';
import { PageCursors } from '../../common/http/page-cursor';
import type { AuthUser } from '../../kernel/auth-user';
import { Role } from '../../kernel/role';
import { REFUSAL_GROUNDS } from '../../kernel/rights-notice';
import { LawService } from '../../law';
import { DATA_CATEGORIES, RECIPIENT_KINDS } from '../../policy/domain/policy.types';
import { TRANSFER_MECHANISMS } from '../../policy/domain/justification';
import { PolicyService } from '../../policy/policy.service';
import { checkTransition, RequestAction, RequestStatus } from '../../requests';
import { ReviewService } from '../../review/review.service';
import type { PageContext } from '../web-context';
import { formProblemOf, readForm, type FormProblem, type FormValues } from '../web-form';
import { timeLeft, webText } from '../web-locale';
import { clauseHref, provisionHref } from '../web-pages.service';
import type { WebResult } from '../web-result';
import { PageModel, WebViews } from '../web-views';
import {
  CONFIDENTIALITY_PROVISIONS,
  DISCLOSURE_FREQUENCIES,
  DISCLOSURE_STATUSES,
  DisclosuresService,
  DisclosureStatus,
  ReviewOutcome,
  type DisclosureView,
} from '../../disclosures';
import { HoldsService, type HoldView } from '../../holds';
import {
  CONFIRM_SHAPE,
  ConfirmForm,
  DECISION_SHAPE,
  DecisionForm,
  formShape,
  FormShape,
  HOLD_SHAPE,
  HoldsQuery,
  PlaceHoldForm,
  problemInForm,
  RECORD_SHAPE,
  RecordForm,
  REGISTER_SHAPE,
  RegisterQuery,
  ReleaseHoldForm,
  ReviewForm,
  StatsQuery,
  VerifyQuery,
  WITHHOLD_SHAPE,
  WithholdForm,
} from './legal-forms';
import { LEGAL_MESSAGES, legalText } from './legal-text';

/** The review's refusals on a page legal may see that are the form's answer, not an error page: four eyes, holding the request. */
const REFUSALS_SHOWN = new Set(['own_decision', 'own_request', 'not_holder', 'decider_cannot_review_appeal', 'recorder_cannot_review']);
/** How many items a count on the start page looks at (more shows as "100 or more"). */
const COUNT_LIMIT = 100;

type Cited = { id: string; label?: string; text: string; href: string };
interface Verification {
  at: string;
  ok: boolean;
  events: number;
  head: string;
  firstBrokenAt: { seq: number | null; eventId: string | null; reason: string } | null;
}

/**
 * The legal pages: refusals awaiting legal and appeals (ReviewService), legal holds (HoldsService),
 * the disclosure register (DisclosuresService) and the audit chain's verification (AuditService).
 * Every change is the service's: this class reads forms with the API's DTOs, calls the same method
 * the API's controller calls, and shows a refusal on the form it came from.
 */
@Injectable()
export class LegalPages {
  /** the last verification this process ran (the start page shows it; /legal/audit runs a new one) */
  private lastVerification: Verification | null = null;

  constructor(
    private readonly review: ReviewService,
    private readonly disclosures: DisclosuresService,
    private readonly views: WebViews,
    private readonly cursors: PageCursors,
    private readonly holds: HoldsService,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
    private readonly law: LawService,
  ) {}

  // ---- the start page ----

  async home(user: AuthUser, page: PageContext): Promise<WebResult> {
    const lt = legalText(page.locale);
    const count = (p: { items: unknown[]; nextCursor: string | null }) => (p.nextCursor ? lt.atLeast(p.items.length) : lt.count(p.items.length));
    const [awaiting, appeals, holds, pending] = await Promise.all([
      this.review.queue(user, { status: RequestStatus.AwaitingLegal, limit: COUNT_LIMIT }),
      this.review.queue(user, { status: RequestStatus.UnderAppeal, limit: COUNT_LIMIT }),
      this.holds.list(user, { active: true, limit: COUNT_LIMIT }),
      this.disclosures.list(user, { status: DisclosureStatus.PendingReview, corrected: false, limit: COUNT_LIMIT }),
    ]);
    const items = [
      { label: lt.refusalsAwaiting, value: count(awaiting), href: '/legal/requests' },
      { label: lt.appeals, value: count(appeals), href: '/legal/appeals' },
      { label: lt.activeHolds, value: count(holds), href: '/legal/holds' },
      { label: lt.disclosuresPending, value: count(pending), href: '/legal/disclosures?status=pending_review&corrected=false' },
    ];
    return this.page('legal/home', page, { title: lt.homeTitle, items, verification: this.lastVerification });
  }

  // ---- refusals awaiting legal, appeals ----

  async requestList(user: AuthUser, page: PageContext, which: 'awaiting' | 'appeals', cursor?: string): Promise<WebResult> {
    const lt = legalText(page.locale);
    const t = webText(page.locale);
    const status = which === 'awaiting' ? RequestStatus.AwaitingLegal : RequestStatus.UnderAppeal;
    const list = await this.review.queue(user, { status, cursor: this.cursors.open('review-queue', cursor) });
    const next = this.cursors.sealNext('review-queue', list).nextCursor;
    const base = which === 'awaiting' ? '/legal/requests' : '/legal/appeals';
    const rows = list.items.map((r) => ({
      id: r.id,
      href: `/legal/requests/${r.id}`,
      typeName: t.typeName(r.type),
      statusName: t.statusName(r.status),
      subjectRef: r.subjectRef,
      dueAt: r.dueAt,
      left: timeLeft(page.locale, r.dueAt),
    }));
    return this.page('legal/requests', page, {
      title: which === 'awaiting' ? lt.requestsTitle : lt.appealsTitle,
      rows,
      next: next ? `${base}?cursor=${encodeURIComponent(next)}` : null,
      first: cursor ? base : null,
    });
  }

  async request(user: AuthUser, id: string, page: PageContext, form?: { name: string; values: FormValues; problem: FormProblem }): Promise<WebResult> {
    const t = webText(page.locale);
    const lt = legalText(page.locale);
    const r = await this.review.get(user, id);
    const may = (action: RequestAction) => checkTransition({ action, from: r.status, type: r.type, role: Role.Legal }).allowed;
    const cite = (clauses: { id: string; text: string }[], law: { id: string; instrument: string; article: string; text: string }[]): Cited[] => [
      ...clauses.map((c) => ({ id: c.id, text: c.text, href: clauseHref(r.policyVersion, c.id) })),
      ...law.map((p) => ({ id: p.id, label: `${p.instrument} ${p.article}`, text: p.text, href: provisionHref(p.id) })),
    ];
    const decisionOf = (d: NonNullable<typeof r.decision>) => ({
      outcome: t.outcomes[d.outcome] ?? d.outcome,
      ground: d.ground ? (lt.grounds[d.ground] ?? d.ground) : null,
      withheld: d.withheld,
      reason: d.reason,
      decidedAt: d.decidedAt,
      by: t.actors[d.decidedByRole] ?? d.decidedByRole,
      cited: cite(d.clauses, d.law),
    });
    // What each outcome could cite: the clauses and provisions the policy offers for this request's type.
    const outcomes = ['approve', 'reject', 'partial'] as const;
    const clauseOptions = new Map<string, Cited & { outcomes: string[] }>();
    const lawOptions = new Map<string, Cited & { outcomes: string[] }>();
    for (const o of outcomes) {
      for (const c of r.options[o]) {
        const known = clauseOptions.get(c.id) ?? { id: c.id, text: c.text, href: clauseHref(r.policyVersion, c.id), outcomes: [] };
        known.outcomes.push(t.outcomes[o]);
        clauseOptions.set(c.id, known);
      }
      for (const p of r.lawOptions[o].provisions) {
        const known = lawOptions.get(p.id) ?? { id: p.id, label: `${p.instrument} ${p.article}`, text: p.text, href: provisionHref(p.id), outcomes: [] };
        known.outcomes.push(t.outcomes[o]);
        lawOptions.set(p.id, known);
      }
    }
    return this.page(
      'legal/request',
      page,
      {
        title: `${lt.requestTitle} · ${t.typeName(r.type)}`,
        r: {
          id: r.id,
          version: r.version,
          typeName: t.typeName(r.type),
          status: r.status,
          statusName: t.statusName(r.status),
          submittedAt: r.submittedAt,
          dueAt: r.dueAt,
          left: timeLeft(page.locale, r.dueAt),
          policyVersion: r.policyVersion,
          subjectRef: r.subjectRef,
          subject: r.subject,
          held: r.assigneeId === user.id,
          assigned: r.assigneeId !== null,
          subjectNote: r.subjectNote,
          proposed: r.proposedDecision ? decisionOf(r.proposedDecision) : null,
          decision: r.decision ? decisionOf(r.decision) : null,
          appeal: r.appeal
            ? { statement: r.appeal.statement, appealedAt: r.appeal.appealedAt, decision: r.appeal.decision ? decisionOf(r.appeal.decision) : null }
            : null,
          // The forms legal is offered: as the lifecycle's table allows them (the service checks again).
          awaitingLegal: may(RequestAction.ConfirmDecision) && !!r.proposedDecision,
          underAppeal: may(RequestAction.DecideAppeal),
        },
        clauseOptions: [...clauseOptions.values()],
        lawOptions: [...lawOptions.values()],
        outcomeChoices: outcomes.map((o) => ({ value: o, label: t.outcomes[o] })),
        groundChoices: REFUSAL_GROUNDS.map((g) => ({ value: g, label: lt.grounds[g] ?? g })),
        categories: DATA_CATEGORIES,
        form: form?.name ?? null,
        v: form?.values ?? {},
        problem: form?.problem ?? null,
      },
      form?.problem.status ?? 200,
    );
  }

  async confirm(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.act(user, id, body, page, 'confirm', ConfirmForm, CONFIRM_SHAPE, (dto) => this.review.confirm(user, id, dto));
  }

  async replace(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.act(user, id, body, page, 'replace', DecisionForm, DECISION_SHAPE, (dto) => this.review.replace(user, id, dto));
  }

  async decideAppeal(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.act(user, id, body, page, 'appeal', DecisionForm, DECISION_SHAPE, (dto) => this.review.decideAppeal(user, id, dto));
  }

  async claim(user: AuthUser, id: string, page: PageContext): Promise<WebResult> {
    try {
      await this.review.claim(user, id);
    } catch (err) {
      const problem = this.problemOf(err, page);
      if (!problem) throw err;
      return this.request(user, id, page, { name: 'claim', values: {}, problem });
    }
    return { redirect: `/legal/requests/${id}` };
  }

  private act<F extends object>(
    user: AuthUser,
    id: string,
    body: FormValues,
    page: PageContext,
    name: string,
    dto: ClassConstructor<F>,
    shape: FormShape,
    call: (dto: F) => Promise<unknown>,
  ): Promise<WebResult> {
    const again = (problem: FormProblem) => this.request(user, id, page, { name, values: body, problem: problemInForm(problem, shape) });
    return this.submitted(body, page, dto, shape, call, again, `/legal/requests/${id}`);
  }

  /**
   * A form of the legal pages: read with the API's DTO, handed to the service, and then the page
   * `done` (303); a problem with the form or a refusal of the service shows the form again.
   */
  private async submitted<F extends object>(
    body: FormValues,
    page: PageContext,
    dto: ClassConstructor<F>,
    shape: FormShape,
    call: (dto: F) => Promise<unknown>,
    again: (problem: FormProblem) => Promise<WebResult>,
    done: string,
  ): Promise<WebResult> {
    const read = await readForm(dto, formShape(body, shape), page.locale);
    if (read.problem) return again(read.problem);
    try {
      await call(withoutToken(read.value));
    } catch (err) {
      const problem = this.problemOf(err, page);
      if (!problem) throw err;
      return again(problem);
    }
    return { redirect: done };
  }

  // ---- legal holds ----

  async holdList(user: AuthUser, page: PageContext, query: FormValues): Promise<WebResult> {
    const lt = legalText(page.locale);
    const read = await readForm(HoldsQuery, formShape(query, {}), page.locale);
    if (read.problem) throw badQuery(read.problem);
    const { cursor, ...filter } = read.value;
    const after = this.cursors.open('legal-holds', cursor);
    let list: { items: HoldView[]; nextCursor: string | null } = { items: [], nextCursor: null };
    let problem: FormProblem | null = null;
    try {
      list = this.cursors.sealNext('legal-holds', await this.holds.list(user, { ...filter, cursor: after }));
    } catch (err) {
      // Staff read the holds of one subject of their case: the page asks for it.
      problem = this.problemOf(err, page);
      if (!problem) throw err;
    }
    const params = (extra: Record<string, string>) => queryString({ ...stringsOf(query, ['active', 'subjectId']), ...extra });
    return this.page(
      'legal/holds',
      page,
      {
        title: lt.holdsTitle,
        problem,
        rows: list.items.map((h) => this.holdRow(h, lt)),
        active: typeof query.active === 'string' ? query.active : '',
        subjectId: typeof query.subjectId === 'string' ? query.subjectId : '',
        next: list.nextCursor ? `/legal/holds?${params({ cursor: list.nextCursor })}` : null,
        first: cursor ? `/legal/holds?${params({})}` : null,
        canPlace: user.role === Role.Legal,
      },
      problem?.status ?? 200,
    );
  }

  async hold(user: AuthUser, id: string, page: PageContext, form?: { values: FormValues; problem: FormProblem }): Promise<WebResult> {
    const lt = legalText(page.locale);
    const h = await this.holds.get(user, id);
    return this.page(
      'legal/hold',
      page,
      {
        title: lt.holdTitle,
        h: { ...this.holdRow(h, lt), cited: await this.citedOf(h.policyVersion, h.clauses, h.law) },
        canRelease: user.role === Role.Legal && h.active,
        v: form?.values ?? {},
        problem: form?.problem ?? null,
      },
      form?.problem.status ?? 200,
    );
  }

  holdForm(page: PageContext, values: FormValues = {}, problem: FormProblem | null = null): WebResult {
    const lt = legalText(page.locale);
    return this.page('legal/hold-new', page, { title: lt.placeHold, categories: DATA_CATEGORIES, v: values, problem }, problem?.status ?? 200);
  }

  async placeHold(user: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const again = (problem: FormProblem) => this.holdForm(page, body, problemInForm(problem, HOLD_SHAPE));
    const read = await readForm(PlaceHoldForm, formShape(body, HOLD_SHAPE), page.locale);
    if (read.problem) return again(read.problem);
    try {
      const hold = await this.holds.place(user, withoutToken(read.value));
      return { redirect: `/legal/holds/${hold.id}` };
    } catch (err) {
      const problem = this.problemOf(err, page);
      if (!problem) throw err;
      return again(problem);
    }
  }

  async releaseHold(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    const again = (problem: FormProblem) => this.hold(user, id, page, { values: body, problem });
    const read = await readForm(ReleaseHoldForm, formShape(body, {}), page.locale);
    if (read.problem) return again(read.problem);
    try {
      await this.holds.release(user, id, withoutToken(read.value));
      return { redirect: `/legal/holds/${id}` };
    } catch (err) {
      const problem = this.problemOf(err, page);
      if (!problem) throw err;
      return again(problem);
    }
  }

  // ---- the disclosure register ----

  async register(user: AuthUser, page: PageContext, query: FormValues): Promise<WebResult> {
    const lt = legalText(page.locale);
    const filters = stringsOf(query, FILTER_FIELDS);
    const read = await readForm(RegisterQuery, formShape(query, REGISTER_SHAPE), page.locale);
    if (read.problem) return this.registerPage(page, filters, [], null, null, problemInForm(read.problem, REGISTER_SHAPE));
    const { cursor, ...filter } = read.value;
    const list = this.cursors.sealNext('disclosures', await this.disclosures.list(user, { ...filter, cursor: this.cursors.open('disclosures', cursor) }));
    const rows = list.items.map((d) => ({
      id: d.id,
      href: `/legal/disclosures/${d.id}`,
      recipient: d.recipient.name,
      kind: lt.kinds[d.recipient.kind] ?? d.recipient.kind,
      country: d.recipient.country,
      basis: [...d.basis, ...d.law].join(', '),
      disclosedAt: d.disclosedAt,
      status: d.status,
      statusName: lt[d.status],
      corrected: d.correctedBy !== null,
      subjects: lt.subjectsCount(d.subjectIds.length),
    }));
    const params = (extra: Record<string, string>) => queryString({ ...filters, ...extra });
    return this.registerPage(
      page,
      filters,
      rows,
      list.nextCursor ? `/legal/disclosures?${params({ cursor: list.nextCursor })}` : null,
      cursor ? `/legal/disclosures?${params({})}` : null,
      null,
    );
  }

  private registerPage(
    page: PageContext,
    filters: Record<string, string>,
    rows: unknown[],
    next: string | null,
    first: string | null,
    problem: FormProblem | null,
  ): WebResult {
    const lt = legalText(page.locale);
    const csv = `/legal/disclosures.csv${Object.keys(filters).length ? `?${queryString(filters)}` : ''}`;
    return this.page(
      'legal/disclosures',
      page,
      {
        title: lt.registerTitle,
        v: filters,
        rows,
        next,
        first,
        csv,
        problem,
        kinds: RECIPIENT_KINDS.map((k) => ({ value: k, label: lt.kinds[k] ?? k })),
        statuses: DISCLOSURE_STATUSES.map((s) => ({ value: s, label: lt[s] })),
      },
      problem?.status ?? 200,
    );
  }

  /** The CSV export under the register's filters, streamed by the service (the API's own export). */
  async csv(query: FormValues, locale: PageContext['locale']): Promise<AsyncGenerator<string>> {
    const { cursor: _cursor, limit: _limit, ...rest } = query;
    const read = await readForm(RegisterQuery, formShape(rest, REGISTER_SHAPE), locale);
    if (read.problem) throw badQuery(read.problem);
    return this.disclosures.exportCsv(read.value);
  }

  async stats(page: PageContext, query: FormValues): Promise<WebResult> {
    const lt = legalText(page.locale);
    const read = await readForm(StatsQuery, formShape(query, REGISTER_SHAPE), page.locale);
    if (read.problem) throw badQuery(read.problem);
    const s = await this.disclosures.stats(read.value);
    const version = await this.policy.currentVersion();
    return this.page('legal/stats', page, {
      title: lt.statsTitle,
      v: stringsOf(query, ['kind', 'from', 'to']),
      kinds: RECIPIENT_KINDS.map((k) => ({ value: k, label: lt.kinds[k] ?? k })),
      s: {
        entries: s.entries,
        made: s.made,
        byBasis: s.byBasis.map((b) => ({
          ...b,
          kindName: lt.kinds[b.kind] ?? b.kind,
          href: this.law.has(b.basis) ? provisionHref(b.basis) : clauseHref(version, b.basis),
        })),
      },
    });
  }

  async disclosure(user: AuthUser, id: string, page: PageContext, form?: { name: string; values: FormValues; problem: FormProblem }): Promise<WebResult> {
    const lt = legalText(page.locale);
    const d = await this.disclosures.get(user, id);
    return this.page(
      'legal/disclosure',
      page,
      {
        title: `${lt.entryTitle} · ${d.recipient.name}`,
        d: this.entryOf(d, lt),
        cited: await this.citedOf(d.policyVersion, d.basis, d.law),
        withholdings: (d.withholdings ?? []).map((w) => ({ ...w, cited: this.law.quote(w.law).map((p) => provisionOf(p)) })),
        canReview: user.role === Role.Legal && d.review === null,
        ownEntry: d.recordedBy === user.id,
        canWithhold: user.role === Role.Legal,
        canCorrect: (user.role === Role.Legal || user.role === Role.Staff) && d.correctedBy === null,
        outcomes: [ReviewOutcome.Confirmed, ReviewOutcome.Flagged].map((o) => ({ value: o, label: lt[o] })),
        confidentiality: CONFIDENTIALITY_PROVISIONS.map((p) => provisionOf(this.law.quote([p])[0])),
        form: form?.name ?? null,
        v: form?.values ?? {},
        problem: form?.problem ?? null,
      },
      form?.problem.status ?? 200,
    );
  }

  async reviewDisclosure(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.onEntry(user, id, body, page, 'review', ReviewForm, {}, (dto) => this.disclosures.review(user, id, dto));
  }

  async withhold(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.onEntry(user, id, body, page, 'withhold', WithholdForm, WITHHOLD_SHAPE, (dto) => this.disclosures.withhold(user, id, dto));
  }

  private onEntry<F extends object>(
    user: AuthUser,
    id: string,
    body: FormValues,
    page: PageContext,
    name: string,
    dto: ClassConstructor<F>,
    shape: FormShape,
    call: (dto: F) => Promise<unknown>,
  ): Promise<WebResult> {
    const again = (problem: FormProblem) => this.disclosure(user, id, page, { name, values: body, problem: problemInForm(problem, shape) });
    return this.submitted(body, page, dto, shape, call, again, `/legal/disclosures/${id}`);
  }

  /** The form to record a disclosure; `corrects` (an id) starts a correction of that entry. */
  disclosureForm(page: PageContext, values: FormValues = {}, problem: FormProblem | null = null): WebResult {
    const lt = legalText(page.locale);
    return this.page(
      'legal/disclosure-new',
      page,
      {
        title: values.corrects ? lt.correctTitle : lt.newTitle,
        v: values,
        problem,
        categories: DATA_CATEGORIES,
        kinds: RECIPIENT_KINDS.map((k) => ({ value: k, label: lt.kinds[k] ?? k })),
        mechanisms: TRANSFER_MECHANISMS.map((m) => ({ value: m, label: lt.mechanisms[m] ?? m })),
        frequencies: DISCLOSURE_FREQUENCIES.map((f) => ({ value: f, label: lt.frequencies[f] ?? f })),
      },
      problem?.status ?? 200,
    );
  }

  async recordDisclosure(user: AuthUser, body: FormValues, page: PageContext): Promise<WebResult> {
    const again = (problem: FormProblem) => this.disclosureForm(page, body, problemInForm(problem, RECORD_SHAPE));
    const read = await readForm(RecordForm, formShape(body, RECORD_SHAPE), page.locale);
    if (read.problem) return again(read.problem);
    try {
      const entry = await this.disclosures.record(user, withoutToken(read.value));
      return { redirect: `/legal/disclosures/${entry.id}` };
    } catch (err) {
      const problem = this.problemOf(err, page);
      if (!problem) throw err;
      return again(problem);
    }
  }

  // ---- the audit chain ----

  async auditPage(page: PageContext, query: FormValues): Promise<WebResult> {
    const lt = legalText(page.locale);
    const read = await readForm(VerifyQuery, formShape(query, {}), page.locale);
    if (read.problem) return this.page('legal/audit', page, { title: lt.auditTitle, result: null, v: query, problem: read.problem }, 400);
    const result = await this.audit.verify(read.value);
    const verification: Verification = {
      at: new Date().toISOString(),
      ok: result.ok,
      events: result.events,
      head: result.head,
      firstBrokenAt: result.firstBrokenAt ?? null,
    };
    // Only a verification of the whole chain without an anchor stands for "the chain" on the start page.
    if (read.value.seq === undefined) this.lastVerification = verification;
    return this.page('legal/audit', page, { title: lt.auditTitle, result: verification, v: query, problem: null });
  }

  // ---- helpers ----

  private holdRow(h: HoldView, lt: ReturnType<typeof legalText>) {
    return {
      ...h,
      href: `/legal/holds/${h.id}`,
      state: h.active ? lt.holdActive : h.releasedAt ? lt.holdReleased : lt.holdExpired,
    };
  }

  private entryOf(d: DisclosureView, lt: ReturnType<typeof legalText>) {
    return {
      ...d,
      kindName: lt.kinds[d.recipient.kind] ?? d.recipient.kind,
      statusName: lt[d.status],
      frequencyName: d.frequency ? (lt.frequencies[d.frequency] ?? d.frequency) : null,
      mechanismName: d.transferMechanism ? (lt.mechanisms[d.transferMechanism] ?? d.transferMechanism) : null,
      reviewOutcome: d.review ? lt[d.review.outcome] : null,
    };
  }

  /** Clauses of `version` and provisions of law, each with its text and where to read it. */
  private async citedOf(version: number, clauses: string[], law: string[]): Promise<Cited[]> {
    const v = clauses.length > 0 ? await this.policy.get(version) : null;
    const byId = new Map((v?.clauses ?? []).map((c) => [c.id, c.text]));
    return [...clauses.map((id) => ({ id, text: byId.get(id) ?? '', href: clauseHref(version, id) })), ...this.law.quote(law).map(provisionOf)];
  }

  /** A refusal the form shows (400/409/422, and the four-eyes and holding refusals), or null: the error page's. */
  private problemOf(err: unknown, page: PageContext): FormProblem | null {
    const shown = formProblemOf(err, page.locale, LEGAL_MESSAGES);
    if (shown) return shown;
    if (err instanceof AppError && err.kind === ErrorKind.Forbidden && REFUSALS_SHOWN.has(err.code)) {
      return { fields: {}, message: LEGAL_MESSAGES[err.code]?.[page.locale] ?? err.message, status: 403 };
    }
    return null;
  }

  private page(view: string, page: PageContext, model: PageModel, status = 200): WebResult {
    const lt = legalText(page.locale);
    return { page: this.views.render(view, page, { ...model, lt }), status };
  }
}

const FILTER_FIELDS = ['kind', 'clause', 'provision', 'subjectId', 'from', 'to', 'status', 'corrected', 'limit'];

function provisionOf(p: { id: string; instrument: string; article: string; text: string }): Cited {
  return { id: p.id, label: `${p.instrument} ${p.article}`.trim(), text: p.text, href: provisionHref(p.id) };
}

/** The DTO without the form's token, as the service takes it. */
function withoutToken<F extends object>(value: F): F {
  const { _csrf: _token, ...rest } = value as F & { _csrf?: string };
  return rest as F;
}

/** The text fields of a query among `names` (a repeated one: its first value), empty ones left out. */
function stringsOf(query: FormValues, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const raw = query[name];
    const value: unknown = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
    if (typeof value === 'string' && value !== '') out[name] = value;
  }
  return out;
}

function queryString(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}

/** A query that is not valid: the API's 400, shown as the error page. */
function badQuery(problem: FormProblem): AppError {
  return new AppError(ErrorKind.BadRequest, 'validation_failed', 'The query is not valid', {
    errors: Object.entries(problem.fields).map(([field, message]) => ({ field, messages: [message] })),
  });
}
