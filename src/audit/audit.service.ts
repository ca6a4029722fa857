import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditContent, contentHash, GENESIS_HASH, linkHash, storedContentHash } from './audit-hash';
import { AuditEventRow, AuditRepository, ChainLink, ChainReader, LinkWithEvent, PendingEvent, SealOrder, StoredLink } from './audit.repository';
import { AuditEventInput, AuditEventView, ChainAnchor, ChainBreak, ChainVerification } from './audit.types';

/** Events linked per INSERT: one read and one multi-row INSERT of the links each. */
const SEAL_BATCH = 20_000;
/** Batches per sealing round: one transaction under the sealer's lock, one commit. */
const SEAL_ROUND_BATCHES = 5;
/**
 * Links per range the verifier reads. A range is one query whose rows are checked as they arrive
 * and dropped, so its size bounds neither memory nor (at a few seconds a range) any timeout: only
 * the number of round trips, each a pause of the server while the last rows are hashed.
 */
const VERIFY_BATCH = 100_000;

/**
 * Where a walk along the chain stands: the last link that passed, and how many have. The last
 * link's place in sealing order is not streamed: undefined until read (`placeOfLast`).
 */
interface Walk {
  prev: string;
  prevOrder: SealOrder | null | undefined;
  expectedSeq: number;
  events: number;
}

/** A link's event as the checks need it: its place in sealing order, its stored hash and the hash of its content now. */
interface HashedEvent extends SealOrder {
  contentHash: string;
  actualHash: string;
}

/** The fields of a link that the checks read. */
type LinkFields = Pick<LinkWithEvent, 'seq' | 'prevHash' | 'chainHash' | 'eventId' | 'txId' | 'n'>;

/** How a stretch of the streamed walk ended: at the chain's end, or at a link to read again and judge. */
type StreamEnd = 'end' | 'reread';

