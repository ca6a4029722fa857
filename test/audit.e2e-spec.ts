import { randomBytes } from 'node:crypto';
import { Role } from '../src/kernel/role';
import { GENESIS_HASH, linkHash } from '../src/audit/audit-hash';
import { AuditService } from '../src/audit/audit.service';
import { SYSTEM_ACTOR } from '../src/kernel/actor';
import { sealAll as sealAllEvents } from './support/audit-sealing';
import { createTestApp, TestApp } from './support/test-app';

/** The audit trail against the real AppModule and PostgreSQL: append-only, concurrent, readable. */
describe('audit trail (real AppModule and PostgreSQL)', () => {
  let t: TestApp;
  let audit: AuditService;
  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
  });
  afterAll(() => t.close());

  const recordOne = (entityType: string, entityId: string, data: Record<string, unknown> = {}) =>
    t.dataSource.transaction((m) => audit.record(m, { action: 'test.recorded', actor: SYSTEM_ACTOR, entityType, entityId, data }));

  const chainShape = async () => {
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS links, coalesce(min(seq), 0)::int AS "minSeq", coalesce(max(seq), 0)::int AS "maxSeq",
              count(DISTINCT event_id)::int AS "distinctEvents" FROM audit_chain`,
    );
    return row as { links: number; minSeq: number; maxSeq: number; distinctEvents: number };
  };
  const eventCount = async (): Promise<number> => (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events`))[0].n;

  const sealAll = () => sealAllEvents(t);

  describe('the database refuses changes to the trail', () => {
    let eventId: string;
    let before: { event: unknown; link: unknown; events: number; links: number };

    beforeAll(async () => {
      eventId = await recordOne('append-only', 'a-1', { step: 1 });
      await sealAll();
      before = {
        event: (await t.dataSource.query(`SELECT * FROM audit_events WHERE id = $1`, [eventId]))[0],
        link: (await t.dataSource.query(`SELECT * FROM audit_chain WHERE event_id = $1`, [eventId]))[0],
        events: await eventCount(),
        links: (await chainShape()).links,
      };
      // The event was sealed into a link of its own, which binds the link before it and the event's hash.
      const link = before.link as { seq: string; event_id: string; prev_hash: string; chain_hash: string };
      expect(link.event_id).toBe(eventId);
      const [previous] = await t.dataSource.query(`SELECT chain_hash FROM audit_chain WHERE seq = $1`, [Number(link.seq) - 1]);
      expect(link.prev_hash).toBe(Number(link.seq) === 1 ? GENESIS_HASH : previous.chain_hash);
      expect(link.chain_hash).toBe(linkHash(link.prev_hash, link.seq, (before.event as { content_hash: string }).content_hash));
    });

    afterEach(async () => {
      expect((await t.dataSource.query(`SELECT * FROM audit_events WHERE id = $1`, [eventId]))[0]).toEqual(before.event);
      expect((await t.dataSource.query(`SELECT * FROM audit_chain WHERE event_id = $1`, [eventId]))[0]).toEqual(before.link);
      expect(await eventCount()).toBe(before.events);
      expect((await chainShape()).links).toBe(before.links);
    });

    it.each([
      ['UPDATE', 'audit_events', `UPDATE audit_events SET data = '{"step":2}' WHERE id = $1`],
      ['DELETE', 'audit_events', `DELETE FROM audit_events WHERE id = $1`],
      ['UPDATE', 'audit_chain', `UPDATE audit_chain SET chain_hash = repeat('0', 64) WHERE event_id = $1`],
      ['DELETE', 'audit_chain', `DELETE FROM audit_chain WHERE event_id = $1`],
    ])("refuses %s on %s, to the portal's role and, by trigger, to the tables' owner", async (op, table, sql) => {
      await expect(t.dataSource.query(sql, [eventId])).rejects.toMatchObject({
        message: `permission denied for table ${table}`,
        driverError: expect.objectContaining({ code: '42501' }),
      });
      await expect(t.asOwner((m) => m.query(sql, [eventId]))).rejects.toMatchObject({
        message: `${op} on ${table} is not allowed: the table is append-only`,
        driverError: expect.objectContaining({ code: '42501' }),
      });
    });

    it('refuses TRUNCATE on either table, together or alone, to either role', async () => {
      for (const sql of [`TRUNCATE audit_chain`, `TRUNCATE audit_events, audit_chain`, `TRUNCATE audit_events CASCADE`]) {
        await expect(t.dataSource.query(sql)).rejects.toMatchObject({ message: expect.stringMatching(/^permission denied for table audit_(events|chain)$/) });
        await expect(t.asOwner((m) => m.query(sql))).rejects.toMatchObject({
          message: expect.stringMatching(/^TRUNCATE on audit_(events|chain) is not allowed: the table is append-only$/),
        });
      }
    });

    it('refuses the change inside a transaction too, rolling the whole transaction back', async () => {
      await expect(
        t.asOwner(async (m) => {
          await audit.record(m, { action: 'test.recorded', actor: SYSTEM_ACTOR, entityType: 'append-only', entityId: 'a-2' });
          await m.query(`UPDATE audit_events SET action = 'test.rewritten' WHERE id = $1`, [eventId]);
        }),
      ).rejects.toThrow(/UPDATE on audit_events is not allowed/);
      expect(await t.dataSource.query(`SELECT 1 FROM audit_events WHERE entity_id = 'a-2'`)).toEqual([]);
    });
  });

  describe('concurrent writers and sealers', () => {
    const TX = 50;
    const eventsIn = (i: number) => 1 + (i % 3);
    const rolledBack = (i: number) => i % 10 === 7;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('links every committed event exactly once, in a chain with no fork, and none that rolled back', async () => {
      const run = randomBytes(4).toString('hex');
      const entity = `concurrent-${run}`;
      let writing = true;
      const verifications: Array<Awaited<ReturnType<AuditService['verify']>>> = [];
      const sealed: number[] = [];

      // Two sealers and a verifier keep going for as long as the writers do.
      const sealerLoop = async (wait: boolean) => {
        while (writing) {
          sealed.push(await audit.seal({ wait }));
          await sleep(5);
        }
      };
      const verifierLoop = async () => {
        while (writing) {
          verifications.push(await audit.verify());
          await sleep(20);
        }
      };
      const background = [sealerLoop(false), sealerLoop(false), sealerLoop(true), verifierLoop()];

      const writers = Array.from({ length: TX }, (_, i) =>
        t.dataSource
          .transaction(async (m) => {
            for (let j = 0; j < eventsIn(i); j++) {
              await audit.record(m, { action: 'test.concurrent', actor: SYSTEM_ACTOR, entityType: entity, entityId: `${i}-${j}`, data: { i, j } });
              // Keep transactions open across one another so commit order differs from start order.
              await m.query(`SELECT pg_sleep($1)`, [((i * 7 + j * 13) % 40) / 1000]);
            }
            if (rolledBack(i)) throw new Error('roll back on purpose');
          })
          .then(
            () => 'committed' as const,
            (err: Error) => {
              if (err.message !== 'roll back on purpose') throw err;
              return 'rolled back' as const;
            },
          ),
      );
      const outcomes = await Promise.all(writers);
      writing = false;
      await Promise.all(background);

      const committed = outcomes.flatMap((o, i) => (o === 'committed' ? [i] : []));
      expect(outcomes.filter((o) => o === 'rolled back')).toHaveLength(5);
      expect(sealed.some((n) => n > 0)).toBe(true);
      // No verification run while writers and sealers were busy saw a break that was not there.
      expect(verifications.length).toBeGreaterThan(0);
      expect(verifications.filter((v) => !v.ok)).toEqual([]);

      await sealAll();
      const result = await audit.verify();
      expect(result).toEqual({ ok: true, events: await eventCount(), head: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const shape = await chainShape();
      expect(shape).toEqual({ links: result.events, minSeq: 1, maxSeq: result.events, distinctEvents: result.events });

      const written: Array<{ entityId: string; seq: string | null }> = await t.dataSource.query(
        `SELECT e.entity_id AS "entityId", c.seq FROM audit_events e LEFT JOIN audit_chain c ON c.event_id = e.id WHERE e.entity_type = $1`,
        [entity],
      );
      const expected = committed.flatMap((i) => Array.from({ length: eventsIn(i) }, (_, j) => `${i}-${j}`)).sort();
      expect(written.map((w) => w.entityId).sort()).toEqual(expected);
      expect(written.every((w) => w.seq !== null)).toBe(true);
      expect(written.filter((w) => rolledBack(Number(w.entityId.split('-')[0])))).toEqual([]);

      // Within the chain the events of one transaction are adjacent and in write order.
      const order: Array<{ entityId: string }> = await t.dataSource.query(
        `SELECT e.entity_id AS "entityId" FROM audit_chain c JOIN audit_events e ON e.id = c.event_id WHERE e.entity_type = $1 ORDER BY c.seq`,
        [entity],
      );
      const txOrder = order.map((o) => Number(o.entityId.split('-')[0]));
      const groups = txOrder.filter((tx, k) => k === 0 || txOrder[k - 1] !== tx);
      expect(new Set(groups).size).toBe(groups.length);
      for (const i of committed) {
        const positions = order.flatMap((o) => (o.entityId.startsWith(`${i}-`) ? [o.entityId] : []));
        expect(positions).toEqual(Array.from({ length: eventsIn(i) }, (_, j) => `${i}-${j}`));
      }
    });

    it('lets only one of two simultaneous sealers work, and neither forks the chain', async () => {
      for (let k = 0; k < 30; k++) await recordOne('two-sealers', String(k));
      // The second finds the lock taken (or, if it comes after, nothing left): at most one works.
      const [a, b] = await Promise.all([audit.seal(), audit.seal()]);
      expect(Math.min(a, b)).toBe(0);
      // Waiting sealers queue instead; the second one has nothing left to do.
      const [c, d] = await Promise.all([audit.seal({ wait: true }), audit.seal({ wait: true })]);
      expect(Math.min(c, d)).toBe(0);
      await sealAll();
      const unsealed = await t.dataSource.query(
        `SELECT e.id FROM audit_events e WHERE e.entity_type = 'two-sealers' AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)`,
      );
      expect(unsealed).toEqual([]);
      const events = await eventCount();
      expect(await chainShape()).toEqual({ links: events, minSeq: 1, maxSeq: events, distinctEvents: events });
      expect((await audit.verify()).ok).toBe(true);
    });
  });

  it('hashes exactly what is stored, whatever the writer passed in data', async () => {
    const occurred = new Date('2026-11-29T10:00:00.123Z');
    await recordOne('normalised', 'n-1', { at: occurred, skipped: undefined, list: [undefined, 1], nested: { b: 'é', a: 1e21 } });
    const [{ data }] = await t.dataSource.query(`SELECT data FROM audit_events WHERE entity_type = 'normalised'`);
    expect(data).toEqual({ at: '2026-11-29T10:00:00.123Z', list: [null, 1], nested: { a: 1e21, b: 'é' } });
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  describe('reading the trail over HTTP', () => {
    let legal: Awaited<ReturnType<TestApp['user']>>;
    let admin: Awaited<ReturnType<TestApp['user']>>;
    let staff: Awaited<ReturnType<TestApp['user']>>;
    let subject: Awaited<ReturnType<TestApp['user']>>;
    beforeAll(async () => {
      [legal, admin, staff, subject] = await Promise.all([t.user(Role.Legal), t.user(Role.Admin), t.user(Role.Staff), t.user(Role.Subject)]);
    });

    it.each(['/api/v1/audit/verify', '/api/v1/audit?entity=user'])('answers %s for legal and admin only', async (path) => {
      for (const u of [legal, admin]) {
        const res = await t.http.get(path).set('Authorization', `Bearer ${u.token}`);
        expect(res.status).toBe(200);
      }
      for (const u of [staff, subject]) {
        const res = await t.http.get(path).set('Authorization', `Bearer ${u.token}`);
        expect(res.status).toBe(403);
      }
      expect((await t.http.get(path)).status).toBe(401);
    });

    it('verifies over HTTP, against an anchor too', async () => {
      await sealAll();
      const res = await t.http.get('/api/v1/audit/verify').set('Authorization', `Bearer ${legal.token}`);
      expect(res.body).toEqual({ ok: true, events: await eventCount(), head: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const { events, head } = res.body as { events: number; head: string };

      await recordOne('after-anchor', 'x');
      await sealAll();
      const anchored = await t.http.get(`/api/v1/audit/verify?seq=${events}&head=${head}`).set('Authorization', `Bearer ${legal.token}`);
      expect(anchored.body).toMatchObject({ ok: true, events: events + 1 });

      const wrong = await t.http.get(`/api/v1/audit/verify?seq=${events}&head=${'a'.repeat(64)}`).set('Authorization', `Bearer ${legal.token}`);
      expect(wrong.body).toMatchObject({ ok: false, firstBrokenAt: { seq: events, reason: expect.stringMatching(/recorded head/) } });

      const half = await t.http.get(`/api/v1/audit/verify?seq=${events}`).set('Authorization', `Bearer ${legal.token}`);
      expect(half.status).toBe(400);
    });

    it('lists one entity’s events, newest first, a page at a time', async () => {
      const entityId = randomBytes(4).toString('hex');
      const ids: string[] = [];
      for (let k = 0; k < 5; k++) ids.push(await recordOne('pager', entityId, { k }));
      await recordOne('pager', 'someone-else');
      await sealAll();

      const seen: string[] = [];
      let cursor: string | null = null;
      const pages: number[] = [];
      do {
        const q: string = `/api/v1/audit?entity=pager&entityId=${entityId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await t.http.get(q).set('Authorization', `Bearer ${admin.token}`);
        expect(res.status).toBe(200);
        pages.push(res.body.items.length);
        for (const item of res.body.items) {
          expect(item).toMatchObject({ entityType: 'pager', entityId, action: 'test.recorded', seq: expect.any(Number) });
          seen.push(item.id);
        }
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(pages).toEqual([2, 2, 1]);
      expect(seen).toEqual([...ids].reverse());

      const bad = await t.http.get('/api/v1/audit?cursor=abc').set('Authorization', `Bearer ${admin.token}`);
      expect(bad.status).toBe(400);
    });
  });

  describe('erasing a subject', () => {
    it('keeps personal data out of the trail and the chain intact when the account is anonymised and deleted', async () => {
      const email = `erase.${randomBytes(4).toString('hex')}@example.com`;
      const password = 'correct horse battery';
      const reg = await t.http.post('/api/v1/auth/register').send({ email, password, displayName: '李四', phone: '13912345678' });
      expect(reg.status).toBe(201);
      const userId = reg.body.id as string;
      const token = await t.login(email, password);
      expect((await t.http.post('/api/v1/auth/login').send({ email, password: 'wrong password 1' })).status).toBe(401);
      const stranger = `nobody.${randomBytes(4).toString('hex')}@example.com`;
      expect((await t.http.post('/api/v1/auth/login').send({ email: stranger, password: 'wrong password 1' })).status).toBe(401);
      await t.http.post('/api/v1/auth/logout').set('Authorization', `Bearer ${token}`).expect(200);

      const [{ subjectRef }] = await t.dataSource.query(`SELECT subject_ref AS "subjectRef" FROM users WHERE id = $1`, [userId]);
      const actions: Array<{ action: string }> = await t.dataSource.query(
        `SELECT action FROM audit_events WHERE subject_ref = $1 OR actor_id = $2 ORDER BY n`,
        [subjectRef, userId],
      );
      expect(actions.map((a) => a.action)).toEqual(['account.registered', 'auth.login_succeeded', 'auth.login_failed', 'auth.logged_out']);

      // Every column of every event, as text: no email, name or phone anywhere.
      for (const needle of [email, email.split('@')[0], stranger, '李四', '13912345678']) {
        const hits = await t.dataSource.query(`SELECT e.id FROM audit_events e WHERE strpos(lower(e::text), lower($1)) > 0`, [needle]);
        expect({ needle, hits }).toEqual({ needle, hits: [] });
      }

      await sealAll();
      const before = await audit.verify();
      expect(before.ok).toBe(true);

      await t.dataSource.query(`UPDATE users SET email = $2, display_name = NULL, phone = NULL, password_hash = 'erased' WHERE id = $1`, [
        userId,
        `erased-${userId}@invalid`,
      ]);
      expect(await audit.verify()).toEqual({ ok: true, events: before.events, head: before.head });

      await t.dataSource.query(`DELETE FROM users WHERE id = $1`, [userId]);
      expect(await audit.verify()).toEqual({ ok: true, events: before.events, head: before.head });

      // The record survives, under the pseudonym only.
      const listed = await t.http.get(`/api/v1/audit?subjectRef=${subjectRef}`).set('Authorization', `Bearer ${(await t.user(Role.Legal)).token}`);
      expect(listed.body.items.map((i: { action: string }) => i.action)).toEqual([
        'auth.logged_out',
        'auth.login_failed',
        'auth.login_succeeded',
        'account.registered',
      ]);
    });
  });
});
