import { ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
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

/** Unknown fields are refused, never dropped; types are converted only where declared. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
