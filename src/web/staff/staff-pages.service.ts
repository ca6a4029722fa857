import { Injectable } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { AppError, ErrorKind } from '../../common/errors/app-error';
import { PageCursors } from '../../common/http/page-cursor';
import { EvidenceService } from '../../evidence';
import { ManualSteps } from '../../fulfilment';
import type { AuthUser } from '../../kernel/auth-user';
import { REFUSAL_GROUNDS } from '../../kernel/rights-notice';
import { LawService } from '../../law';
import { DATA_CATEGORIES, REQUEST_TYPES, RequestType } from '../../policy/domain/policy.types';
import { PolicyService } from '../../policy/policy.service';
import { ON_BEHALF_RELATIONS, OPEN_STATUSES, RequestStatus } from '../../requests';
import { DECISION_OUTCOMES, type DecisionOutcome } from '../../review/dto/decision.dto';
import { QueueQueryDto } from '../../review/dto/queue-query.dto';
import type { StaffRequestPage } from '../../review/dto/review-view.dto';
import { ReviewService } from '../../review/review.service';
import { RevealableField } from '../../subjects/subject.types';
import { SubjectsService } from '../../subjects/subjects.service';
import type { PageContext } from '../web-context';
import { formProblemOf, readForm, type FormProblem, type FormValues } from '../web-form';
import { timeLeft, webText } from '../web-locale';
import { clauseHref, provisionHref } from '../web-pages.service';
import type { WebResult } from '../web-result';
import { WebViews } from '../web-views';
import { AskFormDto, ConfirmStepFormDto, DecisionFormDto, ExtendFormDto, formOf, RepresentedFormDto, RevealFormDto, TakeFormDto } from './staff-forms.dto';
import { staffText } from './staff-text';

/** The forms of a request's page, each shown again with its problem and what was typed when refused. */
export type StaffForm = 'reveal' | 'take' | 'decision' | 'extend' | 'ask' | 'retry' | 'claim' | 'step' | 'represented';

interface FormState {
  problem: FormProblem;
  values: FormValues;
  /** a decision refused by the justification check: what would justify it, with the texts */
  justifying?: Cited[];
}

interface Cited {
  id: string;
  label?: string;
  text: string;
  href: string;
}

interface RequestExtras {
  outcome?: unknown;
  done?: unknown;
  form?: { name: StaffForm; state: FormState };
  revealed?: { field: string; value: string | null };
}

/** How many earlier pages' cursors a queue link carries back (the "previous" link); older ones restart at the first page. */
const MAX_BACK = 20;
const FIRST_PAGE = '-';

/** Refusals of the workflow a form shows beside itself (403s that are about the request's state, not the caller's role). */
const FORBIDDEN_SHOWN = new Set(['not_holder', 'own_request', 'decider_cannot_review_appeal']);

/**
 * The staff pages, over the services the API's staff routes call: the review queue and one request
 * (ReviewService), the audited reveal (SubjectsService), the audited evidence read (EvidenceService),
 * manual steps (ManualSteps), and the policy's clauses for the decision picker (PolicyService).
 * Nothing here decides: each form goes to the same service method as its API route.
 */
@Injectable()
export class StaffPages {
  constructor(
    private readonly views: WebViews,
    private readonly review: ReviewService,
    private readonly cursors: PageCursors,
    private readonly subjects: SubjectsService,
    private readonly evidence: EvidenceService,
    private readonly steps: ManualSteps,
    private readonly policy: PolicyService,
    private readonly law: LawService,
  ) {}

