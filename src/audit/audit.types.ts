import type { Actor } from '../kernel/actor';

export interface AuditEventInput {
  /** dotted verb, e.g. `account.registered`, `request.decided` */
  action: string;
  actor: Actor;
  entityType: string;
  entityId?: string | null;
  /** The pseudonymous reference of the data subject concerned, never their email or name. */
  subjectRef?: string | null;
  /** Facts of the event; never personal data (ids, codes, clause ids, counts). */
  data?: Record<string, unknown>;
}

export interface AuditEventView {
  id: string;
  occurredAt: string;
  action: string;
  actorId: string | null;
  actorRole: string | null;
  entityType: string;
  entityId: string | null;
  subjectRef: string | null;
  data: unknown;
  seq: number | null;
  /** position in write order, the keyset cursor for listing */
  n: string;
}

export interface ChainBreak {
  seq: number | null;
  eventId: string | null;
  reason: string;
}

/** A link recorded outside the database (`seq` = `events` and `head` of an earlier verification). */
export interface ChainAnchor {
  seq: number;
  head: string;
}

export interface ChainVerification {
  ok: boolean;
  /** events checked */
  events: number;
  firstBrokenAt?: ChainBreak;
  /** the last link's hash: record it elsewhere to anchor the chain against a wholesale rewrite */
  head: string;
}
