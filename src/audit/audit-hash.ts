import { hash } from 'node:crypto';

/** The chain's first link points at this. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's own hash covers: everything that describes it, nothing the database adds. */
export interface AuditContent {
  id: string;
  occurredAt: string;
  action: string;
  actorId: string | null;
  actorRole: string | null;
  entityType: string;
  entityId: string | null;
  subjectRef: string | null;
  data: unknown;
}

/**
 * JSON with object keys sorted at every depth, so the hash does not depend on the order PostgreSQL's
 * jsonb hands keys back in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function contentHash(content: AuditContent): string {
  return sha256(canonicalJson(content));
}

/** A link binds its position, the link before it and the event's own hash. */
export function linkHash(prevHash: string, seq: number | string, eventHash: string): string {
  return sha256(`${prevHash}:${seq}:${eventHash}`);
}

/** An event's hashed fields as PostgreSQL sends them back in text: `data` is the JSON text of its jsonb, unparsed. */
export type StoredContent = Omit<AuditContent, 'data'> & { data: string };

/**
 * `contentHash` of an event read back as text, for the verifier, which hashes every event of the
 * chain: the same canonical JSON, byte for byte, without building the event object first. The
 * fields are written in the order `canonicalJson` sorts them into. `data` is rewritten from its
 * jsonb text with its keys sorted, because jsonb hands keys back in its own order (shortest first).
 * `id`, `actorId` and `subjectRef` must be uuids as PostgreSQL writes them and `occurredAt` as
 * millisecondsIso writes it: hex digits, dashes and the like, which JSON.stringify only quotes.
 */
export function storedContentHash(e: StoredContent): string {
  const data = canonicalJsonbText(e.data) ?? canonicalParsedJson(JSON.parse(e.data));
  return sha256(
    `{"action":${action.of(e.action)},"actorId":${e.actorId === null ? 'null' : `"${e.actorId}"`},"actorRole":${actorRole.of(e.actorRole)},"data":${data},` +
      `"entityId":${jsonText(e.entityId)},"entityType":${entityType.of(e.entityType)},"id":"${e.id}","occurredAt":"${e.occurredAt}",` +
      `"subjectRef":${e.subjectRef === null ? 'null' : `"${e.subjectRef}"`}}`,
  );
}

/** jsonText for a field whose value mostly repeats from one event to the next: the last value's is kept. */
class RepeatedText {
  private value: string | null = null;
  private text = 'null';

  of(value: string | null): string {
    if (value !== this.value) {
      this.value = value;
      this.text = jsonText(value);
    }
    return this.text;
  }
}

const action = new RepeatedText();
const actorRole = new RepeatedText();
const entityType = new RepeatedText();

/**
 * What JSON.stringify may escape in a string: '"', '\\', control characters and lone surrogates
 * (\p{Cc} also holds U+007F–U+009F, which JSON.stringify keeps: those strings merely take the slow path).
 */
