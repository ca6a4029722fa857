import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isScalar, type Node } from 'yaml';
import { DataCategoryDescription, LocalisedText, readLocalised } from '../../policy/domain/data-categories';
import { PolicyYamlReader, YamlEntry } from '../../policy/domain/policy-yaml.reader';
import { DATA_CATEGORIES, DataCategory, isEnumValue } from '../../policy/domain/policy.types';

/** How the portal reaches a system. */
export enum ConnectorKind {
  /** parameterised SQL against the operator's PostgreSQL */
  Postgres = 'postgres',
  /** the portal's own records (the consent ledger) */
  Portal = 'portal',
  /** the operator's own service answers signed export, correct and erase calls (README, "Connectors") */
  Http = 'http',
  /** no connector reaches it: a named person confirms each step */
  Manual = 'manual',
}

export const CONNECTOR_KINDS: readonly ConnectorKind[] = Object.values(ConnectorKind);

/** What erasure does to a category. */
export enum ErasureAction {
  Delete = 'delete',
  Anonymise = 'anonymise',
  /** kept (the reason says why); a legal hold keeps any category besides, until it ends */
  Keep = 'keep',
}

export const ERASURE_ACTIONS: readonly ErasureAction[] = Object.values(ErasureAction);

/** Where an `http` system answers, and how its calls are signed. */
export interface HttpEndpoint {
  /** the service's base URL; the calls go to `<url>/export`, `<url>/correct`, `<url>/erase` */
  url: string;
  /** the setting (environment variable) that holds the system's signing secret */
  secretEnv: string;
  /** how long a call may wait for an answer (for an export: between two parts of it) */
  timeoutMs: number;
}

export interface DataSystem {
  id: string;
  connector: ConnectorKind;
  label: LocalisedText;
  /** http: where and how */
  http?: HttpEndpoint;
  /** manual: who is asked to confirm each step (a role or a team, as staff know it) */
  owner?: string;
}

