import { isUUID } from 'class-validator';
import type { HoldPosition } from './holds.repository';
import { invalidCursor } from './holds.errors';

/**
 * The list's cursor: the position of the last hold of a page (its exact placement time in
 * microseconds, and its id). Sealed by PageCursors at the edge; checked again here, so that only a
 * position the database could have produced reaches the query.
 */
export function encodeHoldCursor(position: HoldPosition): string {
  return JSON.stringify([position.placedMicros, position.id]);
}

/** 400 `invalid_cursor` for anything this list did not hand out. */
export function decodeHoldCursor(cursor: string): HoldPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalidCursor();
  const [placedMicros, id] = parsed as unknown[];
  // Sixteen digits reach the year 2286: far inside what a bigint and a timestamptz hold.
  if (typeof placedMicros !== 'string' || !/^\d{1,16}$/.test(placedMicros) || typeof id !== 'string' || !isUUID(id)) throw invalidCursor();
  return { placedMicros, id };
}
