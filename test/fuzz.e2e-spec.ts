import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { ALL_ROLES, Role } from '../src/kernel/role';
import { OpenApiDocument, OpenApiOperation, resolve, Schema, schemaErrors } from './support/openapi-schema';
import { DeclaredRoute, declaredRoutes, routeKey } from './support/route-walk';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Generated requests on every route of the application, as every role that may call it: bodies
 * made from the operation's request-body schema in the OpenAPI document (valid-looking, then
 * mutated), a fixed corpus of hostile input (NUL, lone surrogates, overlong text, wrong types,
 * numbers out of range, deep nesting, prototype keys, unknown fields, bodies that are not what they
 * claim), and the same corpus in path ids and query strings.
 *
 * Whatever is sent, the answer must be one of:
 * - a 4xx in the one error shape (`statusCode` equal to the status, `error`, `message`, `code`);
 * - a 2xx whose JSON fits the schema the document declares for that operation and status;
 * never a 5xx.
 *
 * The generator is seeded (FUZZ_SEED, default below): a failure prints the seed, the route, the
 * role and the request, and the same seed sends the same requests again.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
/** Generated cases per route and role (each route also gets the fixed raw-body corpus once per role). */
const CASES = 14;

/** mulberry32: a small, fast, seedable generator. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)];
  const chance = (p: number): boolean => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof generator>;

/** A stable number for a string, so that each route gets its own stream from the one seed. */
const hash = (text: string): number => [...text].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z]+)/g, '{$1}');

/** Values no field should take, whatever its type. */
const HOSTILE_VALUES: readonly unknown[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00',
  'x\ud800y',
  '',
  ' ',
  'x'.repeat(5000),
  '张'.repeat(250000),
  12345,
  -1,
  0,
  1.5,
  2147483648,
  -2147483649,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  null,
  [],
  ['a', 1, null],
  {},
  { nested: { deeper: ['x'] } },
  '1e309',
  'NaN',
  '../../etc/passwd',
  "'; DROP TABLE requests; --",
  '<script>alert(1)</script>',
  '2026-13-45T99:99:99Z',
  '9999-12-31T23:59:59+14:00',
  '0000-01-01T00:00:00Z',
  '00000000-0000-0000-0000-000000000000',
];

/** Query string values, already in URL form: the same corpus, and numbers past every range. */
const HOSTILE_QUERY_VALUES: readonly string[] = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%E0%A4%A',
  '%',
  '',
  'x'.repeat(5000),
  '2147483648',
  '-1',
  '0',
  '1e309',
  '1e3',
  '9999999999999999999',
  '99999999999999999999999',
  '1.5',
  'NaN',
  'Infinity',
  'true',
  'null',
  '__proto__',
  'constructor',
  'me',
  'none',
  '00000000-0000-4000-8000-000000000000',
];

/** Query names every route is tried with, besides those its operation declares. */
const EXTRA_QUERY_NAMES = ['cursor', 'limit', 'version', 'status', 'type', 'overdue', 'assignee', 'seq', 'head', 'entity', '__proto__', 'constructor'];

/** Path ids that are not ids: each must be a 4xx, never reach the database as is. */
const JUNK_IDS: readonly string[] = [
  'not-a-uuid',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%E0%A4%A',
  '%25',
  '..%2F..%2Fetc%2Fpasswd',
  '2147483648',
  '-1',
  '0',
  '1e309',
  '9999999999999999999',
  'x'.repeat(3000),
  '__proto__',
  'constructor',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '%F0%9F%90%89',
];

