/**
 * Just enough of OpenAPI 3.0's Schema Object to check an answer against the document the
 * application serves, and to make up requests from it: `$ref` (into `components.schemas`), `type`,
 * `properties`, `required`, `additionalProperties`, `items`, `enum`, `nullable`, `allOf`, `oneOf`,
 * `anyOf`, and the string and number bounds.
 *
 * `nullable: true` is read as OpenAPI 3.0.3 defines it: it adds `null` to the types the schema's
 * own `type` allows, and nothing more; the schema's other keywords still apply to a null. So
 * `{ nullable: true, type: 'object', allOf: [{ $ref }] }` does not admit null (the reference is an
 * object), nor does `{ nullable: true, type: 'string', enum: ['a'] }` (null is not in the enum).
 */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

export interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}

/** The schema a `$ref` names, followed until it is not a reference. */
export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  for (let hops = 0; s.$ref; hops++) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(s.$ref)?.[1];
    const target = name === undefined ? undefined : doc.components.schemas[name];
    if (!target || hops > 20) throw new Error(`unresolvable $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

/**
 * Where `value` breaks `schema`: one line per problem (`$.timeline[0].from: …`), none when it fits.
 * `strict`: a property the schema does not declare is a problem too (the document should say
 * everything an answer holds), unless the schema allows `additionalProperties`.
 */
export function schemaErrors(doc: OpenApiDocument, schema: Schema, value: unknown, at = '$', strict = true): string[] {
  const s = resolve(doc, schema);
  const errors: string[] = [];
  const actual = typeOf(value);
  if (s.type) {
    const fits = s.type === actual || (s.type === 'number' && actual === 'integer') || (actual === 'null' && s.nullable === true);
    if (!fits) return [`${at}: is ${actual} ${short(value)}, the document says ${s.type}${s.nullable ? ' (nullable)' : ''}`];
  }
  if (s.enum && !s.enum.includes(value)) errors.push(`${at}: ${short(value)} is not one of ${JSON.stringify(s.enum)}`);
  for (const part of s.allOf ?? []) errors.push(...schemaErrors(doc, part, value, at, false));
  if (s.oneOf) {
    const matches = s.oneOf.filter((option) => schemaErrors(doc, option, value, at, strict).length === 0).length;
    if (matches !== 1) errors.push(`${at}: matches ${matches} of the ${s.oneOf.length} oneOf schemas, not exactly one`);
  }
  if (s.anyOf && !s.anyOf.some((option) => schemaErrors(doc, option, value, at, strict).length === 0)) errors.push(`${at}: matches none of the anyOf schemas`);
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(value)) errors.push(`${at}: ${short(value)} does not match ${s.pattern}`);
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${at}: ${value} < ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${at}: ${value} > ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${at}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) errors.push(`${at}: more than ${s.maxItems} items`);
    if (s.items) {
      const items = s.items;
      value.forEach((item, i) => errors.push(...schemaErrors(doc, items, item, `${at}[${i}]`, strict)));
    }
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of s.required ?? []) if (!(name in object)) errors.push(`${at}: lacks required ${name}`);
    const declared = allProperties(doc, s);
    for (const [name, v] of Object.entries(object)) {
      const property = declared[name];
      if (property) errors.push(...schemaErrors(doc, property, v, `${at}.${name}`, strict));
      else if (typeof s.additionalProperties === 'object') errors.push(...schemaErrors(doc, s.additionalProperties, v, `${at}.${name}`, strict));
      else if (strict && declared !== NO_PROPERTIES && s.additionalProperties !== true) errors.push(`${at}: has ${name}, which the document does not declare`);
    }
  }
  return errors;
}

const NO_PROPERTIES: Record<string, Schema> = {};

/** A schema's own properties and those its `allOf` parts declare; NO_PROPERTIES when it names none (any object). */
function allProperties(doc: OpenApiDocument, s: Schema): Record<string, Schema> {
  const parts = [s, ...(s.allOf ?? []).map((p) => resolve(doc, p))];
  if (parts.every((p) => !p.properties)) return NO_PROPERTIES;
  return Object.assign({}, ...parts.map((p) => p.properties ?? {})) as Record<string, Schema>;
}

const short = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};
