import { SpareBuffers } from '../../common/memory/spare-buffers';
import type { CopyPieces } from '../../database/copy-out';
import type { JsonElements } from './connector';

/** How a column's text from COPY goes into the row's JSON. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'json';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE = 0x7d; // }
const HEX = Buffer.from('0123456789abcdef');
const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
/** JSON's short escapes (JSON.stringify's): for a control character, the letter written after the backslash. */
const SHORT_ESCAPE: Record<number, number> = { 0x08: 0x62, 0x0c: 0x66, 0x0a: 0x6e, 0x0d: 0x72, 0x09: 0x74 };
/** COPY's escapes (b, f, n, r, t, v), by their letter: the control character each stands for. */
const COPY_ESCAPE: Record<number, number> = { 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x76: 0x0b };

/** How many bytes of JSON a piece holds before it is handed on. */
const PIECE_BYTES = 128 * 1024;
const OUT_BUFFERS = new SpareBuffers(2 * PIECE_BYTES, 4);

/** Room always left at the end of the output for one value's longest expansion (a control character as `\u00XX`). */
const SLACK = 16;

/**
 * Turns COPY's text (one row a line, fields separated by tabs, `\N` for null, backslash escapes:
 * copy-text.ts) into the elements of a JSON array, one a line (JsonElements), gathered into the
 * pieces copyOutPieces hands on (CopyPieces). A row cut between two writes is kept until the rest
 * comes (the driver hands over one row a write).
 *
 * It works on the bytes, in one pass, into a buffer of its own that it fills again for every piece:
 * COPY's UTF-8 is the copy's UTF-8, and most bytes of a value are copied as they are. The escapes
 * COPY writes (`\b \f \n \r \t \\`) are JSON's too; only a quote, `\v` and a raw control character
 * need escaping, as JSON.stringify escapes them. So no string is made per row or per value: decoding
 * each piece, making a string of every value and joining them cost the portal more than the
 * database's whole COPY, half of it in the garbage collector.
 *
 * The piece `take` answers (`text`, a Buffer) is its own, written again once rows come after it:
 * the caller copies it first.
 */
export class CopyRowsToJson implements CopyPieces<JsonElements> {
  /** Per column: `{"name":` for the first, `,"name":` for the others, as UTF-8. */
  private readonly prefixes: Buffer[];
  /** Room for a full piece and what the driver had read when it filled (SpareBuffers: given back at `end`). */
  private out = OUT_BUFFERS.take();
  /** Bytes and rows written since the last `take`. */
  private used = 0;
  private rows = 0;
  /** The start of a row cut at the end of a piece, kept until the rest comes. */
  private rest: Buffer | null = null;
  private first = true;
  /** Where in the input the value being written ends (set by string, number and json). */
  private at = 0;

