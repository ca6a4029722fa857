/**
 * A value of PostgreSQL's COPY text format (`COPY … TO STDOUT`), as the database meant it: `\N` is
 * null, and a backslash escapes itself or one of the control characters COPY writes so (b, f, n,
 * r, t, v: COPY TO writes no other escape). A row is one line, its values separated by tabs: a tab
 * or a line break in a value comes escaped, so the raw ones are the only separators.
 */
export function copyField(field: string): string | null {
  if (field === '\\N') return null;
  return field.includes('\\') ? field.replace(COPY_ESCAPE, (_, c: string) => COPY_ESCAPES[c] ?? c) : field;
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const COPY_ESCAPE = /\\(.)/gs;
