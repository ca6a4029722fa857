import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditContent } from './audit-hash';
import { AuditEventView } from './audit.types';

/** What the sealer needs of an event: which it is, its place in sealing order, and its hash. */
export interface PendingEvent {
  id: string;
  n: string;
  txId: string;
  contentHash: string;
}

export interface ChainLink {
  seq: string;
  eventId: string;
  txId: string;
  n: string;
  prevHash: string;
  chainHash: string;
}

export interface LinkWithEvent {
  seq: string;
  prevHash: string;
  chainHash: string;
  eventId: string;
  /** the event's place in sealing order, as the link recorded it */
  txId: string;
  n: string;
  event: (AuditContent & { contentHash: string; txId: string; n: string }) | null;
}

/** An event's place in sealing order: its transaction id, then its write order. */
export interface SealOrder {
  txId: string;
  n: string;
}

const EVENT_COLUMNS = `e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
  e.action, e.actor_id AS "actorId", e.actor_role AS "actorRole", e.entity_type AS "entityType",
  e.entity_id AS "entityId", e.subject_ref AS "subjectRef", e.data, e.content_hash AS "contentHash"`;

/** An event as it is stored: its content and the hash of that content. */
export type AuditEventRow = AuditContent & { contentHash: string };

/**
 * The columns an event is inserted with, and its values in their order: the filing's one statement
 * writes an event with them too (src/requests/filing.repository.ts).
 */
export const AUDIT_EVENT_INSERT_COLUMNS = `(id, occurred_at, action, actor_id, actor_role, entity_type, entity_id, subject_ref, data, content_hash)`;

export function auditEventValues(e: AuditEventRow): unknown[] {
  return [e.id, e.occurredAt, e.action, e.actorId, e.actorRole, e.entityType, e.entityId, e.subjectRef, JSON.stringify(e.data), e.contentHash];
}

