import { csvField } from '../common/text/csv';
import { Pieces } from '../common/text/pieces';
import { escapeHtml } from '../common/text/escape-html';

/**
 * A copy is stored once, as its JSON file, written one element a line (ExportJob):
 *
 *     {"request":{…},"categories":[
 *     {"category":"device_access","label":{…},"system":"app_db","systemLabel":{…},"clauses":[…],"rows":[
 *     {…first row…}
 *     ,{…next row…}
 *     ]}
 *     ,{"category":…,"rows":[
 *     ]}
 *     ],"withheld":[…]}
 *
 * Line breaks are whitespace to a JSON reader, and JSON text has none of its own (a string holds
 * `\n` escaped), so the file is plain JSON and can still be read a line at a time. The page people
 * read and the CSV files of a copy in CSV are made from it as they are downloaded: nothing is
 * formatted or stored twice, and the three can never disagree.
 */

type Localised = Record<'zh-CN' | 'en', string>;

export interface CopyRequest {
  id: string;
  type: string;
  policyVersion: number;
  generatedAt: string;
}

export interface CopyCategory {
  category: string;
  label?: Localised;
  system: string;
  systemLabel?: Localised;
  clauses: string[];
}

export interface WithheldCategory {
  category: string;
  law: string[];
  clauses: string[];
}

type CopyPiece =
  | { kind: 'head'; request: CopyRequest }
  | { kind: 'category'; category: CopyCategory }
  | { kind: 'row'; row: Record<string, unknown> }
  | { kind: 'category-end' }
  | { kind: 'end'; withheld: WithheldCategory[] };

/** The lines of a file stored in parts (a line may run across parts; a line break is one byte, so no character is split). */
export async function* linesOf(parts: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let rest: Buffer | null = null;
  for await (const part of parts) {
    const data: Buffer = rest ? Buffer.concat([rest, part]) : part;
    let start = 0;
    for (let end = data.indexOf(0x0a, start); end !== -1; end = data.indexOf(0x0a, start)) {
      yield data.toString('utf8', start, end);
      start = end + 1;
    }
    rest = start < data.length ? data.subarray(start) : null;
  }
  if (rest) yield rest.toString('utf8');
}

/** The copy's JSON, line by line, as what each line holds. */
export async function* readCopy(lines: AsyncIterable<string>): AsyncGenerator<CopyPiece> {
  let first = true;
  let inRows = false;
  for await (const line of lines) {
    if (line === '') continue;
    if (first) {
      first = false;
      yield { kind: 'head', request: (JSON.parse(`${line}]}`) as { request: CopyRequest }).request };
    } else if (inRows) {
      if (line === ']}') {
        inRows = false;
        yield { kind: 'category-end' };
      } else yield { kind: 'row', row: JSON.parse(withoutComma(line)) as Record<string, unknown> };
    } else if (line.startsWith('],"withheld":')) {
      yield { kind: 'end', withheld: (JSON.parse(`{"categories":[${line}`) as { withheld: WithheldCategory[] }).withheld };
    } else {
      const category = JSON.parse(`${withoutComma(line)}]}`) as CopyCategory & { rows?: unknown[] };
      delete category.rows;
      inRows = true;
      yield { kind: 'category', category };
    }
  }
}

function withoutComma(line: string): string {
  return line.startsWith(',') ? line.slice(1) : line;
}

/** The page people read, in Chinese and English: each category's rows as a table, then what was withheld and why. */
export async function* copyHtml(copy: AsyncIterable<CopyPiece>): AsyncGenerator<string> {
  const out = new Pieces();
  let keys: string[] | null = null;
  let rows = 0;
  for await (const piece of copy) {
    let text: string;
    switch (piece.kind) {
      case 'head':
        text = htmlHead(piece.request);
        break;
      case 'category': {
        const { label, systemLabel, system, clauses } = piece.category;
        text =
          `<section><h2>${escapeHtml(label?.['zh-CN'] ?? piece.category.category)} / ${escapeHtml(label?.en ?? piece.category.category)}</h2>` +
          `<p>${escapeHtml(systemLabel?.['zh-CN'] ?? system)} / ${escapeHtml(systemLabel?.en ?? system)} · ${escapeHtml(clauses.join(', '))}</p>`;
        keys = null;
        rows = 0;
        break;
      }
      case 'row':
        text = '';
        if (!keys) {
          keys = Object.keys(piece.row);
          text = `<table><thead><tr>${keys.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}</tr></thead><tbody>`;
        }
        text += '<tr>';
        for (const value of Object.values(piece.row)) text += `<td>${cellText(value)}</td>`;
        text += '</tr>';
        rows += 1;
        break;
      case 'category-end':
        text = `${keys ? '</tbody></table>' : ''}<p>${rows} 条记录 / ${rows} record${rows === 1 ? '' : 's'}</p></section>`;
        break;
      case 'end':
        text = `${htmlWithheld(piece.withheld)}</body></html>`;
        break;
    }
    const ready = out.add(text);
    if (ready) yield ready;
  }
  const last = out.take();
  if (last) yield last;
}

/** One category's rows as CSV (RFC 4180, safe for spreadsheets): a header of the first row's keys, then a line per row. */
export async function* copyCsv(copy: AsyncIterable<CopyPiece>, category: string): AsyncGenerator<string> {
  const out = new Pieces();
  let inCategory = false;
  let header = false;
  for await (const piece of copy) {
    if (piece.kind === 'category') inCategory = piece.category.category === category;
    else if (piece.kind === 'category-end' && inCategory) break;
    else if (piece.kind === 'row' && inCategory) {
      let text = '';
      if (!header) {
        text = `${Object.keys(piece.row).map(csvField).join(',')}\r\n`;
        header = true;
      }
      text += `${Object.values(piece.row).map(csvField).join(',')}\r\n`;
      const ready = out.add(text);
      if (ready) yield ready;
    }
  }
  const last = out.take();
  if (last) yield last;
}

/** A value of a row as a table cell shows it: objects as JSON, escaped for HTML. */
function cellText(value: unknown): string {
  if (typeof value === 'object' && value !== null) return escapeHtml(JSON.stringify(value));
  return escapeHtml(value as string | number | boolean | null | undefined);
}

function htmlHead(request: CopyRequest): string {
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>个人信息副本 / Copy of your personal information</title>' +
    '<style>body{font-family:"Noto Sans CJK SC",sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}</style>' +
    `</head><body><h1>个人信息副本 / Copy of your personal information</h1><p>申请 / Request ${escapeHtml(request.id)} · ${escapeHtml(request.type)} · ${escapeHtml(request.generatedAt)}</p>`
  );
}

function htmlWithheld(withheld: WithheldCategory[]): string {
  if (withheld.length === 0) return '<section><h2>未提供的信息 / Withheld</h2><p>无 / None</p></section>';
  return (
    '<section><h2>未提供的信息 / Withheld</h2><ul>' +
    withheld.map((w) => `<li>${escapeHtml(w.category)}: ${escapeHtml([...w.law, ...w.clauses].join(', '))}</li>`).join('') +
    '</ul></section>'
  );
}