const NEEDS_ESCAPE = /["\\\p{Cc}\p{Cs}]/u;

/** JSON.stringify(value) for a string or null; most need no escaping and are only quoted. */
function jsonText(value: string | null): string {
  if (value === null) return 'null';
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * `canonicalJson` for what `JSON.parse` returns (no `undefined`, no holes, no class instances),
 * without the intermediate arrays of entries: the verifier calls it once per event.
 */
function canonicalParsedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalParsedJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as `<` does in canonicalJson.
  const keys = Object.keys(object).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += `${i === 0 ? '' : ','}${JSON.stringify(keys[i])}:${canonicalParsedJson(object[keys[i]])}`;
  return `${out}}`;
}

/** Integers that JSON.stringify(JSON.parse(token)) writes back unchanged: up to 15 digits, no '-0'. */
const PLAIN_INTEGER = /^(?:0|-?[1-9]\d{0,14})$/;
/** The numbers jsonb writes: numeric's plain decimal form, never an exponent. */
const JSONB_NUMBER = /^-?\d+(?:\.\d+)?$/;
/** A string with only the escapes jsonb (and JSON.stringify) writes: \" \\ \b \f \n \r \t and \u00xx below 0x20. */
const JSONB_ESCAPED = /^"(?:[^"\\]|\\["\\bfnrt]|\\u00[01][0-9a-f])*"$/;

/**
 * `canonicalJson(JSON.parse(text))` for the text PostgreSQL writes for a jsonb value, straight from
 * the text. That text has one layout: ', ' between items, ': ' after keys, no other white space, and
 * strings escaped exactly as JSON.stringify escapes them (\" \\ \b \f \n \r \t, other control
 * characters as \u00xx, everything else as is), so strings and keys are copied as they are; only
 * object keys are sorted and numbers that JSON.stringify would write otherwise (1.50, 1e21) are
 * rewritten. Returns null for anything else, a key with an escape in it among them: the caller then
 * parses the text.
 */
export function canonicalJsonbText(text: string): string | null {
  jsonb = text;
  at = 0;
  const out = jsonbValue();
  return out !== null && at === text.length ? out : null;
}

// The scanner's state: the text and the position in it. Module-wide, so that no closures are made
// per call (the verifier makes one call per event); nothing it calls can call back into it.
let jsonb = '';
let at = 0;

function jsonbValue(): string | null {
  const c = jsonb.charCodeAt(at);
  return c === 0x7b ? jsonbObject() : c === 0x5b ? jsonbArray() : c === 0x22 ? jsonbString() : jsonbScalar();
}

function jsonbString(): string | null {
  const start = at;
  let quote = jsonb.indexOf('"', start + 1);
  // A quote is the closing one unless an odd number of backslashes stands before it.
  for (let backslashes = 0; quote >= 0; quote = jsonb.indexOf('"', quote + 1), backslashes = 0) {
    while (jsonb.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) break;
  }
  if (quote < 0) return null;
  at = quote + 1;
  const token = jsonb.slice(start, at);
  return token.includes('\\') && !JSONB_ESCAPED.test(token) ? null : token;
}

function jsonbScalar(): string | null {
  const start = at;
  let digits = true;
  let end = at;
  for (let c = jsonb.charCodeAt(end); end < jsonb.length && c !== 0x2c && c !== 0x5d && c !== 0x7d; c = jsonb.charCodeAt(++end)) {
    if (c < 0x30 || c > 0x39) digits = false;
  }
  at = end;
  const length = end - start;
  const token = jsonb.slice(start, end);
  // Most are small non-negative integers, which JSON.stringify writes back as they are.
  if (digits && length > 0 && length <= 15 && (length === 1 || jsonb.charCodeAt(start) !== 0x30)) return token;
  if (PLAIN_INTEGER.test(token) || token === 'true' || token === 'false' || token === 'null') return token;
  return JSONB_NUMBER.test(token) ? JSON.stringify(Number(token)) : null;
}

/** Steps over ', ' between items. */
function jsonbSeparator(): boolean {
  if (jsonb.charCodeAt(at) !== 0x2c || jsonb.charCodeAt(at + 1) !== 0x20) return false;
  at += 2;
  return true;
}

function jsonbArray(): string | null {
  at++;
  if (jsonb.charCodeAt(at) === 0x5d) {
    at++;
    return '[]';
  }
  let out = '[';
  for (;;) {
    const item = jsonbValue();
    if (item === null) return null;
    out += item;
    if (jsonb.charCodeAt(at) === 0x5d) {
      at++;
      return `${out}]`;
    }
    if (!jsonbSeparator()) return null;
    out += ',';
  }
}

function jsonbObject(): string | null {
  at++;
  if (jsonb.charCodeAt(at) === 0x7d) {
    at++;
    return '{}';
  }
  // Members in key order as they come: by UTF-16 code units, as canonicalJson's `<` compares keys.
  const names: string[] = [];
  const members: string[] = [];
  for (;;) {
    if (jsonb.charCodeAt(at) !== 0x22) return null;
    const key = jsonbString();
    if (key === null || key.includes('\\') || jsonb.charCodeAt(at) !== 0x3a || jsonb.charCodeAt(at + 1) !== 0x20) return null;
    at += 2;
    const item = jsonbValue();
    if (item === null) return null;
    const name = key.slice(1, -1);
    let i = names.length;
    for (; i > 0 && names[i - 1] > name; i--) {
      names[i] = names[i - 1];
      members[i] = members[i - 1];
    }
    names[i] = name;
    members[i] = `${key}:${item}`;
    if (jsonb.charCodeAt(at) === 0x7d) break;
    if (!jsonbSeparator()) return null;
  }
  at++;
  let out = `{${members[0]}`;
  for (let i = 1; i < members.length; i++) out += `,${members[i]}`;
  return `${out}}`;
}

/** SHA-256 in hex, in one call (no Hash object per digest): the same digest as createHash('sha256'). */
function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}
