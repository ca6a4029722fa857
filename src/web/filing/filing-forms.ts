import { IsString, MaxLength } from 'class-validator';
import { RegisterDto } from '../../auth/dto/auth.dto';
import { AppError } from '../../common/errors/app-error';
import { isEnumValue, REQUEST_TYPES, RequestType } from '../../policy/domain/policy.types';
import { NEW_REQUEST_BODIES, type NewRequestDto } from '../../requests';
import type { FormProblem, FormValues } from '../web-form';
import type { WebLocale } from '../web-locale';
import { FILING_REFUSALS, filingText } from './filing-text';

export { NEW_REQUEST_BODIES, type NewRequestDto };

/** The registration form: the API's RegisterDto (one password rule for both) and the token. */
export class RegisterFormDto extends RegisterDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

/** How many item rows the correction form offers (empty rows are left out). */
export const CORRECTION_ROWS = 3;
/** The form field the evidence file comes in (multipart), also where its refusals are shown. */
export const EVIDENCE_FIELD = 'onBehalfOf.evidence';
/** The form fields whose values are never sent back into a form shown again. */
const NEVER_KEPT = new Set(['_csrf', 'password']);

/** The request type of a path, or null when it names none (the page then answers 404). */
export function requestTypeOf(value: string): RequestType | null {
  return isEnumValue(REQUEST_TYPES, value) ? value : null;
}

const filled = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '');
/** A form field as the list a checkbox group sends: none, one (a string) or several. */
export const listOf = (v: unknown): unknown[] => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);
/** What a text field sends, or '' when it sent nothing: the API's validation then says it is needed. */
const text = (v: unknown): unknown => (v === undefined ? '' : v);

/** What the person typed, to fill the form in again: everything but the token and the password. */
export function keptValues(body: FormValues): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !NEVER_KEPT.has(k)));
}

/** A request's body in the API's shape, read from the form, and which row of the form each correction item came from. */
export interface FiledForm {
  body: Record<string, unknown>;
  rows: number[];
}

/**
 * The form's fields in the shape of POST /api/v1/requests' body, converted only (checkboxes to
 * lists, a ticked box to `true`, the correction's "category/field" choice to its two fields, empty
 * optional fields left out); every rule is the API's DTO's, applied by readForm afterwards.
 */
export function requestBodyOf(type: RequestType, v: FormValues, onBehalf: boolean): FiledForm {
  const body: Record<string, unknown> = { type };
  const rows: number[] = [];
  switch (type) {
    case RequestType.Explanation:
      body.question = text(v.question);
      break;
    case RequestType.DeleteData:
      body.categories = listOf(v.categories);
      break;
    case RequestType.WithdrawConsent:
      body.purposes = listOf(v.purposes);
      // A ticked box sends "true"; anything else sent is left to the DTO's @IsBoolean() to refuse.
      if (filled(v.confirmFaceBasic)) body.confirmFaceBasic = v.confirmFaceBasic === 'true' ? true : v.confirmFaceBasic;
      break;
    case RequestType.DeleteAccount:
      body.password = text(v.password);
      break;
    case RequestType.CopyTransfer:
      body.format = text(v.format);
      if (filled(v['sendTo.name']) || filled(v['sendTo.endpoint'])) body.sendTo = { name: text(v['sendTo.name']), endpoint: text(v['sendTo.endpoint']) };
      break;
    case RequestType.Correction: {
      const items: Record<string, unknown>[] = [];
      for (let r = 0; r < CORRECTION_ROWS; r++) {
        const at = (k: string) => v[`items.${r}.${k}`];
        if (!['target', 'currentValue', 'correctedValue', 'explanation'].some((k) => filled(at(k)))) continue;
        const target = at('target');
        const [category, field] = typeof target === 'string' && target.includes('/') ? target.split('/', 2) : [text(target), ''];
        items.push({
          category,
          field,
          ...(filled(at('currentValue')) && { currentValue: at('currentValue') }),
          correctedValue: text(at('correctedValue')),
          explanation: text(at('explanation')),
        });
        rows.push(r);
      }
      body.items = items;
      break;
    }
    default:
      break;
  }
  if (filled(v.note)) body.note = v.note;
  if (onBehalf) {
    body.onBehalfOf = {
      relation: text(v['onBehalfOf.relation']),
      name: text(v['onBehalfOf.name']),
      ...(filled(v['onBehalfOf.dateOfBirth']) && { dateOfBirth: v['onBehalfOf.dateOfBirth'] }),
      ...(filled(v['onBehalfOf.statement']) && { statement: v['onBehalfOf.statement'] }),
    };
  }
  return { body, rows };
}

/**
 * The API's field names as the form's: a correction item's index is its row on the form, and its
 * category and field are the one "target" choice. A field left empty is told to be filled in,
 * rather than how long it must be.
 */
export function formFields(problem: FormProblem, filed: FiledForm, values: FormValues, locale: WebLocale): FormProblem {
  const fields: Record<string, string> = {};
  for (const [name, message] of Object.entries(problem.fields)) {
    let field = name === 'file' ? EVIDENCE_FIELD : name;
    const item = /^items\.(\d+)\.(\w+)$/.exec(name);
    if (item) {
      const row = filed.rows[Number(item[1])] ?? Number(item[1]);
      field = `items.${row}.${item[2] === 'category' || item[2] === 'field' ? 'target' : item[2]}`;
    }
    const empty = !CHOICES.has(field) && !filled(values[field]);
    fields[field] ??= empty ? filingText(locale).fillIn : message;
  }
  return { ...problem, fields };
}

/** Checkbox groups and the correction's rows: their own message ("choose at least one") stands. */
const CHOICES = new Set(['categories', 'purposes', 'items', 'confirmFaceBasic']);

/** What a service's refusal means on the form: the field it concerns (when it names one), and its message in the page's language. */
export function refusalFields(err: unknown, problem: FormProblem): FormProblem {
  if (!(err instanceof AppError)) return problem;
  const fields = { ...problem.fields };
  if (fields.file) {
    fields[EVIDENCE_FIELD] ??= fields.file;
    delete fields.file;
  }
  const named = err.details.field;
  const field = typeof named === 'string' ? named : FIELD_OF_CODE[err.code];
  if (field) fields[field] = problem.message ?? fields[field];
  return { ...problem, fields };
}

/** The field each refusal that names none concerns. */
const FIELD_OF_CODE: Record<string, string> = {
  face_basic_needs_confirmation: 'confirmFaceBasic',
  email_taken: 'email',
  password_not_confirmed: 'password',
  unsupported_upload: EVIDENCE_FIELD,
  upload_type_mismatch: EVIDENCE_FIELD,
  upload_too_large: EVIDENCE_FIELD,
  empty_upload: EVIDENCE_FIELD,
  file_required: EVIDENCE_FIELD,
  invalid_upload: EVIDENCE_FIELD,
  too_many_uploads: EVIDENCE_FIELD,
};

/** The words of a refusal on a filing page: the page's own when it has them for the code. */
export function refusalMessage(err: AppError, locale: WebLocale): string {
  return FILING_REFUSALS[err.code]?.[locale] ?? err.message;
}
