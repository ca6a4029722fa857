import { createHash } from 'node:crypto';

/** The chain's first link points at this. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's own hash covers: everything that describes it, nothing the database adds. */
export interface AuditContent {
  id: string;
  occurredAt: string;
  action: string;
  actorId: string | null;
  actorRole: string | null;
  entityType: string;
  entityId: string | null;
  subjectRef: string | null;
  data: unknown;
}

/**
 * JSON with object keys sorted at every depth, so the hash does not depend on the order PostgreSQL's
 * jsonb hands keys back in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function contentHash(content: AuditContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** A link binds its position, the link before it and the event's own hash. */
export function linkHash(prevHash: string, seq: number | string, eventHash: string): string {
  return createHash('sha256').update(`${prevHash}:${seq}:${eventHash}`).digest('hex');
}
