import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AuditContent, StoredContent } from './audit-hash';
import { AuditEventView } from './audit.types';
import { copyOut } from '../database/copy-out';
import { copyField } from '../database/copy-text';

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

/**
 * A link and its event as the verifier streams them: the text PostgreSQL sends, nothing parsed or
 * re-serialised. `id`, `actorId` and `subjectRef` are uuids as PostgreSQL writes them. Only links
 * whose event is at the link's place in sealing order are streamed, in that order (see
 * storedLinks); a link left out shows as a gap in `seq`.
 */
export interface StoredLink extends StoredContent {
  seq: string;
  prevHash: string;
  chainHash: string;
  /** the event's write order, the second half of its place in sealing order */
  n: string;
  contentHash: string;
}

/** Streams the chain to the verifier on the snapshot of `onOneSnapshot`. */
export interface ChainReader {
  /** the last link's seq on this snapshot (0 for an empty chain) */
  lastSeq: number;
  /**
   * Passes the links between link afterSeq (exclusive) and link toSeq in sealing order whose event
   * is at their place (see storedLinks) to `each`, in that order, as they arrive (the server goes
   * on reading while `each` works), and holds none of them, so memory does not grow with the range.
   * `each` gets null for a link whose event's time has an unusual form (or whose hashes are not
   * 64 characters each), and returns false to skip the rest.
   */
  read(afterSeq: number, toSeq: number, each: (link: StoredLink | null) => boolean): Promise<void>;
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
    // Timestamps in UTC, ISO form, whatever the connection's settings: see millisecondsIso. A range
    // is a merge join of two index scans in sealing order (see storedLinks); the planner would
    // rather read every event and sort them, per range. The rest of this read-only transaction
    // reads by index anyway.
    await client.query(`SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off`);
    const { rows } = await client.query<{ last: string | null }>(`SELECT max(seq)::text AS last FROM audit_chain`);
    return {
      lastSeq: Number(rows[0]?.last ?? 0),
      read: (afterSeq, toSeq, each) => copyRows(client, storedLinks(afterSeq, toSeq), (row) => each(storedLink(row))),
    };
  }

  /** A link's place in sealing order as it recorded it. */
  async sealOrderAt(manager: EntityManager, seq: number): Promise<SealOrder | null> {
    const rows = await manager.query<SealOrder[]>(
      `SELECT tx_id::text AS "txId", n::text AS n FROM audit_chain WHERE seq = $1 ORDER BY tx_id DESC, n DESC LIMIT 1`,
      [seq],
    );
    return rows[0] ?? null;
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
 * The links of a range with their events, for the verifier's stream: a merge join of the links and
 * the events whose place in sealing order, (tx_id, n), lies after that of link `afterSeq` (the link
 * before the range) and up to that of link `toSeq` (its last), each read in that order by its index
 * (ix_audit_chain_order, ix_audit_events_order): one descent of each per range, no sort, no lookup
 * per link. In an intact chain these are the links afterSeq < seq <= toSeq. A link is joined only to
 * the event at its place, and only if that is the link's own event; otherwise it is left out, a gap
 * in seq that the verifier reads again link by link. So the links streamed sort after link
 * afterSeq, and after one another: strictly so where `n` differs from the link before. Neither the
 * link's event_id nor its tx_id needs sending.
 *
 * A COPY, not a SELECT: the driver hands each row over as the bytes of one CopyData message, where
 * for a SELECT it turns every column into a string of its own (most of what the driver cost this
 * process per link). COPY takes no parameters: both bounds are integers, checked and written in.
 */
function storedLinks(afterSeq: number, toSeq: number): string {
  if (!Number.isSafeInteger(afterSeq) || !Number.isSafeInteger(toSeq)) throw new Error(`not a range of links: ${afterSeq}, ${toSeq}`);
  // From the chain's start there is no link before the range.
  const place = (t: string) =>
    afterSeq === 0
      ? `(${t}.tx_id, ${t}.n) <= (SELECT l.tx_id, l.n FROM audit_chain l WHERE l.seq <= ${toSeq} ORDER BY l.seq DESC LIMIT 1)`
      : `(${t}.tx_id, ${t}.n) > (SELECT b.tx_id, b.n FROM audit_chain b WHERE b.seq = ${afterSeq} ORDER BY b.tx_id DESC, b.n DESC LIMIT 1)
         AND (${t}.tx_id, ${t}.n) <= (SELECT l.tx_id, l.n FROM audit_chain l WHERE l.seq <= ${toSeq} ORDER BY l.seq DESC LIMIT 1)`;
  return `COPY (SELECT c.seq, c.prev_hash, c.chain_hash, e.content_hash, e.n,
    e.id, e.occurred_at, e.action, e.actor_id, e.actor_role, e.entity_type, e.entity_id, e.subject_ref, e.data
  FROM (SELECT seq, event_id, tx_id, n, prev_hash, chain_hash FROM audit_chain y WHERE ${place('y')} ORDER BY y.tx_id, y.n) c
  JOIN (SELECT * FROM audit_events x WHERE ${place('x')} ORDER BY x.tx_id, x.n) e
    ON e.tx_id = c.tx_id AND e.n = c.n AND e.id = c.event_id
  ORDER BY c.tx_id, c.n) TO STDOUT`;
}

/** The columns of a row of `storedLinks`. */
const STORED_LINK_COLUMNS = 14;

/**
 * A row of `storedLinks` as COPY's text format writes it (without the newline that ends it):
 * columns separated by tabs, NULL as \N, and in a value only a backslash and the control characters
 * \b \f \n \r \t \v escaped, each as a backslash and a letter. So in a row with no backslash the
 * tabs are the only separators and the values are as they are: the common case, read with one
 * search for each tab (about a third cheaper than `split`). Null for a row the walk reads again the
 * general way: an event's time of an unusual form, or a hash not 64 characters long.
 */
function storedLink(row: string): StoredLink | null {
  if (row.includes('\\')) return escapedStoredLink(row);
  [scanned, scannedTo] = [row, -1];
  // One after another, in the columns' order.
  const seq = column();
  const prevHash = column();
  const chainHash = column();
  const contentHash = column();
  const n = column();
  const id = column();
  const stamp = column();
  const action = column();
  const actorId = column();
  const actorRole = column();
  const entityType = column();
  const entityId = column();
  const subjectRef = column();
  // Thirteen tabs and no fourteenth: the last column runs to the row's end.
  if (scannedTo >= row.length || row.indexOf('\t', scannedTo + 1) >= 0) return null;
  return checkedLink({
    seq,
    prevHash,
    chainHash,
    contentHash,
    n,
    id,
    occurredAt: stamp,
    action,
    actorId,
    actorRole,
    entityType,
    entityId,
    subjectRef,
    data: row.slice(scannedTo + 1),
  });
}

// The row `column` reads and where its last column ended: module-wide, so that no closure is made
// per row; nothing `column` calls can call back into it.
let scanned = '';
let scannedTo = -1;

/** The next column of the row `storedLink` reads, up to the next tab; past the row's end once there is none. */
function column(): string {
  const from = scannedTo + 1;
  const to = scanned.indexOf('\t', from);
  scannedTo = to < 0 ? scanned.length + 1 : to;
  return scanned.slice(from, scannedTo);
}

/** `storedLink` for a row with escapes (or NULLs) in it. */
function escapedStoredLink(row: string): StoredLink | null {
  const fields = row.split('\t').map(copyField);
  if (fields.length !== STORED_LINK_COLUMNS) return null;
  // NULL only where the schema allows it: actor_id, actor_role, entity_id and subject_ref.
  const [seq, prevHash, chainHash, contentHash, n, id, stamp, action, actorId, actorRole, entityType, entityId, subjectRef, data] = fields as string[];
  return checkedLink({ seq, prevHash, chainHash, contentHash, n, id, occurredAt: stamp, action, actorId, actorRole, entityType, entityId, subjectRef, data });
}

/**
 * The link with its event's time, which comes as PostgreSQL writes it, in the form its hash covers;
 * null if that time or a hash has an unusual form.
 */
function checkedLink(link: StoredLink): StoredLink | null {
  const occurredAt = millisecondsIso(link.occurredAt);
  if (occurredAt === null || link.prevHash.length !== 64 || link.chainHash.length !== 64 || link.contentHash.length !== 64) return null;
  link.occurredAt = occurredAt;
  return link;
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

/**
 * Runs one COPY on `client` and passes each row to `each` as it arrives, decoded as UTF-8 without
 * the newline that ends it (copyOut: the driver keeps none). After `each` returns false (or
 * throws) the rest of the rows are received and dropped.
 */
function copyRows(client: PoolClient, text: string, each: (row: string) => boolean): Promise<void> {
  let open = true;
  return copyOut(client, text, (chunk) => {
    if (open) open = each(chunk.toString('utf8', 0, chunk.length - 1));
  });
}
