import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { AppError, ErrorKind } from '../common/errors/app-error';
import type { WebLocale } from './web-locale';

/** A form as the browser sent it, each field as typed: kept to fill the form in again when it is refused. */
export type FormValues = Record<string, unknown>;

/**
 * Why a form was not accepted, for the page that shows it again: a message per field (shown beside
 * it, `aria-describedby`), and one for the whole form (a rule's refusal, say a 409 or 422).
 */
export interface FormProblem {
  fields: Record<string, string>;
  message: string | null;
  /** the status the page is answered with: 400 for input that is not valid, the rule's own otherwise */
  status: number;
}

export type FormReading<T> = { value: T; problem?: undefined } | { value?: undefined; problem: FormProblem };

/**
 * Reads a form body into its DTO with the API's own validation rules (unknown fields refused, as
 * the global pipe does; the body has already passed its NUL, surrogate and depth checks, because
 * the handler declares it as a plain object). Use it in a page handler instead of a typed `@Body()`,
 * so that a refused form is shown again with its messages rather than as an error page.
 */
export async function readForm<T extends object>(dto: ClassConstructor<T>, body: FormValues, locale: WebLocale): Promise<FormReading<T>> {
  const value = plainToInstance(dto, body, { enableImplicitConversion: false });
  const errors = await validate(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length === 0) return { value };
  const fields: Record<string, string> = {};
  for (const { field, constraints } of flatten(errors)) fields[field] ??= fieldMessage(constraints, locale);
  return { problem: { fields, message: null, status: 400 } };
}

/**
 * A service's refusal of a form's content (400, 409, 422 and the like) as a FormProblem: the
 * fields it names (`details.errors`) and its message. Anything else (401, 403, 404, a lost
 * database) is not the form's fault and is answered by the error page: null.
 */
export function formProblemOf(err: unknown, locale: WebLocale, messages: Partial<Record<string, Record<WebLocale, string>>> = {}): FormProblem | null {
  if (!(err instanceof AppError) || !SHOWN_ON_THE_FORM.has(err.kind)) return null;
  const status = STATUS[err.kind] ?? 400;
  const fields: Record<string, string> = {};
  const named = err.details.errors;
  if (Array.isArray(named)) {
    for (const e of named as { field?: unknown; messages?: unknown }[]) {
      if (typeof e.field === 'string' && Array.isArray(e.messages)) fields[e.field] ??= e.messages.join('; ');
    }
  }
  return { fields, message: messages[err.code]?.[locale] ?? err.message, status };
}

const SHOWN_ON_THE_FORM = new Set([
  ErrorKind.BadRequest,
  ErrorKind.Conflict,
  ErrorKind.Unprocessable,
  ErrorKind.PayloadTooLarge,
  ErrorKind.UnsupportedMediaType,
]);
const STATUS: Partial<Record<ErrorKind, number>> = {
  [ErrorKind.BadRequest]: 400,
  [ErrorKind.Conflict]: 409,
  [ErrorKind.Unprocessable]: 422,
  [ErrorKind.PayloadTooLarge]: 413,
  [ErrorKind.UnsupportedMediaType]: 415,
};

function flatten(errors: ValidationError[], prefix = ''): { field: string; constraints: Record<string, string> }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, constraints: e.constraints }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The first number in class-validator's message ("… must be shorter than or equal to 2000 characters"). */
const numberIn = (message: string): string => /\d+/.exec(message)?.[0] ?? '';

const CONSTRAINT_TEXT: Record<string, Record<WebLocale, (message: string) => string>> = {
  isNotEmpty: { 'zh-CN': () => '请填写此项。', en: () => 'Please fill this in.' },
  isDefined: { 'zh-CN': () => '请填写此项。', en: () => 'Please fill this in.' },
  whitelistValidation: { 'zh-CN': () => '表单包含无法识别的字段。', en: () => 'The form carries a field it should not.' },
  maxLength: { 'zh-CN': (m) => `最多 ${numberIn(m)} 个字符。`, en: (m) => `At most ${numberIn(m)} characters.` },
  minLength: { 'zh-CN': (m) => `至少 ${numberIn(m)} 个字符。`, en: (m) => `At least ${numberIn(m)} characters.` },
  isEmail: { 'zh-CN': () => '请输入有效的电子邮箱地址。', en: () => 'Please enter a valid email address.' },
  isIn: { 'zh-CN': () => '请从列出的选项中选择。', en: () => 'Please choose one of the options listed.' },
  isEnum: { 'zh-CN': () => '请从列出的选项中选择。', en: () => 'Please choose one of the options listed.' },
  arrayNotEmpty: { 'zh-CN': () => '请至少选择一项。', en: () => 'Please choose at least one.' },
  arrayMinSize: { 'zh-CN': () => '请至少选择一项。', en: () => 'Please choose at least one.' },
  isDateString: { 'zh-CN': () => '请输入有效的日期。', en: () => 'Please enter a valid date.' },
  isISO8601: { 'zh-CN': () => '请输入有效的日期。', en: () => 'Please enter a valid date.' },
  isUrl: { 'zh-CN': () => '请输入有效的网址。', en: () => 'Please enter a valid web address.' },
  matches: { 'zh-CN': () => '格式不正确。', en: () => 'This is not in the expected form.' },
};

/** One message for a field, in the page's language where the rule is a common one, else the validator's own words. */
function fieldMessage(constraints: Record<string, string>, locale: WebLocale): string {
  for (const [name, message] of Object.entries(constraints)) {
    const text = CONSTRAINT_TEXT[name]?.[locale];
    if (text) return text(message);
  }
  return Object.values(constraints).join('; ');
}
