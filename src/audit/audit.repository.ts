import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient, Query, QueryArrayConfig, ResultBuilder } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AuditContent, StoredContent } from './audit-hash';
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

/** A link and its event as the verifier streams them: the text PostgreSQL sends, nothing parsed or re-serialised. */
export interface StoredLink {
  seq: string;
  prevHash: string;
  chainHash: string;
  eventId: string;
  /** the link's place in sealing order; its event, when given, is at the same place */
  txId: string;
  n: string;
  /**
   * The link's event if it is at the link's place in sealing order and its time has the usual form;
   * otherwise null (missing, moved, or odd), and `linksFrom` reads the link again by its event's id alone.
   */
  event: (StoredContent & { contentHash: string }) | null;
}

/** Streams the chain to the verifier on the snapshot of `onOneSnapshot`. */
export interface ChainReader {
  /** the last link's seq on this snapshot (0 for an empty chain) */
  lastSeq: number;
  /**
   * Passes the links with afterSeq < seq <= toSeq to `each` in order, as they arrive (the server
   * goes on reading while `each` works), and holds none of them, so memory does not grow with the
   * range. `each` returns false to skip the rest.
   */
  read(afterSeq: number, toSeq: number, each: (link: StoredLink) => boolean): Promise<void>;
}

/** An event's columns as EVENT_COLUMNS selects them: its content and stored hash. */
type EventRow = AuditEventRow;

/** The same columns from the outer side of a join: all null where there is no event. */
type MaybeEventRow = { [K in keyof EventRow]: EventRow[K] | null };

interface LinkRow extends MaybeEventRow {
  seq: string;
  prevHash: string;
  chainHash: string;
  linkEventId: string;
  linkTxId: string;
  linkN: string;
  txId: string | null;
  n: string | null;
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
      const [{ locked }] = await manager.query<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock(hashtext('audit_sealer')) AS locked`);
      return locked ? work(manager) : null;
    });
  }

  /**
   * Runs `work` on one snapshot of the trail (REPEATABLE READ, read only), so that a walk in many
   * ranges sees the chain and the events as they stood at one moment. Holding no transaction id,
   * it does not hold back sealing meanwhile. Ranges are read by the primary key in order: no
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
    const rows = await manager.query<ChainLink[]>(
      `SELECT seq::text AS seq, event_id AS "eventId", tx_id::text AS "txId", n::text AS n, prev_hash AS "prevHash", chain_hash AS "chainHash"
       FROM audit_chain c ORDER BY c.seq DESC LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  /**
   * Committed, not yet sealed events in a stable order. Only transactions older than every one
   * still running (txid < the snapshot's xmin) are taken: any event written later has a larger
   * transaction id, so the order of what is sealed never changes afterwards. That holds for any
   * snapshot, so with `manager` null the read runs on a pooled connection of its own, beside the
   * sealer's transaction (which holds the lock, so the chain's end cannot move meanwhile).
   */
  async pendingAfter(manager: EntityManager | null, after: SealOrder | null, limit: number): Promise<PendingEvent[]> {
    return (manager ?? this.dataSource.manager).query<PendingEvent[]>(
      `SELECT e.id, e.n::text AS n, e.tx_id::text AS "txId", e.content_hash AS "contentHash"
       FROM audit_events e
       WHERE e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
         AND ($1::xid8 IS NULL OR (e.tx_id, e.n) > ($1::xid8, $2::bigint))
       ORDER BY e.tx_id, e.n
       LIMIT $3`,
      [after?.txId ?? null, after?.n ?? null, limit],
    );
  }

  /**
   * One INSERT of the whole batch, each column sent as one array: six parameters, whatever the
   * batch's size. Every value is digits, hex or a uuid, so an array literal needs no quoting.
   */
  async insertLinks(manager: EntityManager, links: ChainLink[]): Promise<void> {
    if (links.length === 0) return;
    const column = (pick: (l: ChainLink) => string) => `{${links.map(pick).join(',')}}`;
    await manager.query(
      `INSERT INTO audit_chain (seq, event_id, tx_id, n, prev_hash, chain_hash)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::xid8[], $4::bigint[], $5::text[], $6::text[])`,
      [column((l) => l.seq), column((l) => l.eventId), column((l) => l.txId), column((l) => l.n), column((l) => l.prevHash), column((l) => l.chainHash)],
    );
  }