  /** The queue: the API's filters as a GET form, a page of rows, next and previous links carrying the API's sealed cursor. */
  async queue(user: AuthUser, query: FormValues, page: PageContext): Promise<WebResult> {
    const t = webText(page.locale);
    const s = staffText(page.locale);
    const back = ([] as unknown[])
      .concat(query.back ?? [])
      .filter((c): c is string => typeof c === 'string' && c.length > 0 && c.length <= 400)
      .slice(-MAX_BACK);
    const filters: FormValues = {};
    for (const [k, v] of Object.entries(query)) if (k !== 'back' && v !== '') filters[k] = v;
    const read = await readForm(QueueQueryDto, filters, page.locale);
    const base = {
      title: s.queueTitle,
      s,
      values: filters,
      options: {
        statuses: Object.values(RequestStatus).map((v) => ({ value: v, label: t.statusName(v) })),
        types: REQUEST_TYPES.map((v) => ({ value: v, label: t.typeName(v) })),
        relations: ON_BEHALF_RELATIONS.map((v) => ({ value: v, label: s.relations[v] ?? v })),
      },
    };
    if (read.problem) return this.render('staff/queue', page, { ...base, problem: read.problem, rows: [], failing: null, links: null }, read.problem.status);
    const q = read.value;
    // The cursor is sealed at the edge as the API's: a forged or altered one is 400 invalid_cursor.
    const result = await this.review.queue(user, { ...q, cursor: this.cursors.open('review-queue', q.cursor) });
    const next = this.cursors.sealNext('review-queue', result).nextCursor;
    const keep = new URLSearchParams();
    for (const key of ['status', 'type', 'overdue', 'onBehalf', 'relation', 'failing', 'assignee', 'limit'] as const) {
      if (q[key] !== undefined) keep.set(key, String(q[key]));
    }
    const link = (cursor: string | undefined, trail: string[]) => {
      const p = new URLSearchParams(keep);
      if (cursor) p.set('cursor', cursor);
      for (const c of trail) p.append('back', c);
      const qs = p.toString();
      return `/staff/requests${qs ? `?${qs}` : ''}`;
    };
    const links = {
      next: next ? link(next, [...back, q.cursor ?? FIRST_PAGE].slice(-MAX_BACK)) : null,
      previous: q.cursor
        ? back.length > 0
          ? link(back[back.length - 1] === FIRST_PAGE ? undefined : back[back.length - 1], back.slice(0, -1))
          : link(undefined, [])
        : null,
      first: q.cursor ? link(undefined, []) : null,
    };
    const rows = result.items.map((r) => ({
      id: r.id,
      href: `/staff/requests/${r.id}`,
      typeName: t.typeName(r.type),
      status: r.status,
      statusName: t.statusName(r.status),
      onBehalf: r.onBehalfOf ? (s.relations[r.onBehalfOf] ?? r.onBehalfOf) : null,
      extended: r.extended,
      dueAt: r.dueAt,
      left: timeLeft(page.locale, r.dueAt),
      open: OPEN_STATUSES.includes(r.status),
      overdue: r.overdue,
      clockPaused: r.clockPaused,
      holder: r.assigneeId === null ? s.holderNone : r.assigneeId === user.id ? s.holderMe : r.assigneeId,
      failedSteps: r.failedSteps,
    }));
    return this.render('staff/queue', page, { ...base, problem: null, rows, failing: result.failing, links });
  }

