import { ScheduledErasures1764640000000 } from '../migrations/1764640000000-scheduled-erasures';
import { FACE_ALTERNATIVE_VERIFICATION } from '../src/consents/facial-withdrawal';
import { ErasureSchedule } from '../src/fulfilment';
import { EraseJob } from '../src/fulfilment/erase.job';
import { Role } from '../src/kernel/role';
import { DataCategory } from '../src/policy/domain/policy.types';
import { sampleAppUser, whileDeleteRefused } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

interface ErasureRow {
  id: string;
  category: string;
  cause: string;
  status: string;
  request_id: string | null;
  consent_event_id: string | null;
}

/** Withdrawing a facial consent schedules the erasure of that facial data (PIPL Art. 47(1)(3)), against the real AppModule and PostgreSQL. */
describe('withdrawing a facial consent (real AppModule and PostgreSQL)', () => {
  let t: TestApp;
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const grant = async (u: TestUser, purpose: string) => {
    const res = await t.http.post(`/api/v1/consents/${purpose}`).set(auth(u)).send({ state: 'granted' });
    expect(res.status).toBe(200);
  };
  const withdraw = (u: TestUser, purposes: string[], confirmFaceBasic?: boolean) =>
    t.http
      .post('/api/v1/requests')
      .set(auth(u))
      .send({ type: 'withdraw_consent', purposes, ...(confirmFaceBasic !== undefined && { confirmFaceBasic }) });
  const subject = async (overrides: { appUser?: string; linked?: boolean } = {}): Promise<TestUser> => {
    const u = await t.user(Role.Subject, overrides);
    const [{ ref }] = await t.dataSource.query(`SELECT subject_ref AS ref FROM users WHERE id = $1`, [u.id]);
    return { ...u, subjectRef: ref };
  };
  const erasuresOf = (u: TestUser): Promise<ErasureRow[]> =>
    t.dataSource.query(`SELECT id, category, cause, status, request_id, consent_event_id FROM scheduled_erasures WHERE subject_id = $1 ORDER BY scheduled_at`, [
      u.id,
    ]);
  const scheduledAudit = (u: TestUser): Promise<{ entity_type: string; entity_id: string; actor_role: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT entity_type, entity_id, actor_role, data FROM audit_events WHERE subject_ref = $1 AND action = 'erasure.scheduled' ORDER BY n`, [
      u.subjectRef,
    ]);
  /** The job queue's tables belong to the owner; the portal's role does not read them. */
  const eraseJobs = (): Promise<{ id: string; state: string; erasureId: string }[]> =>
    t.asOwner((m) => m.query(`SELECT id, state, data->>'erasureId' AS "erasureId" FROM pgboss.job WHERE name = 'fulfilment.erase' ORDER BY created_on, id`));
  const jobsFor = async (rows: ErasureRow[]) => {
    const ids = new Set(rows.map((r) => r.id));
    return (await eraseJobs()).filter((j) => ids.has(j.erasureId));
  };
  const consentEvent = async (u: TestUser, purpose: string, requestId: string): Promise<string> =>
    (
      await t.dataSource.query(`SELECT id FROM consent_events WHERE user_id = $1 AND purpose = $2 AND request_id = $3 AND state = 'withdrawn'`, [
        u.id,
        purpose,
        requestId,
      ])
    )[0].id;
  const withdrawalData = (body: { timeline: { action: string; data: Record<string, unknown> }[] }) => body.timeline.find((e) => e.action !== 'submit')?.data;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('schedules the erasure of each withdrawn facial category, audited and queued, in the withdrawal request; the timeline says so', async () => {
    const u = await subject();
    await grant(u, 'face_basic');
    await grant(u, 'face_additional');
    const res = await withdraw(u, ['face_basic', 'face_additional', 'marketing'], true);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('completed');
    expect(withdrawalData(res.body)).toMatchObject({
      purposes: ['face_basic', 'face_additional', 'marketing'],
      erasureScheduled: ['face_basic', 'face_additional'],
    });

    const rows = await erasuresOf(u);
    expect(rows.map((r) => [r.category, r.cause, r.status, r.request_id])).toEqual([
      ['face_basic', 'consent_withdrawn', 'scheduled', res.body.id],
      ['face_additional', 'consent_withdrawn', 'scheduled', res.body.id],
    ]);
    for (const r of rows) expect(r.consent_event_id).toBe(await consentEvent(u, r.category, res.body.id));

    const audited = await scheduledAudit(u);
    expect(audited.map((a) => a.data)).toEqual([
      { category: 'face_basic', cause: 'consent_withdrawn', requestId: res.body.id, consentEventId: await consentEvent(u, 'face_basic', res.body.id) },
      {
        category: 'face_additional',
        cause: 'consent_withdrawn',
        requestId: res.body.id,
        consentEventId: await consentEvent(u, 'face_additional', res.body.id),
      },
    ]);
    expect(audited.map((a) => [a.entity_type, a.actor_role])).toEqual(Array(2).fill(['scheduled_erasure', 'system']));
    expect(new Set(audited.map((a) => a.entity_id))).toEqual(new Set(rows.map((r) => r.id)));
    expect(JSON.stringify(audited)).not.toContain(u.email);

    // One job per erasure, committed with it; ids only.
    const jobs = await jobsFor(rows);
    expect(jobs.map((j) => j.erasureId).sort()).toEqual(rows.map((r) => r.id).sort());

    // The subject reads it on the request's own timeline too.
    const view = await t.http.get(`/api/v1/requests/${res.body.id}`).set(auth(u));
    expect(withdrawalData(view.body)).toMatchObject({ erasureScheduled: ['face_basic', 'face_additional'] });
  });

  it('schedules once while one is waiting: a second withdrawal after granting again adds no erasure, audit event or job', async () => {
    const u = await subject();
    await grant(u, 'face_basic');
    await grant(u, 'face_additional');
    expect((await withdraw(u, ['face_basic', 'face_additional'], true)).status).toBe(201);
    const first = await erasuresOf(u);
    const firstJobs = await jobsFor(first);
    expect(firstJobs).toHaveLength(2);

    await grant(u, 'face_basic');
    await grant(u, 'face_additional');
    const again = await withdraw(u, ['face_basic', 'face_additional'], true);
    expect(again.status).toBe(201);
    // Still scheduled: the subject is told so again.
    expect(withdrawalData(again.body)).toMatchObject({ erasureScheduled: ['face_basic', 'face_additional'] });
    expect(await erasuresOf(u)).toEqual(first);
    expect(await scheduledAudit(u)).toHaveLength(2);
    expect(await jobsFor(first)).toEqual(firstJobs);

    // Once that erasure is done, a later withdrawal schedules a new one.
    await t.asOwner((m) =>
      m.query(`UPDATE scheduled_erasures SET status = 'done', done_at = now() WHERE subject_id = $1 AND category = 'face_additional'`, [u.id]),
    );
    await grant(u, 'face_additional');
    expect((await withdraw(u, ['face_additional'])).status).toBe(201);
    const after = await erasuresOf(u);
    expect(after.map((r) => [r.category, r.status])).toEqual([
      ['face_basic', 'scheduled'],
      ['face_additional', 'done'],
      ['face_additional', 'scheduled'],
    ]);
    expect(await jobsFor(after)).toHaveLength(3);
  });

  it('schedules nothing for a purpose that is not facial', async () => {
    const u = await subject();
    await grant(u, 'marketing');
    const res = await withdraw(u, ['marketing', 'personalised_ads']);
    expect(res.status).toBe(201);
    expect(withdrawalData(res.body)).not.toHaveProperty('erasureScheduled');
    expect(await erasuresOf(u)).toEqual([]);
    expect(await scheduledAudit(u)).toEqual([]);
  });

  it('writes nothing when the withdrawal is refused: face_basic unconfirmed is a 422 that names the other way of verifying', async () => {
    const u = await subject();
    await grant(u, 'face_basic');
    await grant(u, 'face_additional');
    const before = await t.tableCounts();
    const jobsBefore = (await eraseJobs()).length;
    const refused = await withdraw(u, ['face_additional', 'face_basic']);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'face_basic_needs_confirmation',
      erasure: 'face_basic',
      alternativeVerification: FACE_ALTERNATIVE_VERIFICATION,
      confirmationRequired: true,
    });
    expect(refused.body.message).toContain(FACE_ALTERNATIVE_VERIFICATION.zh);
    expect(refused.body.message).toContain(FACE_ALTERNATIVE_VERIFICATION.en);
    expect(refused.body.message).not.toMatch(/basic functions|无法正常使用/);
    expect(await t.tableCounts()).toEqual(before);
    expect((await eraseJobs()).length).toBe(jobsBefore);
  });

  it('schedules nothing, and queues no job, when the transaction that scheduled rolls back', async () => {
    const u = await subject();
    const jobsBefore = (await eraseJobs()).length;
    const rolledBack = t.dataSource.transaction(async (m) => {
      await t.app.get(ErasureSchedule).schedule(m, { subjectId: u.id, subjectRef: u.subjectRef, category: DataCategory.FaceBasic, cause: 'consent_withdrawn' });
      throw new Error('the withdrawal failed after scheduling');
    });
    await expect(rolledBack).rejects.toThrow('the withdrawal failed after scheduling');
    expect(await erasuresOf(u)).toEqual([]);
    expect(await scheduledAudit(u)).toEqual([]);
    expect((await eraseJobs()).length).toBe(jobsBefore);
  });

  /** A sample app user (operator_app) with a basic and an additional face profile; returns its id. */
  const appUserWithFaces = (): Promise<string> => sampleAppUser(t, { faces: ['basic', 'additional', 'additional'] }, '人脸用户');
  const faces = async (appUser: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await t.dataSource.query(`SELECT purpose, count(*)::int AS n FROM operator_app.face_profiles WHERE user_id = $1 GROUP BY purpose`, [appUser])).map(
        (r: { purpose: string; n: number }) => [r.purpose, r.n],
      ),
    );
  const erasureDetail = async (id: string): Promise<{ status: string; detail: Record<string, unknown> | null; done: boolean }> => {
    const [row] = await t.dataSource.query(`SELECT status, detail, done_at IS NOT NULL AS done FROM scheduled_erasures WHERE id = $1`, [id]);
    return { status: row.status, detail: row.detail ? JSON.parse(row.detail) : null, done: row.done };
  };
  const outcomeAudit = (u: TestUser): Promise<{ action: string; entity_id: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT action, entity_id, data FROM audit_events WHERE subject_ref = $1 AND action IN ('erasure.done', 'erasure.failed') ORDER BY n`, [
      u.subjectRef,
    ]);

  it('erases the withdrawn facial data of the linked app user through the data map, and only that', async () => {
    const [mine, someoneElse] = [await appUserWithFaces(), await appUserWithFaces()];
    const u = await subject({ appUser: mine });
    await grant(u, 'face_additional');
    expect((await withdraw(u, ['face_additional'])).status).toBe(201);
    const [row] = await erasuresOf(u);
    await t.app.get(EraseJob).run({ erasureId: row.id });

    // The additional profiles go; the basic one (still consented) stays, and so does everyone else's.
    expect(await faces(mine)).toEqual({ basic: 1 });
    expect(await faces(someoneElse)).toEqual({ basic: 1, additional: 2 });
    expect(await erasureDetail(row.id)).toEqual({ status: 'done', done: true, detail: { system: 'app_db', rows: 2 } });
    expect(await outcomeAudit(u)).toEqual([{ action: 'erasure.done', entity_id: row.id, data: { category: 'face_additional', system: 'app_db', rows: 2 } }]);

    // Again: nothing more is done, nothing more recorded.
    await t.app.get(EraseJob).run({ erasureId: row.id });
    expect(await outcomeAudit(u)).toHaveLength(1);

    // face_basic too, when that consent is withdrawn.
    expect((await withdraw(u, ['face_basic'], true)).status).toBe(201);
    const basic = (await erasuresOf(u)).find((r) => r.category === 'face_basic')!;
    await t.app.get(EraseJob).run({ erasureId: basic.id });
    expect(await faces(mine)).toEqual({});
    expect((await erasureDetail(basic.id)).status).toBe('done');
  });

  it('fails the erasure visibly, erasing nothing, when the subject has no verified link to an app account', async () => {
    const someoneElse = await appUserWithFaces();
    const u = await subject({ linked: false });
    await grant(u, 'face_additional');
    expect((await withdraw(u, ['face_additional'])).status).toBe(201);
    const [row] = await erasuresOf(u);
    await expect(t.app.get(EraseJob).run({ erasureId: row.id })).resolves.toBeUndefined();

    expect(await erasureDetail(row.id)).toEqual({
      status: 'failed',
      done: false,
      detail: { step: 'find', system: 'app_db', reason: 'identity_not_verified' },
    });
    expect(await outcomeAudit(u)).toEqual([
      {
        action: 'erasure.failed',
        entity_id: row.id,
        data: { category: 'face_additional', step: 'find', system: 'app_db', reason: 'identity_not_verified' },
      },
    ]);
    expect(await faces(someoneElse)).toEqual({ basic: 1, additional: 2 });

    // The hourly sweep leaves it as it is while there is still no link: no new failure recorded.
    await t.app.get(EraseJob).sweep();
    expect((await erasureDetail(row.id)).status).toBe('failed');
    expect(await outcomeAudit(u)).toHaveLength(1);

    // Once the subject has proved their app account, the sweep carries the erasure out.
    const mine = await appUserWithFaces();
    await t.dataSource.query(`INSERT INTO identity_links (subject_id, app_user_ref, channel) VALUES ($1, $2, 'email')`, [u.id, mine]);
    expect(await t.app.get(EraseJob).sweep()).toBeGreaterThanOrEqual(1);
    expect(await erasureDetail(row.id)).toEqual({ status: 'done', done: true, detail: { system: 'app_db', rows: 2 } });
    expect(await faces(mine)).toEqual({ basic: 1 });
    expect(await faces(someoneElse)).toEqual({ basic: 1, additional: 2 });
    expect((await outcomeAudit(u)).map((e: { action: string }) => e.action)).toEqual(['erasure.failed', 'erasure.done']);
  });

  it('fails the erasure visibly and retryably when the system refuses, and finishes when run again', async () => {
    const mine = await appUserWithFaces();
    const u = await subject({ appUser: mine });
    await grant(u, 'face_additional');
    expect((await withdraw(u, ['face_additional'])).status).toBe(201);
    const [row] = await erasuresOf(u);
    // Thrown, so that the queue tries again.
    await whileDeleteRefused(t, 'operator_app.face_profiles', () =>
      expect(t.app.get(EraseJob).run({ erasureId: row.id })).rejects.toThrow(/database_error_42501/),
    );
    expect(await erasureDetail(row.id)).toEqual({
      status: 'failed',
      done: false,
      detail: { step: 'erase', system: 'app_db', reason: 'database_error_42501', rowsBeforeFailure: 0 },
    });
    expect(await faces(mine)).toEqual({ basic: 1, additional: 2 });

    await t.app.get(EraseJob).run({ erasureId: row.id });
    expect((await erasureDetail(row.id)).status).toBe('done');
    expect(await faces(mine)).toEqual({ basic: 1 });
  });

  it('keeps facial data an active legal hold covers: the erasure stays scheduled, saying so', async () => {
    const mine = await appUserWithFaces();
    const u = await subject({ appUser: mine });
    const legal = await t.user(Role.Legal);
    const hold = await t.http
      .post('/api/v1/legal/holds')
      .set(auth(legal))
      .send({
        subjectId: u.id,
        categories: ['face_additional'],
        law: ['ECL.31'],
        retention: '3 years after completion (ECL Art. 31)',
        until: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        note: '诉讼保全',
      });
    expect(hold.status).toBe(201);
    await grant(u, 'face_additional');
    expect((await withdraw(u, ['face_additional'])).status).toBe(201);
    const [row] = await erasuresOf(u);
    await t.app.get(EraseJob).run({ erasureId: row.id });
    expect(await erasureDetail(row.id)).toEqual({ status: 'scheduled', done: false, detail: { keptUnderHolds: [hold.body.id] } });
    expect(await faces(mine)).toEqual({ basic: 1, additional: 2 });
  });

  it('lets the database refuse a second waiting erasure of one category and a status it does not know', async () => {
    const u = await subject();
    await grant(u, 'face_basic');
    expect((await withdraw(u, ['face_basic'], true)).status).toBe(201);
    const insert = (status: string) =>
      t.dataSource.query(`INSERT INTO scheduled_erasures (subject_id, category, cause, status) VALUES ($1, 'face_basic', 'consent_withdrawn', $2)`, [
        u.id,
        status,
      ]);
    await expect(insert('scheduled')).rejects.toThrow(/uq_scheduled_erasures_pending/);
    await expect(insert('pending')).rejects.toThrow(/ck_scheduled_erasures_status/);
    await expect(
      t.dataSource.query(`INSERT INTO scheduled_erasures (subject_id, category, cause) VALUES ($1, 'face', 'consent_withdrawn')`, [u.id]),
    ).rejects.toThrow(/ck_scheduled_erasures_category/);
  });

  it('has a migration whose down() removes the table and whose up() restores it', async () => {
    const qr = (await t.owner()).createQueryRunner();
    await qr.startTransaction();
    try {
      const migration = new ScheduledErasures1764640000000();
      await migration.down(qr);
      expect(await qr.query(`SELECT to_regclass('scheduled_erasures') AS t`)).toEqual([{ t: null }]);
      await migration.up(qr);
      expect(await qr.query(`SELECT count(*)::int AS n FROM scheduled_erasures`)).toEqual([{ n: 0 }]);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });
});
