import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EntityManager } from 'typeorm';
import { contentHash, linkHash } from '../src/audit/audit-hash';
import { AuditService } from '../src/audit/audit.service';
import { ChainVerification } from '../src/audit/audit.types';
import { SYSTEM_ACTOR } from '../src/kernel/actor';
import { sealAll as sealAllEvents } from './support/audit-sealing';
import { createTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

/**
 * Someone with the power to switch the append-only triggers off edits the trail behind the
 * application's back; verify must notice and name the first broken link, also after honest
 * writers have carried on. Each scenario tampers, checks, then puts the trail back as it was.
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
    t.dataSource.transaction(async (m) => {
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
    event: (await t.dataSource.query(`SELECT * FROM audit_events WHERE id = $1`, [eventAt.get(seq)]))[0] as Record<string, unknown>,
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

  const cli = (args: string[] = []) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'npx',
        ['ts-node', '--transpile-only', 'src/cli.ts', 'audit:verify', ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' }, timeout: 90_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
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
      id: event.id as string,
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
    await tamper(async (m) => {
      await m.query(`ALTER TABLE audit_chain DROP CONSTRAINT fk_audit_chain_event`);
      await m.query(`DELETE FROM audit_events WHERE id = $1`, [event.id]);
    });
    await honestWrite('after-b2');
    expect(await audit.verify()).toMatchObject({ ok: false, events: k - 1, firstBrokenAt: { seq: k, eventId: event.id, reason: 'event missing' } });
    await tamper(
      async (m) => {
        await insertRows(m, 'audit_events', event);
        await m.query(`ALTER TABLE audit_chain ADD CONSTRAINT fk_audit_chain_event FOREIGN KEY (event_id) REFERENCES audit_events(id)`);
      },
      { stamp: true },
    );
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
    expect(await audit.verify()).toMatchObject({
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
});
