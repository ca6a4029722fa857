import { Client } from 'pg';
import type { Response } from 'supertest';
import { DisclosureRegister1764740000000 } from '../migrations/1764740000000-disclosure-register';
import { DisclosureRegister, DisclosuresService } from '../src/disclosures';
import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The disclosure register over HTTP on the real application (issue 13; product.md, "The disclosure
 * register and legal review"; api.md, "Disclosures"): recording and the basis check, bad input
 * writing nothing, the append-only tables (to the portal's role and to the owner), corrections,
 * legal review by someone other than the recorder, withholding that ends by itself, the reports with
 * their filters and keyset pages, the streamed CSV, the counts, and the read port.
 */
describe('the disclosure register (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  let legal2: TestUser;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const unknownId = '00000000-0000-4000-8000-000000000000';
  const HOUR = 3600 * 1000;
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
  const record = (u: TestUser, body: object) => t.http.post('/api/v1/disclosures').set(auth(u)).send(body);
  const review = (u: TestUser, id: string, body: object = { outcome: 'confirmed', note: '调取通知书原件已核对' }) =>
    t.http.post(`/api/v1/disclosures/${id}/review`).set(auth(u)).send(body);
  const withhold = (u: TestUser, id: string, body: object) => t.http.post(`/api/v1/disclosures/${id}/withhold`).set(auth(u)).send(body);
  const list = (u: TestUser, query = '') => t.http.get(`/api/v1/disclosures${query ? `?${query}` : ''}`).set(auth(u));
  const grant = (u: TestUser, purpose: string) =>
    t.http
      .post(`/api/v1/consents/${encodeURIComponent(purpose)}`)
      .set(auth(u))
      .send({ state: 'granted' });
  /** A public security bureau's evidence-collection notice (3.c, PIPL Art. 13). */
  const police = (subjectIds: string[], overrides: object = {}) => ({
    subjectIds,
    recipient: { name: '北京市公安局朝阳分局', kind: 'authority', country: 'CN', contact: '北京市朝阳区朝阳公园南路 1 号' },
    basis: ['3.c'],
    law: ['PIPL.13'],
    dataCategories: ['account', 'transactions'],
    purpose: '刑事案件侦查调取证据',
    reference: '京公（朝）调证字〔2025〕第 0421 号',
    disclosedAt: ago(48),
    ...overrides,
  });
  /** An affiliate, on the affiliate_sharing consent (face.share.2, PIPL Art. 23). */
  const affiliate = (subjectIds: string[], overrides: object = {}) => ({
    subjectIds,
    recipient: { name: '示例关联科技有限公司', kind: 'affiliate', country: 'CN' },
    basis: ['face.share.2'],
    dataCategories: ['account'],
    purpose: '统一会员服务',
    consentPurpose: 'affiliate_sharing',
    disclosedAt: ago(24),
    ...overrides,
  });
  const created = async (res: Promise<Response> | Response): Promise<{ id: string } & Record<string, unknown>> => {
    const r = await res;
    if (r.status !== 201) throw new Error(`recording answered ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** The refusal and its code, and that nothing at all was written. */
  const refusesWritingNothing = async (call: () => Promise<Response>, status: number, code: string): Promise<Response> => {
    const before = await t.tableCounts();
    const res = await call();
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(await t.tableCounts()).toEqual(before);
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp();
    [staff, legal, legal2, admin, alice, bob] = [
      await t.user(Role.Staff),
      await t.user(Role.Legal),
      await t.user(Role.Legal),
      await t.user(Role.Admin),
      await t.user(Role.Subject),
      await t.user(Role.Subject),
    ];
  });
  afterAll(() => t.close());

  describe('recording', () => {
    it('records an authority disclosure about several subjects, pending review and not yet made, audited per subject with its content hash', async () => {
      const entry = await created(record(staff, police([alice.id, bob.id])));
      expect(entry).toMatchObject({
        status: 'pending_review',
        countsAsMade: false,
        subjectIds: [alice.id, bob.id].sort(),
        recipient: { kind: 'authority', country: 'CN' },
        basis: ['3.c'],
        law: ['PIPL.13'],
        recordedBy: staff.id,
        review: null,
        withheldUntil: null,
        policyVersion: 1,
      });
      expect(entry.contentHash).toMatch(/^[0-9a-f]{64}$/);
      const events: { subject_ref: string; data: { contentHash: string } }[] = await t.dataSource.query(
        `SELECT subject_ref, data FROM audit_events WHERE action = 'disclosure.recorded' AND entity_id = $1 ORDER BY subject_ref`,
        [entry.id],
      );
      expect(events.map((e) => e.subject_ref)).toEqual([alice.subjectRef, bob.subjectRef].sort());
      expect(events.every((e) => e.data.contentHash === entry.contentHash)).toBe(true);
    });

    it('records a repeated disclosure as one entry with first date, frequency and last date', async () => {
      await grant(alice, 'affiliate_sharing');
      // Both dates from one reading of the clock: two readings may fall a millisecond apart.
      const now = Date.now();
      const [first, last] = [new Date(now - 90 * 24 * HOUR).toISOString(), new Date(now - 24 * HOUR).toISOString()];
      const entry = await created(record(staff, affiliate([alice.id], { disclosedAt: first, lastDisclosedAt: last, frequency: 'monthly' })));
      expect(entry).toMatchObject({ frequency: 'monthly', countsAsMade: true });
      expect(new Date(entry.lastDisclosedAt as string).getTime() - new Date(entry.disclosedAt as string).getTime()).toBe(89 * 24 * HOUR);
      await refusesWritingNothing(
        () => record(staff, affiliate([alice.id], { disclosedAt: ago(48), lastDisclosedAt: ago(24) })),
        422,
        'repeated_disclosure_needs_frequency',
      );
      await refusesWritingNothing(
        () => record(staff, affiliate([alice.id], { disclosedAt: ago(24), lastDisclosedAt: ago(48), frequency: 'daily' })),
        422,
        'disclosure_dates_out_of_order',
      );
    });

    it('refuses, naming the subject, the clause or provision and what is missing, and writes nothing', async () => {
      // Bob never consented to sharing with affiliates.
      const noConsent = await refusesWritingNothing(() => record(staff, affiliate([alice.id, bob.id])), 422, 'disclosure_basis_does_not_fit');
      expect(noConsent.body.message).toContain(`subject ${bob.id}: face.share.2 requires the subject's consent affiliate_sharing is not on file`);
      expect(noConsent.body.missing).toEqual([{ subjectId: bob.id, cites: 'face.share.2', missing: "the subject's consent affiliate_sharing is not on file" }]);
      // A foreign authority, whatever consents are on file.
      await grant(alice, 'cross_border');
      const foreign = await refusesWritingNothing(
        () => record(staff, police([alice.id], { recipient: { name: 'US Department of Justice', kind: 'authority', country: 'US' } })),
        422,
        'disclosure_basis_does_not_fit',
      );
      expect(foreign.body.message).toContain('PIPL.41 requires');
      expect(foreign.body.missing).toEqual([expect.objectContaining({ cites: 'PIPL.41', field: 'prcApprovalRef' })]);
      // Hong Kong counts as outside mainland China.
      const hk = await refusesWritingNothing(
        () => record(staff, affiliate([alice.id], { recipient: { name: '示例香港有限公司', kind: 'affiliate', country: 'HK' } })),
        422,
        'disclosure_basis_does_not_fit',
      );
      expect(hk.body.missing.map((m: { cites: string }) => m.cites)).toEqual(['PIPL.38', 'PIPL.38', 'PIPL.55']);
      // The basis does not fit the kind.
      const misfit = await refusesWritingNothing(() => record(staff, police([alice.id], { basis: ['3.e'] })), 422, 'disclosure_basis_does_not_fit');
      expect(misfit.body).toMatchObject({ unacceptableClauses: ['3.e'], acceptableBasis: expect.arrayContaining(['3.c']) });
      // A counterparty gets contact details only (3.f).
      const counterparty = await refusesWritingNothing(
        () => record(staff, { ...police([alice.id]), recipient: { name: '买家', kind: 'counterparty', country: 'CN' }, basis: ['3.f'], law: [] }),
        422,
        'disclosure_basis_does_not_fit',
      );
      expect(counterparty.body.message).toContain('3.f requires a counterparty receives contact details only');
    });

    it('answers bad input with a 4xx naming the problem, and writes nothing', async () => {
      const cases: [string, object, number, string, string][] = [
        ['unknown recipient kind', { recipient: { name: 'x', kind: 'complainant', country: 'CN' } }, 400, 'validation_failed', 'kind must be one of'],
        ['unknown category', { dataCategories: ['dna'] }, 400, 'validation_failed', 'dataCategories must be one of'],
        ['unknown clause', { basis: ['3.h'] }, 422, 'unknown_clauses', '3.h'],
        ['unknown provision', { law: ['PIPL.13', 'PIPL.999'] }, 422, 'unknown_law', 'PIPL.999'],
        ['a date in the future', { disclosedAt: new Date(Date.now() + 2 * HOUR).toISOString() }, 422, 'disclosure_date_in_future', 'disclosedAt'],
        ['an empty subject list', { subjectIds: [] }, 400, 'validation_failed', 'subjectIds must name at least one subject'],
        ['an unknown subject', { subjectIds: [alice.id, unknownId] }, 422, 'unknown_subjects', unknownId],
        ['a staff account as subject', { subjectIds: [staff.id] }, 422, 'unknown_subjects', staff.id],
        ['an empty basis', { basis: [] }, 400, 'validation_failed', 'basis must cite at least one clause'],
        ['an unknown consent purpose', { consentPurpose: 'everything' }, 400, 'validation_failed', 'consentPurpose'],
        ['an unknown field', { approvedBy: 'me' }, 400, 'validation_failed', 'approvedBy'],
      ];
      for (const [what, overrides, status, code, named] of cases) {
        const res = await refusesWritingNothing(() => record(staff, police([alice.id], overrides)), status, code);
        expect([what, JSON.stringify(res.body)]).toEqual([what, expect.stringContaining(named)]);
      }
    });
  });

  describe('append-only', () => {
    let id: string;
    beforeAll(async () => {
      id = (await created(record(staff, police([alice.id])))).id;
      expect((await review(legal, id)).status).toBe(200);
      expect(
        (await withhold(legal, id, { until: new Date(Date.now() + 24 * HOUR).toISOString(), reference: '京公（朝）保密通知〔2025〕7 号', law: ['PIPL.18'] }))
          .status,
      ).toBe(200);
    });

    it.each([
      ['disclosure_entries', `UPDATE disclosure_entries SET purpose = 'rewritten' WHERE id = $1`],
      ['disclosure_entries', `DELETE FROM disclosure_entries WHERE id = $1`],
      ['disclosure_subjects', `DELETE FROM disclosure_subjects WHERE entry_id = $1`],
      ['disclosure_citations', `UPDATE disclosure_citations SET cited = '3.g' WHERE entry_id = $1`],
      ['disclosure_reviews', `UPDATE disclosure_reviews SET outcome = 'flagged' WHERE entry_id = $1`],
      ['disclosure_withholdings', `DELETE FROM disclosure_withholdings WHERE entry_id = $1`],
    ])("refuses a change of %s to the portal's role and, by trigger, to the tables' owner", async (table, sql) => {
      await expect(t.dataSource.query(sql, [id])).rejects.toMatchObject({
        message: `permission denied for table ${table}`,
        driverError: expect.objectContaining({ code: '42501' }),
      });
      await expect(t.asOwner((m) => m.query(sql, [id]))).rejects.toMatchObject({
        message: expect.stringMatching(new RegExp(`^(UPDATE|DELETE) on ${table} is not allowed: the table is append-only$`)),
      });
      await expect(t.asOwner((m) => m.query(`TRUNCATE ${table} CASCADE`))).rejects.toThrow(/is not allowed: the table is append-only/);
    });

    it('refuses a review by the recorder in the database too, and keeps each row dated like its entry', async () => {
      const other = await created(record(legal, police([bob.id])));
      await expect(
        t.asOwner((m) =>
          m.query(`INSERT INTO disclosure_reviews (entry_id, outcome, note, reviewed_by, last_disclosed_at) VALUES ($1, 'confirmed', 'x', $2, now())`, [
            other.id,
            legal.id,
          ]),
        ),
      ).rejects.toMatchObject({ driverError: expect.objectContaining({ constraint: 'ck_disclosure_reviews_not_by_recorder' }) });
      const [row] = await t.dataSource.query(
        `SELECT s.last_disclosed_at = e.last_disclosed_at AS same FROM disclosure_subjects s JOIN disclosure_entries e ON e.id = s.entry_id WHERE e.id = $1`,
        [other.id],
      );
      expect(row.same).toBe(true);
    });

    it('corrects an entry with a new one that points to it, once', async () => {
      const wrong = await created(record(staff, police([alice.id], { dataCategories: ['account', 'device_access'] })));
      const fixed = await created(record(staff, police([alice.id], { corrects: wrong.id, correctionReason: '调取范围不含设备信息，原记录有误' })));
      expect(fixed).toMatchObject({ corrects: wrong.id, status: 'pending_review' });
      expect((await t.http.get(`/api/v1/disclosures/${wrong.id}`).set(auth(legal))).body).toMatchObject({
        correctedBy: fixed.id,
        dataCategories: ['account', 'device_access'],
      });
      await refusesWritingNothing(
        () => record(staff, police([alice.id], { corrects: wrong.id, correctionReason: '再次更正' })),
        409,
        'disclosure_already_corrected',
      );
      await refusesWritingNothing(() => record(staff, police([alice.id], { corrects: wrong.id })), 422, 'correction_needs_reason');
      const audited = await t.dataSource.query(
        `SELECT data->>'corrects' AS corrects FROM audit_events WHERE action = 'disclosure.recorded' AND entity_id = $1`,
        [fixed.id],
      );
      expect(audited).toEqual([{ corrects: wrong.id }]);
    });

    it('has a migration whose down() removes the register and whose up() restores it', async () => {
      const owner = await t.owner();
      const qr = owner.createQueryRunner();
      const migration = new DisclosureRegister1764740000000();
      try {
        await qr.startTransaction();
        await migration.down(qr);
        expect(await qr.query(`SELECT to_regclass('disclosure_entries') AS t`)).toEqual([{ t: null }]);
        await migration.up(qr);
        expect(await qr.query(`SELECT count(*)::int AS n FROM disclosure_entries`)).toEqual([{ n: 0 }]);
      } finally {
        await qr.rollbackTransaction();
        await qr.release();
      }
    });
  });

  describe('legal review', () => {
    it('lets a legal reviewer other than the recorder confirm, once; an authority disclosure then counts as made', async () => {
      const entry = await created(record(legal, police([alice.id])));
      await refusesWritingNothing(() => review(legal, entry.id), 403, 'recorder_cannot_review');
      await refusesWritingNothing(() => review(staff, entry.id), 403, 'not_allowed');
      const confirmed = await review(legal2, entry.id);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({
        status: 'confirmed',
        countsAsMade: true,
        review: { outcome: 'confirmed', reviewedBy: legal2.id, note: '调取通知书原件已核对' },
      });
      await refusesWritingNothing(() => review(legal2, entry.id, { outcome: 'flagged', note: '改变主意' }), 409, 'disclosure_already_reviewed');
      await refusesWritingNothing(() => review(legal2, unknownId), 404, 'disclosure_not_found');
      await refusesWritingNothing(() => review(legal2, entry.id, { outcome: 'approved', note: 'x' }), 400, 'validation_failed');
      await refusesWritingNothing(() => review(legal2, entry.id, { outcome: 'flagged' }), 400, 'validation_failed');
      const [event] = await t.dataSource.query(`SELECT actor_id, data FROM audit_events WHERE action = 'disclosure.reviewed' AND entity_id = $1`, [entry.id]);
      expect(event).toEqual({ actor_id: legal2.id, data: { outcome: 'confirmed', recipientKind: 'authority' } });
    });

    it('lets exactly one of two concurrent reviews win', async () => {
      const entry = await created(record(staff, police([bob.id])));
      const answers = await Promise.all([review(legal, entry.id), review(legal2, entry.id, { outcome: 'flagged', note: '文书编号无法核实' })]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    });

    it('lists flagged entries no correction replaced: the remediation list', async () => {
      const flagged = await created(record(staff, police([bob.id], { purpose: '待整改' })));
      await review(legal, flagged.id, { outcome: 'flagged', note: '缺少调取通知书' });
      const remedied = await created(record(staff, police([bob.id], { purpose: '已整改' })));
      await review(legal, remedied.id, { outcome: 'flagged', note: '缺少调取通知书' });
      await created(record(staff, police([bob.id], { corrects: remedied.id, correctionReason: '补充调取通知书编号' })));
      const res = await list(legal, 'status=flagged&corrected=false&limit=100');
      expect(res.status).toBe(200);
      const ids = res.body.items.map((i: { id: string }) => i.id);
      expect(ids).toContain(flagged.id);
      expect(ids).not.toContain(remedied.id);
      expect(res.body.items.every((i: { status: string; correctedBy: string | null }) => i.status === 'flagged' && i.correctedBy === null)).toBe(true);
    });
  });

  describe('withholding', () => {
    it('withholds an entry from its subject only on a confidentiality provision and a reference, until a date, and ends by itself', async () => {
      const entry = await created(record(staff, police([alice.id], { purpose: '保密调取' })));
      const body = { until: new Date(Date.now() + 3000).toISOString(), reference: '京公（朝）保密通知〔2025〕9 号', law: ['PIPL.18'] };
      await refusesWritingNothing(() => withhold(legal, entry.id, { ...body, law: [] }), 400, 'validation_failed');
      await refusesWritingNothing(() => withhold(legal, entry.id, { until: body.until, reference: body.reference }), 400, 'validation_failed');
      await refusesWritingNothing(() => withhold(legal, entry.id, { ...body, law: ['PIPL.13'] }), 422, 'withholding_needs_confidentiality_provision');
      await refusesWritingNothing(() => withhold(legal, entry.id, { ...body, reference: undefined }), 400, 'validation_failed');
      await refusesWritingNothing(() => withhold(legal, entry.id, { ...body, until: ago(1) }), 422, 'withhold_until_in_past');
      await refusesWritingNothing(() => withhold(staff, entry.id, body), 403, 'not_allowed');
      await refusesWritingNothing(() => withhold(legal, unknownId, body), 404, 'disclosure_not_found');

      const res = await withhold(legal, entry.id, body);
      expect(res.status).toBe(200);
      expect(res.body.withheldUntil).toBe(body.until);
      const register = t.app.get(DisclosureRegister);
      const mine = async () => (await register.entriesOfSubject(alice.id)).find((e) => e.id === entry.id)!;
      expect(await mine()).toMatchObject({ withheld: true, withheldUntil: body.until });
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect(await mine()).toMatchObject({ withheld: false, withheldUntil: null });
      expect((await t.http.get(`/api/v1/disclosures/${entry.id}`).set(auth(legal))).body).toMatchObject({
        withheldUntil: null,
        withholdings: [expect.objectContaining({ law: ['PIPL.18'], reference: body.reference, active: false, withheldBy: legal.id })],
      });
    });
  });

  describe('reports, export and counts', () => {
    let subject: TestUser;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      subject = await t.user(Role.Subject);
      await grant(subject, 'affiliate_sharing');
      ids.old = (
        await created(
          record(staff, police([subject.id], { disclosedAt: ago(24 * 30), recipient: { name: '=HYPERLINK("x")', kind: 'authority', country: 'CN' } })),
        )
      ).id;
      ids.mid = (await created(record(staff, affiliate([subject.id], { disclosedAt: ago(24 * 10) })))).id;
      ids.newer = (await created(record(staff, police([subject.id], { disclosedAt: ago(24 * 2), basis: ['face.transfer.3'], purpose: '逗号,与"引号"' })))).id;
      await review(legal, ids.newer);
    });

    it('filters by subject, kind, clause, provision, status and date range, newest disclosure first', async () => {
      const idsOf = async (query: string) => {
        const res = await list(legal, `subjectId=${subject.id}&${query}`);
        expect([query, res.status]).toEqual([query, 200]);
        return res.body.items.map((i: { id: string }) => i.id);
      };
      expect(await idsOf('')).toEqual([ids.newer, ids.mid, ids.old]);
      expect(await idsOf('kind=authority')).toEqual([ids.newer, ids.old]);
      expect(await idsOf('clause=3.c')).toEqual([ids.old]);
      expect(await idsOf('provision=PIPL.13')).toEqual([ids.newer, ids.old]);
      expect(await idsOf('status=confirmed')).toEqual([ids.newer]);
      expect(await idsOf('status=pending_review')).toEqual([ids.mid, ids.old]);
      expect(await idsOf(`from=${encodeURIComponent(ago(24 * 15))}`)).toEqual([ids.newer, ids.mid]);
      expect(await idsOf(`to=${encodeURIComponent(ago(24 * 5))}`)).toEqual([ids.mid, ids.old]);
      expect((await list(legal, `clause=face.transfer.3&kind=authority`)).body.items.map((i: { id: string }) => i.id)).toContain(ids.newer);
      for (const bad of [
        'kind=complainant',
        'status=approved',
        'clause=3.C',
        'provision=pipl13',
        'from=yesterday',
        'corrected=maybe',
        'subjectId=x',
        'limit=0',
      ])
        expect([bad, (await list(legal, bad)).status]).toEqual([bad, 400]);
    });

    it('pages with a sealed keyset cursor, and refuses a forged one with 400', async () => {
      const first = await list(legal, `subjectId=${subject.id}&limit=2`);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await list(legal, `subjectId=${subject.id}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids.old })], nextCursor: null });
      const forged = Buffer.from(JSON.stringify(['1', unknownId])).toString('base64url') + '.' + 'A'.repeat(43);
      for (const cursor of [forged, 'nonsense', first.body.nextCursor.slice(0, -1) + (first.body.nextCursor.endsWith('A') ? 'B' : 'A')]) {
        const res = await list(legal, `cursor=${encodeURIComponent(cursor)}`);
        expect([res.status, res.body.code]).toEqual([400, 'invalid_cursor']);
      }
    });

    it('streams the register as CSV to legal and admin, quoting and defusing what a spreadsheet would run', async () => {
      const res = await t.http
        .get(`/api/v1/disclosures/export.csv?subjectId=${subject.id}`)
        .set(auth(admin))
        .buffer(true)
        .parse((r, done) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (chunk: string) => (text += chunk));
          r.on('end', () => done(null, text));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const lines = (res.body as string).trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^\uFEFFid,status,counts_as_made,recipient_kind,recipient_name,/);
      expect(lines).toHaveLength(4);
      expect(lines[1]).toContain(`${ids.newer},confirmed,true,authority,`);
      expect(lines[1]).toContain('"逗号,与""引号"""');
      expect(lines[3]).toContain(`${ids.old},pending_review,false,authority,"'=HYPERLINK(""x"")"`);
      expect((await t.http.get('/api/v1/disclosures/export.csv?status=nope').set(auth(legal))).status).toBe(400);
    });

    it("ends the export's snapshot when the download stops halfway, before its connection is used again", async () => {
      const csv = t.app.get(DisclosuresService).exportCsv({ subjectId: subject.id });
      expect((await csv.next()).value).toMatch(/^\uFEFFid,status,/);
      expect((await csv.next()).value).toContain(ids.newer);
      await csv.return(undefined); // the client went away
      // Asked on a connection of its own: one from the portal's pool could be the very connection left behind.
      const watcher = new Client({ connectionString: t.databaseUrl });
      await watcher.connect();
      try {
        const { rows } = await watcher.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        );
        expect(rows[0].n).toBe(0);
      } finally {
        await watcher.end();
      }
    });

    it('counts current entries by basis; an authority disclosure is made only once confirmed', async () => {
      const res = await t.http.get('/api/v1/disclosures/stats').set(auth(admin));
      expect(res.status).toBe(200);
      const row = (basis: string, kind: string) => res.body.byBasis.find((r: { basis: string; kind: string }) => r.basis === basis && r.kind === kind);
      const transfer = row('face.transfer.3', 'authority');
      expect(transfer).toMatchObject({ entries: 1, confirmed: 1, made: 1, pendingReview: 0 });
      const c3 = row('3.c', 'authority');
      expect(c3.made).toBe(c3.confirmed);
      expect(c3.entries).toBe(c3.pendingReview + c3.confirmed + c3.flagged);
      expect(row('face.share.2', 'affiliate')).toMatchObject({ made: row('face.share.2', 'affiliate').entries });
      expect(res.body.entries).toBeGreaterThanOrEqual(3);
      expect((await t.http.get('/api/v1/disclosures/stats?status=confirmed').set(auth(admin))).status).toBe(400);
    });

    it("gives the read port a subject's current entries with the cited texts, and the recipients that received their data", async () => {
      const register = t.app.get(DisclosureRegister);
      const entries = await register.entriesOfSubject(subject.id);
      expect(entries.map((e) => e.id)).toEqual([ids.newer, ids.mid, ids.old]);
      expect(entries[0]).toMatchObject({
        recipient: { kind: 'authority', name: '北京市公安局朝阳分局' },
        clauses: [expect.objectContaining({ id: 'face.transfer.3', text: expect.stringContaining('犯罪侦查') })],
        law: [expect.objectContaining({ id: 'PIPL.13', text: expect.any(String) })],
        status: 'confirmed',
        countsAsMade: true,
        withheld: false,
      });
      const recipients = await register.recipientsOfSubject(subject.id);
      // The unconfirmed authority disclosure (ids.old) has not been made: its recipient is not listed.
      expect(recipients.map((r) => [r.kind, r.entryIds])).toEqual([
        ['authority', [ids.newer]],
        ['affiliate', [ids.mid]],
      ]);
      expect(await register.entriesOfSubject(unknownId)).toEqual([]);
    });
  });

  describe('a date range across repeated entries', () => {
    const DAY = 24 * HOUR;
    // A period of its own, long ago: nothing else in this file is dated there.
    const now = Date.now();
    const at = (days: number) => new Date(now - days * DAY).toISOString();
    const [from, to] = [at(420), at(400)];
    let subject: TestUser;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      subject = await t.user(Role.Subject);
      await grant(subject, 'affiliate_sharing');
      const repeated = (first: number, last: number, overrides: object = {}) =>
        police([subject.id], { disclosedAt: at(first), lastDisclosedAt: at(last), frequency: 'monthly', ...overrides });
      const cases: [string, object][] = [
        // Began by `to`, disclosed again after it: in the period, though its last date is not.
        ['spansTo', repeated(410, 340, { law: ['PIPL.13', 'PIPL.18'] })],
        ['spansAll', repeated(500, 300)],
        ['spansToAffiliate', affiliate([subject.id], { disclosedAt: at(405), lastDisclosedAt: at(390), frequency: 'weekly' })],
        // Ends in the period.
        ['endsIn', repeated(480, 415, { law: ['PIPL.13', 'PIPL.18'] })],
        ['onceIn', police([subject.id], { disclosedAt: at(405), law: ['PIPL.13', 'PIPL.18'] })],
        ['onceInAffiliate', affiliate([subject.id], { disclosedAt: at(410) })],
        ['onceAtTo', police([subject.id], { disclosedAt: to })],
        // Outside: began after `to`, ended before `from`, once before or after.
        ['beginsAfter', repeated(399, 350)],
        ['endsBefore', repeated(500, 421)],
        ['onceBefore', police([subject.id], { disclosedAt: at(425) })],
        ['onceAfter', police([subject.id], { disclosedAt: at(399) })],
      ];
      for (const [name, body] of cases) ids[name] = (await created(record(staff, body))).id;
      await review(legal, ids.spansAll);
      await review(legal, ids.onceIn);
    });

    /** The entries of the register in the period, straight from the tables, newest disclosure first. */
    const expected = async (where = 'true', params: unknown[] = []): Promise<string[]> =>
      (
        await t.dataSource.query(
          `SELECT e.id FROM disclosure_entries e LEFT JOIN disclosure_reviews r ON r.entry_id = e.id
           WHERE e.last_disclosed_at >= $1 AND e.first_disclosed_at <= $2 AND ${where}
           ORDER BY e.last_disclosed_at DESC, e.id DESC`,
          [from, to, ...params],
        )
      ).map((r: { id: string }) => r.id);
    const cites = (n: number) => `EXISTS (SELECT 1 FROM disclosure_citations c WHERE c.entry_id = e.id AND c.cited = $${n})`;
    /** Every page of `limit`, following the cursor: the ids in order. */
    const paged = async (query: string, limit: number): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(legal, `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect([query, res.status]).toEqual([query, 200]);
        seen.push(...res.body.items.map((i: { id: string }) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen;
    };
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

    it('lists exactly the entries in the period, the repeated ones spanning `to` among them, with or without a clause and provision', async () => {
      const all = await paged(range, 100);
      expect(all).toEqual(await expected());
      const inPeriod = ['spansTo', 'spansAll', 'spansToAffiliate', 'endsIn', 'onceIn', 'onceInAffiliate', 'onceAtTo'].map((n) => ids[n]);
      expect(all).toEqual(expect.arrayContaining(inPeriod));
      for (const n of ['beginsAfter', 'endsBefore', 'onceBefore', 'onceAfter']) expect([n, all.includes(ids[n])]).toEqual([n, false]);
      // The newest disclosure first: the repeated entries disclosed after `to`, then the rest.
      expect(all.indexOf(ids.spansAll)).toBeLessThan(all.indexOf(ids.spansTo));
      expect(all.indexOf(ids.spansToAffiliate)).toBeLessThan(all.indexOf(ids.onceAtTo));

      const cited = await paged(`clause=3.c&provision=PIPL.18&${range}`, 100);
      expect(cited).toEqual(await expected(`${cites(3)} AND ${cites(4)}`, ['3.c', 'PIPL.18']));
      expect(cited).toEqual([ids.spansTo, ids.onceIn, ids.endsIn]);
      expect(await paged(`subjectId=${subject.id}&${range}`, 100)).toEqual(
        await expected(`e.id IN (SELECT entry_id FROM disclosure_subjects WHERE subject_id = $3)`, [subject.id]),
      );
      for (const query of [`subjectId=${subject.id}&kind=authority&`, `subjectId=${subject.id}&status=pending_review&`])
        expect([query, await paged(`${query}${range}`, 1)]).toEqual([query, await paged(`${query}${range}`, 100)]);
    });

    it.each([
      ['', 'true', []],
      ['clause=3.c&provision=PIPL.18&', `${cites(3)} AND ${cites(4)}`, ['3.c', 'PIPL.18']],
      ['clause=3.c&', cites(3), ['3.c']],
      ['clause=face.share.2&', cites(3), ['face.share.2']],
      ['provision=PIPL.18&', cites(3), ['PIPL.18']],
      ['kind=affiliate&', `e.recipient_kind = $3`, ['affiliate']],
      ['status=pending_review&', 'r.entry_id IS NULL', []],
      ['status=confirmed&', `r.outcome = $3`, ['confirmed']],
      ['kind=authority&provision=PIPL.18&status=pending_review&', `e.recipient_kind = $3 AND ${cites(4)} AND r.entry_id IS NULL`, ['authority', 'PIPL.18']],
      ['corrected=false&', 'NOT EXISTS (SELECT 1 FROM disclosure_entries x WHERE x.corrects = e.id)', []],
    ] as [string, string, unknown[]][])(
      'pages through %sfrom..to one or two entries at a time to the same entries as one big page',
      async (query, where, params) => {
        const whole = await paged(`${query}${range}`, 100);
        expect(whole).toEqual(await expected(where, params));
        expect(await paged(`${query}${range}`, 1)).toEqual(whole);
        expect(await paged(`${query}${range}`, 2)).toEqual(whole);
      },
    );
  });

  describe('who may see the register', () => {
    it('never shows it to a subject, shows staff only what they recorded, and shows reports to legal and admin', async () => {
      const entry = await created(record(staff, police([alice.id])));
      const other = await created(record(legal, police([alice.id])));
      for (const path of ['/api/v1/disclosures', `/api/v1/disclosures/${entry.id}`, '/api/v1/disclosures/stats', '/api/v1/disclosures/export.csv'])
        expect([path, (await t.http.get(path).set(auth(alice))).status]).toEqual([path, 403]);
      expect((await record(alice, police([alice.id]))).status).toBe(403);
      expect((await t.http.get(`/api/v1/disclosures/${entry.id}`).set(auth(staff))).status).toBe(200);
      const hidden = await t.http.get(`/api/v1/disclosures/${other.id}`).set(auth(staff));
      expect([hidden.status, hidden.body.code]).toEqual([404, 'disclosure_not_found']);
      expect((await list(staff)).status).toBe(403);
      expect((await list(admin)).status).toBe(200);
      expect((await record(admin, police([alice.id]))).status).toBe(403);
    });
  });
});
