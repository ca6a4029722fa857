import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { contentHash, GENESIS_HASH, linkHash } from './audit-hash';
import { AuditRepository, ChainLink } from './audit.repository';
import { AuditEventInput, AuditEventView, ChainBreak, ChainVerification } from './audit.types';

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
    const content = {
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      action: input.action,
      actorId: input.actor.id,
      actorRole: input.actor.role,
      entityType: input.entityType,
      entityId: input.entityId ?? null,
      subjectRef: input.subjectRef ?? null,
      data: input.data ?? {},
    };
    await this.repo.insertEvent(manager, { ...content, contentHash: contentHash(content) });
    return content.id;
  }

  /** Link every committed, unsealed event into the chain. Returns how many were sealed (0 if another sealer is at work). */
  async seal(): Promise<number> {
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
      });
      total += sealed ?? 0;
      if (sealed === null || sealed < SEAL_BATCH) return total;
    }
  }

  /** Seal what is pending, then walk the whole chain and name the first broken link. */
  async verify(): Promise<ChainVerification> {
    await this.seal();
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let events = 0;
    for (;;) {
      const links = await this.repo.linksFrom(expectedSeq - 1, VERIFY_BATCH);
      for (const link of links) {
        const broken = this.checkLink(link, prev, expectedSeq);
        if (broken) return { ok: false, events, firstBrokenAt: broken, head: prev };
        prev = link.chainHash;
        expectedSeq += 1;
        events += 1;
      }
      if (links.length < VERIFY_BATCH) break;
    }
    const stray = await this.repo.firstUnchainedEvent();
    if (stray) return { ok: false, events, firstBrokenAt: { seq: null, eventId: stray, reason: 'event is not in the chain' }, head: prev };
    return { ok: true, events, head: prev };
  }

  private checkLink(link: Awaited<ReturnType<AuditRepository['linksFrom']>>[number], prev: string, expectedSeq: number): ChainBreak | null {
    const at = { seq: Number(link.seq), eventId: link.eventId };
    if (Number(link.seq) !== expectedSeq) return { seq: expectedSeq, eventId: null, reason: 'link missing' };
    if (!link.event) return { ...at, reason: 'event missing' };
    if (link.prevHash !== prev) return { ...at, reason: 'link does not follow the one before it' };
    const { contentHash: stored, ...content } = link.event;
    const actual = contentHash(content);
    if (actual !== stored) return { ...at, reason: 'event content changed' };
    if (linkHash(prev, link.seq, actual) !== link.chainHash) return { ...at, reason: 'link hash does not match' };
    return null;
  }

  async list(filter: { entityType?: string; entityId?: string; subjectRef?: string }, limit: number, cursor?: string): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
    const items = await this.repo.findEvents(filter, limit + 1, cursor);
    const page = items.slice(0, limit);
    return { items: page, nextCursor: items.length > limit ? page[page.length - 1].n : null };
  }
}
