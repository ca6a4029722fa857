import { IsString, MaxLength } from 'class-validator';
import { VerifyQueryDto } from '../../audit/dto/verify-query.dto';
import { ConfirmDecisionDto, DecisionDto } from '../../review/dto/decision.dto';
import type { FormProblem, FormValues } from '../web-form';
import { DisclosuresQueryDto, DisclosureStatsQueryDto, RecordDisclosureDto, ReviewDisclosureDto, WithholdDisclosureDto } from '../../disclosures';
import { HoldsQueryDto, PlaceHoldDto, ReleaseHoldDto } from '../../holds';

/**
 * The legal pages' forms: each is the API's own DTO (one validation rule) with the CSRF token.
 * A browser sends every field as text (an array when a field repeats); `formShape` turns that into
 * the shape the API takes, and nothing else: no rule of the services is repeated here.
 */
function Csrf(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    MaxLength(100)(target, key);
  };
}

export class ConfirmForm extends ConfirmDecisionDto {
  @Csrf() _csrf: string;
}
export class DecisionForm extends DecisionDto {
  @Csrf() _csrf: string;
}
export class ReviewForm extends ReviewDisclosureDto {
  @Csrf() _csrf: string;
}
export class WithholdForm extends WithholdDisclosureDto {
  @Csrf() _csrf: string;
}
export class RecordForm extends RecordDisclosureDto {
  @Csrf() _csrf: string;
}
export class PlaceHoldForm extends PlaceHoldDto {
  @Csrf() _csrf: string;
}
export class ReleaseHoldForm extends ReleaseHoldDto {
  @Csrf() _csrf: string;
}
export { DisclosuresQueryDto as RegisterQuery, DisclosureStatsQueryDto as StatsQuery, HoldsQueryDto as HoldsQuery, VerifyQueryDto as VerifyQuery };

/** How the fields of one form arrive and what the API takes instead. */
export interface FormShape {
  /** repeated fields (checkboxes): always an array */
  arrays?: string[];
  /** fields the API requires as an array even when nothing is ticked */
  required?: string[];
  /** one text field of several ids: split at spaces and commas */
  lists?: string[];
  /** whole numbers */
  numbers?: string[];
  /** `<input type="datetime-local">` or `type="date"` (Beijing time): an instant with its zone */
  instants?: string[];
  /** the end of a day given as a date: 23:59:59 Beijing time */
  endOfDay?: string[];
  /** form field → its place in the API's body (`recipientName` → `recipient.name`) */
  nested?: Record<string, [string, string]>;
}

const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const LOCAL_SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The operator's time zone: what the portal's date fields are read in. */
const BEIJING = '+08:00';

export function instantOf(value: string, endOfDay = false): string {
  if (LOCAL_MINUTE.test(value)) return `${value}:00${BEIJING}`;
  if (LOCAL_SECOND.test(value)) return `${value}${BEIJING}`;
  if (DATE.test(value)) return `${value}T${endOfDay ? '23:59:59' : '00:00:00'}${BEIJING}`;
  return value;
}

/** A form's fields in the API's shape: empty fields left out (the API's optional fields are absent, not blank). */
export function formShape(body: FormValues, shape: FormShape): FormValues {
  const out: FormValues = {};
  for (const [key, raw] of Object.entries(body)) {
    if (raw === '' || raw === undefined) continue;
    let value: unknown = raw;
    if (shape.arrays?.includes(key)) value = ([] as unknown[]).concat(raw).filter((v) => v !== '');
    else if (shape.lists?.includes(key) && typeof raw === 'string') value = raw.split(/[\s,，]+/).filter((v) => v !== '');
    else if (shape.numbers?.includes(key) && typeof raw === 'string' && /^\d{1,15}$/.test(raw)) value = Number(raw);
    else if (shape.instants?.includes(key) && typeof raw === 'string') value = instantOf(raw);
    else if (shape.endOfDay?.includes(key) && typeof raw === 'string') value = instantOf(raw, true);
    const place = shape.nested?.[key];
    if (place) {
      const [parent, child] = place;
      const inner = (out[parent] ?? {}) as Record<string, unknown>;
      inner[child] = value;
      out[parent] = inner;
    } else out[key] = value;
  }
  for (const key of shape.required ?? []) out[key] ??= [];
  return out;
}

/** A problem's field names back in the form's own names (`recipient.name` → `recipientName`, `subjectIds.0` → `subjectIds`). */
export function problemInForm(problem: FormProblem, shape: FormShape): FormProblem {
  const back = new Map(Object.entries(shape.nested ?? {}).map(([field, [parent, child]]) => [`${parent}.${child}`, field]));
  const fields: Record<string, string> = {};
  for (const [name, message] of Object.entries(problem.fields)) {
    const base = back.get(name) ?? name.replace(/\.\d+$/, '');
    fields[base] ??= message;
  }
  // A refusal naming a whole object (recipient) stays on the form's message.
  return { ...problem, fields };
}

export const DECISION_SHAPE: FormShape = { arrays: ['clauses', 'law', 'withheld'], required: ['clauses'], lists: ['holds'], numbers: ['expectedVersion'] };
export const CONFIRM_SHAPE: FormShape = { numbers: ['expectedVersion'] };
export const RECORD_SHAPE: FormShape = {
  arrays: ['dataCategories'],
  required: ['dataCategories'],
  lists: ['subjectIds', 'basis', 'law'],
  instants: ['disclosedAt', 'lastDisclosedAt'],
  nested: {
    recipientName: ['recipient', 'name'],
    recipientKind: ['recipient', 'kind'],
    recipientCountry: ['recipient', 'country'],
    recipientContact: ['recipient', 'contact'],
  },
};
export const WITHHOLD_SHAPE: FormShape = { lists: ['law'], instants: ['until'] };
export const HOLD_SHAPE: FormShape = { arrays: ['categories'], required: ['categories'], lists: ['clauses', 'law'], instants: ['until'] };
export const REGISTER_SHAPE: FormShape = { instants: ['from'], endOfDay: ['to'] };
export const HOLDS_SHAPE: FormShape = {};
