import { ExportJob } from '../src/exports';
import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * An approved access or copy_transfer request makes a real copy of the subject's data in the
 * operator's systems (the sample schema operator_app), found through the verified link: streamed
 * into JSON, HTML and CSV, downloadable by its subject only, audited, and the request completed.
 */
describe('fulfilment: the copy an approved request makes', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost, legalPost } = reviewCalls(() => t);

  /** A sample app user with `logs` access-log rows and a little of everything else. */
  const appUser = async (logs: number): Promise<string> => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO operator_app.users (display_name, email, phone, gender, birthday) VALUES ('测试用户', $1, $2, 'female', '1990-05-01') RETURNING id::text`,
      [`u${Date.now()}${Math.random().toString(16).slice(2, 8)}@demo.example`, `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`],
    );
    await t.dataSource.query(
      `INSERT INTO operator_app.access_logs (user_id, at, ip, user_agent, language, page)
       SELECT $1, now() - g * interval '1 minute', '203.0.113.7', 'Mozilla/5.0 "quoted"', 'zh-CN', '/items/' || g FROM generate_series(1, $2) g`,
      [id, logs],
    );
    await t.dataSource.query(`INSERT INTO operator_app.search_history (user_id, keywords, searched_at) VALUES ($1, '=HYPERLINK("x") <b>跑鞋</b>', now())`, [
      id,
    ]);
    await t.dataSource.query(
      `INSERT INTO operator_app.transactions (user_id, counterparty_name, counterparty_phone, item, amount, completed_at) VALUES ($1, '李四', '+8613900000000', '跑鞋', 199.00, now())`,
      [id],
    );
    return id;
  };
  const approvedCopy = async (body: object, logs: number, approve: object = { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] }) => {
    const appId = await appUser(logs);
    const s = await t.user(Role.Subject, { appUser: appId });
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send(body);
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    const decided = await staffPost(staff, id, 'decision', approve);
    expect(decided.status).toBe(200);
    return { s, id, appId, decided };
  };
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

  beforeAll(async () => {
    t = await createTestApp();
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
  });
  afterAll(() => t.close());

  it('refuses to file a request that copies, changes or erases data without a verified link (422 naming the route)', async () => {
    const s = await t.user(Role.Subject, { linked: false });
    const before = await t.tableCounts();
    for (const body of [
      { type: 'access' },
      { type: 'copy_transfer', format: 'json' },
      { type: 'delete_data', categories: ['search_keywords'] },
      { type: 'correction', items: [{ category: 'account', field: 'phone', correctedValue: '+8613900000001', explanation: 'x' }] },
      { type: 'delete_account', password: s.password },
    ]) {
      const res = await t.http.post('/api/v1/requests').set(auth(s)).send(body);
      expect([body.type, res.status, res.body.code]).toEqual([body.type, 422, 'identity_not_verified']);
      expect(res.body.message).toContain('POST /api/v1/identity/link');
    }
    expect(await t.tableCounts()).toEqual(before);
    // Asking how data is handled, or for the disclosure record, copies nothing.
    expect((await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'explanation', question: '?' })).status).toBe(201);
  });

  it('exports every category from the systems of the data map, completes the request, and lets only its subject download it, audited', async () => {
    const { s, id } = await approvedCopy({ type: 'access' }, 2500);
    await t.app.get(ExportJob).run(id);
    const own = await t.http.get(`/api/v1/requests/${id}`).set(auth(s));
    expect(own.body.status).toBe('completed');
    expect(own.body.timeline.map((e: { action: string }) => e.action)).toEqual(['submit', 'claim', 'decide', 'start_fulfilment', 'complete']);

    const json = await download(s, id);
    expect([json.status, json.headers['content-type']]).toEqual([200, expect.stringContaining('application/json')]);
    expect(json.headers['content-disposition']).toContain('attachment');
    const copy = JSON.parse((json.body as Buffer).toString('utf8'));
    const byCategory = Object.fromEntries(copy.categories.map((c: { category: string }) => [c.category, c]));
    expect(Object.keys(byCategory).sort()).toEqual(
      ['account', 'consents', 'device_access', 'face_additional', 'face_basic', 'published_content', 'search_keywords', 'transactions', 'violations'].sort(),
    );
    expect(byCategory.device_access.rows).toHaveLength(2500);
    expect(byCategory.device_access).toEqual(expect.objectContaining({ system: 'app_db', clauses: ['1.b'] }));
    expect(byCategory.account.rows).toEqual([expect.objectContaining({ display_name: '测试用户', gender: 'female' })]);
    expect(byCategory.consents.system).toBe('consent_ledger');
    expect(copy.withheld).toEqual([]);

    const html = await download(s, id, '?format=html');
    const page = (html.body as Buffer).toString('utf8');
    expect(page).toContain('个人信息副本 / Copy of your personal information');
    expect(page).toContain('&lt;b&gt;跑鞋&lt;/b&gt;');
    expect(page).not.toContain('<b>跑鞋</b>');

    const other = await t.user(Role.Subject);
    expect((await download(other, id)).status).toBe(404);
    expect((await t.http.get(`/api/v1/requests/${id}/export`).set(auth(staff))).status).toBe(403);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'export.downloaded' AND entity_id = $1`, [id]);
    expect(n).toBe(2);
    const [notice] = await t.dataSource.query(`SELECT data FROM notifications WHERE user_id = $1 AND kind = 'request.completed'`, [s.id]);
    expect(notice.data).toEqual(expect.objectContaining({ requestId: id, availableUntil: expect.any(String) }));
  });

  it('leaves out what a partial decision withheld, and says on which provision', async () => {
    const partial = { outcome: 'partial', clauses: ['1.excl.a'], law: ['PIPL.18'], withheld: ['search_keywords'], reason: '依法保密。' };
    const { s, id } = await approvedCopy({ type: 'access' }, 3, partial);
    expect((await legalPost(legal, id, 'confirm', {})).status).toBe(200);
    await t.app.get(ExportJob).run(id);
    const copy = JSON.parse(((await download(s, id)).body as Buffer).toString('utf8'));
    expect(copy.categories.map((c: { category: string }) => c.category)).not.toContain('search_keywords');
    expect(copy.withheld).toEqual([{ category: 'search_keywords', law: ['PIPL.18'], clauses: ['1.excl.a'] }]);
  });

  it('writes one CSV per category for a copy in CSV, safe for spreadsheets', async () => {
    const { s, id } = await approvedCopy({ type: 'copy_transfer', format: 'csv' }, 3, { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] });
    await t.app.get(ExportJob).run(id);
    const sheet = await download(s, id, '?format=csv&category=search_keywords');
    expect(sheet.status).toBe(200);
    const lines = (sheet.body as Buffer).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('keywords,searched_at');
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""x""\) <b>跑鞋<\/b>",/);
    const logs = (await download(s, id, '?format=csv&category=device_access')).body.toString('utf8');
    expect(logs).toContain('"Mozilla/5.0 ""quoted"""');
    const noCategory = await t.http.get(`/api/v1/requests/${id}/export?format=csv`).set(auth(s));
    expect([noCategory.status, noCategory.body.code]).toEqual([400, 'category_required']);
  });

  it('runs once however often it is started, and fails visibly when the link is gone', async () => {
    const { s, id } = await approvedCopy({ type: 'access' }, 50);
    await Promise.all([t.app.get(ExportJob).run(id), t.app.get(ExportJob).run(id), t.app.get(ExportJob).run(id)]);
    await t.app.get(ExportJob).run(id);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND action = 'complete'`, [id]);
    expect(n).toBe(1);
    expect((await download(s, id)).status).toBe(200);

    const { s: gone, id: goneId } = await approvedCopy({ type: 'access' }, 1);
    await t.dataSource.query(`DELETE FROM identity_links WHERE subject_id = $1`, [gone.id]);
    await t.app.get(ExportJob).run(goneId);
    const [row] = await t.dataSource.query(`SELECT status, failure FROM exports WHERE request_id = $1`, [goneId]);
    expect(row).toEqual({ status: 'failed', failure: expect.objectContaining({ step: 'find', reason: 'identity_not_verified' }) });
    expect((await t.http.get(`/api/v1/requests/${goneId}`).set(auth(gone))).body.status).toBe('fulfilling');
    // Staff see which step failed, in which system, and why.
    const page = await t.http.get(`/api/v1/staff/requests/${goneId}`).set(auth(staff));
    expect(page.body.export).toEqual({
      status: 'failed',
      files: [],
      expiresAt: null,
      failure: expect.objectContaining({ step: 'find', system: null, reason: 'identity_not_verified' }),
    });
    expect((await download(gone, goneId)).status).toBe(404);
  });
});
