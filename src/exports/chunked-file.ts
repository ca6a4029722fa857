/** How much of a file is held before it is written as one part: memory stays bounded whatever the file's size. */
export const PART_BYTES = 256 * 1024;

/**
 * A file written in parts (`export_parts`): text is buffered up to PART_BYTES, then handed to
 * `store` as one part, numbered from 0.
 */
export class ChunkedFile {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private next = 0;

  constructor(
    readonly name: string,
    private readonly store: (n: number, data: Buffer) => Promise<void>,
  ) {}

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= PART_BYTES) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.store(this.next++, data);
  }
}

/** Text for an HTML page: the five characters that could end an element or an attribute, escaped. */
export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading =+-@ neutralised for spreadsheets. */
export function csvField(value: unknown): string {
  let text = textOf(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A row's value as JSON holds it: dates as ISO-8601, binary as base64. */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

/** A value as one cell or line of text: dates as ISO-8601, objects as JSON, nothing as empty. */
function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString();
    default:
      return JSON.stringify(value) ?? '';
  }
}
