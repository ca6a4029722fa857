import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The data map shipped with the code, as text. */
export const BUNDLED_DATA_MAP = readFileSync(join(__dirname, '../../src/fulfilment/data-map.yaml'), 'utf8');

/** `text` with one category's entry replaced by `entry` (its lines under `  <category>:`). */
export function withCategory(text: string, category: string, entry: string): string {
  const start = text.indexOf(`\n  ${category}:\n`);
  if (start < 0) throw new Error(`no category ${category} in the map`);
  const rest = text.slice(start + 1);
  const next = rest.slice(1).search(/\n {2}[a-z_]+:\n/);
  const end = next < 0 ? text.length : start + 1 + 1 + next;
  return `${text.slice(0, start + 1)}  ${category}:\n${entry.replace(/^/gm, '    ')}\n${text.slice(end)}`;
}

/** `text` with one more system (its lines under `  <id>:`). */
export function withSystem(text: string, id: string, entry: string): string {
  return text.replace('\nsystems:\n', `\nsystems:\n  ${id}:\n${entry.replace(/^/gm, '    ')}\n`);
}

/** Writes a data map for DATA_MAP_FILE in a directory of its own; `remove` deletes it. */
export function writeDataMap(text: string): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-data-map-'));
  const file = join(dir, 'data-map.yaml');
  writeFileSync(file, text);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