/** What the data map is checked against besides its own text: whether this is production, and the settings an `http` system names. */
export interface DataMapSettings {
  production: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** A signing secret shorter than this stops the start. */
export const MIN_CONNECTOR_SECRET = 32;
/** Bounds of an `http` system's `timeout` (seconds), and its default. */
export const HTTP_TIMEOUT_SECONDS = { min: 1, max: 300, default: 30 } as const;

/**
 * Rows one batch of a keyset delete statement erases (a plain statement's batches stay at the
 * caller's size, 1,000). A keyset batch is a range scan of (user_id, id) from where the previous one
 * stopped, so its cost does not grow with the rows already deleted: larger batches mean fewer
 * commits, and 20,000 rows still hold their locks for tens of milliseconds (README, "Benchmarks").
 */
export const KEYSET_BATCH_ROWS = 20_000;

export interface CategoryMapping {
  category: DataCategory;
  system: DataSystem;
  /** how the subject's records are found: through the verified link to the app account */
  find: 'app_user';
  /** postgres: the SELECT of the subject's rows ($1: the app user); absent for the portal's own records */
  accessSql?: string;
  /** postgres: correctable field → its UPDATE ($1: the app user, $2: the value) */
  correct: Record<string, string>;
  /**
   * `keyset`: a postgres `delete` statement that takes `$3`, the last key the previous batch took
   * (NULL on the first batch), and answers one row `(rows, last)` (data-map.yaml's header).
   */
  erase: { action: ErasureAction; sql?: string; reason?: string; keyset?: boolean };
}

export interface DataMap {
  systems: DataSystem[];
  categories: Record<DataCategory, CategoryMapping>;
}

const SOURCE = 'data-map.yaml';
const TOP_KEYS = ['systems', 'categories'];
const SYSTEM_KEYS = ['connector', 'label', 'url', 'secretEnv', 'timeout', 'owner'];
const HTTP_KEYS = ['url', 'secretEnv', 'timeout'];
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const CATEGORY_KEYS = ['system', 'find', 'access', 'correct', 'erase'];
const FINDS = ['app_user'];

/** The parameters a statement uses ($1, $2, …). */
function paramsOf(sql: string): Set<number> {
  return new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
}

/**
 * One statement with its parameters named as the map's header says: `$1` always, `$2` where a value
 * or a batch size goes in, and `$3` (optional: `optional` more) where a keyset delete starts.
 */
function checkSql(reader: PolicyYamlReader, sql: string, where: string, line: number, params: number, optional = 0): void {
  const used = paramsOf(sql);
  const given = params + optional;
  for (let n = 1; n <= params; n++) if (!used.has(n)) reader.report(line, `${where} must use $${n}`);
  for (const n of used) if (n > given) reader.report(line, `${where} uses $${n}; it is given only ${given === 1 ? '$1' : `$1 to $${given}`}`);
  if (sql.includes(';')) reader.report(line, `${where} must be one statement, without ";"`);
}

/** A keyset delete answers one row of two columns named `rows` and `last`: its text must at least name them. */
const KEYSET_ANSWER = [/\brows\b/i, /\blast\b/i];

/**
 * Reads and checks the data map against the categories the portal declares (data-categories.yaml)
 * and their correctable fields; every problem is reported with its line (PolicyParseError), and
 * nothing is answered unless the whole map holds.
 */
export function parseDataMap(
  text: string,
  declared: readonly DataCategoryDescription[],
  settings: DataMapSettings = { production: false, env: {} },
  source = SOURCE,
): DataMap {
  const reader = new PolicyYamlReader(text, source);
  const top = reader.entries(reader.root, 'the data map', 1);
  reader.refuseUnknownKeys(top, TOP_KEYS, 'the data map');
  const systems = new Map<string, DataSystem>();
  const systemsEntry = top.find((e) => e.key.value === 'systems');
  if (!systemsEntry) reader.report(1, 'the data map has no systems');
  for (const { key, value } of systemsEntry ? reader.entries(systemsEntry.value, 'systems', systemsEntry.key.line) : []) {
    const system = readSystem(reader, key.value, value, key.line, settings);
    if (system) systems.set(system.id, system);
  }

  const categories = new Map<DataCategory, CategoryMapping>();
  const named = new Set<string>();
  const categoriesEntry = top.find((e) => e.key.value === 'categories');
  if (!categoriesEntry) reader.report(1, 'the data map has no categories');
  for (const entry of categoriesEntry ? reader.entries(categoriesEntry.value, 'categories', categoriesEntry.key.line) : []) {
    const id = entry.key.value;
    if (!isEnumValue(DATA_CATEGORIES, id)) {
      reader.report(entry.key.line, `undeclared category "${id}": the categories are declared in data-categories.yaml (${DATA_CATEGORIES.join(', ')})`);
      continue;
    }
    named.add(id);
    const description = declared.find((d) => d.id === id);
    const mapping = readCategory(reader, id, entry, systems, description?.correctableFields.map((f) => f.id) ?? []);
    if (mapping) categories.set(id, mapping);
  }
  const missing = DATA_CATEGORIES.filter((id) => !named.has(id));
  if (missing.length > 0 && categoriesEntry) reader.report(categoriesEntry.key.line, `no system is mapped for: ${missing.join(', ')}`);
  reader.throwIfIssues();
  return { systems: [...systems.values()], categories: Object.fromEntries(categories) as Record<DataCategory, CategoryMapping> };
}

function readSystem(reader: PolicyYamlReader, id: string, node: Node | null, line: number, settings: DataMapSettings): DataSystem | undefined {
  const entries = reader.entries(node, `systems.${id}`, line);
  reader.refuseUnknownKeys(entries, SYSTEM_KEYS, `systems.${id}`);
  const connectorEntry = entries.find((e) => e.key.value === 'connector');
  const connector = connectorEntry ? reader.string(connectorEntry.value, `systems.${id}.connector`, connectorEntry.key.line) : undefined;
  if (!connectorEntry) reader.report(line, `systems.${id} names no connector`);
  if (connector && !isEnumValue(CONNECTOR_KINDS, connector.value)) {
    reader.report(connector.line, `systems.${id}: unknown connector "${connector.value}" (expected one of: ${CONNECTOR_KINDS.join(', ')})`);
    return undefined;
  }
  const labelEntry = entries.find((e) => e.key.value === 'label');
  if (!labelEntry) reader.report(line, `systems.${id}.label is missing`);
  const label = labelEntry ? readLocalised(reader, labelEntry, `systems.${id}.label`) : undefined;
  const kind = connector?.value as ConnectorKind | undefined;
  for (const e of entries) {
    if (HTTP_KEYS.includes(e.key.value) && kind !== ConnectorKind.Http) reader.report(e.key.line, `systems.${id}.${e.key.value} is for an http system only`);
    if (e.key.value === 'owner' && kind !== ConnectorKind.Manual) reader.report(e.key.line, `systems.${id}.owner is for a manual system only`);
  }
  const http = kind === ConnectorKind.Http ? readHttp(reader, id, entries, line, settings) : undefined;
  const ownerEntry = entries.find((e) => e.key.value === 'owner');
  const owner = ownerEntry && kind === ConnectorKind.Manual ? reader.string(ownerEntry.value, `systems.${id}.owner`, ownerEntry.key.line)?.value : undefined;
  if (!connector || !label || (kind === ConnectorKind.Http && !http)) return undefined;
  return { id, connector: connector.value as ConnectorKind, label, ...(http && { http }), ...(owner && { owner }) };
}

/**
 * An http system's endpoint: an https URL (plain http only to this machine, and never in
 * production), the setting that holds its signing secret (set, and long enough, or the start
 * stops), and its timeout in seconds.
 */
function readHttp(reader: PolicyYamlReader, id: string, entries: YamlEntry[], line: number, settings: DataMapSettings): HttpEndpoint | undefined {
  const get = (k: string) => entries.find((e) => e.key.value === k);
  const where = `systems.${id}`;
  const urlEntry = get('url');
  const urlText = urlEntry ? reader.string(urlEntry.value, `${where}.url`, urlEntry.key.line) : undefined;
  if (!urlEntry) reader.report(line, `${where}.url is missing: an http system names the service that answers its calls`);
  let url: string | undefined;
  if (urlText) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(urlText.value);
    } catch {
      reader.report(urlText.line, `${where}.url is not a URL`);
    }
    if (parsed) {
      const loopback = LOOPBACK_HOSTS.includes(parsed.hostname);
      if (parsed.username || parsed.password || parsed.search || parsed.hash)
        reader.report(urlText.line, `${where}.url must carry no credentials, query or fragment`);
      else if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback && !settings.production)) url = parsed.href.replace(/\/$/, '');
      else if (parsed.protocol === 'http:' && !settings.production)
        reader.report(urlText.line, `${where}.url: plain http is allowed only to this machine (localhost); use https`);
      else reader.report(urlText.line, `${where}.url must be https${settings.production ? ' in production' : ''}`);
    }
  }
  const secretEntry = get('secretEnv');
  const secretEnv = secretEntry ? reader.string(secretEntry.value, `${where}.secretEnv`, secretEntry.key.line) : undefined;
  if (!secretEntry) reader.report(line, `${where}.secretEnv is missing: name the setting that holds the system's signing secret`);
  if (secretEnv && !/^[A-Z][A-Z0-9_]*$/.test(secretEnv.value)) {
    reader.report(secretEnv.line, `${where}.secretEnv must name a setting (capitals, digits and _)`);
  } else if (secretEnv && (settings.env[secretEnv.value] ?? '').length < MIN_CONNECTOR_SECRET) {
    reader.report(
      secretEnv.line,
      `${where}: the setting ${secretEnv.value} must hold the system's signing secret (at least ${MIN_CONNECTOR_SECRET} characters)`,
    );
  }
  const timeoutEntry = get('timeout');
  let timeoutSeconds: number = HTTP_TIMEOUT_SECONDS.default;
  if (timeoutEntry) {
    const node = timeoutEntry.value;
    const n = isScalar(node) && (typeof node.value === 'number' || typeof node.value === 'string') ? Number(node.value) : NaN;
    if (!Number.isFinite(n) || n < HTTP_TIMEOUT_SECONDS.min || n > HTTP_TIMEOUT_SECONDS.max)
      reader.report(timeoutEntry.key.line, `${where}.timeout must be a number of seconds from ${HTTP_TIMEOUT_SECONDS.min} to ${HTTP_TIMEOUT_SECONDS.max}`);
    else timeoutSeconds = n;
  }
  if (!url || !secretEnv) return undefined;
  return { url, secretEnv: secretEnv.value, timeoutMs: Math.round(timeoutSeconds * 1000) };
}