/**
 * The tamper-evident trail (product.md, Trust).
 *
 * Writers append events inside their own transaction and compute only the event's own hash, so
 * they never wait for one another. A sealer then links committed events into one hash chain in a
 * stable order (transaction id, then write order), under an advisory lock that only sealers take.
 * See the README, "The audit trail", for why.
 */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  /** Append an event in the caller's transaction: it exists if and only if the change commits. */
  async record(manager: EntityManager, input: AuditEventInput): Promise<string> {
    const event = this.prepare(input);
    await this.repo.insertEvent(manager, event);
    return event.id;
  }

  /**
   * The event as it will be stored, with its own hash, for the one writer that inserts it in its
   * own statement (a filing: src/requests/filing.repository.ts). Everything else calls `record`.
   */
  prepare(input: AuditEventInput): AuditEventRow {
    return hashed(input);
  }

  /**
   * Link every committed, unsealed event into the chain. Returns how many were sealed. The timer
   * passes over a round another sealer is doing (0); `wait` queues behind it instead. `batch`:
   * events per INSERT (a round is SEAL_ROUND_BATCHES of them).
   */
  async seal(opts: { wait?: boolean; batch?: number } = {}): Promise<number> {
    const batch = opts.batch ?? SEAL_BATCH;
    let total = 0;
    for (;;) {
      const sealed = await this.repo.withSealerLock((manager) => this.sealRound(manager, batch), opts.wait ?? false);
      total += sealed ?? 0;
      if (sealed === null || sealed < SEAL_ROUND_BATCHES * batch) return total;
    }
  }

  /**
   * Links up to SEAL_ROUND_BATCHES × `batch` pending events after the last link, in sealing order,
   * `batch` at a time, each batch one INSERT. While the database writes one batch, the next is read
   * on another connection and hashed here.
   */
  private async sealRound(manager: EntityManager, batch: number): Promise<number> {
    const last = await this.repo.lastLink(manager);
    let prev = last?.chainHash ?? GENESIS_HASH;
    let seq = Number(last?.seq ?? 0);
    const linked = (pending: PendingEvent[]): ChainLink[] =>
      pending.map((e) => {
        seq += 1;
        const chainHash = linkHash(prev, seq, e.contentHash);
        const link = { seq: String(seq), eventId: e.id, txId: e.txId, n: e.n, prevHash: prev, chainHash };
        prev = chainHash;
        return link;
      });
    let pending = await this.repo.pendingAfter(manager, last, batch);
    let links = linked(pending);
    let sealed = 0;
    for (;;) {
      const writing = this.repo.insertLinks(manager, links);
      sealed += links.length;
      if (pending.length < batch || sealed >= SEAL_ROUND_BATCHES * batch) {
        await writing;
        return sealed;
      }
      const ahead = this.repo.pendingAfter(null, pending[pending.length - 1], batch).then((next) => ({ next, links: linked(next) }));
      [, { next: pending, links }] = await Promise.all([writing, ahead]);
    }
  }

  /**
   * Seal what is pending, then walk the whole chain and name the first broken link. With an
   * anchor (a `seq` and `head` recorded from an earlier run, kept outside this database), also
   * check that the chain still passes through it: that catches removal of the newest links and a
   * rewrite of the chain, which hashes alone cannot.
   *
   * The walk streams the chain in ranges of `batch` links, each link checked as it arrives (the
   * server reads on while this process hashes) and then dropped: memory does not grow with the
   * chain. It hashes the events in the text form the database sends. A link that does not pass as
   * streamed is read again with its event found by id alone and parsed, and judged from that read.
   */
  async verify(given?: Partial<ChainAnchor>, opts: { batch?: number } = {}): Promise<ChainVerification> {
    const anchor = given?.seq !== undefined && given.head !== undefined ? { seq: given.seq, head: given.head } : undefined;
    const batch = opts.batch ?? VERIFY_BATCH;
    await this.seal({ wait: true });
    return this.repo.onOneSnapshot(async (manager) => {
      const walk: Walk = { prev: GENESIS_HASH, prevOrder: null, expectedSeq: 1, events: 0 };
      const reader = await this.repo.chainReader(manager);
      for (let after = 0; after < reader.lastSeq;) {
        if ((await this.streamFrom(reader, after, batch, walk, anchor)) === 'end') break;
        const [link] = await this.repo.linksFrom(manager, walk.expectedSeq - 1, 1);
        if (!link) break;
        await this.placeOfLast(manager, walk);
        const broken = this.checkLink(link, exactlyHashed(link), walk) ?? this.checkAnchor(link, anchor);
        if (broken) return { ok: false, events: walk.events, firstBrokenAt: broken, head: walk.prev };
        passed(walk, link);
        after = Number(link.seq);
      }
      const { events, prev } = walk;
      const prevOrder = await this.placeOfLast(manager, walk);
      if (anchor && events < anchor.seq) {
        const reason = `the chain ends at seq ${events}, before the recorded head at seq ${anchor.seq}: links were removed`;
        return { ok: false, events, firstBrokenAt: { seq: events + 1, eventId: null, reason }, head: prev };
      }
      // The links before the last one that passed are events - 1 distinct events, all sorting before
      // it. If no more events than that sort before it, none can be unchained: no need to look.
      const stray =
        prevOrder && (await this.repo.countBefore(manager, prevOrder)) > events - 1 ? await this.repo.firstUnchainedBefore(manager, prevOrder) : null;
      if (stray) {
        const reason = 'event is not in the chain: it was slipped in before this link';
        return { ok: false, events, firstBrokenAt: { seq: stray.beforeSeq, eventId: stray.id, reason }, head: prev };
      }
      return { ok: true, events, head: prev };
    });
  }

  /**
   * Streams the links after `after` to the chain's end, a range of `batch` at a time, and moves
   * `walk` along every link that passes. Stops at the first that does not, or that the stream left
   * out (a gap in seq, or the chain's end not reached): 'reread'.
   */
  private async streamFrom(reader: ChainReader, after: number, batch: number, walk: Walk, anchor: ChainAnchor | undefined): Promise<StreamEnd> {
    let end = 'end' as StreamEnd;
    // A range's links sort after the link before the range (see STORED_LINKS) and come in sealing
    // order, but not strictly so: two links at one place would come one after the other. Events'
    // n are distinct, so a link whose n differs from the last one's is at a later place.
    let lastN = '';
    const each = (link: StoredLink | null): boolean => {
      if (link === null || link.n === lastN || !passesAsStreamed(link, walk, anchor)) {
        end = 'reread';
        return false;
      }
      lastN = link.n;
      walk.prev = link.chainHash;
      walk.prevOrder = undefined;
      walk.expectedSeq += 1;
      walk.events += 1;
      return true;
    };
    for (let from = after; from < reader.lastSeq && end === 'end'; from += batch) await reader.read(from, Math.min(from + batch, reader.lastSeq), each);
    return walk.events < reader.lastSeq ? 'reread' : end;
  }

  /** The place in sealing order of the last link that passed (null before the first). */
  private async placeOfLast(manager: EntityManager, walk: Walk): Promise<SealOrder | null> {
    if (walk.prevOrder === undefined) walk.prevOrder = await this.repo.sealOrderAt(manager, walk.events);
    return walk.prevOrder;
  }

  private checkLink(link: LinkFields, event: HashedEvent | null, { prev, expectedSeq, prevOrder }: Walk): ChainBreak | null {
    if (Number(link.seq) !== expectedSeq) return { seq: expectedSeq, eventId: null, reason: 'link missing' };
    const at = { seq: expectedSeq, eventId: link.eventId };
    if (!event) return { ...at, reason: 'event missing' };
    if (link.prevHash !== prev) return { ...at, reason: 'link does not follow the one before it' };
    const { contentHash: stored, actualHash: actual, txId, n } = event;
    if (actual !== stored) return { ...at, reason: 'event content changed' };
    if (linkHash(prev, link.seq, actual) !== link.chainHash) return { ...at, reason: 'link hash does not match' };
    // The sealer links in (tx_id, n) order; the check for slipped-in events relies on it.
    if (txId !== link.txId || n !== link.n || (prevOrder && !sortsAfter(link, prevOrder))) return { ...at, reason: 'link out of sealing order' };
    return null;
  }

  private checkAnchor(link: LinkFields, anchor: ChainAnchor | undefined): ChainBreak | null {
    if (!anchor || !differsFromAnchor(link, anchor)) return null;
    return { seq: anchor.seq, eventId: link.eventId, reason: 'link differs from the recorded head: the chain was rewritten' };
  }

  async list(
    filter: { entityType?: string; entityId?: string; subjectRef?: string },
    limit: number,
    cursor?: string,
  ): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
    const items = await this.repo.findEvents(filter, limit + 1, cursor);
    const page = items.slice(0, limit);
    return { items: page, nextCursor: items.length > limit ? page[page.length - 1].n : null };
  }
}

