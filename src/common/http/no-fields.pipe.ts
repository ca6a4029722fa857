import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError, ErrorKind } from '../errors/app-error';

/**
 * For actions that take no body (claim, cancel): an empty body or `{}` passes; any field is refused
 * like an unknown field anywhere else (api.md: never silently dropped). A DTO class without fields
 * cannot do this, because the global pipe refuses objects that have no validation rules at all.
 */
@Injectable()
export class NoFieldsPipe implements PipeTransform<unknown, undefined> {
  transform(value: unknown): undefined {
    if (value === undefined || value === null) return undefined;
    const fields = typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : null;
    if (fields === null) {
      throw new AppError(ErrorKind.BadRequest, 'validation_failed', 'This action takes no body', { errors: [{ field: 'body', messages: ['must be empty'] }] });
    }
    if (fields.length > 0) {
      const errors = fields.map((field) => ({ field, messages: [`property ${field} should not exist`] }));
      throw new AppError(ErrorKind.BadRequest, 'validation_failed', errors.map((e) => e.messages[0]).join('; '), { errors });
    }
    return undefined;
  }
}
