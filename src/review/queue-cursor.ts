import { isUUID } from 'class-validator';
import type { QueuePosition } from './review.repository';
import { invalidCursor } from './review.errors';

/**
 * The queue's cursor: the position of the last row of a page (its exact due date in microseconds,
 * and its id), opaque to clients. Microseconds, not milliseconds: PostgreSQL keeps them, and a
 * cursor rounded to the millisecond would repeat or skip rows that share it.
 */
export function encodeCursor(position: QueuePosition): string {
  return Buffer.from(JSON.stringify([position.dueMicros, position.id]), 'utf8').toString('base64url');
}

/** 400 `invalid_cursor` for anything this queue did not hand out. */
export function decodeCursor(cursor: string): QueuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalidCursor();
  const [dueMicros, id] = parsed as unknown[];
  if (typeof dueMicros !== 'string' || !/^-?\d{1,19}$/.test(dueMicros) || typeof id !== 'string' || !isUUID(id)) throw invalidCursor();
  return { dueMicros, id };
}
