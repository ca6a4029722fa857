import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { canonicalJson, canonicalJsonbText, contentHash, linkHash, storedContentHash } from '../src/audit/audit-hash';
import { AuditRepository, millisecondsIso, StoredLink } from '../src/audit/audit.repository';
import { AuditSealer } from '../src/audit/audit-sealer';
import { AuditService } from '../src/audit/audit.service';
import { ChainVerification } from '../src/audit/audit.types';
import { Actor, SYSTEM_ACTOR } from '../src/kernel/actor';
import { sealAll as sealAllEvents } from './support/audit-sealing';
import { runEntry } from './support/run-ts';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Someone with the power to switch the append-only triggers off (the tables' owner, not the
 * portal's role) edits the trail behind the application's back; verify must notice and name the
 * first broken link, also after honest writers have carried on. Each scenario tampers, checks, then puts the trail back as it was.
 */
describe('audit trail tamper detection', () => {
  let t: TestApp;
  let audit: AuditService;
  /** seq → event id of the links laid down before the scenarios start */
  const eventAt = new Map<number, string>();

  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
    for (let k = 0; k < 20; k++) await honestWrite(`setup-${k}`);
    await sealAll();
    const links: Array<{ seq: string; eventId: string }> = await t.dataSource.query(`SELECT seq, event_id AS "eventId" FROM audit_chain ORDER BY seq`);
    for (const l of links) eventAt.set(Number(l.seq), l.eventId);
    expect(eventAt.size).toBeGreaterThanOrEqual(20);
  });
  afterAll(() => t.close());

  const sealAll = () => sealAllEvents(t);

  /** An honest event, each in its own transaction, as the application writes them. */
  const honestWrite = (entityId: string) =>
    t.dataSource.transaction((m) => audit.record(m, { action: 'test.honest', actor: SYSTEM_ACTOR, entityType: 'tamper-test', entityId, data: { entityId } }));

  /**
   * Runs `work` with the append-only (and, if asked, the tx-stamping) triggers off, in one
   * transaction that switches them back on before it commits, holding the sealer's lock so that
   * the chain does not move underneath.
   */
  const tamper = (work: (m: EntityManager) => Promise<unknown>, opts: { stamp?: boolean } = {}) =>
    t.asOwner(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('audit_sealer'))`);
      const triggers = [
        ['audit_events', 'audit_events_append_only'],
        ['audit_chain', 'audit_chain_append_only'],
        ...(opts.stamp ? [['audit_events', 'audit_events_stamp_tx']] : []),
      ];
      for (const [table, trigger] of triggers) await m.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
      await work(m);
      for (const [table, trigger] of triggers) await m.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
    });

  const rowsOf = async (seq: number) => ({
    event: (await t.dataSource.query(`SELECT * FROM audit_events WHERE id = $1`, [eventAt.get(seq)]))[0] as { id: string } & Record<string, unknown>,
    link: (await t.dataSource.query(`SELECT * FROM audit_chain WHERE seq = $1`, [seq]))[0] as Record<string, unknown>,
  });

  const insertRows = async (m: EntityManager, table: string, row: Record<string, unknown>) => {
    const cols = Object.keys(row);
    const values = cols.map((c) => (c === 'data' ? JSON.stringify(row[c]) : row[c]));
    await m.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, values);
  };

  /** After each scenario the trail is back as it was: intact, with the honest events added. */
  afterEach(async () => {
    expect(await audit.verify()).toMatchObject({ ok: true });
    const triggers: Array<{ tgname: string; tgenabled: string }> = await t.dataSource.query(
      `SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid IN ('audit_events'::regclass, 'audit_chain'::regclass) AND NOT tgisinternal`,
    );
    expect(triggers.every((tr) => tr.tgenabled === 'O')).toBe(true);
  });

  /** The operator's `audit:verify`, run as its own process on this file's database. */
  const cli = (args: string[] = []) =>
    runEntry('src/cli.ts', ['audit:verify', ...args], {
      NODE_ENV: 'test',
      ...t.databaseEnv,
      APP_SECRET: process.env.APP_SECRET ?? '',
      DATA_DIR: process.env.DATA_DIR ?? '',
      LOG_LEVEL: 'silent',
    });

  it('the CLI says the chain is intact and exits 0', async () => {
    const { code, stdout } = await cli();
    expect(stdout).toMatch(/Audit chain intact: \d+ events, head [0-9a-f]{64}\./);
    expect(code).toBe(0);
  }, 90_000);

  it('(a) names the event whose content was changed, and so does the CLI', async () => {
    const k = 5;
    const { event } = await rowsOf(k);
    await tamper((m) => m.query(`UPDATE audit_events SET data = '{"entityId":"something else"}' WHERE id = $1`, [event.id]));
    await honestWrite('after-a');
    const result = await audit.verify();
    expect(result).toEqual({
      ok: false,
      events: k - 1,
      firstBrokenAt: { seq: k, eventId: event.id, reason: 'event content changed' },
      head: expect.any(String),
    });

    const { code, stdout } = await cli();
    expect(stdout).toContain(`BROKEN after ${k - 1} good events: at seq ${k} (event ${event.id}): event content changed.`);
    expect(code).toBe(2);

    await tamper((m) => m.query(`UPDATE audit_events SET data = $2 WHERE id = $1`, [event.id, JSON.stringify(event.data)]));
  }, 120_000);

  it('(a) names the link when the content and its own hash were both rewritten', async () => {
    const k = 6;
    const { event } = await rowsOf(k);
    const forged = {
      id: event.id,
      occurredAt: (event.occurred_at as Date).toISOString(),
      action: 'test.forged',
      actorId: null,
      actorRole: 'system',
      entityType: 'tamper-test',
      entityId: event.entity_id as string,
      subjectRef: null,
      data: event.data,
    };
    await tamper((m) => m.query(`UPDATE audit_events SET action = $2, content_hash = $3 WHERE id = $1`, [event.id, forged.action, contentHash(forged)]));
    await honestWrite('after-a2');
    expect(await audit.verify()).toMatchObject({ ok: false, events: k - 1, firstBrokenAt: { seq: k, eventId: event.id, reason: 'link hash does not match' } });
    await tamper((m) => m.query(`UPDATE audit_events SET action = $2, content_hash = $3 WHERE id = $1`, [event.id, event.action, event.content_hash]));
  });

  it('(b) names the gap where an event and its link were deleted', async () => {
    const k = 8;
    const { event, link } = await rowsOf(k);
    await tamper(async (m) => {
      await m.query(`DELETE FROM audit_chain WHERE seq = $1`, [k]);
      await m.query(`DELETE FROM audit_events WHERE id = $1`, [event.id]);
    });
    await honestWrite('after-b');
    expect(await audit.verify()).toMatchObject({ ok: false, events: k - 1, firstBrokenAt: { seq: k, eventId: null, reason: 'link missing' } });
    await tamper(
      async (m) => {
        await insertRows(m, 'audit_events', event);
        await insertRows(m, 'audit_chain', link);
      },
      { stamp: true },
    );
  });

  it('(b) names the link whose event alone was deleted', async () => {
    const k = 9;
    const { event } = await rowsOf(k);
    // No foreign key holds the event (see the migration AuditChainSealingOrder): the trigger alone refused this.
    await tamper((m) => m.query(`DELETE FROM audit_events WHERE id = $1`, [event.id]));
    await honestWrite('after-b2');
    expect(await audit.verify()).toMatchObject({ ok: false, events: k - 1, firstBrokenAt: { seq: k, eventId: event.id, reason: 'event missing' } });
    await tamper((m) => insertRows(m, 'audit_events', event), { stamp: true });
  });

  it('(c) names the first of two links whose order was swapped', async () => {
    const k = 11;
    const swap = async (m: EntityManager) => {
      await m.query(`UPDATE audit_chain SET seq = -1 WHERE seq = $1`, [k]);
      await m.query(`UPDATE audit_chain SET seq = $1 WHERE seq = $2`, [k, k + 1]);
      await m.query(`UPDATE audit_chain SET seq = $1 WHERE seq = -1`, [k + 1]);
    };
    await tamper(swap);
    await honestWrite('after-c');
    expect(await audit.verify()).toMatchObject({
      ok: false,
      events: k - 1,
      firstBrokenAt: { seq: k, eventId: eventAt.get(k + 1), reason: 'link does not follow the one before it' },
    });
    await tamper(swap);
  });

  it('(c) notices two events swapped even when every hash after them was recomputed', async () => {
    const k = 13;
    const before: Array<Record<string, unknown>> = await t.dataSource.query(`SELECT * FROM audit_chain WHERE seq >= $1 ORDER BY seq`, [k]);
    const hashes: Array<{ id: string; contentHash: string; txId: string; n: string }> = await t.dataSource.query(
      `SELECT id, content_hash AS "contentHash", tx_id::text AS "txId", n::text AS n FROM audit_events WHERE id = ANY($1)`,
      [before.map((l) => l.event_id)],
    );
    const byId = new Map(hashes.map((h) => [h.id, h]));
    // Put event k+1 at seq k and event k at seq k+1, then re-forge every link from k on.
    const order = before.map((l) => l.event_id as string);
    [order[0], order[1]] = [order[1], order[0]];
    await tamper(async (m) => {
      let prev = before[0].prev_hash as string;
      await m.query(`DELETE FROM audit_chain WHERE seq >= $1`, [k]);
      for (const [i, eventId] of order.entries()) {
        const e = byId.get(eventId)!;
        const seq = k + i;
        const chainHash = linkHash(prev, seq, e.contentHash);
        await m.query(`INSERT INTO audit_chain (seq, event_id, tx_id, n, prev_hash, chain_hash) VALUES ($1, $2, $3, $4, $5, $6)`, [
          seq,
          eventId,
          e.txId,
          e.n,
          prev,
          chainHash,
        ]);
        prev = chainHash;
      }
    });
    // Ranges of k and of 1 start one at link k + 1, whose place is before link k's.
    for (const batch of [undefined, k, 1, k + 1])
      expect(await audit.verify(undefined, { batch })).toMatchObject({
        ok: false,
        events: k,
        firstBrokenAt: { seq: k + 1, eventId: eventAt.get(k), reason: 'link out of sealing order' },
      });
    await tamper(async (m) => {
      await m.query(`DELETE FROM audit_chain WHERE seq >= $1`, [k]);
      for (const l of before) await insertRows(m, 'audit_chain', l);
    });
  });

  it('(d) names an event slipped in with an old transaction id, and the link it was slipped in before', async () => {
    const k = 15;
    const { link } = await rowsOf(k);
    const content = {
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      action: 'test.slipped_in',
      actorId: null,
      actorRole: 'system',
      entityType: 'tamper-test',
      entityId: 'stray',
      subjectRef: null,
      data: {},
    };
    await tamper(
      (m) =>
        m.query(
          `INSERT INTO audit_events (id, tx_id, occurred_at, action, actor_id, actor_role, entity_type, entity_id, subject_ref, data, content_hash)
           VALUES ($1, $2::xid8, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [content.id, link.tx_id, content.occurredAt, content.action, null, 'system', 'tamper-test', 'stray', null, '{}', contentHash(content)],
        ),
      { stamp: true },
    );
    await honestWrite('after-d');
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, firstBrokenAt: { seq: k + 1, eventId: content.id, reason: expect.stringMatching(/not in the chain/) } });
    // Honest sealing carried on past it without ever linking it.
    expect(result.events).toBeGreaterThan(eventAt.size);
    expect(await t.dataSource.query(`SELECT seq FROM audit_chain WHERE event_id = $1`, [content.id])).toEqual([]);
    await tamper((m) => m.query(`DELETE FROM audit_events WHERE id = $1`, [content.id]));
  });

  it('needs a head recorded elsewhere to see the newest links removed or replaced', async () => {
    await honestWrite('before-anchor');
    await sealAll();
    const anchored = await audit.verify();
    expect(anchored.ok).toBe(true);
    const anchor = { seq: anchored.events, head: anchored.head };
    const tail = await t.dataSource.query(
      `SELECT c.*, row_to_json(e.*) AS event FROM audit_chain c JOIN audit_events e ON e.id = c.event_id WHERE c.seq = $1`,
      [anchor.seq],
    );
    const tailEventId = tail[0].event_id as string;

    await tamper(async (m) => {
      await m.query(`DELETE FROM audit_chain WHERE seq = $1`, [anchor.seq]);
      await m.query(`DELETE FROM audit_events WHERE id = $1`, [tailEventId]);
    });
    // Without the anchor a removed tail looks like a shorter, intact chain: hashes alone cannot tell.
    expect(await audit.verify()).toMatchObject({ ok: true, events: anchor.seq - 1 });
    expect(await audit.verify(anchor)).toMatchObject({
      ok: false,
      firstBrokenAt: { seq: anchor.seq, eventId: null, reason: expect.stringMatching(/ends at seq \d+, before the recorded head/) },
    });

    // An honest event sealed into the vacated place does not hide it either.
    await honestWrite('after-truncation');
    await sealAll();
    const result: ChainVerification = await audit.verify(anchor);
    expect(result).toMatchObject({ ok: false, firstBrokenAt: { seq: anchor.seq, reason: expect.stringMatching(/differs from the recorded head/) } });
    const cliRun = await cli(['--seq', String(anchor.seq), '--head', anchor.head]);
    expect(cliRun.stdout).toContain(`at seq ${anchor.seq}`);
    expect(cliRun.code).toBe(2);
  }, 120_000);

  /**
   * verify streams the chain a range of links at a time (the next range read while one is hashed)
   * and hashes each event in the text form the database sends; a link that does not pass as streamed
   * is read again the general way and judged from that. Small ranges put the boundaries among these
   * few links.
   */
  describe('range by range', () => {
    const linkCount = async (): Promise<number> => ((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_chain`))[0] as { n: number }).n;
    const chainHashAt = async (seq: number): Promise<string> =>
      ((await t.dataSource.query(`SELECT chain_hash FROM audit_chain WHERE seq = $1`, [seq]))[0] as { chain_hash: string }).chain_hash;

    it('walks the chain to the same result whatever the size of a range', async () => {
      await sealAll();
      const whole = await audit.verify();
      expect(whole).toEqual({ ok: true, events: await linkCount(), head: await chainHashAt(whole.events) });
      for (const batch of [1, 2, 3, 7, whole.events - 1, whole.events]) expect(await audit.verify(undefined, { batch })).toEqual(whole);
    });

    it('names a change in a later range as in the first, with the head of the last link that held', async () => {
      const k = 10;
      const { event } = await rowsOf(k);
      await tamper((m) => m.query(`UPDATE audit_events SET data = '{"entityId":"changed in range 3"}' WHERE id = $1`, [event.id]));
      const expected = {
        ok: false,
        events: k - 1,
        firstBrokenAt: { seq: k, eventId: event.id, reason: 'event content changed' },
        head: await chainHashAt(k - 1),
      };
      // Ranges of 4: the link is the second of the third range; ranges of 1: a range of its own.
      for (const batch of [4, 1, 9, 10, 50_000]) expect(await audit.verify(undefined, { batch })).toEqual(expected);
      await tamper((m) => m.query(`UPDATE audit_events SET data = $2 WHERE id = $1`, [event.id, JSON.stringify(event.data)]));
    });

    it('names a gap that swallows a whole range, and a forged link hash at a range boundary', async () => {
      const { event: e8, link: l8 } = await rowsOf(8);
      await tamper(async (m) => {
        await m.query(`DELETE FROM audit_chain WHERE seq = 8`);
        await m.query(`DELETE FROM audit_events WHERE id = $1`, [e8.id]);
      });
      // Ranges of 4 or 1: the range (7, 8] comes back empty, the next starts at 9.
      for (const batch of [1, 4, 8])
        expect(await audit.verify(undefined, { batch })).toEqual({
          ok: false,
          events: 7,
          firstBrokenAt: { seq: 8, eventId: null, reason: 'link missing' },
          head: await chainHashAt(7),
        });
      await tamper(
        async (m) => {
          await insertRows(m, 'audit_events', e8);
          await insertRows(m, 'audit_chain', l8);
        },
        { stamp: true },
      );

      const { link: l12 } = await rowsOf(12);
      await tamper((m) => m.query(`UPDATE audit_chain SET chain_hash = $2 WHERE seq = $1`, [12, linkHash('f'.repeat(64), 12, 'forged')]));
      for (const batch of [4, 12, 11])
        expect(await audit.verify(undefined, { batch })).toMatchObject({
          ok: false,
          events: 11,
          firstBrokenAt: { seq: 12, eventId: l12.event_id, reason: 'link hash does not match' },
        });
      await tamper((m) => m.query(`UPDATE audit_chain SET chain_hash = $2 WHERE seq = $1`, [12, l12.chain_hash]));
    });

    /** verify with ranges that put link `k` at a range's start, alone, in the middle and at a range's end. */
    const rangesAround = (k: number) => [k - 1, 1, 50_000, k];

    it("names a link whose stored prev_hash, or whose event's stored content_hash, alone was changed", async () => {
      const k = 7;
      const { event, link } = await rowsOf(k);
      const broken = (reason: string) => ({ ok: false, events: k - 1, firstBrokenAt: { seq: k, eventId: event.id, reason }, head: expect.any(String) });
      await tamper((m) => m.query(`UPDATE audit_chain SET prev_hash = $2 WHERE seq = $1`, [k, 'f'.repeat(64)]));
      for (const batch of rangesAround(k)) expect(await audit.verify(undefined, { batch })).toEqual(broken('link does not follow the one before it'));
      await tamper((m) => m.query(`UPDATE audit_chain SET prev_hash = $2 WHERE seq = $1`, [k, link.prev_hash]));

      await tamper((m) => m.query(`UPDATE audit_events SET content_hash = $2 WHERE id = $1`, [event.id, 'e'.repeat(64)]));
      for (const batch of rangesAround(k)) expect(await audit.verify(undefined, { batch })).toEqual(broken('event content changed'));
      await tamper((m) => m.query(`UPDATE audit_events SET content_hash = $2 WHERE id = $1`, [event.id, event.content_hash]));
    });

    it('names a link whose event_id was changed, its place kept', async () => {
      const k = 6;
      const { link } = await rowsOf(k);
      const elsewhere = randomUUID();
      await tamper((m) => m.query(`UPDATE audit_chain SET event_id = $2 WHERE seq = $1`, [k, elsewhere]));
      for (const batch of rangesAround(k))
        expect(await audit.verify(undefined, { batch })).toEqual({
          ok: false,
          events: k - 1,
          firstBrokenAt: { seq: k, eventId: elsewhere, reason: 'event missing' },
          head: await chainHashAt(k - 1),
        });
      await tamper((m) => m.query(`UPDATE audit_chain SET event_id = $2 WHERE seq = $1`, [k, link.event_id]));
    });

    it("names a second link at an event's place, to the same event or to another put there, with every hash after it recomputed", async () => {
      const k = 5;
      const before: Array<Record<string, unknown>> = await t.dataSource.query(`SELECT * FROM audit_chain WHERE seq >= $1 ORDER BY seq`, [k]);
      const { event } = await rowsOf(k);
      // Relinks the chain from seq k + 1 on: `eventId` at link k's place there, then every event from k + 1 on again, each one seq later.
      const relink = (eventId: string) =>
        tamper(async (m) => {
          await m.query(`ALTER TABLE audit_chain DROP CONSTRAINT uq_audit_chain_event`);
          await m.query(`DELETE FROM audit_chain WHERE seq > $1`, [k]);
          let prev = before[0].chain_hash as string;
          const links = [{ event_id: eventId, tx_id: before[0].tx_id, n: before[0].n }, ...before.slice(1)];
          for (const [i, l] of links.entries()) {
            const seq = k + 1 + i;
            const [{ hash }] = await m.query(`SELECT content_hash AS hash FROM audit_events WHERE id = $1`, [l.event_id]);
            const chainHash = linkHash(prev, seq, hash as string);
            await m.query(`INSERT INTO audit_chain (seq, event_id, tx_id, n, prev_hash, chain_hash) VALUES ($1, $2, $3, $4, $5, $6)`, [
              seq,
              l.event_id,
              l.tx_id,
              l.n,
              prev,
              chainHash,
            ]);
            prev = chainHash;
          }
        });
      const restore = () =>
        tamper(async (m) => {
          await m.query(`DELETE FROM audit_chain WHERE seq >= $1`, [k]);
          for (const l of before) await insertRows(m, 'audit_chain', l);
          await m.query(`ALTER TABLE audit_chain ADD CONSTRAINT uq_audit_chain_event UNIQUE (event_id)`);
        });
      const expectBrokenAt = async (eventId: string) => {
        for (const batch of rangesAround(k + 1))
          expect(await audit.verify(undefined, { batch })).toEqual({
            ok: false,
            events: k,
            firstBrokenAt: { seq: k + 1, eventId, reason: 'link out of sealing order' },
            head: await chainHashAt(k),
          });
      };

      // The same event linked twice.
      await relink(event.id);
      await expectBrokenAt(event.id);
      await restore();

      // Another event written at that very place: its (tx_id, n) is event k's.
      const copy: Record<string, unknown> & { id: string; action: string } = { ...event, id: randomUUID(), action: 'test.same_place' };
      copy.content_hash = contentHash({
        id: copy.id,
        occurredAt: (event.occurred_at as Date).toISOString(),
        action: copy.action,
        actorId: event.actor_id as string | null,
        actorRole: event.actor_role as string | null,
        entityType: event.entity_type as string,
        entityId: event.entity_id as string | null,
        subjectRef: event.subject_ref as string | null,
        data: event.data,
      });
      await tamper(
        async (m) => {
          await m.query(`ALTER TABLE audit_events DROP CONSTRAINT uq_audit_events_n`);
          await insertRows(m, 'audit_events', copy);
        },
        { stamp: true },
      );
      await relink(copy.id);
      await expectBrokenAt(copy.id);
      await restore();
      await tamper(async (m) => {
        await m.query(`DELETE FROM audit_events WHERE id = $1`, [copy.id]);
        await m.query(`ALTER TABLE audit_events ADD CONSTRAINT uq_audit_events_n UNIQUE (n)`);
      });
    });

    it("names the last link's missing event, which the stream leaves out at the chain's end", async () => {
      await sealAll();
      const last = await linkCount();
      const [event] = await t.dataSource.query(`SELECT e.* FROM audit_chain c JOIN audit_events e ON e.id = c.event_id WHERE c.seq = $1`, [last]);
      await tamper((m) => m.query(`DELETE FROM audit_events WHERE id = $1`, [event.id]));
      for (const batch of [1, last - 1, 50_000])
        expect(await audit.verify(undefined, { batch })).toEqual({
          ok: false,
          events: last - 1,
          firstBrokenAt: { seq: last, eventId: event.id, reason: 'event missing' },
          head: await chainHashAt(last - 1),
        });
      await tamper((m) => insertRows(m, 'audit_events', event as Record<string, unknown>), { stamp: true });
    });

    it('reads again, and passes, an honest event whose time the stream does not take as it comes (a year past 9999)', async () => {
      const content = {
        id: randomUUID(),
        occurredAt: '10000-01-01T00:00:00.000Z',
        action: 'test.far_future',
        actorId: null,
        actorRole: 'system',
        entityType: 'tamper-test',
        entityId: 'far-future',
        subjectRef: null,
        data: { 'a"b': 1, when: 'later' },
      };
      // An ordinary insert, as a writer makes it: the trigger stamps the transaction id and the sealer links it.
      await t.dataSource.query(
        `INSERT INTO audit_events (id, occurred_at, action, actor_id, actor_role, entity_type, entity_id, subject_ref, data, content_hash)
         VALUES ($1, '10000-01-01T00:00:00Z', $2, NULL, 'system', 'tamper-test', 'far-future', NULL, $3, $4)`,
        [content.id, content.action, JSON.stringify(content.data), contentHash(content)],
      );
      await honestWrite('after-far-future');
      await sealAll();
      const [{ seq }] = await t.dataSource.query(`SELECT seq::int AS seq FROM audit_chain WHERE event_id = $1`, [content.id]);
      const events = await linkCount();
      expect(seq).toBe(events - 1);
      for (const batch of [1, 2, 50_000]) expect(await audit.verify(undefined, { batch })).toEqual({ ok: true, events, head: await chainHashAt(events) });

      // Changed, it is named like any other.
      await tamper((m) => m.query(`UPDATE audit_events SET entity_id = 'elsewhere' WHERE id = $1`, [content.id]));
      for (const batch of [1, 50_000])
        expect(await audit.verify(undefined, { batch })).toEqual({
          ok: false,
          events: seq - 1,
          firstBrokenAt: { seq, eventId: content.id, reason: 'event content changed' },
          head: await chainHashAt(seq - 1),
        });
      await tamper((m) => m.query(`UPDATE audit_events SET entity_id = 'far-future' WHERE id = $1`, [content.id]));
    });

    it('seals a backlog batch by batch and round by round, in sealing order, the next batch read while one is written', async () => {
      // This test's seal() is the only sealer: the timer stops until the end.
      const timer = t.app.get(AuditSealer);
      await timer.onApplicationShutdown();
      try {
        await sealAll();
        const before = await linkCount();
        // 33 events in 17 transactions of one, two or three, as writers make them.
        for (let k = 0; k < 17; k++)
          await t.dataSource.transaction(async (m) => {
            for (let j = 0; j <= k % 3; j++)
              await audit.record(m, { action: 'test.backlog', actor: SYSTEM_ACTOR, entityType: 'tamper-test', entityId: `backlog-${k}-${j}` });
          });
        // Batches of 4, rounds of 20: 20 in five full batches, then 13 in three and a last one of 1
        // (unless a transaction elsewhere on the server holds some back a moment: then more rounds).
        let sealed = 0;
        for (const deadline = Date.now() + 30_000; sealed < 33 && Date.now() < deadline;) sealed += await audit.seal({ wait: true, batch: 4 });
        expect(sealed).toBe(33);

        const linked: Array<{ id: string }> = await t.dataSource.query(`SELECT event_id AS id FROM audit_chain WHERE seq > $1 ORDER BY seq`, [before]);
        const written: Array<{ id: string }> = await t.dataSource.query(`SELECT id FROM audit_events WHERE action = 'test.backlog' ORDER BY tx_id, n`);
        expect(linked).toEqual(written);
        expect(await audit.verify(undefined, { batch: 5 })).toEqual({ ok: true, events: before + 33, head: await chainHashAt(before + 33) });
      } finally {
        timer.onApplicationBootstrap();
      }
    });

    it('streams every link as stored, whatever its content: escapes of COPY text, NULLs, tabs and newlines, non-ASCII', async () => {
      const awkward = ['tab\there', 'line\nbreak\r\n', 'back\\slash \\N \\t', 'quote " and \' and \b\f\v\u0001', '\\N', '名字 🙂 \u2028', ''];
      await t.dataSource.transaction(async (m) => {
        for (const [k, text] of awkward.entries()) {
          await audit.record(m, {
            action: `test.copy\t${k}`,
            actor: k % 2 ? SYSTEM_ACTOR : { id: randomUUID(), role: `staff\\${k}` as Actor['role'] },
            entityType: text || 'x',
            entityId: k % 3 ? text : null,
            subjectRef: k % 2 ? null : randomUUID(),
            data: { text, list: [text, k], nested: { [text || 'k']: text } },
          });
        }
      });
      await sealAll();
      const repo = t.app.get(AuditRepository);
      const streamed = await repo.onOneSnapshot(async (m) => {
        const reader = await repo.chainReader(m);
        const links: Array<StoredLink | null> = [];
        await reader.read(0, reader.lastSeq, (link) => links.push(link) > 0);
        return { links, lastSeq: reader.lastSeq };
      });
      expect(streamed.links).toHaveLength(streamed.lastSeq);
      const stored = await repo.linksFrom(t.dataSource.manager, 0, streamed.lastSeq);
      for (const [i, link] of streamed.links.entries()) {
        const { event, ...chained } = stored[i];
        // Left to the general read: only an event's time of an unusual form (see the test above).
        if (link === null) {
          expect(event?.occurredAt).toMatch(/^\d{5,}-/);
          continue;
        }
        expect(link).toEqual({
          seq: chained.seq,
          prevHash: chained.prevHash,
          chainHash: chained.chainHash,
          n: event?.n,
          contentHash: event?.contentHash,
          id: event?.id,
          occurredAt: event?.occurredAt,
          action: event?.action,
          actorId: event?.actorId,
          actorRole: event?.actorRole,
          entityType: event?.entityType,
          entityId: event?.entityId,
          subjectRef: event?.subjectRef,
          data: expect.any(String),
        });
        // The data as jsonb text, to the same hash as the event's parsed content.
        expect(JSON.parse(link.data)).toEqual(event?.data);
        expect(storedContentHash(link)).toBe(event?.contentHash);
      }
      expect(streamed.links.filter((l) => l?.action.startsWith('test.copy\t'))).toHaveLength(awkward.length);
      expect(await audit.verify()).toMatchObject({ ok: true, events: streamed.lastSeq });
    });

    it('takes jsonb text and timestamps as this PostgreSQL writes them to the same canonical form', async () => {
      const values = [
        { b: 1, a: { d: [1, { z: 1, y: 2 }], c: '名字 🙂' } },
        { '10': 1, '9': 2, a: 3, '': 4, 'a!': 5, 'a b': 6, '😀': 7, '！': 8 },
        { s: 'a"b\\c\n\t\u0001 / \u001f \u007f \u2028', list: [null, 1, true, false, [], {}] },
        { n: [0, -1, 1.5, -0.25, 1e-7, 1e21, 123456789012345, 2 ** 53 + 2] },
      ];
      const rows: Array<{ text: string }> = await t.dataSource.query(`SELECT v::jsonb::text AS text FROM unnest($1::text[]) v`, [
        values.map((v) => JSON.stringify(v)),
      ]);
      for (const [i, { text }] of rows.entries()) {
        expect(canonicalJsonbText(text)).toBe(canonicalJson(values[i]));
      }
      // Keys with an escape are left to JSON.parse, to the same hash.
      const [{ text: escaped }] = await t.dataSource.query(`SELECT '{"a\\"b": 1}'::jsonb::text AS text`);
      expect(canonicalJsonbText(escaped)).toBeNull();

      const times = ['2026-11-29T10:00:00Z', '2026-11-29T10:00:00.5Z', '2026-11-29T10:00:00.123Z', '2026-11-29T23:59:59.999999Z', '0001-01-01T00:00:00.01Z'];
      const stamped: Array<{ raw: string; hashed: string }> = await t.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL TimeZone = 'UTC'`);
        await m.query(`SET LOCAL DateStyle = 'ISO'`);
        return m.query(`SELECT ts::text AS raw, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS hashed FROM unnest($1::timestamptz[]) ts`, [
          times,
        ]);
      });
      expect(stamped.map(({ raw }) => millisecondsIso(raw))).toEqual(stamped.map(({ hashed }) => hashed));
      expect(stamped.map(({ hashed }) => hashed)).toEqual([
        '2026-11-29T10:00:00.000Z',
        '2026-11-29T10:00:00.500Z',
        '2026-11-29T10:00:00.123Z',
        '2026-11-29T23:59:59.999Z',
        '0001-01-01T00:00:00.010Z',
      ]);
      expect(millisecondsIso('10000-01-01 00:00:00+00')).toBeNull();
      expect(millisecondsIso('0044-03-15 12:00:00+00 BC')).toBeNull();
      expect(millisecondsIso('infinity')).toBeNull();
    });
  });
});