  /**
   * Sets `onOneSnapshot`'s transaction up to stream the chain and finds where it ends. The walk reads
   * with the driver's own connection of that transaction, so that rows are checked as they arrive
   * and none is kept, and every column as text, so that nothing is parsed that is not needed.
   */
  async chainReader(manager: EntityManager): Promise<ChainReader> {
    if (!manager.queryRunner) throw new Error('chainReader runs inside onOneSnapshot');
    const client = (await manager.queryRunner.connect()) as PoolClient;
    // Timestamps in UTC, ISO form, whatever the connection's settings: see millisecondsIso.
    await client.query(`SET LOCAL TimeZone = 'UTC'`);
    await client.query(`SET LOCAL DateStyle = 'ISO'`);
    const { rows } = await client.query<{ last: string | null }>(`SELECT max(seq)::text AS last FROM audit_chain`);
    return {
      lastSeq: Number(rows[0]?.last ?? 0),
      read: (afterSeq, toSeq, each) => streamRows(client, STORED_LINKS, [afterSeq, toSeq], (row) => each(storedLink(row))),
    };
  }

  /** Links in order with their events (null where an event is missing). */
  async linksFrom(manager: EntityManager, afterSeq: number | string, limit: number): Promise<LinkWithEvent[]> {
    const rows = await manager.query<LinkRow[]>(
      `SELECT c.seq::text AS seq, c.prev_hash AS "prevHash", c.chain_hash AS "chainHash", c.event_id AS "linkEventId",
              c.tx_id::text AS "linkTxId", c.n::text AS "linkN", e.tx_id::text AS "txId", e.n::text AS n,
              ${EVENT_COLUMNS}
       FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
       WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map((r) => ({
      seq: r.seq,
      prevHash: r.prevHash,
      chainHash: r.chainHash,
      eventId: r.linkEventId,
      txId: r.linkTxId,
      n: r.linkN,
      // An event's NOT NULL columns are all there when its id is.
      event: r.id === null ? null : { ...contentOf(r as LinkRow & EventRow), contentHash: r.contentHash as string, txId: r.txId as string, n: r.n as string },
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
    const rows = await manager.query<Array<{ id: string; txId: string; n: string }>>(
      `SELECT e.id, e.tx_id::text AS "txId", e.n::text AS n
       FROM audit_events e
       WHERE (e.tx_id, e.n) < ($1::xid8, $2::bigint)
         AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
       ORDER BY e.tx_id, e.n LIMIT 1`,
      [upTo.txId, upTo.n],
    );
    if (!rows[0]) return null;
    const [{ beforeSeq }] = await manager.query<Array<{ beforeSeq: string | null }>>(
      `SELECT min(seq)::text AS "beforeSeq" FROM audit_chain WHERE (tx_id, n) > ($1::xid8, $2::bigint)`,
      [rows[0].txId, rows[0].n],
    );
    return { id: rows[0].id, beforeSeq: beforeSeq === null ? null : Number(beforeSeq) };
  }

  /** How many events sort before `upTo` in sealing order: an index-only count, no event read. */
  async countBefore(manager: EntityManager, upTo: SealOrder): Promise<number> {
    const [{ count }] = await manager.query<Array<{ count: string }>>(
      `SELECT count(*)::text AS count FROM audit_events e WHERE (e.tx_id, e.n) < ($1::xid8, $2::bigint)`,
      [upTo.txId, upTo.n],
    );
    return Number(count);
  }

  async findEvents(filter: { entityType?: string; entityId?: string; subjectRef?: string }, limit: number, beforeN?: string): Promise<AuditEventView[]> {
    const rows = await this.dataSource.query<Array<EventRow & { seq: string | null; n: string }>>(
      `SELECT ${EVENT_COLUMNS}, c.seq::text AS seq, e.n::text AS n
       FROM audit_events e LEFT JOIN audit_chain c ON c.event_id = e.id
       WHERE ($1::text IS NULL OR e.entity_type = $1) AND ($2::text IS NULL OR e.entity_id = $2)
         AND ($3::uuid IS NULL OR e.subject_ref = $3) AND ($4::bigint IS NULL OR e.n < $4)
       ORDER BY e.n DESC LIMIT $5`,
      [filter.entityType ?? null, filter.entityId ?? null, filter.subjectRef ?? null, beforeN ?? null, limit],
    );
    return rows.map((r) => ({
      ...contentOf(r),
      seq: r.seq === null ? null : Number(r.seq),
      n: r.n,
    }));
  }
}

/** The hashed fields of an event, from a row selected with EVENT_COLUMNS. */
function contentOf(r: EventRow): AuditContent {
  return {
    id: r.id,
    occurredAt: r.occurredAt,
    action: r.action,
    actorId: r.actorId,
    actorRole: r.actorRole,
    entityType: r.entityType,
    entityId: r.entityId,
    subjectRef: r.subjectRef,
    data: r.data,
  };
}

/**
 * The links of a range with their events, for the verifier's stream. A link's event is looked up at
 * the link's place in sealing order, (tx_id, n), the order the chain was sealed in: each lookup lands
 * next to the one before, where one by a random uuid would land anywhere in its index. The lateral
 * subquery keeps that one lookup per link whatever the planner thinks of the range's size (a hash
 * join would read every event for every range). An event that is not there with the link's id is
 * a broken link anyway, and `linksFrom` reads it again, by id alone, to say how.
 */
const STORED_LINKS = `SELECT c.seq, c.prev_hash, c.chain_hash, c.event_id, c.tx_id, c.n,
    e.occurred_at, e.action, e.actor_id, e.actor_role, e.entity_type, e.entity_id, e.subject_ref, e.data, e.content_hash
  FROM audit_chain c
  LEFT JOIN LATERAL (SELECT * FROM audit_events x WHERE x.tx_id = c.tx_id AND x.n = c.n LIMIT 1) e ON e.id = c.event_id
  WHERE c.seq > $1 AND c.seq <= $2
  ORDER BY c.seq`;

type TextRow = Array<string | null>;

function storedLink(row: TextRow): StoredLink {
  // Columns in STORED_LINKS' order. audit_chain's are NOT NULL. The event's are all null where there
  // is no event (its content_hash is NOT NULL), and otherwise null only where the schema allows.
  const [seq, prevHash, chainHash, eventId, txId, n] = row as string[];
  const contentHash = row[14];
  const at = contentHash === null ? null : millisecondsIso(row[6] as string);
  const event =
    contentHash === null || at === null
      ? null
      : {
          id: eventId,
          occurredAt: at,
          action: row[7] as string,
          actorId: row[8],
          actorRole: row[9],
          entityType: row[10] as string,
          entityId: row[11],
          subjectRef: row[12],
          data: row[13] as string,
          contentHash,
        };
  return { seq, prevHash, chainHash, eventId, txId, n, event };
}

/**
 * An event's time as EVENT_COLUMNS writes it (`to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, what
 * its hash covers), from its text in UTC and ISO style: '2026-11-29 10:00:00.123456+00', or without
 * the fraction when it is zero. The milliseconds are cut, not rounded, as to_char's MS does. Null
 * for any other form (a year past 9999, BC, infinity), which `linksFrom` reads with to_char.
 */
export function millisecondsIso(text: string): string | null {
  const length = text.length;
  const fractional = length >= 24 && length <= 29 && text[19] === '.';
  if ((length !== 22 && !fractional) || text[4] !== '-' || text[10] !== ' ' || !text.endsWith('+00')) return null;
  const millis = fractional ? `${text.slice(20, length - 3)}00`.slice(0, 3) : '000';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${millis}Z`;
}

/** Every column as the text PostgreSQL sends: nothing parsed (jsonb stays its JSON text). */
const AS_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * Runs one query on `client` and passes each row to `each` as it arrives; the driver keeps none.
 * After `each` returns false (or throws) the rest of the rows are received and dropped.
 */
function streamRows(client: PoolClient, text: string, values: unknown[], each: (row: TextRow) => boolean): Promise<void> {
  const config: QueryArrayConfig = { text, values, rowMode: 'array', types: AS_TEXT };
  return new Promise((resolve, reject) => {
    let open = true;
    let failed = false;
    let failure: unknown;
    const query = client.query(new Query<TextRow>(config));
    query.on('row', (row: TextRow, result?: ResultBuilder<TextRow>) => {
      // The driver also collects every row into the result when the pool sets a query timeout
      // (the timeout gives each query a callback): empty it as we go, or a range would be held.
      if (result) result.rows.length = 0;
      if (!open) return;
      try {
        open = each(row);
      } catch (err) {
        // Thrown here it would escape from the driver's socket handler: keep it for the caller.
        [open, failed, failure] = [false, true, err];
      }
    });
    query.on('error', reject);
    query.on('end', () => (failed ? reject(failure as Error) : resolve()));
  });
}
