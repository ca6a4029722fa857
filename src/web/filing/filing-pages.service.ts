import { Injectable } from '@nestjs/common';
import { AuthService, SET_COOKIE } from '../../auth/auth.service';
import { SessionKind } from '../../auth/session.entity';
import { AppError, ErrorKind } from '../../common/errors/app-error';
import { ConsentsService } from '../../consents/consents.service';
import { EvidenceService } from '../../evidence';
import type { AuthUser } from '../../kernel/auth-user';
import { DataCategoriesService } from '../../policy/data-categories.service';
import { ConsentPurpose, isNewPurpose, REQUEST_TYPES, RequestType } from '../../policy/domain/policy.types';
import { PolicyService } from '../../policy/policy.service';
import { RequestsService } from '../../requests';
import type { PageContext } from '../web-context';
import { formProblemOf, readForm, type FormProblem, type FormValues } from '../web-form';
import { webText } from '../web-locale';
import { clauseHref, type SignInResult } from '../web-pages.service';
import type { WebResult } from '../web-result';
import { PageModel, WebViews } from '../web-views';
import {
  CORRECTION_ROWS,
  EVIDENCE_FIELD,
  formFields,
  keptValues,
  listOf,
  NEW_REQUEST_BODIES,
  type NewRequestDto,
  refusalFields,
  refusalMessage,
  RegisterFormDto,
  requestBodyOf,
  requestTypeOf,
} from './filing-forms';
import { FILING_REFUSALS, filingText, passwordRefusal } from './filing-text';

/** A file as the form's multipart body brought it (multer, in memory): what the evidence service takes. */
export type FormFile = NonNullable<Parameters<EvidenceService['upload']>[1]>;

/** The relations a request may be filed under for someone else, in the order the form offers them. */
const RELATIONS = ['guardian', 'relative_of_deceased', 'agent'] as const;

/** Where a person lands once registered and signed in: choosing their first request. */
const AFTER_REGISTERING = '/new-request';

/**
 * Registration and filing a request, over the services the API uses: AuthService (register, then a
 * web session as the sign-in form opens one), RequestsService.submit (the filing of POST
 * /api/v1/requests, with its rules), EvidenceService.upload (POST /api/v1/uploads' checks of a
 * file's content), and for the forms' choices ConsentsService, PolicyService and the data
 * categories. Every rule of a field is the API DTO's (readForm); a refusal shows the form again.
 */
@Injectable()
export class FilingPages {
  constructor(
    private readonly views: WebViews,
    private readonly auth: AuthService,
    private readonly requests: RequestsService,
    private readonly evidence: EvidenceService,
    private readonly consents: ConsentsService,
    private readonly policy: PolicyService,
    private readonly categories: DataCategoriesService,
  ) {}

  registerPage(page: PageContext, values: FormValues = {}, problem: FormProblem | null = null): WebResult {
    const f = filingText(page.locale);
    return this.page('register', page, { title: f.registerTitle, f, values, problem }, problem?.status ?? 200);
  }

  /** Registers through the auth service (its password rule), then signs the new account in with a web session. */
  async register(body: FormValues, client: string, page: PageContext): Promise<SignInResult> {
    const values = keptValues(body);
    const form = Object.fromEntries(Object.entries(body).filter(([k, v]) => !(OPTIONAL_ACCOUNT_FIELDS.has(k) && v === '')));
    const read = await readForm(RegisterFormDto, { ...form, locale: page.locale }, page.locale);
    if (read.problem) {
      const { password } = read.problem.fields;
      const fields = password ? { ...read.problem.fields, password: passwordRefusal(password, page.locale) } : read.problem.fields;
      return this.registerPage(page, values, { ...read.problem, fields });
    }
    const { _csrf: _token, ...dto } = read.value;
    try {
      await this.auth.register(dto);
    } catch (err) {
      const problem = formProblemOf(err, page.locale, FILING_REFUSALS);
      if (!problem) throw err;
      return this.registerPage(page, values, refusalFields(err, problem));
    }
    try {
      const answer = await this.auth.login({ email: dto.email, password: dto.password }, client, SessionKind.Web);
      if ('mfaRequired' in answer) return { redirect: '/login' };
      return { redirect: AFTER_REGISTERING, [SET_COOKIE]: answer[SET_COOKIE] };
    } catch (err) {
      // Registered, but not signed in (say, an address locked out by earlier attempts): the sign-in form says why.
      if (err instanceof AppError && err.kind !== ErrorKind.Unavailable) return { redirect: '/login' };
      throw err;
    }
  }

  /** Each request type in plain words, each linking to its form (and to filing it for someone else). */
  choose(page: PageContext): WebResult {
    const t = webText(page.locale);
    const f = filingText(page.locale);
    const types = REQUEST_TYPES.map((type) => ({
      type,
      name: t.typeName(type),
      text: t.rightText(type),
      href: `/new-request/${type}`,
      behalfHref: type === RequestType.WithdrawConsent ? null : `/new-request/${type}/on-behalf`,
    }));
    return this.page('choose', page, { title: f.chooseTitle, f, types });
  }

