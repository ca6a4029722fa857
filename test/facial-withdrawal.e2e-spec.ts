import { ScheduledErasures1764640000000 } from '../migrations/1764640000000-scheduled-erasures';
import { FACE_ALTERNATIVE_VERIFICATION } from '../src/consents/facial-withdrawal';
import { ErasureSchedule } from '../src/fulfilment';
import { EraseJob } from '../src/fulfilment/erase.job';
import { Role } from '../src/kernel/role';
import { DataCategory } from '../src/policy/domain/policy.types';
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
  const subject = async (): Promise<TestUser> => {
    const u = await t.user(Role.Subject);
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

  it('runs the job without failing and leaves the erasure scheduled while no connector erases the category', async () => {
    const u = await subject();
    await grant(u, 'face_additional');
    expect((await withdraw(u, ['face_additional'])).status).toBe(201);
    const [row] = await erasuresOf(u);
    await expect(t.app.get(EraseJob).run({ erasureId: row.id })).resolves.toBeUndefined();
    expect(await erasuresOf(u)).toEqual([row]);
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
