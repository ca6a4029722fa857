import type { JsonElements } from './connector';
import { CopyRowsToJson, FieldKind } from './copy-rows-to-json';

/**
 * A row's value as a copy's JSON holds it: dates as ISO-8601 (UTC, milliseconds), binary as
 * base64. The driver already answers big numbers (int8, numeric) as text.
 */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

/**
 * One row as a copy's JSON text (jsonValue). A row without binary values is given to
 * JSON.stringify as it is (a date's own JSON form is its ISO-8601 text), sparing the copy of every
 * row that mapping its values would make.
 */
export function jsonRow(row: Record<string, unknown>): string {
  for (const value of Object.values(row)) {
    if (Buffer.isBuffer(value)) return JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonValue(v)])));
  }
  return JSON.stringify(row);
}

/** Rows a connector answers, as the elements of a JSON array written by the portal (JsonElements). */
export async function* jsonElementsOf(batches: AsyncIterable<Record<string, unknown>[]>): AsyncGenerator<JsonElements> {
  let first = true;
  for await (const rows of batches) {
    let text = '';
    for (const row of rows) {
      text += first ? `${jsonRow(row)}\n` : `,${jsonRow(row)}\n`;
      first = false;
    }
    yield { text, rows: rows.length };
  }
}

/** One column of a COPY plan: its SQL, and how its text is written. */
interface PlannedColumn {
  select: string;
  kind: FieldKind;
}

/** Type oids with a form of their own in the copy's JSON, written by the statement (planned). */
const BYTEA = 17;
const INT8 = 20;
const NUMERIC = 1700;
const MONEY = 790;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const DATE = 1082;
/** Types the driver answers as JS numbers (int2, int4, oid, float4, float8); booleans below them. */
const NUMBER_TYPES = new Set([21, 23, 26, 700, 701]);
const BOOL = 16;
/** Types the driver answers as their text: char, name, text, bpchar, varchar, inet, cidr, macaddr, time, timetz, uuid. */
const TEXT_TYPES = new Set([18, 19, 25, 1042, 1043, 869, 650, 829, 1083, 1266, 2950]);
/** JSON as stored (json, jsonb): copied as its text. */
const JSON_TYPES = new Set([114, 3802]);

/** A column name as an SQL identifier: always quoted, a quote in it doubled. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Milliseconds, UTC, `Z`: the form of `Date.prototype.toISOString`, which the copy uses for every time. */
const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * A column of `t` as the copy's JSON holds it (jsonValue): times in ISO-8601 UTC and binary in
 * base64, written by the database, which does it for a fraction of what parsing them would cost
 * the portal; big numbers as text (a JSON reader's numbers may not hold them exactly); numbers,
 * booleans and text as they are; anything else as the database's own JSON of it.
 */
function planned(column: { name: string; dataTypeID: number }): PlannedColumn {
  const c = `t.${ident(column.name)}`;
  switch (column.dataTypeID) {
    case BYTEA:
      return { select: `translate(encode(${c}, 'base64'), E'\\n', '')`, kind: 'string' };
    case INT8:
    case NUMERIC:
    case MONEY:
      return { select: `${c}::text`, kind: 'string' };
    case TIMESTAMPTZ:
      return { select: `to_char(${c} AT TIME ZONE 'UTC', ${ISO_MS})`, kind: 'string' };
    case TIMESTAMP:
      return { select: `to_char(${c}, ${ISO_MS})`, kind: 'string' };
    case DATE:
      return { select: `to_char(${c}, 'YYYY-MM-DD')`, kind: 'string' };
    case BOOL:
      return { select: c, kind: 'boolean' };
  }
  if (NUMBER_TYPES.has(column.dataTypeID)) return { select: c, kind: 'number' };
  if (TEXT_TYPES.has(column.dataTypeID)) return { select: c, kind: 'string' };
  if (JSON_TYPES.has(column.dataTypeID)) return { select: c, kind: 'json' };
  return { select: `to_json(${c})`, kind: 'json' };
}

/**
 * How the rows of `sql` become a copy's JSON with the least work on either side: a statement
 * answering each column in the form the copy writes it, read as COPY's text (nothing parsed per
 * row by the driver), and a writer (CopyRowsToJson) that joins each row's fields into its JSON
 * text. The database writes times and binary, which it does cheaply; the portal writes the JSON,
 * which the database does slowly (row_to_json cost it three times what COPY of the same rows
 * costs). Null when the columns cannot be named one by one (two with the same name): the rows
 * are then read as they are.
 */
export function copyJsonPlan(sql: string, columns: { name: string; dataTypeID: number }[]): { sql: string; writer: () => CopyRowsToJson } | null {
  if (new Set(columns.map((c) => c.name)).size !== columns.length) return null;
  const plan = columns.map(planned);
  // On lines of their own: a comment at the end of the statement cannot swallow the parenthesis.
  const select = `SELECT ${plan.map((p) => p.select).join(', ')} FROM (\n${sql}\n) AS t`;
  return {
    sql: select,
    writer: () =>
      new CopyRowsToJson(
        columns.map((c) => c.name),
        plan.map((p) => p.kind),
      ),
  };
}
