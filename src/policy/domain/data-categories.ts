import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'yaml';
import { DATA_CATEGORIES, DataCategory, isEnumValue } from './policy.types';
import { PolicyYamlReader, YamlEntry } from './policy-yaml.reader';

/** A text people read, in the authoritative Chinese and in English. */
export interface LocalisedText {
  'zh-CN': string;
  en: string;
}

export interface CorrectableField {
  /** `display_name`, `email`: how a correction request names the field */
  id: string;
  label: LocalisedText;
}

/** What the portal says of one category of personal information (data-categories.yaml). */
export interface DataCategoryDescription {
  id: DataCategory;
  label: LocalisedText;
  /** the fields a subject may ask to correct (PIPL Art. 46); empty when none can be */
  correctableFields: CorrectableField[];
  /** why nothing can be corrected, and what the subject can do instead; given exactly when there are no fields */
  correctionNote?: LocalisedText;
}

/** A field id: lowercase letters, digits and underscores, starting with a letter. */
export const CORRECTABLE_FIELD_ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

const SOURCE = 'data-categories.yaml';
const CATEGORY_KEYS = ['label', 'correctableFields', 'correctionNote'];
const LANGUAGES = ['zh-CN', 'en'] as const;

/**
 * Reads the categories' descriptions and refuses the whole file, every problem named with its line
 * (PolicyParseError), unless it describes every DataCategory and nothing else, each with a label in
 * both languages and either correctable fields with well-formed ids or a note saying why there are none.
 * The answer is in the enum's order.
 */
export function parseDataCategories(text: string): DataCategoryDescription[] {
  const reader = new PolicyYamlReader(text, SOURCE);
  const found = new Map<DataCategory, DataCategoryDescription>();
  // Described, well or badly: a defective description is reported for its defects, not as missing too.
  const named = new Set<string>();
  for (const { key, value } of reader.entries(reader.root, 'the data categories', 1)) {
    if (!isEnumValue(DATA_CATEGORIES, key.value)) {
      reader.report(key.line, `unknown data category "${key.value}" (expected one of: ${DATA_CATEGORIES.join(', ')})`);
      continue;
    }
    named.add(key.value);
    const description = readCategory(reader, key.value, value, key.line);
    if (description) found.set(key.value, description);
  }
  const missing = DATA_CATEGORIES.filter((id) => !named.has(id));
  if (missing.length > 0 && reader.root !== null) reader.report(0, `missing data categories: ${missing.join(', ')} (every DataCategory must be described)`);
  reader.throwIfIssues();
  return DATA_CATEGORIES.map((id) => found.get(id) as DataCategoryDescription);
}

function readCategory(reader: PolicyYamlReader, id: DataCategory, node: Node | null, line: number): DataCategoryDescription | undefined {
  const entries = reader.entries(node, id, line);
  reader.refuseUnknownKeys(entries, CATEGORY_KEYS, id);
  const get = (key: string): YamlEntry | undefined => entries.find((e) => e.key.value === key);

  const labelEntry = get('label');
  if (!labelEntry) reader.report(line, `${id}.label is missing`);
  const label = labelEntry ? readLocalised(reader, labelEntry, `${id}.label`) : undefined;

  const fieldsEntry = get('correctableFields');
  const correctableFields = fieldsEntry ? readFields(reader, fieldsEntry, `${id}.correctableFields`) : [];

  const noteEntry = get('correctionNote');
  const correctionNote = noteEntry ? readLocalised(reader, noteEntry, `${id}.correctionNote`) : undefined;
  if (!fieldsEntry && !noteEntry) reader.report(line, `${id} has neither correctableFields nor a correctionNote saying why none can be corrected`);
  if (fieldsEntry && noteEntry) reader.report(noteEntry.key.line, `${id} has correctableFields: a correctionNote is only for a category with none`);

  if (!label || (fieldsEntry && correctableFields.length === 0) || (noteEntry && !correctionNote)) return undefined;
  return { id, label, correctableFields, ...(correctionNote && { correctionNote }) };
}

function readFields(reader: PolicyYamlReader, { key, value }: YamlEntry, where: string): CorrectableField[] {
  const entries = reader.entries(value, where, key.line);
  if (entries.length === 0 && value !== null) reader.report(key.line, `${where} must not be empty (leave it out and give a correctionNote instead)`);
  const fields: CorrectableField[] = [];
  for (const entry of entries) {
    if (!CORRECTABLE_FIELD_ID_PATTERN.test(entry.key.value)) {
      reader.report(entry.key.line, `field id "${entry.key.value}" in ${where} must be lowercase letters, digits and underscores, such as display_name`);
      continue;
    }
    const label = readLocalised(reader, entry, `${where}.${entry.key.value}`);
    if (label) fields.push({ id: entry.key.value, label });
  }
  return fields;
}

/** A `{ zh-CN, en }` map, both non-empty; problems reported with their lines. */
export function readLocalised(reader: PolicyYamlReader, { key, value }: YamlEntry, where: string): LocalisedText | undefined {
  const entries = reader.entries(value, where, key.line);
  reader.refuseUnknownKeys(entries, LANGUAGES, where);
  const texts = LANGUAGES.map((language) => {
    const entry = entries.find((e) => e.key.value === language);
    if (!entry) reader.report(key.line, `${where}.${language} is missing`);
    return entry ? reader.string(entry.value, `${where}.${language}`, entry.key.line)?.value : undefined;
  });
  const [zh, en] = texts;
  return zh && en ? { 'zh-CN': zh, en } : undefined;
}

/** The descriptions shipped with the code (src/policy/data-categories.yaml; copied beside the compiled code: nest-cli.json assets). */
export function loadBundledDataCategories(): readonly DataCategoryDescription[] {
  // Read and checked once per process: the filing's validation, the data map, the copy and the API all ask.
  bundled ??= Object.freeze(parseDataCategories(readFileSync(path.join(__dirname, '..', SOURCE), 'utf8')));
  return bundled;
}

let bundled: readonly DataCategoryDescription[] | undefined;
