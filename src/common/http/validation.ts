import { ArgumentMetadata, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
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
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

function prototypeKeysIn(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const field = prefix ? `${prefix}.${key}` : key;
    const own = PROTOTYPE_KEYS.includes(key) ? [field] : [];
    return [...own, ...prototypeKeysIn((value as Record<string, unknown>)[key], field)];
  });
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const refused = metadata.type === 'body' ? prototypeKeysIn(value) : [];
    if (refused.length > 0) {
      throw new AppError(ErrorKind.BadRequest, 'validation_failed', refused.map((f) => `property ${f} should not exist`).join('; '), {
        errors: refused.map((field) => ({ field, messages: [`property ${field} should not exist`] })),
      });
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
