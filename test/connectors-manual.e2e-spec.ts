import { CorrectionJob } from '../src/corrections';
import { ErasureJob } from '../src/erasure';
import { EvidenceService } from '../src/evidence';
import { ExportJob } from '../src/exports';
import { Role } from '../src/kernel/role';
import { pdfFile, uploaded } from './support/evidence-files';
import { reviewCalls } from './support/review-calls';
import { BUNDLED_DATA_MAP, withCategory, withSystem, writeDataMap } from './support/test-data-map';
import { sampleAppUser } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const OWNER = '客服档案组 / Customer records team';

/**
 * Manual steps: `account` and `published_content` live in a system no connector reaches
 * (`paper_archive`). The job asks for a step per category and waits (`awaiting_confirmation`,
 * shown to staff); a reviewer confirms each (who, when, a note, evidence attached to the request),
 * audited and kept on the request; the last confirmation sends the job again, which completes the
 * request.
 */
describe('connectors: manual steps confirmed by a reviewer', () => {
  let t: TestApp;
  let map: { file: string; remove(): void };
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost } = reviewCalls(() => t);

  const appUser = (): Promise<string> => sampleAppUser(t, {}, '档案用户');
  const approved = async (body: object, decision: object) => {
    const s = await t.user(Role.Subject, { appUser: await appUser() });
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send(body);
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', decision)).status).toBe(200);
    return { s, id };
  };
  const confirm = (u: TestUser, id: string, body: object) => t.http.post(`/api/v1/staff/requests/${id}/steps/confirm`).set(auth(u)).send(body);
  const page = async (id: string) => (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body;
  /** The job queue's tables belong to the owner. */
  const jobsOf = (name: string, id: string): Promise<{ n: number }[]> =>
    t.asOwner((m) => m.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'requestId' = $2`, [name, id]));

  beforeAll(async () => {
    let text = withSystem(BUNDLED_DATA_MAP, 'paper_archive', `connector: manual\nlabel:\n  zh-CN: 纸质档案\n  en: Paper archive\nowner: ${OWNER}`);
    text = withCategory(text, 'account', 'system: paper_archive\nfind: app_user\nerase:\n  action: anonymise');
    text = withCategory(text, 'published_content', 'system: paper_archive\nfind: app_user\nerase:\n  action: delete');
    map = writeDataMap(text);
    t = await createTestApp({ DATA_MAP_FILE: map.file });
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
  });
  afterAll(async () => {
    await t?.close();
    map?.remove();
  });

  it('erasure waits for each manual step, shown to staff; a confirmation with evidence is kept, audited, and the last one runs the job again', async () => {
    const { s, id } = await approved(
      { type: 'delete_data', categories: ['published_content', 'search_keywords'] },
      { outcome: 'approve', clauses: [], law: ['PIPL.47'] },
    );
    await t.app.get(ErasureJob).run(id);
    const waiting = await page(id);
    expect(waiting.status).toBe('fulfilling');
    expect(waiting.manualSteps).toEqual([
      expect.objectContaining({ category: 'published_content', operation: 'erase', owner: OWNER, status: 'awaiting_confirmation', confirmedBy: null }),
    ]);
    expect(waiting.erasure).toEqual([
      expect.objectContaining({
        category: 'published_content',
        status: 'awaiting_confirmation',
        detail: { step: 'confirm', system: 'paper_archive', reason: 'awaiting_confirmation', owner: OWNER },
      }),
      expect.objectContaining({ category: 'search_keywords', status: 'done' }),
    ]);

    // Evidence must be attached to this request.
    const proof = await uploaded(t, s, pdfFile('destruction certificate'));
    expect((await confirm(staff, id, { category: 'published_content', note: '已销毁', evidence: proof })).body.code).toBe('evidence_not_on_request');
    await t.dataSource.transaction((m) => t.app.get(EvidenceService).attach(m, s.id, [proof], id));
    // Nothing waits for a category the request does not touch.
    expect((await confirm(staff, id, { category: 'violations', note: 'x' })).status).toBe(404);
    expect((await confirm(staff, id, { category: 'published_content', note: '   ' })).status).toBe(400);

    const jobsBefore = (await jobsOf('fulfilment.erase-request', id))[0].n;
    const confirmed = await confirm(legal, id, { category: 'published_content', note: '纸质档案已于档案室销毁，见销毁记录', evidence: proof });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({
      requestId: id,
      resumed: true,
      steps: [
        expect.objectContaining({
          category: 'published_content',
          operation: 'erase',
          system: 'paper_archive',
          owner: OWNER,
          status: 'confirmed',
          confirmedBy: legal.id,
          note: '纸质档案已于档案室销毁，见销毁记录',
          evidence: proof,
        }),
      ],
    });
    expect((await jobsOf('fulfilment.erase-request', id))[0].n).toBe(jobsBefore + 1);
    const [audited] = await t.dataSource.query(`SELECT actor_id, data FROM audit_events WHERE action = 'fulfilment.step_confirmed' AND entity_id = $1`, [id]);
    expect(audited).toEqual({
      actor_id: legal.id,
      data: expect.objectContaining({
        category: 'published_content',
        operation: 'erase',
        system: 'paper_archive',
        evidence: proof,
        noteSha256: expect.any(String),
      }),
    });
    expect((await confirm(staff, id, { category: 'published_content', note: 'again' })).body.code).toBe('step_already_confirmed');

    // The job, as the worker runs it.
    await t.app.get(ErasureJob).run(id);
    const done = await page(id);
    expect(done.status).toBe('completed');
    expect(done.manualSteps).toEqual([expect.objectContaining({ category: 'published_content', status: 'confirmed', confirmedBy: legal.id, evidence: proof })]);
    expect(done.erasure.find((e: { category: string }) => e.category === 'published_content')).toEqual(
      expect.objectContaining({
        status: 'done',
        detail: { system: 'paper_archive', confirmation: expect.objectContaining({ confirmedBy: legal.id, evidenceUploadId: proof }) },
      }),
    );
    // The database keeps a confirmation as it was given.
    await expect(t.dataSource.query(`UPDATE manual_steps SET note = 'changed' WHERE request_id = $1`, [id])).rejects.toThrow(/never changed/);
  });

  it('a copy asks for every manual step at once and is made once the last is confirmed, listing the confirmation in place of rows', async () => {
    const { s, id } = await approved({ type: 'access' }, { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] });
    await t.app.get(ExportJob).run(id);
    const waiting = await page(id);
    expect(waiting.status).toBe('fulfilling');
    expect(waiting.export.failure).toEqual(expect.objectContaining({ step: 'confirm', system: 'paper_archive', reason: 'awaiting_confirmation' }));

    const first = await confirm(staff, id, { category: 'account', note: '已从档案调取注册资料副本' });
    expect(first.body).toEqual(expect.objectContaining({ resumed: false }));
    expect(first.body.steps.map((x: { category: string; status: string }) => [x.category, x.status])).toEqual([
      ['account', 'confirmed'],
      ['published_content', 'awaiting_confirmation'],
    ]);
    expect((await confirm(staff, id, { category: 'published_content', note: '已调取发布内容副本' })).body.resumed).toBe(true);
    await t.app.get(ExportJob).run(id);
    expect((await page(id)).status).toBe('completed');
    const res = await t.http
      .get(`/api/v1/requests/${id}/export`)
      .set(auth(s))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    const copy = JSON.parse((res.body as Buffer).toString('utf8')) as { categories: { category: string; system: string; rows: unknown[] }[] };
    expect(copy.categories.find((c) => c.category === 'published_content')).toEqual(
      expect.objectContaining({ system: 'paper_archive', rows: [{ manual_confirmation: { confirmedAt: expect.any(String), note: '已调取发布内容副本' } }] }),
    );
    // The copy never names the reviewer.
    expect(JSON.stringify(copy)).not.toContain(staff.id);
  });

  it('a correction in a manual system is done once confirmed, the confirmation standing for the read-back', async () => {
    const items = [{ category: 'account', field: 'display_name', correctedValue: '新昵称', explanation: '信息有误' }];
    const { id } = await approved({ type: 'correction', items }, { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.46'] });
    await t.app.get(CorrectionJob).run(id);
    expect((await page(id)).corrections).toEqual([expect.objectContaining({ field: 'display_name', status: 'awaiting_confirmation' })]);
    expect((await confirm(staff, id, { category: 'account', note: '已在纸质档案中更正昵称' })).body.resumed).toBe(true);
    expect((await jobsOf('fulfilment.correct', id))[0].n).toBeGreaterThanOrEqual(2);
    await t.app.get(CorrectionJob).run(id);
    const done = await page(id);
    expect(done.status).toBe('completed');
    expect(done.corrections).toEqual([
      expect.objectContaining({
        status: 'done',
        detail: { ok: true, system: 'paper_archive', confirmation: expect.objectContaining({ confirmedBy: staff.id }) },
      }),
    ]);
  });

  it('refuses a subject, and a reviewer on nothing that waits', async () => {
    const { s, id } = await approved({ type: 'delete_data', categories: ['published_content'] }, { outcome: 'approve', clauses: [], law: ['PIPL.47'] });
    await t.app.get(ErasureJob).run(id);
    expect((await confirm(s, id, { category: 'published_content', note: '我自己确认' })).status).toBe(403);
    expect((await confirm(staff, '00000000-0000-4000-8000-000000000000', { category: 'published_content', note: 'x' })).body.code).toBe('step_not_found');
  });
});
