/**
 * How much text a stream hands out as one piece: well under V8's large-object size (a string over
 * about 128 KiB is made straight in the old generation, where it waits for a full collection as
 * garbage), so that pieces die young and a long download keeps the process's memory flat.
 */
export const PIECE_CHARS = 16 * 1024;

/** Collects text and hands it out in pieces of PIECE_CHARS. */
export class Pieces {
  private text = '';

  /** Adds `text`; answers a piece once there is one. */
  add(text: string): string | null {
    this.text += text;
    if (this.text.length < PIECE_CHARS) return null;
    return this.take();
  }

  /** What is collected, however short (the end of the stream). */
  take(): string {
    const piece = this.text;
    this.text = '';
    return piece;
  }
}