/** Raw bodies, each sent as it is with the headers given: the parser and the edge must refuse them in shape. */
const RAW_BODIES: readonly { name: string; headers: Record<string, string>; body: string; mustRefuse?: false }[] = [
  { name: 'not JSON, said to be JSON', headers: { 'Content-Type': 'application/json' }, body: '{not json' },
  { name: 'truncated JSON', headers: { 'Content-Type': 'application/json' }, body: '{"a":' },
  { name: 'empty body, said to be JSON', headers: { 'Content-Type': 'application/json' }, body: '', mustRefuse: false },
  { name: 'JSON null', headers: { 'Content-Type': 'application/json' }, body: 'null', mustRefuse: false },
  { name: 'JSON string', headers: { 'Content-Type': 'application/json' }, body: '"text"' },
  { name: 'JSON number', headers: { 'Content-Type': 'application/json' }, body: '42' },
  { name: 'JSON array', headers: { 'Content-Type': 'application/json' }, body: '[{"a":1}]' },
  { name: 'a number past double range', headers: { 'Content-Type': 'application/json' }, body: '{"expectedVersion":1e309,"limit":1e309}' },
  { name: 'a number past int64', headers: { 'Content-Type': 'application/json' }, body: '{"expectedVersion":9999999999999999999}' },
  { name: '__proto__ key', headers: { 'Content-Type': 'application/json' }, body: '{"__proto__":{"role":"admin","isAdmin":true}}' },
  { name: 'constructor key', headers: { 'Content-Type': 'application/json' }, body: '{"constructor":{"prototype":{"role":"admin"}}}' },
  { name: 'nested 1,300 levels', headers: { 'Content-Type': 'application/json' }, body: `{"a":${'['.repeat(1300)}${']'.repeat(1300)}}` },
  { name: 'nested objects 1,300 levels', headers: { 'Content-Type': 'application/json' }, body: `${'{"a":'.repeat(1300)}1${'}'.repeat(1300)}` },
  { name: 'duplicate keys', headers: { 'Content-Type': 'application/json' }, body: '{"a":1,"a":{"b":2}}' },
  { name: 'escaped NUL and lone surrogate', headers: { 'Content-Type': 'application/json' }, body: '{"x":"\\u0000\\ud800"}' },
  { name: 'gzip claimed, body not compressed', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: '{"a":1}' },
  { name: 'unknown encoding', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'x-fuzz' }, body: '{"a":1}' },
  { name: 'text/plain', headers: { 'Content-Type': 'text/plain' }, body: 'hello' },
  { name: 'form-encoded', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1&b[c]=2&__proto__[x]=1' },
  {
    name: 'multipart',
    headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
    body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
  },
  { name: 'JSON with a charset it is not in', headers: { 'Content-Type': 'application/json; charset=utf-16' }, body: '{"a":1}' },
];

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (text: string): boolean => text.includes('\u0000') || LONE_SURROGATE.test(text);
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** A NUL, a lone surrogate or a prototype key anywhere in a value: the edge refuses it wherever it is. */
function hostile(value: unknown): boolean {
  if (typeof value === 'string') return unstorable(value);
  if (Array.isArray(value)) return value.some(hostile);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => unstorable(k) || PROTOTYPE_KEYS.includes(k) || hostile(v));
  return false;
}
/** A body with fields, or that is not an object at all: refused by a route that takes no body. */
const hasFields = (body: unknown): boolean =>
  body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length > 0);

/** Clause ids of the policy in force, and some that are not. */
const CLAUSES = ['3.c', 'face.retain.2', 'face.transfer.3', 'face.collect.1', '1.a', '7.b', 'nope.0', '3.c\u0000'];
/** Provision ids of the law catalogue, one it does not have, and some that are not ids. */
const LAW = ['GBT35273.8.7', 'PIPL.47', 'PIPL.18', 'CSL.23', 'PIPL.999', 'pipl-47', 'GBT35273.8.7\u0000'];
const PURPOSES = ['marketing', 'face_basic', 'new_purpose:fuzz', 'new_purpose:', 'nope'];

/** One request, as it will be sent and as a failure prints it. */
interface FuzzCase {
  label: string;
  path: string;
  /** signed in as this user (its token read when the case is sent), or anonymous */
  caller: TestUser | null;
  headers: Record<string, string>;
  /** a body the route must refuse whatever else it is (hostile content, or fields on a route that takes none) */
  mustRefuse: boolean;
  /** an object to send as JSON, or a raw string sent with `headers`' content type */
  body?: unknown;
  raw?: string;
}

/** What a role has on hand for a route: the fixtures' ids, which depend on the route. */
interface Ids {
  /** ids of real things the caller may act on, in the state the route needs */
  real: string[];
  /** ids of real things of someone else */
  others: string[];
}