  /** One request as staff see it, with every form that applies to it. */
  async request(user: AuthUser, id: string, page: PageContext, extras: RequestExtras = {}, status = 200): Promise<WebResult> {
    const t = webText(page.locale);
    const s = staffText(page.locale);
    const r = await this.review.get(user, id);
    const version = await this.policy.get(r.policyVersion);
    const clause = (c: { id: string; text: string }): Cited => ({ id: c.id, text: c.text, href: clauseHref(r.policyVersion, c.id) });
    const provision = (p: { id: string; instrument: string; article: string; text: string }): Cited => ({
      id: p.id,
      label: `${p.instrument} ${p.article}`,
      text: p.text,
      href: provisionHref(p.id),
    });
    const cite = (clauses: { id: string; text: string }[], law: { id: string; instrument: string; article: string; text: string }[]) => [
      ...clauses.map(clause),
      ...law.map(provision),
    ];
    const formValues = extras.form?.name === 'decision' ? extras.form.state.values : {};
    const chosen = [formValues.outcome, extras.outcome].find((o): o is DecisionOutcome => DECISION_OUTCOMES.includes(o as DecisionOutcome)) ?? 'approve';
    const justifyingIds = new Set([...r.options[chosen].map((c) => c.id)]);
    const decisionOf = (d: NonNullable<StaffRequestPage['decision']>) => ({
      outcome: t.outcomes[d.outcome] ?? d.outcome,
      reason: d.reason,
      ground: d.ground,
      withheld: d.withheld,
      decidedAt: d.decidedAt,
      cited: cite(d.clauses, d.law),
    });
    const files = (r.onBehalfOf?.evidence ?? []) as { id: string; kind: string; size: number; sha256: string; uploadedAt: string; deletedAt: string | null }[];
    const holds = [...new Set(r.preview.flatMap((e) => e.holds))];
    const failedSteps = [
      ...(r.export?.failure ? [{ what: s.exportStatus, system: r.export.failure.system, reason: r.export.failure.reason, at: r.export.failure.at }] : []),
      ...r.erasure
        .filter((e) => e.status === 'failed')
        .map((e) => ({ what: `${s.erasureSteps}: ${e.category}`, system: strOf(e.detail.system), reason: strOf(e.detail.reason), at: e.at })),
      ...r.corrections
        .filter((c) => c.status === 'failed')
        .map((c) => ({ what: `${s.correctionSteps}: ${c.category}.${c.field}`, system: strOf(c.detail.system), reason: strOf(c.detail.reason), at: c.at })),
    ];
    const open = OPEN_STATUSES.includes(r.status);
    const model = {
      title: `${s.queueTitle} · ${t.typeName(r.type)}`,
      s,
      r: {
        id: r.id,
        type: r.type,
        typeName: t.typeName(r.type),
        status: r.status,
        statusName: t.statusName(r.status),
        submittedAt: r.submittedAt,
        dueAt: r.dueAt,
        left: timeLeft(page.locale, r.dueAt),
        overdue: r.overdue,
        open,
        clockPaused: r.clockPaused,
        version: r.version,
        policyVersion: r.policyVersion,
        subjectNote: r.subjectNote,
        question: r.question,
        purposes: r.purposes ?? null,
        asked: r.asked ?? null,
        onBehalfOf: r.onBehalfOf ? { ...r.onBehalfOf, relationName: s.relations[r.onBehalfOf.relation] ?? r.onBehalfOf.relation, files } : null,
        representedAccount: r.representedAccount,
        extension: r.extension ? { until: r.extension.until, reason: r.extension.reason, cited: cite(r.extension.clauses, r.extension.law) } : null,
        decision: r.decision ? decisionOf(r.decision) : null,
        proposedDecision: r.proposedDecision ? decisionOf(r.proposedDecision) : null,
        timeline: r.timeline.map((e) => ({
          at: e.at,
          statusName: t.statusName(e.to),
          // the subject's own pages say "you"; here they are the subject
          actor: e.actorRole === 'subject' ? s.subjectActor : (t.actors[e.actorRole] ?? e.actorRole),
          outcome: e.outcome ? (t.outcomes[e.outcome] ?? e.outcome) : null,
          reason: e.reason,
          note: e.note,
          cited: cite(e.clauses, e.law),
        })),
      },
      subject: r.subject,
      revealed: extras.revealed ? { ...extras.revealed, label: s.revealed(fieldLabel(s, extras.revealed.field)) } : null,
      revealFields: Object.values(RevealableField).map((f) => ({ value: f, label: fieldLabel(s, f) })),
      holding: { mine: r.assigneeId === user.id, holder: r.assigneeId, canClaim: open && r.assigneeId === null },
      preview: r.preview.map((e) => ({
        category: e.category,
        system: e.system.label[page.locale] ?? e.system.id,
        onAccess: e.onAccess ? s.exported : null,
        onErasure: e.onErasure ? (s.erasureActions[e.onErasure] ?? e.onErasure) : null,
        onCorrection: e.onCorrection,
        holds: e.holds,
      })),
      exportStatus: r.export ? { status: s.stepStatus[r.export.status] ?? r.export.status, expiresAt: r.export.expiresAt } : null,
      erasure: r.erasure.map((e) => ({ ...e, statusName: s.stepStatus[e.status] ?? e.status })),
      corrections: r.corrections.map((c) => ({ ...c, statusName: s.stepStatus[c.status] ?? c.status })),
      failedSteps,
      canRetry: r.status === RequestStatus.Fulfilling,
      manualSteps: r.manualSteps.map((m) => ({ ...m, statusName: s.manualStatus[m.status] ?? m.status, waiting: m.status === 'awaiting_confirmation' })),
      decision: {
        outcome: chosen,
        outcomes: DECISION_OUTCOMES.map((o) => ({
          value: o,
          label: s.outcomeNames[o],
          href: `/staff/requests/${r.id}?outcome=${o}#decide`,
          current: o === chosen,
        })),
        clauses: r.options[chosen].map(clause),
        law: r.lawOptions[chosen].provisions.map(provision),
        needsLaw: r.lawOptions[chosen].needsLaw,
        others: version.clauses.filter((c) => !justifyingIds.has(c.id)).map(clause),
        grounds: REFUSAL_GROUNDS,
        categories: DATA_CATEGORIES,
        holds,
        items: r.asked?.items?.map((item, i) => ({ value: i, label: `${item.category}.${item.field} → ${item.correctedValue}` })) ?? [],
        answer: r.type === RequestType.Explanation,
        transfer: r.asked?.sendTo !== undefined,
        transferFields: Object.entries(s.transferConditions).map(([value, label]) => ({ value, label })),
      },
      extend: {
        possible: r.options.extend.length > 0 || r.lawOptions.extend.provisions.length > 0,
        clauses: r.options.extend.map(clause),
        law: r.lawOptions.extend.provisions.map(provision),
      },
      done: typeof extras.done === 'string' ? (s.done[extras.done] ?? null) : null,
      forms: extras.form ? { [extras.form.name]: extras.form.state } : {},
    };
    return this.render('staff/request', page, model, status);
  }