function readCategory(
  reader: PolicyYamlReader,
  id: DataCategory,
  { key, value }: YamlEntry,
  systems: Map<string, DataSystem>,
  correctable: string[],
): CategoryMapping | undefined {
  const where = `categories.${id}`;
  const entries = reader.entries(value, where, key.line);
  reader.refuseUnknownKeys(entries, CATEGORY_KEYS, where);
  const get = (k: string) => entries.find((e) => e.key.value === k);

  const systemEntry = get('system');
  const systemId = systemEntry ? reader.string(systemEntry.value, `${where}.system`, systemEntry.key.line) : undefined;
  if (!systemEntry) reader.report(key.line, `${where} names no system: every category needs one that holds it`);
  const system = systemId ? systems.get(systemId.value) : undefined;
  if (systemId && !system) reader.report(systemId.line, `${where}: unknown system "${systemId.value}" (expected one of: ${[...systems.keys()].join(', ')})`);

  const findEntry = get('find');
  const find = findEntry ? reader.string(findEntry.value, `${where}.find`, findEntry.key.line) : undefined;
  if (!findEntry) reader.report(key.line, `${where}.find is missing (app_user: records are found through the verified link)`);
  if (find && !FINDS.includes(find.value)) reader.report(find.line, `${where}.find must be one of: ${FINDS.join(', ')}`);

  const postgres = system?.connector === ConnectorKind.Postgres;
  const accessEntry = get('access');
  let accessSql: string | undefined;
  // Statements are for a postgres system only: an http service answers for itself, a portal
  // system reads the portal's own records, and the person confirming a manual step does the work.
  if (system && !postgres) {
    for (const k of ['access', 'correct'])
      if (get(k)) reader.report(get(k)!.key.line, `${where}.${k} is for a postgres system only (${system.id} is ${system.connector})`);
  }
  if (accessEntry && postgres) {
    const access = reader.entries(accessEntry.value, `${where}.access`, accessEntry.key.line);
    reader.refuseUnknownKeys(access, ['sql'], `${where}.access`);
    const sqlEntry = access.find((e) => e.key.value === 'sql');
    accessSql = sqlEntry ? reader.string(sqlEntry.value, `${where}.access.sql`, sqlEntry.key.line)?.value : undefined;
    if (accessSql && sqlEntry) checkSql(reader, accessSql, `${where}.access.sql`, sqlEntry.key.line, 1);
  }
  if (postgres && !accessSql) reader.report(key.line, `${where}.access.sql is missing: a copy must be able to export the category`);

  const correct: Record<string, string> = {};
  const correctEntry = postgres ? get('correct') : undefined;
  for (const field of correctEntry ? reader.entries(correctEntry.value, `${where}.correct`, correctEntry.key.line) : []) {
    if (!correctable.includes(field.key.value)) {
      reader.report(
        field.key.line,
        `${where}.correct.${field.key.value}: not a correctable field of ${id} (data-categories.yaml lists: ${correctable.join(', ') || 'none'})`,
      );
      continue;
    }
    const sql = reader.string(field.value, `${where}.correct.${field.key.value}`, field.key.line);
    if (sql) {
      checkSql(reader, sql.value, `${where}.correct.${field.key.value}`, field.key.line, 2);
      correct[field.key.value] = sql.value;
    }
  }
  if (postgres) {
    const unmapped = correctable.filter((f) => !(f in correct));
    if (unmapped.length > 0) reader.report(key.line, `${where}.correct has no statement for the correctable field(s): ${unmapped.join(', ')}`);
  }

  const eraseEntry = get('erase');
  if (!eraseEntry) reader.report(key.line, `${where}.erase is missing: say what erasure does (delete, anonymise or keep)`);
  const erase = eraseEntry ? readErase(reader, eraseEntry, `${where}.erase`, system?.connector) : undefined;

  if (!system || !find || !erase) return undefined;
  return { category: id, system, find: 'app_user', ...(accessSql && { accessSql }), correct, erase };
}