  constructor(
    names: string[],
    private readonly kinds: FieldKind[],
  ) {
    this.prefixes = names.map((name, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(name)}:`, 'utf8'));
  }

  /** Some bytes of COPY's text: the rows complete in them (with what was kept of the bytes before) are written. */
  write(data: Buffer): void {
    // The usual case: one CopyData message, one whole row.
    if (this.rest === null && data[data.length - 1] === LF) return this.convert(data, data.length - 1);
    const joined = this.rest ? Buffer.concat([this.rest, data]) : data;
    const end = joined.lastIndexOf(LF);
    this.rest = Buffer.from(joined.subarray(end + 1));
    if (this.rest.length === 0) this.rest = null;
    if (end !== -1) this.convert(joined, end);
  }

  full(): boolean {
    return this.used >= PIECE_BYTES;
  }

  /** The rows written since the last take, as elements of the JSON array; the Buffer is written again after. */
  take(): JsonElements | null {
    if (this.rows === 0) return null;
    const piece = { text: this.out.subarray(0, this.used), rows: this.rows };
    this.used = 0;
    this.rows = 0;
    return piece;
  }

  /** The rows of `data` up to its line break at `end`. */
  private convert(data: Buffer, end: number): void {
    let o = this.used;
    for (let i = 0; i <= end; this.rows++) {
      if (!this.first) o = this.byte(o, COMMA);
      this.first = false;
      for (let c = 0; c < this.kinds.length; c++) {
        if (c > 0) {
          if (data[i] !== TAB) throw new Error('a COPY row has fewer values than columns');
          i++;
        }
        o = this.bytes(o, this.prefixes[c]);
        // `\N` alone is null (a value `\N` comes as `\\N`).
        if (data[i] === BACKSLASH && data[i + 1] === 0x4e && (data[i + 2] === TAB || data[i + 2] === LF)) {
          o = this.bytes(o, NULL);
          i += 2;
          continue;
        }
        switch (this.kinds[c]) {
          case 'string':
            o = this.string(data, i, o);
            i = this.at;
            break;
          case 'number':
            o = this.number(data, i, o);
            i = this.at;
            break;
          case 'boolean': {
            const from = i;
            while (data[i] !== TAB && data[i] !== LF) i++;
            o = this.bytes(o, i - from === 1 && data[from] === 0x74 ? TRUE : FALSE);
            break;
          }
          case 'json':
            o = this.json(data, i, o);
            i = this.at;
            break;
        }
      }
      if (this.kinds.length === 0) o = this.byte(o, 0x7b); // a row of no columns: {}
      if (data[i] !== LF) throw new Error('a COPY row has more values than columns');
      i++;
      o = this.byte(o, CLOSE);
      o = this.byte(o, LF);
    }
    this.used = o;
  }

  /** What is left once COPY is done: nothing, or the stream was cut. The last piece taken is no longer the caller's. */
  end(): void {
    if (this.rest) throw new Error('COPY ended inside a row');
    OUT_BUFFERS.give(this.out);
  }

  /** A text value, between quotes, escaped as JSON.stringify escapes it; answers where the output ends (and sets `at`). */
  private string(data: Buffer, i: number, o: number): number {
    let out = this.room(o, SLACK);
    let limit = out.length - SLACK;
    out[o++] = QUOTE;
    for (;;) {
      if (o >= limit) {
        out = this.room(o, SLACK);
        limit = out.length - SLACK;
      }
      const b = data[i];
      if (b > QUOTE && b !== BACKSLASH) {
        out[o++] = b;
        i++;
      } else if (b === TAB || b === LF) {
        break;
      } else if (b === QUOTE) {
        out[o++] = BACKSLASH;
        out[o++] = QUOTE;
        i++;
      } else if (b === BACKSLASH) {
        const next = data[i + 1];
        if (next === TAB || next === LF) {
          // A backslash ending a value (COPY never writes one): itself.
          out[o++] = BACKSLASH;
          out[o++] = BACKSLASH;
          i++;
        } else if (next === 0x76) {
          o = escapeControl(out, o, 0x0b);
          i += 2;
        } else if (next === BACKSLASH || COPY_ESCAPE[next] !== undefined) {
          // `\b \f \n \r \t \\`: JSON's escapes as well.
          out[o++] = BACKSLASH;
          out[o++] = next;
          i += 2;
        } else {
          // Any other escaped character is itself (COPY TO writes none).
          i++;
        }
      } else if (b < SPACE) {
        o = escapeControl(out, o, b);
        i++;
      } else {
        // A space or `!`.
        out[o++] = b;
        i++;
      }
    }
    out[o++] = QUOTE;
    this.at = i;
    return o;
  }

  /**
   * A number as its text when that is a JSON number; NaN and the infinities, which JSON cannot
   * hold, as null (JSON.stringify writes them so).
   */
  private number(data: Buffer, i: number, o: number): number {
    const from = i;
    while (data[i] !== TAB && data[i] !== LF) i++;
    this.at = i;
    if (!isJsonNumber(data, from, i)) return this.bytes(o, NULL);
    const out = this.room(o, i - from);
    for (let k = from; k < i; k++) out[o++] = data[k];
    return o;
  }

  /**
   * JSON text as the database wrote it, its COPY escapes undone, and its own line breaks (always
   * whitespace there: its strings hold theirs escaped) written as spaces, so that a row stays one line.
   */
  private json(data: Buffer, i: number, o: number): number {
    let out = this.room(o, SLACK);
    let limit = out.length - SLACK;
    for (;;) {
      if (o >= limit) {
        out = this.room(o, SLACK);
        limit = out.length - SLACK;
      }
      let b = data[i];
      if (b === TAB || b === LF) break;
      i++;
      if (b === BACKSLASH && data[i] !== TAB && data[i] !== LF) {
        b = COPY_ESCAPE[data[i]] ?? data[i];
        i++;
      }
      out[o++] = b === LF || b === CR ? SPACE : b;
    }
    this.at = i;
    return o;
  }

  private byte(o: number, b: number): number {
    this.room(o, 1)[o] = b;
    return o + 1;
  }

  private bytes(o: number, bytes: Buffer): number {
    const out = this.room(o, bytes.length);
    for (let k = 0; k < bytes.length; k++) out[o + k] = bytes[k];
    return o + bytes.length;
  }

  /** The output buffer, with at least `n` bytes free after `o` (what it holds kept). */
  private room(o: number, n: number): Buffer {
    if (o + n > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, o + n + SLACK));
      this.out.copy(grown, 0, 0, o);
      this.out = grown;
    }
    return this.out;
  }
}

/** A control character as JSON.stringify escapes it: `\b \f \n \r \t`, else `\u00XX`. */
function escapeControl(out: Buffer, o: number, b: number): number {
  out[o++] = BACKSLASH;
  const short = SHORT_ESCAPE[b];
  if (short !== undefined) {
    out[o++] = short;
    return o;
  }
  out[o++] = 0x75; // u
  out[o++] = 0x30;
  out[o++] = 0x30;
  out[o++] = HEX[b >> 4];
  out[o++] = HEX[b & 15];
  return o;
}

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/** Whether bytes `from`..`to` are a JSON number: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`. */
function isJsonNumber(data: Buffer, from: number, to: number): boolean {
  let i = from;
  if (data[i] === 0x2d) i++;
  if (data[i] === 0x30) i++;
  else if (isDigit(data[i]) && i < to) while (i < to && isDigit(data[i])) i++;
  else return false;
  if (i < to && data[i] === 0x2e) {
    const digits = ++i;
    while (i < to && isDigit(data[i])) i++;
    if (i === digits) return false;
  }
  if (i < to && (data[i] === 0x65 || data[i] === 0x45)) {
    i++;
    if (i < to && (data[i] === 0x2b || data[i] === 0x2d)) i++;
    const digits = i;
    while (i < to && isDigit(data[i])) i++;
    if (i === digits) return false;
  }
  return i === to;
}
