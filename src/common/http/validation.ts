import { applyDecorators, ArgumentMetadata, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { AppError, ErrorKind } from '../errors/app-error';

export interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export function validationFailed(errors: ValidationError[]): AppError {
  const fields = flatten(errors);
  const message = fields.map((f) => f.messages.join(', ')).join('; ') || 'Invalid input';
  return new AppError(ErrorKind.BadRequest, 'validation_failed', message, { errors: fields });
}

/**
 * Keys that JSON.parse keeps as own properties but class-transformer silently skips, so the
 * whitelist never sees them: refused here, like any other unknown field.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * How deep a body may nest (the root object is level 1). Every DTO of the API is a few levels
 * deep; a few kilobytes of `[[[[…` would otherwise reach class-transformer and class-validator,
 * which recurse, and overflow the stack (a 500).
 */
export const MAX_INPUT_DEPTH = 32;
/** At most this many fields are named in one refusal. */
const MAX_NAMED_FIELDS = 20;

/**
 * NUL, which PostgreSQL cannot store in text (a 500 from the driver), and UTF-16 surrogates that
 * are not part of a pair, which would be stored as U+FFFD: silently changed.
 */
const NUL = '\u0000';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const UNSTORABLE_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

const isUnstorable = (text: string): boolean => text.includes(NUL) || LONE_SURROGATE.test(text);
/** A field's name as echoed in a refusal: its own unstorable characters replaced. */
const printable = (name: string): string => name.replaceAll(NUL, '\ufffd').replace(LONE_SURROGATES, '\ufffd');

const bodyTooDeep = (field: string) =>
  new AppError(ErrorKind.BadRequest, 'body_too_deep', `The request body is nested more than ${MAX_INPUT_DEPTH} levels deep`, {
    errors: [{ field, messages: [`nested more than ${MAX_INPUT_DEPTH} levels deep`] }],
  });

/**
 * What every body, query and path parameter must satisfy before any DTO sees it, checked once for
 * all routes: no deeper than MAX_INPUT_DEPTH (refused as soon as the walk gets there), no
 * prototype keys, no unstorable text in any string or key. The walk is iterative, so no input can
 * exhaust the stack. `root` names a scalar value (a `@Param('id')`, say). Headers are not walked:
 * Node's HTTP parser refuses NUL in them, and the one header that is stored (Idempotency-Key) is
 * held to visible ASCII where it is read.
 */
export function inspectInput(value: unknown, root: string): FieldError[] {
  const problems: FieldError[] = [];
  /** Values still to look at; `key` is the name they were sent under (null for the root), `depth` their own level. */
  const stack: { value: unknown; key: string | null; field: string; depth: number }[] = [{ value, key: null, field: root || 'body', depth: 1 }];
  for (let item = stack.pop(); item !== undefined && problems.length < MAX_NAMED_FIELDS; item = stack.pop()) {
    const { key, field, depth } = item;
    if (key !== null && PROTOTYPE_KEYS.has(key)) problems.push({ field, messages: [`property ${field} should not exist`] });
    else if (key !== null && isUnstorable(key)) problems.push({ field, messages: [`property name ${UNSTORABLE_MESSAGE}`] });
    else if (typeof item.value === 'string' && isUnstorable(item.value)) problems.push({ field, messages: [`${field} ${UNSTORABLE_MESSAGE}`] });
    else if (typeof item.value === 'object' && item.value !== null) {
      if (depth > MAX_INPUT_DEPTH) throw bodyTooDeep(field);
      const container = item.value as Record<string, unknown>;
      const keys = Array.isArray(container) ? container.map((_, i) => String(i)) : Object.keys(container);
      // Pushed last first, so that fields are reported in the order they were sent.
      for (let i = keys.length - 1; i >= 0; i--) {
        const name = printable(keys[i]);
        stack.push({ value: container[keys[i]], key: keys[i], field: key === null && root === '' ? name : `${field}.${name}`, depth: depth + 1 });
      }
    }
  }
  return problems;
}

const INSPECTED: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const refused = INSPECTED.has(metadata.type) ? inspectInput(value, metadata.data ?? '') : [];
    if (refused.length > 0) {
      throw new AppError(ErrorKind.BadRequest, 'validation_failed', refused.map((f) => f.messages.join(', ')).join('; '), { errors: refused });
    }
    return super.transform(value, metadata);
  }
}

/** Unknown fields are refused, never dropped; types are converted only where declared. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: validationFailed,
  });
}

/** `@Param('id', ParseIdPipe)`: ids in paths are UUIDs; anything else is a 400, not a 500. */
export const ParseIdPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new AppError(ErrorKind.BadRequest, 'invalid_id', 'The id in the path must be a UUID', {
      errors: [{ field: 'id', messages: ['id must be a UUID'] }],
    }),
});

/** The largest value a PostgreSQL `integer` column holds. */
export const PG_INTEGER_MAX = 2_147_483_647;

/** Plain decimal digits only, and no more than a double holds exactly enough to compare with `max`. */
const PLAIN_WHOLE_NUMBER = /^-?\d{1,16}$/;

/**
 * A whole number sent as text (a path or query parameter), from `min` to `max`. Only plain digits
 * are converted: `1e3`, `0x10` or `1.5` stay text and are refused like a number out of range, with
 * 400 naming the field, so nothing a column cannot hold reaches a query (PostgreSQL would fail it).
 */
export function IsWholeNumber(min: number, max: number): PropertyDecorator {
  const message = `$property must be a whole number from ${min} to ${max}`;
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && PLAIN_WHOLE_NUMBER.test(value) ? Number(value) : value)),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
  );
}