describe('fuzzing every route (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let routes: DeclaredRoute[];
  /** The reviewers and the administrator: shared; subjects are made fresh for each route. */
  const team: Partial<Record<Role, TestUser>> = {};
  let staff2: TestUser;
  let legal2: TestUser;
  /** An account whose role the administrator may change back and forth. */
  let victim: TestUser;
  const auth = (u: TestUser | null): Record<string, string> => (u ? { Authorization: `Bearer ${u.token}` } : {});
  const reviewer = (role: Role): TestUser => (role === Role.Legal ? team[Role.Legal]! : team[Role.Staff]!);

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as OpenApiDocument;
    // The web portal's pages answer HTML and are not in the document: test/browser/ drives them.
    routes = declaredRoutes(t.app).filter((r) => r.documented);
    for (const role of [Role.Staff, Role.Legal, Role.Admin]) team[role] = await t.user(role);
    [staff2, legal2, victim] = [await t.user(Role.Staff), await t.user(Role.Legal), await t.user(Role.Subject)];
  });
  afterAll(() => t.close());

  // ---- fixtures --------------------------------------------------------------------------------

  const ok = async (res: Promise<Response>, status = 200): Promise<Response> => {
    const r = await res;
    if (r.status !== status) throw new Error(`fixture step answered ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const file = async (s: TestUser, type: string): Promise<string> =>
    (
      await ok(
        t.http
          .post('/api/v1/requests')
          .set(auth(s))
          .send(type === 'delete_account' ? { type, password: s.password } : { type }),
        201,
      )
    ).body.id;
  const staffPost = (u: TestUser, id: string, action: string, body: object = {}) =>
    ok(t.http.post(`/api/v1/staff/requests/${id}/${action}`).set(auth(u)).send(body));
  /** A request of `subject`'s whose refusal staff proposed: it waits for legal (four eyes). */
  const proposedRefusal = async (subject: TestUser): Promise<string> => {
    const id = await file(subject, 'delete_account');
    await staffPost(team[Role.Staff]!, id, 'claim');
    await staffPost(team[Role.Staff]!, id, 'decision', {
      outcome: 'reject',
      clauses: [],
      law: ['GBT35273.8.7'],
      ground: 'identity_not_verified',
      reason: '无法核实申请人身份',
    });
    return id;
  };

  /**
   * A fresh subject with requests in the states the route needs, made again for every route and
   * role so that what one route's valid cases changed does not make the next route's cases meaningless.
   */
  async function fixtures(route: DeclaredRoute, caller: TestUser | null): Promise<{ subject: TestUser; ids: Ids }> {
    const subject = await t.user(Role.Subject, { displayName: '张三', phone: '13812341234' });
    const holder = caller && caller.role !== Role.Subject && caller.role !== Role.Admin ? caller : team[Role.Staff]!;
    const path = route.path;
    const filed = await file(subject, 'access');
    const claimed = await file(subject, 'disclosure_log');
    await staffPost(holder, claimed, 'claim');
    let real: string[] = [filed, claimed];
    if (path.endsWith('/reply')) {
      const awaiting = await file(subject, 'delete_account');
      await staffPost(team[Role.Staff]!, awaiting, 'claim');
      await staffPost(team[Role.Staff]!, awaiting, 'ask', { question: '请提供注册时使用的手机号后四位' });
      real = [awaiting, filed];
    } else if (path.endsWith('/requests/:id/appeal') || path.endsWith('/appeal/decision')) {
      const rejected = await proposedRefusal(subject);
      // legal2 confirms staff's refusal, so that the legal caller took no part in it and may decide the appeal.
      await ok(t.http.post(`/api/v1/legal/requests/${rejected}/confirm`).set(auth(legal2)).send({}));
      if (path.endsWith('/appeal/decision')) {
        await ok(t.http.post(`/api/v1/requests/${rejected}/appeal`).set(auth(subject)).send({ statement: '我已补充身份证件照片' }));
        if (caller?.role === Role.Legal) await staffPost(caller, rejected, 'claim');
      }
      real = [rejected, filed];
    } else if (path.startsWith('/api/v1/legal/requests/')) {
      // Confirming or replacing: a refusal staff proposed, awaiting legal, that the caller did not author.
      real = [await proposedRefusal(subject), filed];
    } else if (path.endsWith('/claim') || path.endsWith('/take')) real = [filed, claimed];
    else if (path.startsWith('/api/v1/staff/requests')) real = [claimed, filed];
    if (path.includes('/subjects/')) real = [subject.id];
    if (path.includes('/accounts/')) real = [victim.id, ...(caller ? [caller.id] : [])];
    return { subject, ids: { real, others: [team[Role.Staff]!.id, staff2.id, otherRequest] } };
  }

  /** Another subject's request, for "someone else's id". */
  let otherRequest: string;

  // ---- generation -------------------------------------------------------------------------------

  const operation = (route: DeclaredRoute): OpenApiOperation | undefined => doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];

  /** A value that fits `schema` as far as the schema says, with domain hints for names that need real things. */
  function valid(rng: Rng, schema: Schema, name: string, ctx: { subject: TestUser; ids: Ids }, depth = 0): unknown {
    const s = resolve(doc, schema);
    if (s.oneOf) return valid(rng, rng.pick(s.oneOf), name, ctx, depth);
    if (s.anyOf) return valid(rng, rng.pick(s.anyOf), name, ctx, depth);
    if (s.allOf?.length) return valid(rng, s.allOf[0], name, ctx, depth);
    if (s.enum) return rng.pick(s.enum);
    if (name === 'clauses') return [rng.pick(CLAUSES.slice(0, 6))];
    if (name === 'law') return [rng.pick(LAW.slice(0, 4))];
    // Hold ids are UUIDs the document does not mark as such: without this hint every decision body naming holds is a 400.
    if (name === 'holds') return rng.chance(0.5) ? [] : [randomUUID()];
    if (name === 'purposes') return [...new Set([rng.pick(PURPOSES.slice(0, 3)), rng.pick(PURPOSES.slice(0, 3))])];
    if (name === 'assigneeId') return rng.pick([staff2.id, legal2.id, team[Role.Staff]!.id, ctx.subject.id, randomUUID()]);
    if (name === 'password' && rng.chance(0.5)) return ctx.subject.password;
    if (name === 'expectedVersion' || name === 'expectedCurrentVersion') return rng.int(1, 4);
    switch (s.type) {
      case 'string':
        return validString(rng, s);
      case 'number':
      case 'integer':
        return rng.int(s.minimum ?? 1, Math.min(s.maximum ?? 1000, (s.minimum ?? 1) + 1000));
      case 'boolean':
        return rng.chance(0.5);
      case 'array': {
        const n = rng.int(s.minItems ?? 0, Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 3));
        const items = Array.from({ length: n }, () => valid(rng, s.items ?? { type: 'string' }, name, ctx, depth + 1));
        return s.uniqueItems ? [...new Set(items.map((i) => JSON.stringify(i)))].map((i) => JSON.parse(i) as unknown) : items;
      }
      case 'object':
      default: {
        if (depth > 4) return {};
        const out: Record<string, unknown> = {};
        for (const [key, property] of Object.entries(s.properties ?? {}))
          if ((s.required ?? []).includes(key) || rng.chance(0.5)) out[key] = valid(rng, property, key, ctx, depth + 1);
        return out;
      }
    }
  }

  function validString(rng: Rng, s: Schema): string {
    if (s.format === 'email') return `fuzz.${rng.int(0, 1e9)}@example.com`;
    if (s.format === 'uuid') return randomUUID();
    if (s.pattern === '^\\d{6}$') return String(rng.int(0, 999999)).padStart(6, '0');
    if (s.pattern?.includes('[0-9a-f]{64}')) return Array.from({ length: 64 }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');
    if (s.pattern?.includes('Z|[+-]')) return new Date(Date.now() + rng.int(-5, 60) * 86400000).toISOString();
    if (s.pattern?.includes('[0-9 -]')) return `138${String(rng.int(0, 99999999)).padStart(8, '0')}`;
    if (s.pattern?.includes('me|none')) return rng.pick(['me', 'none', randomUUID()]);
    const min = s.minLength ?? 0;
    const max = Math.min(s.maxLength ?? 40, min + 40);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz 张三李四审核保全🐉.-_:';
    const chars = [...alphabet];
    return Array.from({ length: rng.int(Math.max(min, 1), Math.max(max, 1)) }, () => rng.pick(chars)).join('');
  }

  /** One of many ways to break a valid body. */
  function mutate(rng: Rng, body: unknown, schema: Schema | undefined): unknown {
    const s = schema ? resolve(doc, schema) : undefined;
    const object = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
    const keys = Object.keys(object);
    const declared = Object.keys(s?.properties ?? {});
    const key = keys.length ? rng.pick(keys) : declared.length ? rng.pick(declared) : 'field';
    const maxLength = s?.properties?.[key] ? resolve(doc, s.properties[key]).maxLength : undefined;
    switch (rng.int(0, 11)) {
      case 0:
        delete object[key];
        return object;
      case 1:
        return { ...object, [key]: rng.pick(HOSTILE_VALUES) };
      case 2:
        return { ...object, [`unknown_${rng.int(0, 99)}`]: rng.pick(HOSTILE_VALUES) };
      case 3:
        return { ...object, [key]: 'y'.repeat((maxLength ?? 4000) + 1) };
      case 4:
        return { ...object, [key]: [object[key]] };
      case 5:
        return { ...object, [key]: { value: object[key] } };
      case 6:
        return rng.pick([null, [], [object], 'text', 42, true]);
      case 7:
        return { ...object, [key]: typeof object[key] === 'string' ? `${String(object[key])}${rng.pick(['\u0000', '\ud800', '\udc00'])}` : 12345 };
      case 8:
        return { ...object, [key]: rng.pick([2147483648, -1, 0, Number.MAX_SAFE_INTEGER + 2, -0.5, 1e308]) };
      case 9:
        return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, typeof v === 'string' ? v.toUpperCase() : v]));
      case 10:
        return { ...object, [`${key}\u0000`]: object[key] };
      default:
        return { ...object, [key]: null };
    }
  }

  /** Path ids for a case: the fixtures', someone else's, random, and junk. */
  function pathFor(rng: Rng, route: DeclaredRoute, ids: Ids): string {
    return route.path.replace(/:([A-Za-z]+)/g, (_, param: string) => {
      const roll = rng.next();
      if (param === 'version') return roll < 0.5 ? String(rng.int(1, 3)) : rng.pick(JUNK_IDS);
      if (param === 'purpose') return roll < 0.5 ? encodeURIComponent(rng.pick(PURPOSES)) : rng.pick(JUNK_IDS);
      if (param === 'id' && route.path.includes('/clauses/')) return roll < 0.5 ? encodeURIComponent(rng.pick(CLAUSES)) : rng.pick(JUNK_IDS);
      if (param === 'id' && route.path.startsWith('/api/v1/law/')) return roll < 0.5 ? encodeURIComponent(rng.pick(LAW)) : rng.pick(JUNK_IDS);
      if (roll < 0.55 && ids.real.length) return rng.pick(ids.real);
      if (roll < 0.65) return rng.pick(ids.others);
      if (roll < 0.75) return randomUUID();
      return rng.pick(JUNK_IDS);
    });
  }

  /** A query string: mostly the operation's own parameters, valid or hostile, sometimes repeated or bracketed. */
  function queryFor(rng: Rng, op: OpenApiOperation | undefined, ctx: { subject: TestUser; ids: Ids }): string {
    const declared = (op?.parameters ?? []).filter((p) => p.in === 'query');
    if (!rng.chance(declared.length ? 0.8 : 0.3)) return '';
    const parts: string[] = [];
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++) {
      const fromDoc = declared.length && rng.chance(0.75) ? rng.pick(declared) : undefined;
      const name = fromDoc?.name ?? rng.pick(EXTRA_QUERY_NAMES);
      const value = fromDoc?.schema && rng.chance(0.4) ? encodeURIComponent(String(valid(rng, fromDoc.schema, name, ctx))) : rng.pick(HOSTILE_QUERY_VALUES);
      const form = rng.int(0, 9);
      if (form === 0) parts.push(`${name}=${value}&${name}=${value}`);
      else if (form === 1) parts.push(`${name}[]=${value}`);
      else if (form === 2) parts.push(`${name}[a]=${value}`);
      else parts.push(`${name}=${value}`);
    }
    return `?${parts.join('&')}`;
  }

  /**
   * The cases of one route for one caller: generated bodies (hostile and mutated first, a few valid
   * ones last, so that the hostile ones meet the fixtures in the state the route needs), then the
   * raw-body corpus. Write routes where a valid call would change what later routes rely on are
   * sent invalid input only (see `INVALID_ONLY`).
   */
  function casesFor(route: DeclaredRoute, caller: TestUser | null, ctx: { subject: TestUser; ids: Ids }): FuzzCase[] {
    const rng = generator(SEED ^ hash(`${routeKey(route)} ${caller?.role ?? 'anonymous'}`));
    const op = operation(route);
    const bodySchema = op?.requestBody?.content?.['application/json']?.schema;
    const takesBody = route.method !== 'GET';
    const invalidOnly = INVALID_ONLY.has(routeKey(route));
    const cases: FuzzCase[] = [];
    const validCount = takesBody && !invalidOnly ? 3 : 0;
    for (let i = 0; i < CASES; i++) {
      const lastOnes = i >= CASES - validCount;
      const path = `${pathFor(rng, route, ctx.ids)}${queryFor(rng, op, ctx)}`;
      let body: unknown;
      if (takesBody) {
        const base = bodySchema ? valid(rng, bodySchema, '', ctx) : {};
        if (lastOnes) body = bodySchema ? base : rng.pick([undefined, {}]);
        else body = rng.chance(0.15) ? rng.pick(HOSTILE_VALUES) : mutate(rng, base, bodySchema);
        if (invalidOnly) body = breakForSure(body);
        // What will be sent: a field whose value is undefined is not.
        if (body !== undefined) body = JSON.parse(JSON.stringify(body)) as unknown;
      }
      const mustRefuse = hostile(body) || (!bodySchema && hasFields(body));
      cases.push({ label: lastOnes ? 'valid' : 'generated', path, caller, headers: {}, body, mustRefuse });
    }
    if (takesBody)
      for (const raw of RAW_BODIES)
        cases.push({ label: raw.name, path: pathFor(rng, route, ctx.ids), caller, headers: raw.headers, raw: raw.body, mustRefuse: raw.mustRefuse !== false });
    else
      cases.push({
        label: 'a body on a GET',
        path: pathFor(rng, route, ctx.ids),
        caller,
        headers: { 'Content-Type': 'application/json' },
        raw: '{"x":',
        mustRefuse: false,
      });
    return cases;
  }

  /**
   * Publishing a policy changes the version every later request is filed and decided under (and
   * notifies every subject): it is fuzzed with input that cannot be valid only. `expectedCurrentVersion`
   * 0 is below its minimum of 1, whatever else the body holds.
   */
  const INVALID_ONLY = new Set(['POST /api/v1/policy/versions']);
  const breakForSure = (body: unknown): unknown =>
    body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>), expectedCurrentVersion: 0 } : body;

  // ---- sending and judging ----------------------------------------------------------------------

  async function send(route: DeclaredRoute, c: FuzzCase): Promise<Response> {
    let req = t.http[route.method.toLowerCase() as 'get' | 'post' | 'patch'](c.path).set(auth(c.caller));
    for (const [name, value] of Object.entries(c.headers)) req = req.set(name, value);
    if (c.raw !== undefined) return req.send(c.raw);
    if (c.body === undefined) return req;
    return req.set('Content-Type', 'application/json').send(JSON.stringify(c.body));
  }

  /** What is wrong with an answer, or nothing. */
  function judge(route: DeclaredRoute, c: FuzzCase, res: Response): string[] {
    if (res.status >= 500) return [`answered ${res.status}: ${JSON.stringify(res.body)}`];
    const body: unknown = res.body;
    if (res.status >= 400) {
      const b = body as Record<string, unknown> | undefined;
      const shape =
        !!b &&
        typeof b === 'object' &&
        b.statusCode === res.status &&
        typeof b.error === 'string' &&
        typeof b.message === 'string' &&
        typeof b.code === 'string';
      return shape ? [] : [`answered ${res.status} not in the error shape: ${res.text.slice(0, 300)}`];
    }
    if (res.status >= 200 && res.status < 300) {
      if (c.mustRefuse) return [`answered ${res.status} to a body it must refuse: ${res.text.slice(0, 200)}`];
      const declared = operation(route)?.responses?.[String(res.status)];
      if (!declared) return [`answered ${res.status}, which the document does not declare for this operation`];
      const schema = declared.content?.['application/json']?.schema;
      if (!schema) return [];
      return schemaErrors(doc, schema, body);
    }
    return [`answered ${res.status}`];
  }

  const printable = (value: unknown): string => {
    const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
    return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text;
  };

  /**
   * The roles a route is called as: anonymous for a public route, else every role it admits. Who is
   * refused (anonymous, the other roles) is the access matrix's to check (access-matrix.e2e-spec.ts).
   */
  const callers = (route: DeclaredRoute): (Role | null)[] => (route.isPublic ? [null] : (route.roles ?? ALL_ROLES));

  let total = 0;

  it('the route walk and the OpenAPI document list the same operations', () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => HTTP_METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
      )
      .sort();
    expect([...new Set(routes.map(routeKey))].sort()).toEqual(documented);
  });

  /**
   * Operations whose success answers the document does not describe (no schema, or a bare
   * `{ type: 'object' }`): their 2xx answers are checked for the status only. Known gaps of the
   * document, listed so that a new one cannot appear unnoticed; describing them (response DTOs for
   * the auth, policy and audit controllers) is future work.
   */
  const UNDESCRIBED_ANSWERS = [
    'GET /api/v1/audit',
    'GET /api/v1/audit/verify',
    'GET /api/v1/me',
    'GET /api/v1/policy',
    'GET /api/v1/policy/clauses/:id',
    'GET /api/v1/policy/versions',
    'GET /api/v1/policy/versions/:version',
    'POST /api/v1/auth/login',
    'POST /api/v1/auth/logout',
    'POST /api/v1/auth/mfa',
    'POST /api/v1/auth/mfa/enrol',
    'POST /api/v1/auth/mfa/enrol/confirm',
    'POST /api/v1/auth/register',
    'POST /api/v1/policy/impact',
    'POST /api/v1/policy/versions',
  ];

  it('describes the success answers of every operation but the known gaps', () => {
    const described = (schema: Schema | undefined): boolean => {
      if (!schema) return false;
      const s = resolve(doc, schema);
      return !!(s.properties || s.items || s.oneOf || s.anyOf || s.allOf || s.additionalProperties);
    };
    const undescribed = routes
      .filter((route) => {
        const answers = Object.entries(operation(route)?.responses ?? {}).filter(([status]) => status.startsWith('2'));
        // A file answered as such (an evidence download) is described by its media types and a binary schema.
        const file = (content: Record<string, { schema?: Schema }> | undefined): boolean =>
          !!content && Object.entries(content).some(([type, c]) => type !== 'application/json' && resolve(doc, c.schema ?? {}).format === 'binary');
        return answers.length === 0 || answers.some(([, answer]) => !described(answer.content?.['application/json']?.schema) && !file(answer.content));
      })
      .map(routeKey)
      .sort();
    expect(undescribed).toEqual(UNDESCRIBED_ANSWERS);
  });

  it('the answer check is not vacuous: a real answer fits, and each way of breaking it is caught', async () => {
    const subject = await t.user(Role.Subject);
    const id = await file(subject, 'access');
    const res = await ok(t.http.get(`/api/v1/requests/${id}`).set(auth(subject)));
    const schema = operation({ method: 'GET', path: '/api/v1/requests/:id' } as DeclaredRoute)?.responses?.['200'].content?.['application/json']?.schema;
    expect(schema).toBeDefined();
    const check = (body: unknown) => schemaErrors(doc, schema!, body);
    const answer = res.body as Record<string, unknown>;
    expect(check(answer)).toEqual([]);
    // Documented as nullable: null fits; anything but the declared object does not.
    expect(answer.extension).toBeNull();
    expect(check({ ...answer, rightsNotice: null })).toEqual([expect.stringContaining('$.rightsNotice')]);
    expect(check({ ...answer, extension: 'soon' })).toEqual([expect.stringContaining('$.extension')]);
    expect(check({ ...answer, extension: { until: 1 } })).not.toEqual([]);
    expect(check({ ...answer, status: 'bogus' })).toEqual([expect.stringContaining('$.status')]);
    const { timeline: _timeline, ...withoutTimeline } = answer;
    expect(check(withoutTimeline)).toEqual([expect.stringContaining('lacks required timeline')]);
    expect(check({ ...answer, passwordHash: 'x' })).toEqual([expect.stringContaining('does not declare')]);
    expect(check({ ...answer, timeline: [{ ...(answer.timeline as object[])[0], to: null }] })).toEqual([expect.stringContaining('$.timeline[0].to')]);
    expect(check([answer])).not.toEqual([]);
  });

  it('the answers of four eyes fit the document: staff’s proposal (awaiting legal), legal’s confirmation and replacement', async () => {
    // The generated cases reach these routes with a valid body only by chance: check one real answer of each.
    const declared = (method: string, path: string): Schema => {
      const schema = operation({ method, path } as DeclaredRoute)?.responses?.['200']?.content?.['application/json']?.schema;
      expect([method, path, schema]).toEqual([method, path, expect.anything()]);
      return schema!;
    };
    const legal = team[Role.Legal]!;
    const confirmedId = await proposedRefusal(await t.user(Role.Subject));
    const proposal = await ok(t.http.get(`/api/v1/staff/requests/${confirmedId}`).set(auth(legal)));
    expect(proposal.body).toMatchObject({ status: 'awaiting_legal', decision: null, proposedDecision: { outcome: 'reject' } });
    expect(schemaErrors(doc, declared('GET', '/api/v1/staff/requests/:id'), proposal.body)).toEqual([]);
    const confirmed = await ok(t.http.post(`/api/v1/legal/requests/${confirmedId}/confirm`).set(auth(legal)).send({ note: '经复核，维持原决定' }));
    expect(confirmed.body.status).toBe('rejected');
    expect(schemaErrors(doc, declared('POST', '/api/v1/legal/requests/:id/confirm'), confirmed.body)).toEqual([]);
    const replacedId = await proposedRefusal(await t.user(Role.Subject));
    const replacement = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified', reason: '经复核：身份证件与注册信息不一致' };
    const replaced = await ok(t.http.post(`/api/v1/legal/requests/${replacedId}/replace`).set(auth(legal)).send(replacement));
    expect(replaced.body.status).toBe('rejected');
    expect(schemaErrors(doc, declared('POST', '/api/v1/legal/requests/:id/replace'), replaced.body)).toEqual([]);
  });

  it("the answers of the admin's account routes fit the document: made, its role changed, its second factor reset", async () => {
    const admin = team[Role.Admin]!;
    const declared = (method: string, path: string, status: string): Schema => {
      const schema = operation({ method, path } as DeclaredRoute)?.responses?.[status]?.content?.['application/json']?.schema;
      expect([method, path, schema]).toEqual([method, path, expect.anything()]);
      return schema!;
    };
    const made = await ok(
      t.http
        .post('/api/v1/accounts')
        .set(auth(admin))
        .send({ email: `fuzz.${randomUUID()}@example.com`, password: 'fuzz-Account-passphrase-1', role: 'staff' }),
      201,
    );
    expect(schemaErrors(doc, declared('POST', '/api/v1/accounts', '201'), made.body)).toEqual([]);
    const changed = await ok(t.http.patch(`/api/v1/accounts/${made.body.id}/role`).set(auth(admin)).send({ role: 'legal' }));
    expect(changed.body.role).toBe('legal');
    expect(schemaErrors(doc, declared('PATCH', '/api/v1/accounts/:id/role', '200'), changed.body)).toEqual([]);
    const reset = await ok(t.http.post(`/api/v1/accounts/${made.body.id}/mfa/reset`).set(auth(admin)).send({}));
    expect(reset.body.mfaEnabled).toBe(false);
    expect(schemaErrors(doc, declared('POST', '/api/v1/accounts/:id/mfa/reset', '200'), reset.body)).toEqual([]);
    // And the check is not vacuous for them: a field of the wrong type is caught.
    expect(schemaErrors(doc, declared('POST', '/api/v1/accounts', '201'), { ...made.body, mfaEnabled: 'no' })).not.toEqual([]);
  });

  it('every route, as every role that may call it, answers generated and hostile input with a 4xx in shape or a documented 2xx, never a 5xx', async () => {
    otherRequest = await file(await t.user(Role.Subject), 'access');
    const failures: string[] = [];
    const policyBefore = (await t.dataSource.query(`SELECT max(version)::int AS v FROM policy_versions`))[0].v;
    const started = Date.now();
    let fixtureMs = 0;
    const readFixtures: Record<string, { subject: TestUser; ids: Ids }> = {};
    for (const route of routes) {
      for (const role of callers(route)) {
        const caller = role === null ? null : role === Role.Subject ? null : reviewerOrAdmin(role);
        const f0 = Date.now();
        // A read changes nothing: the fixtures of one read serve every read of the same caller.
        const readKey = `${role ?? 'anonymous'}`;
        const ctx = route.method === 'GET' ? (readFixtures[readKey] ??= await fixtures(route, caller)) : await fixtures(route, caller);
        fixtureMs += Date.now() - f0;
        const who = role === Role.Subject ? ctx.subject : caller;
        for (const c of casesFor(route, who, ctx)) {
          total++;
          const res = await send(route, c);
          for (const problem of judge(route, c, res))
            failures.push(
              `[seed ${SEED}] ${route.method} ${printable(c.path)} as ${role ?? 'anonymous'} (${c.label}) headers=${printable(c.headers)} body=${printable(
                c.raw ?? c.body,
              )}\n    → ${problem}`,
            );
          // Signing out ends the caller's session: sign in again so that the next cases are not all 401.
          if (route.path === '/api/v1/auth/logout' && res.status < 300 && who) who.token = await t.login(who.email, who.password);
        }
      }
    }
    console.log(`fuzz: ${total} requests over ${routes.length} routes in ${Date.now() - started} ms (seed ${SEED}) fixtures ${fixtureMs} ms`);
    expect(failures).toEqual([]);
    expect((await t.dataSource.query(`SELECT max(version)::int AS v FROM policy_versions`))[0].v).toBe(policyBefore);
    // Some two thousand calls over every route: a few tens of seconds alone, several times that on a
    // busy machine. The limit only stops a hung run; speed is the benchmarks' business.
  }, 300_000);

  const reviewerOrAdmin = (role: Role): TestUser => (role === Role.Admin ? team[Role.Admin]! : reviewer(role));
});
