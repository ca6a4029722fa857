import { SpareBuffers } from '../common/memory/spare-buffers';

/**
 * How many bytes a part holds: 1 MiB. Memory holds the part being filled and the one being stored
 * (two buffers per file), whatever the file's size; the buffers go on to the next file.
 */
export const PART_BYTES = 1024 * 1024;

/** Part buffers for every file this process writes, used again and again (SpareBuffers). */
const PARTS = new SpareBuffers(PART_BYTES, 4);

/**
 * A file written in parts (`export_parts`), numbered from 0. `write` copies text into the part
 * being filled at once, so that the text is garbage while it is young (text kept until a part was
 * full lived long enough to reach V8's old generation, whose collections took a tenth of an
 * export's time); `spill` hands every full part to `store`, and `close` the rest. A part is stored
 * while the writer goes on formatting the next (one store in flight per file: the database writes
 * one part while Node makes the next); a store that failed fails the next `spill` or `close`.
 */
export class ChunkedFile {
  private part: Buffer = PARTS.take();
  private used = 0;
  /** parts full and not yet handed to `store`, in order */
  private readonly full: Buffer[] = [];
  private next = 0;
  private storing: Promise<void> = Promise.resolve();
  private failed: { error: unknown } | null = null;

  constructor(
    readonly name: string,
    private readonly store: (n: number, data: Buffer) => Promise<void>,
  ) {}

  write(text: string | Buffer): void {
    if (typeof text !== 'string') return this.writeBytes(text);
    // A UTF-16 code unit is at most 3 bytes of UTF-8: text that may not fit ends the part first.
    if (this.used + text.length * 3 > PART_BYTES) {
      if (this.used > 0) this.endPart();
      if (text.length * 3 > PART_BYTES) {
        // One value larger than a part (an image, say) is a part of its own.
        this.full.push(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.part.write(text, this.used, 'utf8');
  }

  /** Bytes are split wherever a part is full (a reader of the file joins its parts first). */
  private writeBytes(bytes: Buffer): void {
    for (let from = 0; from < bytes.length;) {
      if (this.used === PART_BYTES) this.endPart();
      const copied = bytes.copy(this.part, this.used, from, Math.min(bytes.length, from + PART_BYTES - this.used));
      this.used += copied;
      from += copied;
    }
  }

  /** Hands the full parts to `store`; answers when the part before the last of them is stored. */
  async spill(): Promise<void> {
    while (this.full.length > 0) await this.storeNext(this.full.shift() as Buffer);
    if (this.failed) throw this.failed.error;
  }

  /** Stores what is left and waits for every part to be stored. */
  async close(): Promise<void> {
    if (this.used > 0) this.endPart();
    await this.spill();
    await this.storing;
    PARTS.give(this.part);
    if (this.failed) throw this.failed.error;
  }

  private endPart(): void {
    this.full.push(this.part.subarray(0, this.used));
    this.part = PARTS.take();
    this.used = 0;
  }

  private async storeNext(data: Buffer): Promise<void> {
    // The part before this one is stored first: parts are stored in order, one at a time.
    await this.storing;
    if (this.failed) return;
    // Caught at once (a rejection nobody awaits yet would end the process) and thrown by the next call.
    this.storing = this.store(this.next++, data).then(
      () => {
        // The part is stored: its buffer can be filled again (a value larger than a part had its own).
        PARTS.give(data);
      },
      (error: unknown) => {
        this.failed = { error };
      },
    );
  }
}
