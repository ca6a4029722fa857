import { IsString, MaxLength } from 'class-validator';
import { ConfirmStepDto } from '../../fulfilment';
import { AskDto, DecisionDto, ExtendDto, NameRepresentedDto, TakeDto } from '../../review/dto/decision.dto';
import { RevealSubjectFieldDto } from '../../subjects/dto/reveal.dto';
import type { FormValues } from '../web-form';

/*
 * The staff forms: the API's own DTOs (one validation rule for both) with the form's CSRF token.
 * What a browser sends as text (numbers, booleans, lists of one) is turned into what the API takes
 * by formOf() below, without judging it: the DTO's validation and the services decide.
 */

export class RevealFormDto extends RevealSubjectFieldDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

export class TakeFormDto extends TakeDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

export class DecisionFormDto extends DecisionDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

export class ExtendFormDto extends ExtendDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

export class AskFormDto extends AskDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

/** A manual step's confirmation as a form: the API's ConfirmStepDto and the token. */
export class ConfirmStepFormDto extends ConfirmStepDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

export class RepresentedFormDto extends NameRepresentedDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

/** The fields of each form that the API takes as lists; a browser sends one value as a string, none as nothing. */
const LIST_FIELDS = ['clauses', 'law', 'withheld', 'holds', 'items'];
/** Fields the API takes as whole numbers. */
const INT_FIELDS = ['expectedVersion'];
/** The transfer conditions (checkboxes: ticked sends `true`, unticked sends nothing). */
const TRANSFER_FIELDS = ['identityVerified', 'providedByConsentOrContract', 'technicallyFeasible', 'noHarmToOthers'];

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const asInt = (v: unknown): unknown => (typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v);

/**
 * A form as the API's DTO takes it: empty optional text left out, lists as lists, numbers as
 * numbers; `items` as positions; the transfer conditions as one object when the form offers them
 * (`transfer=1`); a `datetime-local` deadline as Beijing time (+08:00, which the page says).
 */
export function formOf(body: FormValues, opts: { lists?: string[]; required?: string[] } = {}): FormValues {
  const out: FormValues = {};
  const lists = opts.lists ?? [];
  const required = new Set(opts.required ?? []);
  for (const [key, value] of Object.entries(body)) {
    if (key === 'transfer' || TRANSFER_FIELDS.includes(key)) continue;
    if (LIST_FIELDS.includes(key)) continue;
    if (value === '' && !required.has(key)) continue;
    out[key] = INT_FIELDS.includes(key) ? asInt(value) : value;
  }
  for (const key of lists) {
    const list = asList(body[key]).filter((v) => v !== '');
    if (list.length > 0 || required.has(key)) out[key] = key === 'items' ? list.map(asInt) : list;
  }
  if (body.transfer === '1') {
    out.transfer = Object.fromEntries(TRANSFER_FIELDS.map((k) => [k, body[k] === 'true']));
  }
  if (typeof out.until === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(out.until)) out.until = `${out.until}:00+08:00`;
  return out;
}
