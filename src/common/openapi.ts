import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions, getSchemaPath, type SchemaObject } from '@nestjs/swagger';

/**
 * OpenAPI 3.0's `nullable: true` adds null to the schema's own `type` only: the schema's other
 * keywords still apply to a null (3.0.3). `{ nullable: true, allOf: [{ $ref }] }`, which a
 * `Model | null` property gets by default, therefore says "always the model"; and an enum admits
 * null only when null is one of its values. These say what the answers really hold.
 */
const NULL_ONLY: SchemaObject = { type: 'object', nullable: true, enum: [null] };

/**
 * A property that is either `model` or null. The document lists `model` only if something else
 * names it: a controller answering with it lists it with `@ApiExtraModels`.
 */
export function ApiNullableModel(model: Type, description?: string): PropertyDecorator {
  // `type` set here replaces the one the compiler plugin reads from the property's TypeScript type,
  // which would add `allOf: [{ $ref }]` and so refuse the null again.
  return ApiProperty({ description, type: 'object', nullable: true, oneOf: [{ $ref: getSchemaPath(model) }, NULL_ONLY] } as ApiPropertyOptions);
}

/** A property that is one of `values` or null. */
export function ApiNullableEnum(values: Record<string, string>, description?: string): PropertyDecorator {
  return ApiProperty({ description, type: 'string', nullable: true, enum: [...Object.values(values), null] });
}
