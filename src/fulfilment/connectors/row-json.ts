import type { JsonElements } from './connector';

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

/** Type oids of the values whose JSON form the copy writes differently from PostgreSQL's own. */
const BYTEA = 17;
const INT8 = 20;
const NUMERIC = 1700;
const MONEY = 790;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const DATE = 1082;

/** A column name as an SQL identifier: always quoted, a quote in it doubled. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Milliseconds, UTC, `Z`: the form of `Date.prototype.toISOString`, which the copy uses for every time. */
const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** A column of `t` as the copy's JSON holds it (jsonValue: times in ISO-8601 UTC, binary in base64, big numbers as text). */
function valueOf(column: { name: string; dataTypeID: number }): string | null {
  const c = `t.${ident(column.name)}`;
  switch (column.dataTypeID) {
    case BYTEA:
      return `translate(encode(${c}, 'base64'), E'\\n', '')`;
    case INT8:
    case NUMERIC:
    case MONEY:
      // As the driver answers them: text, since a JSON reader's numbers may not hold them exactly.
      return `${c}::text`;
    case TIMESTAMPTZ:
      return `to_char(${c} AT TIME ZONE 'UTC', ${ISO_MS})`;
    case TIMESTAMP:
      return `to_char(${c}, ${ISO_MS})`;
    case DATE:
      return `to_char(${c}, 'YYYY-MM-DD')`;
    default:
      return null;
  }
}

/** Types whose JSON form row_to_json writes on one line (strings escaped, jsonb printed without line breaks): others may keep a line break of their own (json as it was typed). */
const ONE_LINE_TYPES = new Set([
  16, 17, 18, 19, 20, 21, 23, 25, 26, 700, 701, 790, 869, 650, 1043, 1042, 1082, 1083, 1114, 1184, 1186, 1266, 1700, 2950, 3802, 1009, 1015, 1007, 1016,
]);

/**
 * A statement answering, for each row of `sql`, the row's JSON text made by PostgreSQL
 * (`row_to_json`) after `prefix`, in the order and with the values the copy writes for a row the
 * driver reads (jsonRow): the database formats the rows of a large category while the portal
 * stores the copy, instead of the portal parsing every value and writing it again. The text has
 * no line break: JSON text needs none (its strings hold theirs escaped), and one kept as whitespace
 * (a json value as it was typed) is made a space.
 *
 * Answers null when the columns cannot be named one by one (two with the same name): the copy
 * then reads the rows as they are.
 */
export function jsonRowsSql(sql: string, columns: { name: string; dataTypeID: number }[], prefix = ''): string | null {
  if (new Set(columns.map((c) => c.name)).size !== columns.length) return null;
  // On lines of their own: a comment at the end of the statement cannot swallow the parenthesis.
  const source = `(\n${sql}\n) AS t`;
  const plain = columns.every((c) => valueOf(c) === null);
  let text = `row_to_json(${plain ? 't' : 'x'})::text`;
  if (!columns.every((c) => ONE_LINE_TYPES.has(c.dataTypeID))) text = `translate(${text}, E'\\n\\r', '  ')`;
  if (prefix) text = `${literal(prefix)} || ${text}`;
  if (plain) return `SELECT ${text} FROM ${source}`;
  const list = columns.map((c) => `${valueOf(c) ?? `t.${ident(c.name)}`} AS ${ident(c.name)}`).join(', ');
  return `SELECT ${text} FROM (SELECT ${list} FROM ${source}) AS x`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
