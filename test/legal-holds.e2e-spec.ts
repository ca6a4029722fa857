import type { Response } from 'supertest';
import { LegalHolds1764620000000 } from '../migrations/1764620000000-legal-holds';
import { AppError } from '../src/common/errors/app-error';
import { HoldsService } from '../src/holds';
import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Legal holds over HTTP on the real application (product.md, "The law above the policy"; api.md,
 * "Legal holds"): placing, listing, releasing, expiry, every refusal writing nothing, the audit
 * trail, who may read, and the coverage check review asks before a deletion keeps anything.
 */
describe('legal holds (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let legal: TestUser;
  let legal2: TestUser;
  let admin: TestUser;
  let staff: TestUser;
  let staff2: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const unknownId = '00000000-0000-4000-8000-000000000000';
  const DAY = 24 * 3600 * 1000;
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
  const place = (u: TestUser, body: object) => t.http.post('/api/v1/legal/holds').set(auth(u)).send(body);
  const list = (u: TestUser, query = '') => t.http.get(`/api/v1/legal/holds${query ? `?${query}` : ''}`).set(auth(u));
  const release = (u: TestUser, id: string, body: object = { reason: '监管机关撤销调取通知' }) =>
    t.http.post(`/api/v1/legal/holds/${id}/release`).set(auth(u)).send(body);
  /** Transaction records, kept 3 years after completion (E-Commerce Law Art. 31). */
  const transactionsHold = (subjectId: string, overrides: object = {}) => ({
    subjectId,
    categories: ['transactions'],
    clauses: ['3.f'],
    law: ['ECL.31'],
    retention: '3 years after completion (ECL Art. 31)',
    until: inDays(3 * 365),
    note: '订单记录依法保存三年',
    ...overrides,
  });
  /** Network logs, kept 6 months (Cybersecurity Law Art. 23, the 2017 text's Art. 21), on a provision alone. */
  const logsHold = (subjectId: string, overrides: object = {}) => ({
    subjectId,
    categories: ['device_access'],
    law: ['CSL.23'],
    reference: '京公网安调字〔2025〕第 118 号',
    until: inDays(183),
    note: '网络日志依法留存六个月',
    ...overrides,
  });
  const created = async (res: Promise<Response> | Response): Promise<{ id: string } & Record<string, unknown>> => {
    const r = await res;
    if (r.status !== 201) throw new Error(`placing a hold answered ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const auditOf = (holdId: string): Promise<{ action: string; actor_id: string; actor_role: string; subject_ref: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(
      `SELECT action, actor_id, actor_role, subject_ref, data FROM audit_events WHERE entity_type = 'legal_hold' AND entity_id = $1 ORDER BY n`,
      [holdId],
    );
  /** A hold that ended before now, written as the owner (the API refuses a past `until`, rightly). */
  const expiredHold = (subject: TestUser, categories = ['violations']): Promise<string> =>
    t.asOwner(async (m) => {
      const [{ id }] = await m.query(
        `INSERT INTO legal_holds (subject_id, subject_ref, categories, law, policy_version, retention, note, until, placed_by, placed_at)
         VALUES ($1, $2, $3, '{PIPL.47}', 1, '6 months', 'expired fixture', now() - interval '1 day', $4, now() - interval '200 days')
         RETURNING id`,
        [subject.id, subject.subjectRef, categories, legal.id],
      );
      return id as string;
    });

  beforeAll(async () => {
    t = await createTestApp();
    [legal, legal2, admin, staff, staff2, alice, bob] = [
      await t.user(Role.Legal),
      await t.user(Role.Legal),
      await t.user(Role.Admin),
      await t.user(Role.Staff),
      await t.user(Role.Staff),
      await t.user(Role.Subject),
      await t.user(Role.Subject),
    ];
  });
  afterAll(() => t.close());

  describe('placing', () => {
    it('places a hold on a subject with its basis, and audits it without personal data', async () => {
      const body = transactionsHold(alice.id);
      const res = await place(legal, body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        subjectId: alice.id,
        subjectRef: alice.subjectRef,
        categories: ['transactions'],
        clauses: ['3.f'],
        law: ['ECL.31'],
        policyVersion: 1,
        reference: null,
        retention: '3 years after completion (ECL Art. 31)',
        note: '订单记录依法保存三年',
        until: new Date(body.until).toISOString(),
        placedBy: legal.id,
        placedAt: expect.any(String),
        releasedAt: null,
        releasedBy: null,
        releaseReason: null,
        active: true,
        expired: false,
      });
      const [row] = await t.dataSource.query(`SELECT subject_id, categories, placed_by FROM legal_holds WHERE id = $1`, [res.body.id]);
      expect(row).toEqual({ subject_id: alice.id, categories: ['transactions'], placed_by: legal.id });

      const events = await auditOf(res.body.id);
      expect(events).toEqual([
        {
          action: 'legal_hold.placed',
          actor_id: legal.id,
          actor_role: 'legal',
          subject_ref: alice.subjectRef,
          data: { subjectId: alice.id, categories: ['transactions'], clauses: ['3.f'], law: ['ECL.31'], policyVersion: 1, until: res.body.until },
        },
      ]);
      // Ids and codes only: not the note, the reference, the retention, nor the subject's email.
      expect(JSON.stringify(events)).not.toMatch(/订单|ECL Art\. 31\)|@example\.com/);
    });

    it('places a hold on a provision of law alone, with the authority’s reference instead of a retention period', async () => {
      const res = await place(legal, logsHold(alice.id));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ clauses: [], law: ['CSL.23'], reference: '京公网安调字〔2025〕第 118 号', retention: null, active: true });
      expect((await t.http.get(`/api/v1/legal/holds/${res.body.id}`).set(auth(legal2))).body).toEqual(res.body);
    });
  });

  describe('bad input changes nothing', () => {
    let before: Record<string, number>;
    beforeEach(async () => {
      before = await t.tableCounts();
    });
    afterEach(async () => {
      expect(await t.tableCounts()).toEqual(before);
    });

    // Every row has a field (empty: none named): jest takes a missing last argument for `done`.
    it.each<[string, (s: string) => object, number, string, string]>([
      ['an unknown category', (s) => transactionsHold(s, { categories: ['transactions', 'bank_cards'] }), 400, 'validation_failed', 'categories'],
      ['no category', (s) => transactionsHold(s, { categories: [] }), 400, 'validation_failed', 'categories'],
      ['categories that are not a list', (s) => transactionsHold(s, { categories: 'transactions' }), 400, 'validation_failed', 'categories'],
      ['no basis at all', (s) => transactionsHold(s, { clauses: undefined, law: undefined }), 422, 'hold_needs_basis', 'clauses'],
      ['empty clauses and law', (s) => transactionsHold(s, { clauses: [], law: [] }), 422, 'hold_needs_basis', 'law'],
      ['neither reference nor retention', (s) => transactionsHold(s, { retention: undefined }), 422, 'hold_needs_reference_or_retention', 'reference'],
      ['a blank retention', (s) => transactionsHold(s, { retention: '   ' }), 400, 'validation_failed', 'retention'],
      ['an expiry in the past', (s) => transactionsHold(s, { until: inDays(-1) }), 422, 'hold_until_in_past', 'until'],
      ['an expiry more than 30 years ahead', (s) => transactionsHold(s, { until: inDays(30 * 365 + 9) }), 422, 'hold_until_too_far', 'until'],
      ['an expiry without a time zone', (s) => transactionsHold(s, { until: '2030-01-01T00:00:00' }), 400, 'validation_failed', 'until'],
      ['an expiry that is no date', (s) => transactionsHold(s, { until: 'in three years' }), 400, 'validation_failed', 'until'],
      ['an unknown subject', () => transactionsHold(unknownId), 422, 'unknown_subject', 'subjectId'],
      ['an account that is not a subject', () => transactionsHold(staff.id), 422, 'unknown_subject', 'subjectId'],
      ['a subject id that is no id', () => transactionsHold('alice'), 400, 'validation_failed', 'subjectId'],
      ['a clause the policy version does not have', (s) => transactionsHold(s, { clauses: ['3.f', '99.z'] }), 422, 'unknown_clauses', ''],
      ['a provision the law catalogue does not have', (s) => transactionsHold(s, { law: ['ECL.999'] }), 422, 'unknown_law', ''],
      ['a law id of the wrong shape', (s) => transactionsHold(s, { law: ['ecl-31'] }), 400, 'validation_failed', 'law'],
      ['a clause id of the wrong shape', (s) => transactionsHold(s, { clauses: ['3.F!'] }), 400, 'validation_failed', 'clauses'],
      ['no note', (s) => transactionsHold(s, { note: undefined }), 400, 'validation_failed', 'note'],
      ['an unknown field', (s) => transactionsHold(s, { storageOnly: false }), 400, 'validation_failed', 'storageOnly'],
    ])('placing with %s', async (_, body, status, code, field) => {
      const res = await place(legal, body(alice.id));
      expect([res.status, res.body.code]).toEqual([status, code]);
      if (field) expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    });

    it('names the clauses and provisions that do not exist', async () => {
      const clauses = await place(legal, transactionsHold(alice.id, { clauses: ['99.z'] }));
      expect(clauses.body).toMatchObject({ unknownClauses: ['99.z'], policyVersion: 1, validClauses: expect.arrayContaining(['3.f']) });
      const law = await place(legal, transactionsHold(alice.id, { law: ['ECL.999', 'ECL.31'] }));
      expect(law.body).toMatchObject({ unknownLaw: ['ECL.999'], validLaw: expect.arrayContaining(['ECL.31', 'CSL.23']) });
    });

    it.each([
      ['no reason', {}, 400, 'validation_failed'],
      ['a blank reason', { reason: ' ' }, 400, 'validation_failed'],
      ['an unknown field', { reason: 'x', force: true }, 400, 'validation_failed'],
    ])('releasing with %s', async (_, body, status, code) => {
      const hold = await t.dataSource.query(`SELECT id FROM legal_holds WHERE released_at IS NULL AND until > now() LIMIT 1`);
      const res = await release(legal, hold[0].id, body);
      expect([res.status, res.body.code]).toEqual([status, code]);
    });

    it('answers 404 for a hold that does not exist and 400 for a malformed id', async () => {
      expect((await release(legal, unknownId)).body.code).toBe('hold_not_found');
      expect((await t.http.get(`/api/v1/legal/holds/${unknownId}`).set(auth(legal))).status).toBe(404);
      expect((await t.http.get('/api/v1/legal/holds/42').set(auth(legal))).status).toBe(400);
      expect((await release(legal, '42')).status).toBe(400);
    });

    it.each([['active=yes'], ['limit=0'], ['limit=101'], ['limit=ten'], ['subjectId=alice'], ['cursor=forged'], ['status=active']])(
      'listing with ?%s: 400',
      async (query) => {
        expect((await list(legal, query)).status).toBe(400);
      },
    );

    it('refuses a cursor another list handed out', async () => {
      const audit = await t.http.get('/api/v1/audit?limit=1').set(auth(legal));
      expect(audit.body.nextCursor).toEqual(expect.any(String));
      const res = await list(legal, `cursor=${encodeURIComponent(audit.body.nextCursor)}`);
      expect([res.status, res.body.code]).toEqual([400, 'invalid_cursor']);
    });
  });

  describe('listing', () => {
    let carol: TestUser;
    const ids: string[] = [];
    let expiredId: string;
    let releasedId: string;

    beforeAll(async () => {
      carol = await t.user(Role.Subject);
      for (let i = 0; i < 4; i++) ids.push((await created(place(legal, transactionsHold(carol.id, { note: `hold ${i}` })))).id);
      expiredId = await expiredHold(carol);
      releasedId = (await created(place(legal, logsHold(carol.id)))).id;
      expect((await release(legal, releasedId)).status).toBe(200);
    });

    it("lists a subject's holds, newest first, with whether each is active or expired", async () => {
      const res = await list(legal, `subjectId=${carol.id}`);
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      const items = res.body.items as { id: string; active: boolean; expired: boolean; subjectId: string }[];
      expect(items.map((h) => h.id)).toEqual([releasedId, ...[...ids].reverse(), expiredId]);
      expect(items.every((h) => h.subjectId === carol.id)).toBe(true);
      expect(items.find((h) => h.id === expiredId)).toMatchObject({ active: false, expired: true });
      expect(items.find((h) => h.id === releasedId)).toMatchObject({ active: false, expired: false, releasedBy: legal.id });
      expect(items.find((h) => h.id === ids[0])).toMatchObject({ active: true, expired: false });
    });

    it('filters by active', async () => {
      const active = await list(legal, `subjectId=${carol.id}&active=true`);
      expect(active.body.items.map((h: { id: string }) => h.id).sort()).toEqual([...ids].sort());
      const ended = await list(legal, `subjectId=${carol.id}&active=false`);
      expect(ended.body.items.map((h: { id: string }) => h.id).sort()).toEqual([expiredId, releasedId].sort());
    });

    it('pages with a cursor, each hold once, whatever the page size', async () => {
      const all = (await list(legal, `subjectId=${carol.id}`)).body.items.map((h: { id: string }) => h.id);
      for (const limit of [1, 2, 4]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: Response = await list(legal, `subjectId=${carol.id}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          expect(res.status).toBe(200);
          expect(res.body.items.length).toBeLessThanOrEqual(limit);
          seen.push(...res.body.items.map((h: { id: string }) => h.id));
          cursor = res.body.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        expect(seen).toEqual(all);
      }
    });

    it('lists everyone’s holds for legal and admin; an unknown subject has none', async () => {
      for (const u of [legal, admin]) {
        const res = await list(u, 'limit=100');
        expect(res.status).toBe(200);
        expect(res.body.items.map((h: { id: string }) => h.id)).toEqual(expect.arrayContaining([...ids, expiredId, releasedId]));
      }
      expect((await list(legal, `subjectId=${unknownId}`)).body).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('releasing and expiry', () => {
    it('releases a hold in force once, audited; a second release is a 409 that changes nothing', async () => {
      const hold = await created(place(legal, transactionsHold(bob.id)));
      const res = await release(legal2, hold.id, { reason: '交易纠纷已结案' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: hold.id, active: false, expired: false, releasedBy: legal2.id, releaseReason: '交易纠纷已结案' });
      expect(Date.parse(res.body.releasedAt)).toBeLessThanOrEqual(Date.now());
      const events = await auditOf(hold.id);
      expect(events.map((e) => [e.action, e.actor_id, e.subject_ref])).toEqual([
        ['legal_hold.placed', legal.id, bob.subjectRef],
        ['legal_hold.released', legal2.id, bob.subjectRef],
      ]);
      expect(JSON.stringify(events[1].data)).not.toContain('交易纠纷');

      const before = await t.tableCounts();
      const [row] = await t.dataSource.query(`SELECT to_jsonb(h) AS row FROM legal_holds h WHERE id = $1`, [hold.id]);
      const again = await release(legal, hold.id, { reason: '再次解除' });
      expect([again.status, again.body.code]).toEqual([409, 'hold_already_released']);
      expect(await t.tableCounts()).toEqual(before);
      expect((await t.dataSource.query(`SELECT to_jsonb(h) AS row FROM legal_holds h WHERE id = $1`, [hold.id]))[0]).toEqual(row);
    });

    it('answers 409 for releasing a hold that has expired, and changes nothing', async () => {
      const id = await expiredHold(bob);
      const before = await t.tableCounts();
      const res = await release(legal, id);
      expect([res.status, res.body.code]).toEqual([409, 'hold_expired']);
      expect(await t.tableCounts()).toEqual(before);
      expect((await t.dataSource.query(`SELECT released_at FROM legal_holds WHERE id = $1`, [id]))[0].released_at).toBeNull();
    });

    it('expires by itself when its time comes: no job, the list just says so', async () => {
      const hold = await created(place(legal, logsHold(bob.id, { until: new Date(Date.now() + 1500).toISOString() })));
      expect(hold).toMatchObject({ active: true, expired: false });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const res = await t.http.get(`/api/v1/legal/holds/${hold.id}`).set(auth(legal));
      expect(res.body).toMatchObject({ active: false, expired: true, releasedAt: null });
      const active = await list(legal, `subjectId=${bob.id}&active=true`);
      expect(active.body.items.map((h: { id: string }) => h.id)).not.toContain(hold.id);
      expect((await release(legal, hold.id)).body.code).toBe('hold_expired');
    });

    it.each([
      ['an unknown category', `'{transactions,bank_cards}'`, `'{}'`, `'{ECL.31}'`, `'3 years'`],
      ['no category', `'{}'`, `'{}'`, `'{ECL.31}'`, `'3 years'`],
      ['no basis', `'{transactions}'`, `'{}'`, `'{}'`, `'3 years'`],
      ['neither reference nor retention', `'{transactions}'`, `'{}'`, `'{ECL.31}'`, `NULL`],
      ['a clause the version does not have', `'{transactions}'`, `'{99.z}'`, `'{}'`, `'3 years'`],
    ])('is refused by the database itself with %s, whoever writes it', async (_, categories, clauses, law, retention) => {
      await expect(
        t.asOwner((m) =>
          m.query(
            `INSERT INTO legal_holds (subject_id, subject_ref, categories, clauses, law, policy_version, retention, note, until, placed_by)
             VALUES ($1, $2, ${categories}, ${clauses}, ${law}, 1, ${retention}, 'x', now() + interval '1 year', $3)`,
            [bob.id, bob.subjectRef, legal.id],
          ),
        ),
      ).rejects.toThrow(/ck_legal_holds_|does not have/);
    });

    it('is never deleted nor edited beyond its release, even by the portal’s own database role', async () => {
      const hold = await created(place(legal, transactionsHold(bob.id)));
      await expect(t.dataSource.query(`DELETE FROM legal_holds WHERE id = $1`, [hold.id])).rejects.toThrow(/not allowed/);
      await expect(t.dataSource.query(`UPDATE legal_holds SET until = now() + interval '30 years' WHERE id = $1`, [hold.id])).rejects.toThrow(/not allowed/);
      await expect(
        t.dataSource.query(`UPDATE legal_holds SET categories = '{account}', released_at = now(), released_by = $2, release_reason = 'x' WHERE id = $1`, [
          hold.id,
          legal.id,
        ]),
      ).rejects.toThrow(/not allowed/);
    });
  });

  describe('who may do what', () => {
    let dave: TestUser;
    let daveHold: string;
    let aliceHold: string;

    beforeAll(async () => {
      dave = await t.user(Role.Subject);
      daveHold = (await created(place(legal, transactionsHold(dave.id)))).id;
      aliceHold = (await created(place(legal, transactionsHold(alice.id)))).id;
      // Staff hold a request of dave's: they are working on him, and on no one else here.
      const filed = await t.http.post('/api/v1/requests').set(auth(dave)).send({ type: 'access' });
      expect(filed.status).toBe(201);
      expect((await t.http.post(`/api/v1/staff/requests/${filed.body.id}/claim`).set(auth(staff)).send({})).status).toBe(200);
    });

    it('refuses anonymous callers (401) and subjects (403) on every route, their own holds included', async () => {
      const calls = (u: TestUser | null) => {
        const a = u ? auth(u) : {};
        return [
          t.http.post('/api/v1/legal/holds').set(a).send(transactionsHold(dave.id)),
          t.http.get(`/api/v1/legal/holds?subjectId=${dave.id}`).set(a),
          t.http.get(`/api/v1/legal/holds/${daveHold}`).set(a),
          t.http.post(`/api/v1/legal/holds/${daveHold}/release`).set(a).send({ reason: 'x' }),
        ];
      };
      const before = await t.tableCounts();
      for (const res of await Promise.all(calls(null))) expect([res.status, res.body.code]).toEqual([401, 'not_authenticated']);
      for (const res of await Promise.all(calls(dave))) expect([res.status, res.body.code]).toEqual([403, 'not_allowed']);
      expect(await t.tableCounts()).toEqual(before);
    });

    it('lets only legal place and release (staff and admin: 403)', async () => {
      const before = await t.tableCounts();
      for (const u of [staff, admin]) {
        expect((await place(u, transactionsHold(dave.id))).status).toBe(403);
        expect((await release(u, daveHold)).status).toBe(403);
      }
      expect(await t.tableCounts()).toEqual(before);
    });

    it("lets staff read the holds of a subject they are working on, and no one else's (404, as if none existed)", async () => {
      const own = await list(staff, `subjectId=${dave.id}`);
      expect(own.status).toBe(200);
      expect(own.body.items.map((h: { id: string }) => h.id)).toEqual([daveHold]);
      expect((await t.http.get(`/api/v1/legal/holds/${daveHold}`).set(auth(staff))).body).toMatchObject({ id: daveHold, subjectId: dave.id });

      const other = await list(staff2, `subjectId=${dave.id}`);
      const nobody = await list(staff2, `subjectId=${unknownId}`);
      expect([other.status, other.body.code]).toEqual([404, 'subject_not_found']);
      expect([nobody.status, nobody.body.code]).toEqual([404, 'subject_not_found']);
      expect((await list(staff, `subjectId=${alice.id}`)).status).toBe(404);

      const notTheirs = await t.http.get(`/api/v1/legal/holds/${aliceHold}`).set(auth(staff));
      const missing = await t.http.get(`/api/v1/legal/holds/${unknownId}`).set(auth(staff));
      expect([notTheirs.status, notTheirs.body.code, notTheirs.body.message]).toEqual([missing.status, missing.body.code, missing.body.message]);
      expect(notTheirs.body.code).toBe('hold_not_found');
    });

    it('makes staff name the subject: they never list everyone’s holds', async () => {
      const res = await list(staff);
      expect([res.status, res.body.code]).toEqual([422, 'subject_required']);
      expect(res.body.errors).toEqual([{ field: 'subjectId', messages: ['subjectId is required'] }]);
    });

    it('lets admin read any hold', async () => {
      expect((await t.http.get(`/api/v1/legal/holds/${aliceHold}`).set(auth(admin))).body).toMatchObject({ id: aliceHold });
    });
  });

  describe('assertCovering and activeHolds (what review asks before a deletion keeps data)', () => {
    let holds: HoldsService;
    let erin: TestUser;
    let frank: TestUser;
    let transactions: string;
    let logs: string;
    let released: string;
    let franks: string;

    const refusal = async (work: Promise<unknown>): Promise<AppError> => {
      try {
        await work;
      } catch (err) {
        if (err instanceof AppError) return err;
        throw err;
      }
      throw new Error('expected a refusal');
    };

    beforeAll(async () => {
      holds = t.app.get(HoldsService);
      [erin, frank] = [await t.user(Role.Subject), await t.user(Role.Subject)];
      transactions = (await created(place(legal, transactionsHold(erin.id)))).id;
      logs = (await created(place(legal, logsHold(erin.id, { categories: ['device_access', 'violations'] })))).id;
      released = (await created(place(legal, transactionsHold(erin.id, { categories: ['published_content'] })))).id;
      expect((await release(legal, released)).status).toBe(200);
      franks = (await created(place(legal, transactionsHold(frank.id, { categories: ['account'] })))).id;
    });

    it('returns the holds when they are the subject’s, in force, and cover every category', async () => {
      const covering = await holds.assertCovering(erin.id, [transactions, logs], ['transactions', 'violations']);
      expect(covering.map((h) => h.id).sort()).toEqual([transactions, logs].sort());
      expect(covering.every((h) => h.active && h.subjectId === erin.id)).toBe(true);
      expect(await holds.assertCovering(erin.id, [], [])).toEqual([]);
    });

    it('names a category no cited hold includes', async () => {
      const err = await refusal(holds.assertCovering(erin.id, [transactions], ['transactions', 'device_access']));
      expect(err).toMatchObject({
        kind: 'unprocessable',
        code: 'holds_do_not_cover',
        details: { uncovered: ['device_access'], inactiveHolds: [], unknownHolds: [] },
      });
    });

    it('names a released hold as inactive, and what it no longer covers', async () => {
      const err = await refusal(holds.assertCovering(erin.id, [transactions, released], ['transactions', 'published_content']));
      expect(err.details).toEqual({ uncovered: ['published_content'], inactiveHolds: [released], unknownHolds: [] });
    });

    it('names an expired hold as inactive', async () => {
      const expired = await expiredHold(erin, ['search_keywords']);
      const err = await refusal(holds.assertCovering(erin.id, [expired], ['search_keywords']));
      expect(err.details).toEqual({ uncovered: ['search_keywords'], inactiveHolds: [expired], unknownHolds: [] });
    });

    it("names another subject's hold, and a hold that does not exist, as unknown", async () => {
      const err = await refusal(holds.assertCovering(erin.id, [franks, unknownId, transactions], ['account', 'transactions']));
      expect(err.details).toEqual({ uncovered: ['account'], inactiveHolds: [], unknownHolds: [franks, unknownId] });
    });

    it("lists a subject's active holds only", async () => {
      expect((await holds.activeHolds(erin.id)).map((h) => h.id).sort()).toEqual([transactions, logs].sort());
      expect((await holds.activeHolds(frank.id)).map((h) => h.id)).toEqual([franks]);
      expect(await holds.activeHolds(unknownId)).toEqual([]);
    });
  });

  it('has a migration whose down() removes the table and its functions, and whose up() restores them', async () => {
    const qr = (await t.owner()).createQueryRunner();
    const present = async () =>
      (
        await qr.query(
          `SELECT 'table' AS kind, tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename = 'legal_holds'
           UNION ALL SELECT 'function', proname FROM pg_proc WHERE proname LIKE 'legal_holds_%' ORDER BY 1, 2`,
        )
      ).map((r: { kind: string; name: string }) => `${r.kind} ${r.name}`);
    await qr.startTransaction();
    try {
      const migration = new LegalHolds1764620000000();
      await migration.down(qr);
      expect(await present()).toEqual([]);
      await migration.up(qr);
      expect(await present()).toEqual(['function legal_holds_clauses_exist', 'function legal_holds_release_only', 'table legal_holds']);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });
});