function readErase(
  reader: PolicyYamlReader,
  { key, value }: YamlEntry,
  where: string,
  connector: ConnectorKind | undefined,
): CategoryMapping['erase'] | undefined {
  const postgres = connector === ConnectorKind.Postgres;
  const entries = reader.entries(value, where, key.line);
  reader.refuseUnknownKeys(entries, ['action', 'sql', 'reason'], where);
  const get = (k: string) => entries.find((e) => e.key.value === k);
  const actionEntry = get('action');
  const action = actionEntry ? reader.string(actionEntry.value, `${where}.action`, actionEntry.key.line) : undefined;
  if (!actionEntry) reader.report(key.line, `${where}.action is missing`);
  if (action && !isEnumValue(ERASURE_ACTIONS, action.value)) {
    reader.report(action.line, `${where}.action must be one of: ${ERASURE_ACTIONS.join(', ')}`);
    return undefined;
  }
  const sqlEntry = get('sql');
  const sql = sqlEntry ? reader.string(sqlEntry.value, `${where}.sql`, sqlEntry.key.line)?.value : undefined;
  const reasonEntry = get('reason');
  const reason = reasonEntry ? reader.string(reasonEntry.value, `${where}.reason`, reasonEntry.key.line)?.value : undefined;
  if (!action) return undefined;
  const kind = action.value as ErasureAction;
  if (kind === ErasureAction.Keep) {
    if (!reason) reader.report(action.line, `${where}: keeping a category needs a reason`);
    if (sqlEntry) reader.report(sqlEntry.key.line, `${where}: a kept category runs no statement`);
  } else if (connector === ConnectorKind.Portal) {
    // The portal's own records prove what was done; they are kept with the request records, pseudonymised.
    reader.report(action.line, `${where}: a portal system's records are kept (action: keep, with the reason)`);
  } else if (!postgres && sqlEntry) {
    reader.report(sqlEntry.key.line, `${where}.sql is for a postgres system only`);
  } else if (postgres) {
    if (!sql) reader.report(action.line, `${where}.sql is missing: ${action.value} runs a statement in batches`);
    // anonymise updates the one row ($1); delete removes up to $2 rows per batch, from $3 on when it takes it (keyset).
    const deletes = kind === ErasureAction.Delete;
    if (sql && sqlEntry) checkSql(reader, sql, `${where}.sql`, sqlEntry.key.line, deletes ? 2 : 1, deletes ? 1 : 0);
    if (sql && sqlEntry && deletes && paramsOf(sql).has(3) && !KEYSET_ANSWER.every((name) => name.test(sql)))
      reader.report(
        sqlEntry.key.line,
        `${where}.sql takes $3 (the last key deleted), so it must answer one row (rows, last): the rows it took and the last key, as text`,
      );
  }
  const keyset = postgres && kind === ErasureAction.Delete && !!sql && paramsOf(sql).has(3);
  return { action: kind, ...(sql && { sql }), ...(reason && { reason }), ...(keyset && { keyset }) };
}

/** The map shipped with the code (src/fulfilment/data-map.yaml; copied beside the compiled code: nest-cli.json assets). */
export function loadBundledDataMap(declared: readonly DataCategoryDescription[], settings?: DataMapSettings): DataMap {
  return parseDataMap(readFileSync(path.join(__dirname, '..', SOURCE), 'utf8'), declared, settings);
}

/** The operator's own map (DATA_MAP_FILE), checked exactly like the shipped one; its problems name the file. */
export function loadDataMapFile(file: string, declared: readonly DataCategoryDescription[], settings: DataMapSettings): DataMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`DATA_MAP_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  return parseDataMap(text, declared, settings, path.basename(file));
}