/** The event as it will be stored, with its own hash. */
function hashed(input: AuditEventInput): AuditContent & { contentHash: string } {
  const content: AuditContent = {
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    action: input.action,
    actorId: input.actor.id,
    actorRole: input.actor.role,
    entityType: input.entityType,
    entityId: input.entityId ?? null,
    subjectRef: input.subjectRef ?? null,
    // Hash exactly what the database will hand back: a Date, say, is stored as its ISO string.
    data: JSON.parse(JSON.stringify(input.data ?? {})) as unknown,
  };
  return { ...content, contentHash: contentHash(content) };
}

/** A link's event from the general read (found by id, `data` parsed), hashed the way it was written. */
function exactlyHashed(link: LinkWithEvent): HashedEvent | null {
  if (!link.event) return null;
  const { contentHash: stored, txId, n, ...content } = link.event;
  return { txId, n, contentHash: stored, actualHash: contentHash(content) };
}

/**
 * Whether a streamed link passes `checkLink` and `checkAnchor`, given that its event is the one at
 * its place and that its place sorts after the last link's (see streamFrom): left to check are the
 * link's seq, its hashes and its event's hash, recomputed from the text as sent.
 */
function passesAsStreamed(link: StoredLink, walk: Walk, anchor: ChainAnchor | undefined): boolean {
  if (Number(link.seq) !== walk.expectedSeq || link.prevHash !== walk.prev) return false;
  const actual = storedContentHash(link);
  return actual === link.contentHash && linkHash(walk.prev, link.seq, actual) === link.chainHash && !differsFromAnchor(link, anchor);
}

/** Whether `link` is at the anchor's seq yet is not the link recorded there. */
function differsFromAnchor(link: Pick<StoredLink, 'seq' | 'chainHash'>, anchor: ChainAnchor | undefined): boolean {
  return anchor !== undefined && Number(link.seq) === anchor.seq && link.chainHash !== anchor.head;
}

/** Moves the walk past a link that passed. */
function passed(walk: Walk, link: LinkFields): void {
  walk.prev = link.chainHash;
  walk.prevOrder = link;
  walk.expectedSeq += 1;
  walk.events += 1;
}

/** Whether `a` comes after `b` in sealing order. */
export function sortsAfter(a: SealOrder, b: SealOrder): boolean {
  const tx = compareIntegers(a.txId, b.txId);
  return tx > 0 || (tx === 0 && compareIntegers(a.n, b.n) > 0);
}

/**
 * Compares two integers written as PostgreSQL prints them (an optional '-', no '+', no leading
 * zeros), by length and then digit by digit: no BigInt per link.
 */
function compareIntegers(a: string, b: string): number {
  const negative = a.startsWith('-');
  if (negative !== b.startsWith('-')) return negative ? -1 : 1;
  const magnitude = a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return negative ? -magnitude : magnitude;
}