  /** The audited reveal: the value is shown on the answer page, never put in an address. */
  async reveal(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    const r = await this.review.get(user, id);
    const read = await readForm(RevealFormDto, formOf(body), page.locale);
    if (read.problem) return this.request(user, id, page, { form: { name: 'reveal', state: { problem: read.problem, values: body } } }, read.problem.status);
    if (!r.subject) throw AppError.notFound('subject_not_found', 'The subject’s account no longer exists');
    const { _csrf, ...dto } = read.value;
    const revealed = await this.subjects.reveal(user, r.subject.id, dto);
    return this.request(user, id, page, { revealed });
  }

  /** The audited read of one evidence file, as the API's route streams it. */
  async evidenceFile(user: AuthUser, id: string, uploadId: string) {
    return this.evidence.openForStaff(user, id, uploadId);
  }

  claim(user: AuthUser, id: string, page: PageContext): Promise<WebResult> {
    return this.act(user, id, page, 'claim', () => this.review.claim(user, id), 'claimed');
  }

  retry(user: AuthUser, id: string, page: PageContext): Promise<WebResult> {
    return this.act(user, id, page, 'retry', () => this.review.retry(user, id), 'retried');
  }

  take(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.submit(user, id, page, 'take', TakeFormDto, body, formOf(body), (dto) => this.review.take(user, id, dto), 'taken');
  }

  decide(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    const form = formOf(body, { lists: ['clauses', 'law', 'withheld', 'holds', 'items'], required: ['clauses'] });
    return this.submit(user, id, page, 'decision', DecisionFormDto, body, form, (dto) => this.review.decide(user, id, dto), 'decided');
  }

