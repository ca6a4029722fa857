import type { Response } from 'supertest';
import { DisclosureRecordJob } from '../src/exports/disclosure-record.job';
import { ExportJob } from '../src/exports';
import { Role } from '../src/kernel/role';
import { FulfilmentProgress } from '../src/requests';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The subject's record of disclosures (issue 13, "The subject's record"; product.md, the
 * `disclosure_log` row): approving a disclosure_log request hands its subject the register's entries
 * about them as JSON and HTML, stored, downloaded and audited like a copy; disclosures made only
 * (an authority's once legal confirmed it); withheld entries counted, never detailed; no app-account
 * link needed; once however often it runs, and after an interrupted run.
 */
describe('the record of disclosures an approved disclosure_log makes', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost } = reviewCalls(() => t);
  const HOUR = 3600 * 1000;
  const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
  const APPROVE = { outcome: 'approve', clauses: ['3'], law: ['PIPL.45'] };

  const record = async (u: TestUser, body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/disclosures').set(auth(u)).send(body);
    if (res.status !== 201) throw new Error(`recording answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const confirm = async (id: string) =>
    expect((await t.http.post(`/api/v1/disclosures/${id}/review`).set(auth(legal)).send({ outcome: 'confirmed', note: '已核对' })).status).toBe(200);
  const police = (subjectId: string, purpose: string, hoursAgo: number) => ({
    subjectIds: [subjectId],
    recipient: { name: '北京市公安局朝阳分局', kind: 'authority', country: 'CN', contact: '北京市朝阳区朝阳公园南路 1 号' },
    basis: ['3.c'],
    law: ['PIPL.13'],
    dataCategories: ['account', 'transactions'],
    purpose,
    reference: `京公（朝）调证字〔2025〕第 ${Math.floor(Math.random() * 10000)} 号`,
    disclosedAt: ago(hoursAgo),
  });
  const affiliate = (subjectId: string, name: string, hoursAgo: number) => ({
    subjectIds: [subjectId],
    recipient: { name, kind: 'affiliate', country: 'CN', contact: 'privacy@affiliate.example' },
    basis: ['face.share.2'],
    dataCategories: ['account'],
    purpose: '统一会员服务',
    consentPurpose: 'affiliate_sharing',
    disclosedAt: ago(hoursAgo),
  });
  const fileLog = async (s: TestUser): Promise<string> => {
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'disclosure_log' });
    expect(filed.status).toBe(201);
    return filed.body.id as string;
  };
  const approvedLog = async (s: TestUser): Promise<string> => {
    const id = await fileLog(s);
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', APPROVE)).status).toBe(200);
    return id;
  };
  const queued = async (id: string): Promise<string[]> =>
    (await t.dataSource.query(`SELECT name FROM pgboss.job WHERE data->>'requestId' = $1 ORDER BY created_on`, [id])).map((r: { name: string }) => r.name);
  const download = (u: TestUser, id: string, query = '') =>
    t.http
      .get(`/api/v1/requests/${id}/export${query}`)
      .set(auth(u))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const text = (res: Response) => (res.body as Buffer).toString('utf8');

  beforeAll(async () => {
    t = await createTestApp();
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
  });
  afterAll(() => t.close());

  it('lists the disclosures made, counts the withheld ones, leaves out an unconfirmed authority disclosure, and needs no app-account link', async () => {
    // The register is keyed by the portal account: a subject who never proved an app account still gets their record.
    const s = await t.user(Role.Subject, { linked: false });
    const other = await t.user(Role.Subject);
    expect((await t.http.post('/api/v1/consents/affiliate_sharing').set(auth(s)).send({ state: 'granted' })).status).toBe(200);
    expect((await t.http.post('/api/v1/consents/affiliate_sharing').set(auth(other)).send({ state: 'granted' })).status).toBe(200);
    const shared = await record(staff, affiliate(s.id, '示例<b>关联</b>科技有限公司', 24));
    const confirmed = await record(staff, police(s.id, '刑事案件侦查调取证据', 48));
    await confirm(confirmed);
    const pending = await record(staff, police(s.id, '尚未复核的调取', 12));
    const secret = await record(staff, police(s.id, '保密调取（不得告知）', 72));
    await confirm(secret);
    const withheld = await t.http
      .post(`/api/v1/disclosures/${secret}/withhold`)
      .set(auth(legal))
      .send({ until: new Date(Date.now() + 30 * 24 * HOUR).toISOString(), reference: '京公（朝）保密通知〔2025〕9 号', law: ['PIPL.18'] });
    expect(withheld.status).toBe(200);
    const othersEntry = await record(staff, affiliate(other.id, '别人的接收方有限公司', 24));

    const id = await approvedLog(s);
    // Sent in the approving transaction: the record's job, not the copy's.
    expect(await queued(id)).toEqual(['fulfilment.disclosure-record']);
    await t.app.get(DisclosureRecordJob).run(id);
    const own = await t.http.get(`/api/v1/requests/${id}`).set(auth(s));
    expect(own.body.status).toBe('completed');
    expect(own.body.timeline.map((e: { action: string }) => e.action)).toEqual(['submit', 'claim', 'decide', 'start_fulfilment', 'complete']);

    const json = await download(s, id);
    expect([json.status, json.headers['content-type']]).toEqual([200, expect.stringContaining('application/json')]);
    expect(json.headers['content-disposition']).toContain('attachment');
    const body = text(json);
    const doc = JSON.parse(body);
    expect(doc.request).toEqual({ id, type: 'disclosure_log', policyVersion: 1, generatedAt: expect.any(String) });
    // Newest disclosure first: the affiliate (24 h ago), then the confirmed authority (48 h ago).
    expect(doc.entries.map((e: { id: string }) => e.id)).toEqual([shared, confirmed]);
    expect(doc.entries[1]).toEqual({
      id: confirmed,
      firstDisclosedAt: expect.any(String),
      lastDisclosedAt: expect.any(String),
      frequency: null,
      recipient: { kind: 'authority', name: '北京市公安局朝阳分局', country: 'CN', contact: '北京市朝阳区朝阳公园南路 1 号' },
      clauses: [{ id: '3.c', text: expect.stringMatching(/\S/) }],
      law: [{ id: 'PIPL.13', instrument: expect.any(String), article: expect.any(String), text: expect.stringMatching(/\S/) }],
      categories: [
        { id: 'account', label: { 'zh-CN': expect.any(String), en: expect.any(String) } },
        { id: 'transactions', label: { 'zh-CN': expect.any(String), en: expect.any(String) } },
      ],
      purpose: '刑事案件侦查调取证据',
    });
    expect(doc.entries[0]).toMatchObject({ recipient: { kind: 'affiliate', name: '示例<b>关联</b>科技有限公司', contact: 'privacy@affiliate.example' } });
    expect(doc.withheld).toEqual({ entries: 1 });
    // Nothing of the withheld entry, the unconfirmed one or another subject's: not even an id.
    for (const absent of [secret, '保密调取', pending, '尚未复核', othersEntry, '别人的接收方', '保密通知', 'recordedBy', staff.id, legal.id])
      expect([absent, body.includes(absent)]).toEqual([absent, false]);

    const html = await download(s, id, '?format=html');
    expect([html.status, html.headers['content-type']]).toEqual([200, expect.stringContaining('text/html')]);
    const page = text(html);
    expect(page).toContain('个人信息对外提供记录 / Record of disclosures of your information');
    expect(page).toContain('示例&lt;b&gt;关联&lt;/b&gt;科技有限公司');
    expect(page).not.toContain('<b>关联</b>');
    expect(page).toContain('刑事案件侦查调取证据');
    expect(page).toContain('1 条记录');
    for (const absent of ['保密调取', '尚未复核', '别人的接收方']) expect([absent, page.includes(absent)]).toEqual([absent, false]);

    // Its subject's only (another: 404; staff: 403), each download audited; told until when.
    expect((await download(other, id)).status).toBe(404);
    expect((await t.http.get(`/api/v1/requests/${id}/export`).set(auth(staff))).status).toBe(403);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'export.downloaded' AND entity_id = $1`, [id]);
    expect(n).toBe(2);
    const [stored] = await t.dataSource.query(
      `SELECT status, files, extract(epoch FROM expires_at - ready_at) / 86400 AS days FROM exports WHERE request_id = $1`,
      [id],
    );
    expect(stored).toMatchObject({ status: 'ready', files: ['export.json', 'export.html'] });
    expect(Math.round(Number(stored.days))).toBe(14);
    const [notice] = await t.dataSource.query(`SELECT data FROM notifications WHERE user_id = $1 AND kind = 'request.completed'`, [s.id]);
    expect(notice.data).toEqual(expect.objectContaining({ requestId: id, requestType: 'disclosure_log', availableUntil: expect.any(String) }));
    // Staff see it like a copy.
    const staffPage = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
    expect(staffPage.body.export).toMatchObject({ status: 'ready', files: ['export.json', 'export.html'], failure: null });
  });

  it('makes an empty record for a subject nobody disclosed anything about, and never runs for a copy type (nor the copy for this one)', async () => {
    const s = await t.user(Role.Subject);
    const id = await approvedLog(s);
    // The copy's job leaves a disclosure_log alone.
    await t.app.get(ExportJob).run(id);
    expect((await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).body.status).toBe('approved');
    await t.app.get(DisclosureRecordJob).run(id);
    const doc = JSON.parse(text(await download(s, id)));
    expect([doc.entries, doc.withheld]).toEqual([[], { entries: 0 }]);

    const access = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'access' });
    expect((await staffPost(staff, access.body.id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, access.body.id, 'decision', { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] })).status).toBe(200);
    expect(await queued(access.body.id)).toEqual(['fulfilment.export']);
    await t.app.get(DisclosureRecordJob).run(access.body.id);
    expect((await t.http.get(`/api/v1/requests/${access.body.id}`).set(auth(s))).body.status).toBe('approved');
  });

  it('completes once however often it runs, and starts over after an interrupted run', async () => {
    const s = await t.user(Role.Subject);
    await t.http.post('/api/v1/consents/affiliate_sharing').set(auth(s)).send({ state: 'granted' });
    await record(staff, affiliate(s.id, '示例关联科技有限公司', 24));
    const id = await approvedLog(s);
    const job = t.app.get(DisclosureRecordJob);
    await Promise.all([job.run(id), job.run(id), job.run(id)]);
    await job.run(id);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND action = 'complete'`, [id]);
    expect(n).toBe(1);
    expect(JSON.parse(text(await download(s, id))).entries).toHaveLength(1);

    // A run that died half-way: the request fulfilling, a row running, a part of a file written.
    const s2 = await t.user(Role.Subject);
    const id2 = await approvedLog(s2);
    expect(await t.app.get(FulfilmentProgress).begin(id2, ['disclosure_log' as never])).toMatchObject({ status: 'fulfilling' });
    await t.dataSource.query(`INSERT INTO exports (request_id, subject_id, status) VALUES ($1, $2, 'running')`, [id2, s2.id]);
    await t.dataSource.query(`INSERT INTO export_parts (request_id, file, n, data) VALUES ($1, 'export.json', 0, $2)`, [id2, Buffer.from('{"half":')]);
    expect((await download(s2, id2)).status).toBe(404);
    await job.run(id2);
    const doc = JSON.parse(text(await download(s2, id2)));
    expect(doc).toMatchObject({ request: { id: id2 }, entries: [], withheld: { entries: 0 } });
    expect((await t.http.get(`/api/v1/requests/${id2}`).set(auth(s2))).body.status).toBe('completed');
  });

  it('answers bad input with a 4xx and writes nothing: an approval nothing justifies, a format the record has not, a wrong id', async () => {
    const s = await t.user(Role.Subject);
    const id = await fileLog(s);
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    let before = await t.tableCounts();
    // 5.a (passwords) is no basis for handing out the record, and no provision is cited.
    const unjustified = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['5.a'] });
    expect([unjustified.status, unjustified.body.code, unjustified.body.justifyingClauses]).toEqual([
      422,
      'clauses_do_not_justify',
      expect.arrayContaining(['3']),
    ]);
    expect(await t.tableCounts()).toEqual(before);
    expect(await queued(id)).toEqual([]);

    expect((await staffPost(staff, id, 'decision', APPROVE)).status).toBe(200);
    await t.app.get(DisclosureRecordJob).run(id);
    before = await t.tableCounts();
    const csv = await t.http.get(`/api/v1/requests/${id}/export?format=csv`).set(auth(s));
    expect([csv.status, csv.body.code]).toEqual([404, 'export_not_found']);
    const pdf = await t.http.get(`/api/v1/requests/${id}/export?format=pdf`).set(auth(s));
    expect([pdf.status, pdf.body.code]).toEqual([400, 'validation_failed']);
    const notAnId = await t.http.get(`/api/v1/requests/not-an-id/export`).set(auth(s));
    expect(notAnId.status).toBe(400);
    const unknown = await t.http.get(`/api/v1/requests/00000000-0000-4000-8000-000000000000/export`).set(auth(s));
    expect([unknown.status, unknown.body.code]).toEqual([404, 'export_not_found']);
    expect(await t.tableCounts()).toEqual(before);
  });
});