  /** The form of one request type (404 for a type that does not exist, or that cannot be filed for someone else). */
  async form(user: AuthUser, typeParam: string, onBehalf: boolean, page: PageContext, values: FormValues = {}, problem: FormProblem | null = null) {
    const type = this.typeOf(typeParam, onBehalf);
    const t = webText(page.locale);
    const f = filingText(page.locale);
    const name = t.typeName(type);
    const action = onBehalf ? `/new-request/${type}/on-behalf` : `/new-request/${type}`;
    return this.page(
      'form',
      page,
      {
        title: onBehalf ? f.formTitleOnBehalf(name) : f.formTitle(name),
        f,
        type,
        typeName: name,
        rightText: t.rightText(type),
        action,
        onBehalf,
        values,
        problem,
        rows: Array.from({ length: CORRECTION_ROWS }, (_, i) => i),
        relations: RELATIONS.map((r) => ({ value: r, label: f.relations[r] })),
        evidenceField: EVIDENCE_FIELD,
        ...(await this.choices(user, type, page)),
        listOf,
      },
      problem?.status ?? 200,
    );
  }

  /**
   * Files the request through RequestsService.submit, as POST /api/v1/requests does. Filed for
   * someone else, the file goes first through EvidenceService.upload (its content checked there),
   * and only once the form has passed the DTO's rules. Then 303 to the request; a problem shows
   * the form again with the input kept (never the password, never the file).
   */
  async file(user: AuthUser, typeParam: string, onBehalf: boolean, body: FormValues, file: FormFile | undefined, client: string, page: PageContext) {
    const type = this.typeOf(typeParam, onBehalf);
    const values = keptValues(body);
    const filed = requestBodyOf(type, body, onBehalf);
    const read = await readForm<NewRequestDto>(NEW_REQUEST_BODIES[type], filed.body, page.locale);
    if (read.problem) return this.form(user, type, onBehalf, page, values, formFields(read.problem, filed, body, page.locale));
    const dto = read.value;
    try {
      if (onBehalf && file && dto.onBehalfOf) dto.onBehalfOf.evidence = [(await this.evidence.upload(user, file)).id];
      const { request } = await this.requests.submit(user, dto, undefined, client);
      return { redirect: `/requests/${request.id}` };
    } catch (err) {
      const problem = this.refusal(err, page);
      if (!problem) throw err;
      return this.form(user, type, onBehalf, page, values, problem);
    }
  }

  private typeOf(value: string, onBehalf: boolean): RequestType {
    const type = requestTypeOf(value);
    if (!type || (onBehalf && type === RequestType.WithdrawConsent)) throw AppError.notFound('page_not_found', 'There is no such page');
    return type;
  }

  /** A refusal of the filing as the form shows it; null for what is not the form's fault (the error page answers). */
  private refusal(err: unknown, page: PageContext): (FormProblem & { openRequest?: string }) | null {
    if (!(err instanceof AppError)) return null;
    // The step-up of a deletion refused (403): the password field says so, as the sign-in form would.
    const problem =
      err.code === 'password_not_confirmed'
        ? { fields: {}, message: refusalMessage(err, page.locale), status: 403 }
        : formProblemOf(err, page.locale, FILING_REFUSALS);
    if (!problem) return null;
    const open = err.details.openRequestId;
    return { ...refusalFields(err, problem), ...(typeof open === 'string' && { openRequest: `/requests/${open}` }) };
  }

  /** What a form offers to choose from: the data categories (and their correctable fields), or the consent purposes with their clauses. */
  private async choices(user: AuthUser, type: RequestType, page: PageContext): Promise<Record<string, unknown>> {
    const lang = page.locale;
    if (type === RequestType.DeleteData || type === RequestType.Correction) {
      const all = await this.categories.list();
      return {
        categories: all.map((c) => ({ id: c.id, label: c.label[lang] })),
        targets: all
          .filter((c) => c.correctableFields.length > 0)
          .map((c) => ({ label: c.label[lang], fields: c.correctableFields.map((x) => ({ value: `${c.id}/${x.id}`, label: x.label[lang] })) })),
        notCorrectable: all.filter((c) => c.correctableFields.length === 0).map((c) => ({ label: c.label[lang], note: c.correctionNote?.[lang] ?? '' })),
      };
    }
    if (type === RequestType.WithdrawConsent) {
      const f = filingText(lang);
      const [mine, version] = await Promise.all([this.consents.list(user), this.policy.currentVersion()]);
      const purposes = await Promise.all(
        mine.map(async (c) => {
          // The clause a withdrawal filed now is decided under: the version in force.
          const clause = await this.policy.purposeClause(version, c.purpose);
          return {
            value: c.purpose,
            text: isNewPurpose(c.purpose) ? f.newPurpose(c.purpose.slice('new_purpose:'.length)) : (f.purposeText(c.purpose) ?? c.purpose),
            state: f.purposeState[c.state] ?? c.state,
            face: c.purpose === ConsentPurpose.FaceBasic,
            clause: { id: clause.id, text: clause.text, href: clauseHref(clause.version, clause.id) },
          };
        }),
      );
      return { purposes };
    }
    return {};
  }

  private page(view: string, page: PageContext, model: PageModel, status = 200): WebResult {
    return { page: this.views.render(`filing/${view}`, page, model), status };
  }
}

/** Registration fields a person may leave empty: empty, they are not sent (the DTO refuses an empty name). */
const OPTIONAL_ACCOUNT_FIELDS = new Set(['displayName', 'phone']);
