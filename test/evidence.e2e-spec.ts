import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { EvidenceUploads1764680000000 } from '../migrations/1764680000000-evidence-uploads';
import { AppError } from '../src/common/errors/app-error';
import { EvidenceService } from '../src/evidence';
import { EVIDENCE_SWEEP_JOB, EvidenceRetention } from '../src/evidence/evidence-retention';
import { JobsService } from '../src/jobs/jobs.service';
import { Role } from '../src/kernel/role';
import { jpegFile, pdfFile, pngFile, uploaded } from './support/evidence-files';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** The retention this file's application runs with: not the default, so that the setting is seen to be read. */
const RETENTION_DAYS = 45;

/**
 * Evidence once uploaded, on the real application and PostgreSQL: attaching it to a request in the
 * filing's transaction (EvidenceService, as the requests capability calls it), staff reading it
 * (audited, only through the request it belongs to), the retention sweep, and the constraints the
 * database holds the table to.
 */
describe('evidence: attaching, staff reads, retention (real PostgreSQL)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let staff: TestUser;
  let legal: TestUser;
  let admin: TestUser;
  const unknownId = '00000000-0000-4000-8000-000000000000';
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const evidence = () => t.app.get(EvidenceService);

  /** A request of `type` filed by `subject` over HTTP, as a subject files it. */
  const fileRequest = async (subject: TestUser, type = 'access'): Promise<string> => {
    const res = await t.http.post('/api/v1/requests').set(auth(subject)).send({ type });
    if (res.status !== 201) throw new Error(`filing answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  /** Attaches in a transaction of its own, as a filing would in its own. */
  const attach = (ownerId: string, ids: string[], requestId: string) => t.dataSource.transaction((m) => evidence().attach(m, ownerId, ids, requestId));
  const refusal = async (work: Promise<unknown>): Promise<{ status: string; code: string }> => {
    try {
      await work;
    } catch (err) {
      if (err instanceof AppError) return { status: err.kind, code: err.code };
      throw err;
    }
    throw new Error('expected a refusal');
  };
  const uploadRow = async (id: string) =>
    (
      await t.dataSource.query(
        `SELECT request_id, attached_at, deleted_at, content IS NULL AS erased, kind, size, sha256, owner_id FROM uploads WHERE id = $1`,
        [id],
      )
    )[0] as
      | {
          request_id: string | null;
          attached_at: Date | null;
          deleted_at: Date | null;
          erased: boolean;
          kind: string;
          size: number;
          sha256: string;
          owner_id: string;
        }
      | undefined;
  /** Reads a file as a reviewer: the body as bytes whatever its type. */
  const download = (u: TestUser, requestId: string, uploadId: string): Promise<Response> =>
    t.http.get(`/api/v1/staff/requests/${requestId}/evidence/${uploadId}`).set(auth(u)).buffer(true).responseType('blob');
  const viewedEvents = (requestId: string) =>
    t.dataSource.query(
      `SELECT actor_id, actor_role, entity_type, entity_id, subject_ref, data FROM audit_events WHERE action = 'evidence.viewed' AND entity_id = $1 ORDER BY n`,
      [requestId],
    );
  /** Closes a request (the subject cancels it) and moves its closing `days` into the past, as the owner may. */
  const closedDaysAgo = async (subject: TestUser, requestId: string, days: number): Promise<void> => {
    const res = await t.http.post(`/api/v1/requests/${requestId}/cancel`).set(auth(subject));
    if (res.status !== 200) throw new Error(`cancel answered ${res.status} ${JSON.stringify(res.body)}`);
    await setClosedAt(requestId, days);
  };
  const setClosedAt = (requestId: string, days: number) =>
    t.asOwner((m) => m.query(`UPDATE requests SET closed_at = now() - make_interval(days => $2) WHERE id = $1`, [requestId, days]));

  beforeAll(async () => {
    t = await createTestApp({ EVIDENCE_RETENTION_DAYS: String(RETENTION_DAYS) });
    [alice, bob, staff, legal, admin] = [
      await t.user(Role.Subject),
      await t.user(Role.Subject),
      await t.user(Role.Staff),
      await t.user(Role.Legal),
      await t.user(Role.Admin),
    ];
  });
  afterAll(() => t.close());

  describe('attach (EvidenceService, in the filing transaction)', () => {
    it("attaches the owner's waiting uploads, answers them in the order given, and lists them for the request without content", async () => {
      const pdf = pdfFile('mandate');
      const png = pngFile(0x10);
      const [pdfId, pngId] = [await uploaded(t, alice, pdf), await uploaded(t, alice, png)];
      const requestId = await fileRequest(alice);

      const refs = await attach(alice.id, [pngId, pdfId], requestId);
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(refs).toEqual([
        { id: pngId, kind: 'png', size: png.length, sha256: sha(png) },
        { id: pdfId, kind: 'pdf', size: pdf.length, sha256: sha(pdf) },
      ]);
      for (const id of [pdfId, pngId]) expect(await uploadRow(id)).toMatchObject({ request_id: requestId, attached_at: expect.any(Date), deleted_at: null });

      const views = await evidence().forRequest(requestId);
      expect(views).toEqual([
        { id: pdfId, kind: 'pdf', size: pdf.length, sha256: sha(pdf), uploadedAt: expect.any(String), deletedAt: null },
        { id: pngId, kind: 'png', size: png.length, sha256: sha(png), uploadedAt: expect.any(String), deletedAt: null },
      ]);
      expect(new Date(views[0].uploadedAt).toISOString()).toBe(views[0].uploadedAt);
      expect(await evidence().forRequest(unknownId)).toEqual([]);
      await closedDaysAgo(alice, requestId, 0);
    });

    it("refuses another subject's upload, an attached, unknown or malformed id with one 404, and attaches none of the list", async () => {
      const mine = await uploaded(t, alice, jpegFile(7));
      const bobs = await uploaded(t, bob, jpegFile(8));
      const first = await fileRequest(alice);
      const alreadyAttached = await uploaded(t, alice, pngFile(0x20));
      await attach(alice.id, [alreadyAttached], first);
      await closedDaysAgo(alice, first, 0);
      const requestId = await fileRequest(alice);

      const before = await t.tableCounts();
      const answers = [];
      for (const foreign of [bobs, alreadyAttached, unknownId, 'not-an-id']) answers.push(await refusal(attach(alice.id, [mine, foreign], requestId)));
      expect(answers).toEqual(Array.from({ length: 4 }, () => ({ status: 'not_found', code: 'upload_not_found' })));
      expect(await t.tableCounts()).toEqual(before);
      expect(await uploadRow(mine)).toMatchObject({ request_id: null, attached_at: null });
      expect(await uploadRow(bobs)).toMatchObject({ request_id: null, attached_at: null, owner_id: bob.id });
      expect(await uploadRow(alreadyAttached)).toMatchObject({ request_id: first });

      expect(await attach(alice.id, [], requestId)).toEqual([]);
      expect((await attach(alice.id, [mine, mine.toUpperCase()], requestId)).map((r) => r.id)).toEqual([mine]);
      await closedDaysAgo(alice, requestId, 0);
    });

    it('refuses an upload whose content was erased', async () => {
      const id = await uploaded(t, alice, pdfFile('erased'));
      await t.asOwner((m) => m.query(`UPDATE uploads SET content = NULL, deleted_at = now() WHERE id = $1`, [id]));
      const requestId = await fileRequest(alice);
      expect(await refusal(attach(alice.id, [id], requestId))).toEqual({ status: 'not_found', code: 'upload_not_found' });
      await closedDaysAgo(alice, requestId, 0);
    });
  });

  describe('GET /api/v1/staff/requests/:id/evidence/:uploadId', () => {
    let requestId: string;
    let pdfId: string;
    let jpegId: string;
    let waitingId: string;
    let otherRequestId: string;
    let otherUploadId: string;
    const pdf = pdfFile('Letter of authorisation, signed');
    const jpeg = jpegFile(9);

    beforeAll(async () => {
      [pdfId, jpegId, waitingId] = [await uploaded(t, alice, pdf), await uploaded(t, alice, jpeg), await uploaded(t, alice, pngFile(0x30))];
      requestId = await fileRequest(alice);
      await attach(alice.id, [pdfId, jpegId], requestId);
      otherUploadId = await uploaded(t, bob, pngFile(0x31));
      otherRequestId = await fileRequest(bob);
      await attach(bob.id, [otherUploadId], otherRequestId);
    });

    it.each([
      ['staff', () => staff],
      ['legal', () => legal],
    ])('hands %s the file as a download: the same bytes, typed by content, named by id, never cached; the read audited', async (_, who) => {
      const reader = who();
      const before = (await viewedEvents(requestId)).length;
      const res = await download(reader, requestId, pdfId);
      expect(res.status).toBe(200);
      expect(Buffer.isBuffer(res.body)).toBe(true);
      expect(Buffer.compare(res.body as Buffer, pdf)).toBe(0);
      expect(res.headers).toMatchObject({
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="evidence-${pdfId}.pdf"`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        'content-length': String(pdf.length),
      });
      const events = await viewedEvents(requestId);
      expect(events).toHaveLength(before + 1);
      expect(events[events.length - 1]).toEqual({
        actor_id: reader.id,
        actor_role: reader.role,
        entity_type: 'request',
        entity_id: requestId,
        subject_ref: alice.subjectRef,
        data: { uploadId: pdfId },
      });
    });

    it('gives a JPEG as image/jpeg under a .jpg name', async () => {
      const res = await download(staff, requestId, jpegId);
      expect([res.status, res.headers['content-type'], res.headers['content-disposition']]).toEqual([
        200,
        'image/jpeg',
        `attachment; filename="evidence-${jpegId}.jpg"`,
      ]);
      expect(Buffer.compare(res.body as Buffer, jpeg)).toBe(0);
    });

    it('answers 404 evidence_not_found, the same each time and recording nothing, unless the upload is attached to that request', async () => {
      const before = await t.tableCounts();
      const cases: [string, string, string][] = [
        ['an upload of another request', requestId, otherUploadId],
        ["that request's upload, asked through another request", otherRequestId, pdfId],
        ['an upload not attached to anything', requestId, waitingId],
        ['an upload that does not exist', requestId, unknownId],
        ['a request that does not exist', unknownId, pdfId],
      ];
      const answers = [];
      for (const [label, rid, uid] of cases) {
        const res = await t.http.get(`/api/v1/staff/requests/${rid}/evidence/${uid}`).set(auth(staff));
        answers.push({ label, status: res.status, body: { code: res.body.code, message: res.body.message } });
      }
      expect(answers).toEqual(cases.map(([label]) => ({ label, status: 404, body: { code: 'evidence_not_found', message: 'Evidence not found' } })));
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses malformed ids with 400 and every other role with 403', async () => {
      const before = await t.tableCounts();
      expect((await t.http.get(`/api/v1/staff/requests/nope/evidence/${pdfId}`).set(auth(staff))).body.code).toBe('invalid_id');
      expect((await t.http.get(`/api/v1/staff/requests/${requestId}/evidence/1%20OR%201=1`).set(auth(staff))).body.code).toBe('invalid_id');
      for (const u of [alice, bob, admin]) {
        const res = await t.http.get(`/api/v1/staff/requests/${requestId}/evidence/${pdfId}`).set(auth(u));
        expect([u.role, res.status, res.body.code]).toEqual([u.role, 403, 'not_allowed']);
      }
      expect((await t.http.get(`/api/v1/staff/requests/${requestId}/evidence/${pdfId}`)).status).toBe(401);
      expect(await t.tableCounts()).toEqual(before);
    });
  });

  describe('retention', () => {
    const retention = () => t.app.get(EvidenceRetention);
    const deletedEvents = async () =>
      t.dataSource.query(`SELECT actor_id, actor_role, entity_type, entity_id, data FROM audit_events WHERE action = 'evidence.deleted' ORDER BY n`);

    it(`erases the content of a closed request's evidence ${RETENTION_DAYS} days after it closed, and not before; the metadata stays`, async () => {
      const carol = await t.user(Role.Subject);
      const content = pdfFile('to be erased');
      const uploadId = await uploaded(t, carol, content);
      const requestId = await fileRequest(carol);
      await attach(carol.id, [uploadId], requestId);
      const openId = await uploaded(t, carol, pngFile(0x40));
      const openRequest = await fileRequest(carol, 'disclosure_log');
      await attach(carol.id, [openId], openRequest);
      const metadata = await uploadRow(uploadId);

      // Still open: nothing to do, however long ago it was filed.
      await retention().sweep();
      expect(await uploadRow(uploadId)).toMatchObject({ erased: false, deleted_at: null });

      await closedDaysAgo(carol, requestId, RETENTION_DAYS - 1);
      const eventsBefore = (await deletedEvents()).length;
      expect((await retention().sweep()).erased).toBe(0);
      expect(await uploadRow(uploadId)).toMatchObject({ erased: false, deleted_at: null });
      expect(Buffer.compare((await download(staff, requestId, uploadId)).body as Buffer, content)).toBe(0);
      expect(await deletedEvents()).toHaveLength(eventsBefore);

      await setClosedAt(requestId, RETENTION_DAYS + 1);
      expect((await retention().sweep()).erased).toBe(1);
      const after = await uploadRow(uploadId);
      expect(after).toEqual({ ...metadata, erased: true, deleted_at: expect.any(Date) });
      // An open request's evidence is kept.
      expect(await uploadRow(openId)).toMatchObject({ erased: false, deleted_at: null });

      const events = await deletedEvents();
      expect(events).toHaveLength(eventsBefore + 1);
      expect(events[events.length - 1]).toEqual({
        actor_id: null,
        actor_role: 'system',
        entity_type: 'upload',
        entity_id: null,
        data: { erased: 1, discarded: 0, retentionDays: RETENTION_DAYS, unattachedHours: 24 },
      });

      // Staff still see it listed; the file itself is gone.
      expect(await evidence().forRequest(requestId)).toEqual([expect.objectContaining({ id: uploadId, deletedAt: expect.any(String) })]);
      const gone = await t.http.get(`/api/v1/staff/requests/${requestId}/evidence/${uploadId}`).set(auth(staff));
      expect(gone.status).toBe(410);
      expect(gone.body).toMatchObject({ statusCode: 410, error: 'Gone', code: 'evidence_deleted', deletedAt: expect.any(String) });

      // Nothing left to do: a second sweep changes nothing and records nothing.
      expect(await retention().sweep()).toEqual({ erased: 0, discarded: 0 });
      expect(await deletedEvents()).toHaveLength(eventsBefore + 1);
      await t.http.post(`/api/v1/requests/${openRequest}/cancel`).set(auth(carol));
    });

    it('removes uploads no filing took within 24 hours, and only those', async () => {
      const dave = await t.user(Role.Subject);
      const [stale, fresh, filed] = [await uploaded(t, dave, pngFile(1)), await uploaded(t, dave, pngFile(2)), await uploaded(t, dave, pngFile(3))];
      const requestId = await fileRequest(dave);
      await attach(dave.id, [filed], requestId);
      await t.asOwner((m) => m.query(`UPDATE uploads SET created_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])`, [[stale, filed]]));
      await t.asOwner((m) => m.query(`UPDATE uploads SET created_at = now() - interval '23 hours' WHERE id = $1`, [fresh]));

      const eventsBefore = (await deletedEvents()).length;
      expect(await retention().sweep()).toEqual({ erased: 0, discarded: 1 });
      expect(await uploadRow(stale)).toBeUndefined();
      expect(await uploadRow(fresh)).toMatchObject({ request_id: null, erased: false });
      expect(await uploadRow(filed)).toMatchObject({ request_id: requestId, erased: false });
      const events = await deletedEvents();
      expect(events).toHaveLength(eventsBefore + 1);
      expect(events[events.length - 1].data).toMatchObject({ erased: 0, discarded: 1 });
      // Gone for good: it cannot be filed any more.
      const other = await fileRequest(dave, 'disclosure_log');
      expect(await refusal(attach(dave.id, [stale], other))).toEqual({ status: 'not_found', code: 'upload_not_found' });
    });

    it('is registered with the job queue, which runs it on a schedule', () => {
      expect(() => t.app.get(JobsService).register(EVIDENCE_SWEEP_JOB, () => Promise.resolve())).toThrow(/already registered/);
    });
  });

  describe('the uploads table', () => {
    it('refuses rows that break its rules, whoever writes them', async () => {
      const id = await uploaded(t, alice, pngFile(0x50));
      const broken: [string, string][] = [
        ['content without deleted_at gone', `UPDATE uploads SET content = NULL WHERE id = $1`],
        ['deleted_at with content kept', `UPDATE uploads SET deleted_at = now() WHERE id = $1`],
        ['a request without attached_at', `UPDATE uploads SET request_id = (SELECT id FROM requests LIMIT 1) WHERE id = $1`],
        ['attached_at without a request', `UPDATE uploads SET attached_at = now() WHERE id = $1`],
        ['another kind', `UPDATE uploads SET kind = 'gif' WHERE id = $1`],
        ['a size that is not the content', `UPDATE uploads SET size = size + 1 WHERE id = $1`],
        ['over 10 MiB', `UPDATE uploads SET size = 10485761 WHERE id = $1`],
        ['a hash that is not one', `UPDATE uploads SET sha256 = upper(sha256) WHERE id = $1`],
      ];
      for (const [label, sql] of broken) {
        const error = await t.dataSource.query(sql, [id]).then(
          () => null,
          (err: { driverError?: { code?: string } }) => err.driverError?.code,
        );
        expect({ label, error }).toEqual({ label, error: '23514' });
      }
    });

    it('is removed by its migration and made again', async () => {
      const qr = (await t.owner()).createQueryRunner();
      const present = async () =>
        (await qr.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'uploads' ORDER BY 1`)).map((r: { indexname: string }) => r.indexname);
      await qr.startTransaction();
      try {
        const migration = new EvidenceUploads1764680000000();
        await migration.down(qr);
        expect(await present()).toEqual([]);
        await migration.up(qr);
        expect(await present()).toEqual(['ix_uploads_owner_unattached', 'ix_uploads_request', 'uploads_pkey']);
      } finally {
        await qr.rollbackTransaction();
        await qr.release();
      }
    });
  });
});
