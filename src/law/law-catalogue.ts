import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, Node, parseDocument, Scalar, YAMLMap } from 'yaml';

/**
 * The statutory provisions the portal cites beside policy clauses (product.md, "The law above the
 * policy"): data kept in catalogue.yaml, checked whole when the process starts.
 */

/** `PIPL.47`, `GBT35273.8.7`: an instrument's id, a dot, its own article or clause number. */
export const LAW_ID_PATTERN = /^[A-Z][A-Z0-9]*\.[0-9]+(\.[0-9]+)*$/;
export const LAW_ID_MAX_LENGTH = 32;
export const LAW_ID_HINT = 'a provision id such as PIPL.47 or GBT35273.8.7';

export interface Instrument {
  id: string;
  /** the title as promulgated, in Chinese (authoritative) */
  title: string;
  titleEn: string;
  /** the date the text cited came into force (YYYY-MM-DD) */
  effective: string;
  /** where the text was checked */
  source?: string;
}

export interface Provision {
  id: string;
  instrument: Instrument;
  /** how the instrument numbers it: 第四十七条, or 8.7 */
  article: string;
  /** the text as published, in Chinese (authoritative) */
  text: string;
  /** an English gloss, for orientation only */
  gloss: string;
}

export class LawCatalogueError extends Error {
  constructor(readonly problems: string[]) {
    super(`The law catalogue has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LawCatalogueError';
  }
}

const INSTRUMENT_KEYS = ['title', 'titleEn', 'effective', 'source'];
const PROVISION_KEYS = ['article', 'text', 'gloss'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a catalogue. Every problem is collected with its line and the whole file is refused if
 * there is one: a decision must never quote a provision the product cannot show correctly. The
 * failsafe schema keeps every scalar a string.
 */
export function parseLawCatalogue(text: string): Provision[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, schema: 'failsafe', uniqueKeys: true });
  const problems = document.errors.map((e) => `line ${e.linePos?.[0].line ?? 0}: ${e.message.split('\n')[0]}`);
  const at = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 0);
  const report = (node: Node | null | undefined, message: string) => problems.push(`line ${at(node)}: ${message}`);

  const mapping = (node: unknown, where: string): Map<string, { key: Node; value: Node | null }> => {
    const out = new Map<string, { key: Node; value: Node | null }>();
    if (!isMap(node)) {
      report(node as Node, `${where} must be a mapping`);
      return out;
    }
    for (const pair of (node as YAMLMap<Scalar, Node>).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      out.set(key, { key: pair.key as Node, value: pair.value ?? null });
    }
    return out;
  };
  const string = (entries: Map<string, { key: Node; value: Node | null }>, key: string, where: string, parent: Node | null): string | undefined => {
    const entry = entries.get(key);
    const value = entry && isScalar(entry.value) && typeof entry.value.value === 'string' ? entry.value.value.trim() : '';
    if (!value) report(entry?.value ?? parent, `${where}.${key} must be a non-empty string`);
    return value || undefined;
  };
  const onlyKeys = (entries: Map<string, { key: Node }>, allowed: string[], where: string) => {
    for (const [key, { key: node }] of entries)
      if (!allowed.includes(key)) report(node, `unknown key "${key}" in ${where} (expected one of: ${allowed.join(', ')})`);
  };

  const top = mapping(document.contents, 'the catalogue');
  onlyKeys(top, ['instruments', 'provisions'], 'the catalogue');
  const instruments = new Map<string, Instrument>();
  for (const [id, { key, value }] of mapping(top.get('instruments')?.value ?? null, 'instruments')) {
    if (!/^[A-Z][A-Z0-9]*$/.test(id)) report(key, `instrument id "${id}" must be capital letters and digits`);
    const entries = mapping(value, `instruments.${id}`);
    onlyKeys(entries, INSTRUMENT_KEYS, `instruments.${id}`);
    const [title, titleEn, effective] = ['title', 'titleEn', 'effective'].map((k) => string(entries, k, `instruments.${id}`, value));
    if (effective && !DATE.test(effective)) report(entries.get('effective')?.value, `instruments.${id}.effective must be a date YYYY-MM-DD`);
    const source = entries.has('source') ? string(entries, 'source', `instruments.${id}`, value) : undefined;
    if (title && titleEn && effective) instruments.set(id, { id, title, titleEn, effective, ...(source && { source }) });
  }
  const provisions: Provision[] = [];
  for (const [id, { key, value }] of mapping(top.get('provisions')?.value ?? null, 'provisions')) {
    if (!LAW_ID_PATTERN.test(id) || id.length > LAW_ID_MAX_LENGTH) report(key, `provision id "${id}" must be ${LAW_ID_HINT}`);
    const instrument = instruments.get(id.split('.')[0]);
    if (!instrument) report(key, `provision ${id} names no instrument of the catalogue`);
    const entries = mapping(value, `provisions.${id}`);
    onlyKeys(entries, PROVISION_KEYS, `provisions.${id}`);
    const [article, text, gloss] = PROVISION_KEYS.map((k) => string(entries, k, `provisions.${id}`, value));
    if (instrument && article && text && gloss) provisions.push({ id, instrument, article, text, gloss });
  }
  if (provisions.length === 0 && problems.length === 0) problems.push('the catalogue names no provision');
  if (problems.length > 0) throw new LawCatalogueError(problems);
  return provisions;
}

/** The catalogue shipped with the code, beside this file (copied beside the compiled code too: nest-cli.json assets). */
export function loadBundledLawCatalogue(): Provision[] {
  return parseLawCatalogue(readFileSync(path.join(__dirname, 'catalogue.yaml'), 'utf8'));
}
