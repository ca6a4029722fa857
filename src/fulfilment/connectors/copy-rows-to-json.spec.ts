import { CopyRowsToJson, FieldKind } from './copy-rows-to-json';

/** A value as COPY's text format writes it (PostgreSQL's CopyAttributeOutText, tab-delimited). */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  const escapes: Record<string, string> = { '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  return value.replace(/[\\\b\f\n\r\t\v]/g, (c) => escapes[c]);
}

/** A deterministic random source, so that a failure can be run again. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

const TEXT_CHARS = [
  'a',
  'Z',
  ' ',
  '!',
  '"',
  '#',
  '\\',
  '/',
  '\x01',
  '\x07',
  '\b',
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\x1b',
  '\x1f',
  '\x7f',
  '个',
  '人',
  '😀',
  '\u2028',
  'é',
  'N',
];
const NUMBERS = ['0', '1', '-0', '1.5', '-12.25', '1e+20', '2.5e-05', '12345678901234', 'NaN', 'Infinity', '-Infinity'];
const JSON_TEXTS = ['{"a": 1}', '{\n  "pretty": true,\r\n  "x": "\\u0001 \\" \\\\"\n}', '[1,\t2]', '"个人"', 'null', '{"s": "tab\\there"}'];

/** What the copy must hold for a value: JSON.stringify's text, as the driver path writes it (row-json.ts). */
function expected(kind: FieldKind, value: string | null): string {
  if (value === null) return 'null';
  switch (kind) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value) ? value : 'null';
    case 'boolean':
      return value === 't' ? 'true' : 'false';
    case 'json':
      return value.replace(/[\n\r]/g, ' ');
  }
}

describe("a COPY's text turned into a copy's JSON, byte by byte", () => {
  const names = ['text', 'n', 'ok', 'doc', 'last "one"'];
  const kinds: FieldKind[] = ['string', 'number', 'boolean', 'json', 'string'];

  function sample(next: () => number, rows: number): { copy: Buffer; json: string } {
    const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
    const copy: string[] = [];
    const json: string[] = [];
    for (let r = 0; r < rows; r++) {
      const values = kinds.map((kind): string | null => {
        if (next() < 0.1) return null;
        if (kind === 'string') return Array.from({ length: Math.floor(next() * 12) }, () => pick(TEXT_CHARS)).join('');
        if (kind === 'number') return pick(NUMBERS);
        if (kind === 'boolean') return pick(['t', 'f']);
        return pick(JSON_TEXTS);
      });
      copy.push(`${values.map(copyText).join('\t')}\n`);
      json.push(`${r > 0 ? ',' : ''}{${names.map((name, i) => `${JSON.stringify(name)}:${expected(kinds[i], values[i])}`).join(',')}}\n`);
    }
    return { copy: Buffer.from(copy.join(''), 'utf8'), json: json.join('') };
  }

  it('writes every value as JSON.stringify would, with the rows cut anywhere (inside a character, an escape or \\N)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const { copy, json } = sample(next, 60);
      const writer = new CopyRowsToJson(names, kinds);
      let out = '';
      let rows = 0;
      for (let at = 0; at < copy.length;) {
        const to = Math.min(copy.length, at + 1 + Math.floor(next() * 40));
        writer.write(copy.subarray(at, to));
        at = to;
        const piece = writer.take();
        if (piece) {
          out += piece.text.toString('utf8');
          rows += piece.rows;
        }
      }
      writer.end();
      expect(out).toBe(json);
      expect(rows).toBe(60);
      // Each element parses as the values it came from.
      expect(() => JSON.parse(`[${out}]`)).not.toThrow();
    }
  });

  it('writes one row a message, the way the driver hands them over', () => {
    const { copy, json } = sample(random(99), 500);
    const writer = new CopyRowsToJson(names, kinds);
    let out = '';
    for (let at = 0; at < copy.length;) {
      const to = copy.indexOf(0x0a, at) + 1;
      writer.write(copy.subarray(at, to));
      at = to;
    }
    out += writer.take()?.text.toString('utf8') ?? '';
    expect(out).toBe(json);
    expect(writer.take()).toBeNull();
  });

  it('says when a piece is full, and starts the next piece in its own buffer', () => {
    const writer = new CopyRowsToJson(['v'], ['string']);
    const row = Buffer.from(`${'x'.repeat(1000)}\n`);
    let written = 0;
    while (!writer.full()) {
      writer.write(row);
      written++;
    }
    expect(written).toBeGreaterThan(100);
    const first = writer.take()!;
    expect(first.rows).toBe(written);
    expect(first.text.length).toBeGreaterThanOrEqual(128 * 1024);
    expect(writer.full()).toBe(false);
    writer.write(Buffer.from('y\n'));
    expect(writer.take()).toEqual({ text: Buffer.from(',{"v":"y"}\n'), rows: 1 });
  });

  it('refuses a row whose values do not match the columns, and a COPY that ends inside a row', () => {
    expect(() => new CopyRowsToJson(['a', 'b'], ['string', 'string']).write(Buffer.from('only one\n'))).toThrow('fewer values');
    expect(() => new CopyRowsToJson(['a'], ['string']).write(Buffer.from('one\ttwo\n'))).toThrow('more values');
    const cut = new CopyRowsToJson(['a'], ['string']);
    cut.write(Buffer.from('whole\nhalf'));
    expect(cut.take()?.rows).toBe(1);
    expect(() => cut.end()).toThrow('inside a row');
  });

  it('writes a row of no columns as an empty object', () => {
    const writer = new CopyRowsToJson([], []);
    writer.write(Buffer.from('\n\n'));
    expect(writer.take()).toEqual({ text: Buffer.from('{}\n,{}\n'), rows: 2 });
  });
});
