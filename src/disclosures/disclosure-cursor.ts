import { isUUID } from 'class-validator';
import { invalidCursor } from './disclosures.errors';

/** A position in the register's list (newest disclosure first): the last date in microseconds, as text, and the id. */
export interface DisclosurePosition {
  lastMicros: string;
  id: string;
}

/**
 * The list's cursor: the position of the last entry of a page. Sealed by PageCursors at the edge;
 * checked again here, so that only a position the database could have produced reaches the query.
 */
export function encodeDisclosureCursor(position: DisclosurePosition): string {
  return JSON.stringify([position.lastMicros, position.id]);
}

/** 400 `invalid_cursor` for anything this list did not hand out. */
export function decodeDisclosureCursor(cursor: string): DisclosurePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalidCursor();
  const [lastMicros, id] = parsed as unknown[];
  // Disclosures are in the past: a non-negative time, sixteen digits at most (the year 2286).
  if (typeof lastMicros !== 'string' || !/^\d{1,16}$/.test(lastMicros) || typeof id !== 'string' || !isUUID(id)) throw invalidCursor();
  return { lastMicros, id };
}
