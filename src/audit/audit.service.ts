import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditContent, contentHash, GENESIS_HASH, linkHash } from './audit-hash';
import { AuditEventRow, AuditRepository, ChainLink, LinkWithEvent, SealOrder } from './audit.repository';
import { AuditEventInput, AuditEventView, ChainAnchor, ChainBreak, ChainVerification } from './audit.types';

const SEAL_BATCH = 2000;
const VERIFY_BATCH = 10000;

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
   * passes over a round another sealer is doing (0); `wait` queues behind it instead.
   */
  async seal(opts: { wait?: boolean } = {}): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.repo.withSealerLock(async (manager) => {
        const last = await this.repo.lastLink(manager);
        const pending = await this.repo.pendingAfter(manager, last, SEAL_BATCH);
        let prev = last?.chainHash ?? GENESIS_HASH;
        let seq = Number(last?.seq ?? 0);
        const links: ChainLink[] = pending.map((e) => {
          seq += 1;
          const chainHash = linkHash(prev, seq, e.contentHash);
          const link = { seq: String(seq), eventId: e.id, txId: e.txId, n: e.n, prevHash: prev, chainHash };
          prev = chainHash;
          return link;
        });
        await this.repo.insertLinks(manager, links);
        return links.length;
      }, opts.wait ?? false);
      total += sealed ?? 0;
      if (sealed === null || sealed < SEAL_BATCH) return total;
    }
  }

  /**
   * Seal what is pending, then walk the whole chain and name the first broken link. With an
   * anchor (a `seq` and `head` recorded from an earlier run, kept outside this database), also
   * check that the chain still passes through it: that catches removal of the newest links and a
   * rewrite of the chain, which hashes alone cannot.
   */
  async verify(given?: Partial<ChainAnchor>): Promise<ChainVerification> {
    const anchor = given?.seq !== undefined && given.head !== undefined ? { seq: given.seq, head: given.head } : undefined;
    await this.seal({ wait: true });
    return this.repo.onOneSnapshot(async (manager) => {
      let prev = GENESIS_HASH;
      let prevOrder: SealOrder | null = null;
      let expectedSeq = 1;
      let events = 0;
      // Read the next batch while this one is being hashed.
      let next = this.repo.linksFrom(manager, 0, VERIFY_BATCH);
      for (;;) {
        const links = await next;
        if (links.length === VERIFY_BATCH) next = this.repo.linksFrom(manager, links[links.length - 1].seq, VERIFY_BATCH);
        for (const link of links) {
          const broken = this.checkLink(link, prev, expectedSeq, prevOrder) ?? this.checkAnchor(link, anchor);
          if (broken) {
            if (links.length === VERIFY_BATCH) await next.catch(() => undefined);
            return { ok: false, events, firstBrokenAt: broken, head: prev };
          }
          prev = link.chainHash;
          prevOrder = { txId: link.txId, n: link.n };
          expectedSeq += 1;
          events += 1;
        }
        if (links.length < VERIFY_BATCH) break;
      }
      if (anchor && events < anchor.seq) {
        const reason = `the chain ends at seq ${events}, before the recorded head at seq ${anchor.seq}: links were removed`;
        return { ok: false, events, firstBrokenAt: { seq: events + 1, eventId: null, reason }, head: prev };
      }
      const stray = prevOrder ? await this.repo.firstUnchainedBefore(manager, prevOrder) : null;
      if (stray) {
        const reason = 'event is not in the chain: it was slipped in before this link';
        return { ok: false, events, firstBrokenAt: { seq: stray.beforeSeq, eventId: stray.id, reason }, head: prev };
      }
      return { ok: true, events, head: prev };
    });
  }

  private checkLink(link: LinkWithEvent, prev: string, expectedSeq: number, prevOrder: SealOrder | null): ChainBreak | null {
    const at = { seq: Number(link.seq), eventId: link.eventId };
    if (Number(link.seq) !== expectedSeq) return { seq: expectedSeq, eventId: null, reason: 'link missing' };
    if (!link.event) return { ...at, reason: 'event missing' };
    if (link.prevHash !== prev) return { ...at, reason: 'link does not follow the one before it' };
    const { contentHash: stored, txId, n, ...content } = link.event;
    const actual = contentHash(content);
    if (actual !== stored) return { ...at, reason: 'event content changed' };
    if (linkHash(prev, link.seq, actual) !== link.chainHash) return { ...at, reason: 'link hash does not match' };
    // The sealer links in (tx_id, n) order; the check for slipped-in events relies on it.
    if (txId !== link.txId || n !== link.n || (prevOrder && !sortsAfter(link, prevOrder))) return { ...at, reason: 'link out of sealing order' };
    return null;
  }

  private checkAnchor(link: LinkWithEvent, anchor: ChainAnchor | undefined): ChainBreak | null {
    if (!anchor || Number(link.seq) !== anchor.seq || link.chainHash === anchor.head) return null;
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

function sortsAfter(a: SealOrder, b: SealOrder): boolean {
  const [at, bt] = [BigInt(a.txId), BigInt(b.txId)];
  return at > bt || (at === bt && BigInt(a.n) > BigInt(b.n));
}
