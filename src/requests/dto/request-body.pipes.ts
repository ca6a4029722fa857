import { createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { AppError, ErrorKind } from '../../common/errors/app-error';
import { createValidationPipe } from '../../common/http/validation';
import { isEnumValue, REQUEST_TYPES } from '../../policy/domain/policy.types';
import { NEW_REQUEST_BODIES, NewRequestDto } from './new-request.dto';

/**
 * Validates the body of a new request against the DTO of its `type` (a discriminated union, which
 * the global ValidationPipe cannot pick by itself), with the global pipe's own rules: unknown
 * fields are refused, so `password` on an access request is a 400, not silently dropped.
 */
@Injectable()
export class NewRequestPipe implements PipeTransform<unknown, Promise<NewRequestDto>> {
  private readonly validation = createValidationPipe();

  async transform(value: unknown): Promise<NewRequestDto> {
    const type = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !isEnumValue(REQUEST_TYPES, type)) {
      const message = `type must be one of: ${REQUEST_TYPES.join(', ')}`;
      throw new AppError(ErrorKind.BadRequest, 'validation_failed', message, { errors: [{ field: 'type', messages: [message] }] });
    }
    return (await this.validation.transform(value, { type: 'body', metatype: NEW_REQUEST_BODIES[type] })) as NewRequestDto;
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The optional `Idempotency-Key` header: absent, or 1-200 visible ASCII characters (else 400). */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && IDEMPOTENCY_KEY.test(value)) return value;
  throw new AppError(ErrorKind.BadRequest, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 200 visible ASCII characters', {
    errors: [{ field: 'Idempotency-Key', messages: ['must be 1 to 200 visible ASCII characters'] }],
  });
});