  extend(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    const form = formOf(body, { lists: ['clauses', 'law'], required: ['clauses'] });
    return this.submit(user, id, page, 'extend', ExtendFormDto, body, form, (dto) => this.review.extend(user, id, dto), 'extended');
  }

  ask(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.submit(user, id, page, 'ask', AskFormDto, body, formOf(body), (dto) => this.review.ask(user, id, dto), 'asked');
  }

  confirmStep(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.submit(user, id, page, 'step', ConfirmStepFormDto, body, formOf(body), (dto) => this.steps.confirm(user, id, dto), 'confirmed');
  }

  nameRepresented(user: AuthUser, id: string, body: FormValues, page: PageContext): Promise<WebResult> {
    return this.submit(
      user,
      id,
      page,
      'represented',
      RepresentedFormDto,
      body,
      formOf(body),
      (dto) => this.review.nameRepresented(user, id, dto),
      'represented',
    );
  }

  /** A form read with the API's DTO: refused input shows the page again (400) with the message beside the field and the input kept. */
  private async submit<T extends { _csrf: string }>(
    user: AuthUser,
    id: string,
    page: PageContext,
    name: StaffForm,
    dto: ClassConstructor<T>,
    body: FormValues,
    form: FormValues,
    call: (value: Omit<T, '_csrf'>) => Promise<unknown>,
    done: string,
  ): Promise<WebResult> {
    const read = await readForm(dto, form, page.locale);
    if (read.problem) return this.request(user, id, page, { form: { name, state: { problem: read.problem, values: body } } }, read.problem.status);
    const { _csrf, ...value } = read.value;
    return this.act(user, id, page, name, () => call(value), done, body);
  }

  /** Runs the service's method; its refusal (400, 409, 422, or a 403 about who holds the request) shows the page again with why. */
  private async act(
    user: AuthUser,
    id: string,
    page: PageContext,
    name: StaffForm,
    call: () => Promise<unknown>,
    done: string,
    body: FormValues = {},
  ): Promise<WebResult> {
    try {
      await call();
    } catch (err) {
      const state = await this.refusal(err, page, body);
      if (!state) throw err;
      return this.request(user, id, page, { form: { name, state } }, state.problem.status);
    }
    return { redirect: `/staff/requests/${id}?done=${done}` };
  }

  private async refusal(err: unknown, page: PageContext, values: FormValues): Promise<FormState | null> {
    if (!(err instanceof AppError)) return null;
    const s = staffText(page.locale);
    let problem = formProblemOf(err, page.locale);
    if (!problem && err.kind === ErrorKind.Forbidden && FORBIDDEN_SHOWN.has(err.code)) problem = { fields: {}, message: err.message, status: 403 };
    if (!problem) return null;
    problem.message = s.refusals[err.code] ?? problem.message;
    const state: FormState = { problem, values };
    if (err.code === 'clauses_do_not_justify') {
      const version = Number(err.details.policyVersion);
      const clauseIds = stringList(err.details.justifyingClauses);
      const lawIds = stringList(err.details.justifyingLaw);
      const texts = new Map((await this.policy.get(version)).clauses.map((c) => [c.id, c.text]));
      state.justifying = [
        ...clauseIds.map((id) => ({ id, text: texts.get(id) ?? '', href: clauseHref(version, id) })),
        ...this.law.quote(lawIds).map((p) => ({ id: p.id, label: `${p.instrument} ${p.article}`, text: p.text, href: provisionHref(p.id) })),
      ];
    }
    return state;
  }

  private render(view: string, page: PageContext, model: { title: string; [key: string]: unknown }, status = 200): WebResult {
    return { page: this.views.render(view, page, model), status };
  }
}

function fieldLabel(s: ReturnType<typeof staffText>, field: string): string {
  return field === 'email' ? s.emailField : field === 'phone' ? s.phone : s.displayName;
}

function strOf(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