/** The SQL of the audit trail. Writers only ever INSERT; the database refuses anything else. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertEvent(manager: EntityManager, e: AuditEventRow): Promise<void> {
    await manager.query(`INSERT INTO audit_events ${AUDIT_EVENT_INSERT_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, auditEventValues(e));
  }

  /**
   * Runs `work` holding the sealer's advisory lock. Writers never take this lock. Without `wait`,
   * returns null at once if another sealer holds it; with `wait`, queues behind that sealer (whose
   * batch is short) so that the caller sees everything committed before it asked.
   */
  async withSealerLock<T>(work: (manager: EntityManager) => Promise<T>, wait = false): Promise<T | null> {
    return this.dataSource.transaction(async (manager) => {
      if (wait) {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('audit_sealer'))`);
        return work(manager);
      }
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext('audit_sealer')) AS locked`);
      return locked ? work(manager) : null;
    });
  }

  /**
   * Runs `work` on one snapshot of the trail (REPEATABLE READ, read only), so that a walk in many
   * batches sees the chain and the events as they stood at one moment. Holding no transaction id,
   * it does not hold back sealing meanwhile. Batches are read by the primary key in order: no
   * parallel workers, whose start-up would cost more than the read.
   */
  async onOneSnapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(`SET TRANSACTION READ ONLY`);
      await manager.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      return work(manager);
    });
  }

  async lastLink(manager: EntityManager): Promise<ChainLink | null> {
    const rows = await manager.query(
      `SELECT seq, event_id AS "eventId", tx_id::text AS "txId", n::text AS n, prev_hash AS "prevHash", chain_hash AS "chainHash"
       FROM audit_chain ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  /**
   * Committed, not yet sealed events in a stable order. Only transactions older than every one
   * still running (txid < the snapshot's xmin) are taken: any event written later has a larger
   * transaction id, so the order of what is sealed never changes afterwards.
   */
  async pendingAfter(manager: EntityManager, after: { txId: string; n: string } | null, limit: number): Promise<PendingEvent[]> {
    return manager.query(
      `SELECT e.id, e.n::text AS n, e.tx_id::text AS "txId", e.content_hash AS "contentHash"
       FROM audit_events e
       WHERE e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
         AND ($1::xid8 IS NULL OR (e.tx_id, e.n) > ($1::xid8, $2::bigint))
       ORDER BY e.tx_id, e.n
       LIMIT $3`,
      [after?.txId ?? null, after?.n ?? null, limit],
    );
  }

  async insertLinks(manager: EntityManager, links: ChainLink[]): Promise<void> {
    if (links.length === 0) return;
    const values: unknown[] = [];
    const tuples = links.map((l, i) => {
      values.push(l.seq, l.eventId, l.txId, l.n, l.prevHash, l.chainHash);
      const b = i * 6;
      return `($${b + 1}::bigint, $${b + 2}::uuid, $${b + 3}::xid8, $${b + 4}::bigint, $${b + 5}, $${b + 6})`;
    });
    await manager.query(`INSERT INTO audit_chain (seq, event_id, tx_id, n, prev_hash, chain_hash) VALUES ${tuples.join(',')}`, values);
  }

  /** Links in order with their events (null where an event is missing). */
  async linksFrom(manager: EntityManager, afterSeq: number | string, limit: number): Promise<LinkWithEvent[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT c.seq::text AS seq, c.prev_hash AS "prevHash", c.chain_hash AS "chainHash", c.event_id AS "linkEventId",
              c.tx_id::text AS "linkTxId", c.n::text AS "linkN", e.tx_id::text AS "txId", e.n::text AS n,
              ${EVENT_COLUMNS}
       FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
       WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map((r) => ({
      seq: r.seq as string,
      prevHash: r.prevHash as string,
      chainHash: r.chainHash as string,
      eventId: r.linkEventId as string,
      txId: r.linkTxId as string,
      n: r.linkN as string,
      event:
        r.id == null
          ? null
          : {
              ...contentOf(r),
              contentHash: r.contentHash as string,
              txId: r.txId as string,
              n: r.n as string,
            },
    }));
  }

  /**
   * The first event that sorts before `upTo` (the last link verified) yet is in no link. The sealer
   * links events strictly in (tx_id, n) order and only once every transaction before them has
   * ended, so such an event cannot be one still on its way in: it was slipped in around the
   * chain. Events after `upTo` are merely not sealed yet. Returns the link it was slipped in
   * before, too.
   */
  async firstUnchainedBefore(manager: EntityManager, upTo: SealOrder): Promise<{ id: string; beforeSeq: number | null } | null> {
    const rows: Array<{ id: string; txId: string; n: string }> = await manager.query(
      `SELECT e.id, e.tx_id::text AS "txId", e.n::text AS n
       FROM audit_events e
       WHERE (e.tx_id, e.n) < ($1::xid8, $2::bigint)
         AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
       ORDER BY e.tx_id, e.n LIMIT 1`,
      [upTo.txId, upTo.n],
    );
    if (!rows[0]) return null;
    const [{ beforeSeq }] = await manager.query(`SELECT min(seq)::text AS "beforeSeq" FROM audit_chain WHERE (tx_id, n) > ($1::xid8, $2::bigint)`, [
      rows[0].txId,
      rows[0].n,
    ]);
    return { id: rows[0].id, beforeSeq: beforeSeq == null ? null : Number(beforeSeq) };
  }

  async findEvents(filter: { entityType?: string; entityId?: string; subjectRef?: string }, limit: number, beforeN?: string): Promise<AuditEventView[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS}, c.seq::text AS seq, e.n::text AS n
       FROM audit_events e LEFT JOIN audit_chain c ON c.event_id = e.id
       WHERE ($1::text IS NULL OR e.entity_type = $1) AND ($2::text IS NULL OR e.entity_id = $2)
         AND ($3::uuid IS NULL OR e.subject_ref = $3) AND ($4::bigint IS NULL OR e.n < $4)
       ORDER BY e.n DESC LIMIT $5`,
      [filter.entityType ?? null, filter.entityId ?? null, filter.subjectRef ?? null, beforeN ?? null, limit],
    );
    return rows.map((r) => ({
      ...contentOf(r),
      seq: r.seq == null ? null : Number(r.seq),
      n: r.n as string,
    }));
  }
}

/** The hashed fields of an event, from a row selected with EVENT_COLUMNS. */
function contentOf(r: Record<string, unknown>): AuditContent {
  return {
    id: r.id as string,
    occurredAt: r.occurredAt as string,
    action: r.action as string,
    actorId: r.actorId as string | null,
    actorRole: r.actorRole as string | null,
    entityType: r.entityType as string,
    entityId: r.entityId as string | null,
    subjectRef: r.subjectRef as string | null,
    data: r.data,
  };
}
