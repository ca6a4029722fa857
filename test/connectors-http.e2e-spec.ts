import { randomBytes } from 'node:crypto';
import { CorrectionJob } from '../src/corrections';
import { ERASE_BATCH_ROWS, ErasureJob } from '../src/erasure';
import { ExportJob } from '../src/exports';
import { DataMapService } from '../src/fulfilment';
import { Role } from '../src/kernel/role';
import { DataCategory } from '../src/policy/domain/policy.types';
import { startOperatorService, OperatorService, ServiceUser } from './support/operator-service';
import { reviewCalls } from './support/review-calls';
import { BUNDLED_DATA_MAP, withCategory, withSystem, writeDataMap } from './support/test-data-map';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const SECRET = randomBytes(32).toString('hex');
const DEVICE_ACCESS_COPY = 'SELECT at, host(ip) AS ip, user_agent, language, page FROM operator_app.access_logs WHERE user_id = $1 ORDER BY id';
/** A delete statement without $3 (data-map.yaml's plain form), as an operator's own map may have it. */
const PLAIN_DELETE = 'DELETE FROM operator_app.access_logs WHERE id IN (SELECT id FROM operator_app.access_logs WHERE user_id = $1 ORDER BY id LIMIT $2)';

/**
 * The HTTP connector against a real local service implementing the contract (README,
 * "Connectors"): `account` and `search_keywords` live in the operator's service (`ops_api`, a 1 s
 * timeout), the rest in the sample database. Export, correction and erasure go through it, signed;
 * a slow service, a garbage answer and an answer cut short each fail the step visibly (which step,
 * which system, why), leave the request fulfilling, and the next run finishes it.
 */
describe('connectors: the operator’s HTTP service (real local server)', () => {
  let t: TestApp;
  let ops: OperatorService;
  let map: { file: string; remove(): void };
  let staff: TestUser;
  const { auth, staffPost } = reviewCalls(() => t);

  /** An app user: a row of the sample database, and its records in the service (with `searches` search rows). */
  const appUser = async (searches: number): Promise<{ id: string; records: ServiceUser }> => {
    const [{ id }] = await t.dataSource.query(`INSERT INTO operator_app.users (display_name, email) VALUES ('服务用户', $1) RETURNING id::text`, [
      `h${Date.now()}${Math.random().toString(16).slice(2, 8)}@demo.example`,
    ]);
    const records: ServiceUser = {
      account: { display_name: '旧昵称', email: `svc${id}@demo.example`, phone: '+8613900000009' },
      searches: Array.from({ length: searches }, (_, i) => ({ keywords: `关键词${i}`, searched_at: '2025-01-01T00:00:00Z' })),
    };
    ops.users.set(id, records);
    return { id, records };
  };
  const approved = async (appId: string, body: object, decision: object) => {
    const s = await t.user(Role.Subject, { appUser: appId });
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send(body);
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', decision)).status).toBe(200);
    return { s, id };
  };
  const page = async (id: string) => (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body;
  const completions = async (id: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND action = 'complete'`, [id]))[0].n;
  const downloadJson = async (s: TestUser, id: string) => {
    const res = await t.http
      .get(`/api/v1/requests/${id}/export`)
      .set(auth(s))
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    return JSON.parse((res.body as Buffer).toString('utf8')) as { categories: { category: string; system: string; rows: Record<string, unknown>[] }[] };
  };

  beforeAll(async () => {
    ops = await startOperatorService(SECRET);
    let text = withSystem(
      BUNDLED_DATA_MAP,
      'ops_api',
      `connector: http\nlabel:\n  zh-CN: 运营服务\n  en: Operations service\nurl: ${ops.url}\nsecretEnv: OPS_API_SECRET\ntimeout: 1`,
    );
    text = withCategory(text, 'account', 'system: ops_api\nfind: app_user\nerase:\n  action: anonymise');
    text = withCategory(text, 'search_keywords', 'system: ops_api\nfind: app_user\nerase:\n  action: delete');
    // An operator's own map may delete with the plain form (no $3): it answers the rows it deleted.
    text = withCategory(
      text,
      'device_access',
      `system: app_db\nfind: app_user\naccess:\n  sql: ${DEVICE_ACCESS_COPY}\nerase:\n  action: delete\n  sql: ${PLAIN_DELETE}`,
    );
    map = writeDataMap(text);
    t = await createTestApp({ DATA_MAP_FILE: map.file, OPS_API_SECRET: SECRET });
    staff = await t.user(Role.Staff);
  });
  afterAll(async () => {
    await t?.close();
    await ops?.close();
    map?.remove();
  });
  beforeEach(() => {
    ops.mode = 'ok';
    ops.clockOffsetMs = 0;
  });

  it('reads the map given by DATA_MAP_FILE: staff see the http system in the preview', async () => {
    const s = await t.user(Role.Subject, { appUser: (await appUser(0)).id });
    const filed = await t.http
      .post('/api/v1/requests')
      .set(auth(s))
      .send({ type: 'delete_data', categories: ['search_keywords', 'device_access'] });
    expect(filed.status).toBe(201);
    const preview = (await page(filed.body.id)).preview as { category: string; system: { id: string; connector: string } }[];
    expect(preview.map((p) => [p.category, p.system.id, p.system.connector])).toEqual([
      ['search_keywords', 'ops_api', 'http'],
      ['device_access', 'app_db', 'postgres'],
    ]);
  });

  it('deletes with a statement without $3 (the plain form) batch after batch until one deletes nothing, every row once', async () => {
    const [mine, other] = [(await appUser(0)).id, (await appUser(0)).id];
    const rows = 2 * ERASE_BATCH_ROWS + 7;
    await t.dataSource.query(
      `INSERT INTO operator_app.access_logs (user_id, at, ip, user_agent, language, page)
       SELECT CASE WHEN g % 4 = 0 THEN $2::bigint ELSE $1::bigint END, now(), '203.0.113.9', 'UA', 'zh-CN', '/p/' || g FROM generate_series(1, $3) g`,
      [mine, other, Math.ceil((rows * 4) / 3)],
    );
    const count = async (user: string) =>
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM operator_app.access_logs WHERE user_id = $1`, [user]))[0].n as number;
    const [before, othersBefore] = [await count(mine), await count(other)];
    expect(before).toBeGreaterThanOrEqual(rows);
    expect(t.app.get(DataMapService).mapping(DataCategory.DeviceAccess).erase).toEqual({ action: 'delete', sql: PLAIN_DELETE });
    expect(await t.app.get(ErasureJob).eraseCategory(DataCategory.DeviceAccess, mine)).toBe(before);
    expect([await count(mine), await count(other)]).toEqual([0, othersBefore]);
  });

  it('exports through the service, streamed and signed, beside the database’s categories', async () => {
    const { id: appId, records } = await appUser(2500);
    ops.calls.length = 0;
    const { s, id } = await approved(appId, { type: 'access' }, { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] });
    await t.app.get(ExportJob).run(id);
    expect((await page(id)).status).toBe('completed');
    const copy = await downloadJson(s, id);
    const byCategory = Object.fromEntries(copy.categories.map((c) => [c.category, c]));
    expect(byCategory.search_keywords.system).toBe('ops_api');
    expect(byCategory.search_keywords.rows).toHaveLength(2500);
    expect(byCategory.search_keywords.rows[2499]).toEqual(records.searches[2499]);
    expect(byCategory.account.rows).toEqual([records.account]);
    expect(byCategory.device_access.system).toBe('app_db');
    // Every call signed and accepted; ids only in the bodies.
    expect(ops.calls.map((c) => [c.path, c.refused])).toEqual([
      ['/dsr/export', null],
      ['/dsr/export', null],
    ]);
    expect(ops.calls.map((c) => c.body)).toEqual([
      { category: 'account', appUser: appId },
      { category: 'search_keywords', appUser: appId },
    ]);
  });

  it.each([
    ['slow', 'timeout'],
    ['garbage', 'bad_answer'],
    ['truncated', 'bad_answer'],
  ] as const)('fails the copy visibly when the service is %s (%s), and makes it when run again', async (mode, reason) => {
    const { id: appId } = await appUser(3);
    const { s, id } = await approved(appId, { type: 'access' }, { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] });
    ops.mode = mode;
    await t.app.get(ExportJob).run(id);
    const failed = await page(id);
    expect(failed.status).toBe('fulfilling');
    expect(failed.export).toEqual(
      expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ step: 'export', system: 'ops_api', reason }) }),
    );
    expect((await t.http.get(`/api/v1/requests/${id}/export`).set(auth(s))).status).toBe(404);

    ops.mode = 'ok';
    await t.app.get(ExportJob).run(id);
    expect((await page(id)).status).toBe('completed');
    expect((await downloadJson(s, id)).categories.find((c) => c.category === 'search_keywords')?.rows).toHaveLength(3);
  });

  it('is refused by the service when its timestamp is more than 5 minutes off: a visible http_401', async () => {
    const { id: appId } = await appUser(1);
    const { id } = await approved(appId, { type: 'access' }, { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] });
    ops.calls.length = 0;
    ops.clockOffsetMs = 6 * 60_000;
    await t.app.get(ExportJob).run(id);
    expect(ops.calls[0]).toEqual(expect.objectContaining({ refused: 'stale' }));
    expect((await page(id)).export.failure).toEqual(expect.objectContaining({ step: 'export', system: 'ops_api', reason: 'http_401' }));
  });

  it('corrects through the service and reads the value back; a slow or garbage answer fails the item, the next run finishes', async () => {
    const { id: appId, records } = await appUser(0);
    const items = [{ category: 'account', field: 'display_name', correctedValue: '新昵称', explanation: '信息有误' }];
    const { id } = await approved(appId, { type: 'correction', items }, { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.46'] });

    ops.mode = 'slow';
    await t.app.get(CorrectionJob).run(id);
    expect((await page(id)).corrections).toEqual([
      expect.objectContaining({ field: 'display_name', status: 'failed', detail: { step: 'correct', system: 'ops_api', reason: 'timeout' } }),
    ]);
    ops.mode = 'garbage';
    await t.app.get(CorrectionJob).run(id);
    expect((await page(id)).corrections).toEqual([
      expect.objectContaining({ status: 'failed', detail: { step: 'correct', system: 'ops_api', reason: 'bad_answer' } }),
    ]);
    expect((await page(id)).status).toBe('fulfilling');

    ops.mode = 'ok';
    await t.app.get(CorrectionJob).run(id);
    expect(records.account.display_name).toBe('新昵称');
    const done = await page(id);
    expect(done.status).toBe('completed');
    expect(done.corrections).toEqual([expect.objectContaining({ status: 'done', detail: { ok: true, system: 'ops_api' } })]);
  });

  it('erases through the service in batches until it says done; a timeout, garbage or an answer without `done` fails the step visibly, never silently', async () => {
    // Two and a half batches: the cut-short answer erases one, the next run the other one and a half.
    const B = ERASE_BATCH_ROWS;
    const { id: appId, records } = await appUser(2.5 * B);
    const { id } = await approved(appId, { type: 'delete_data', categories: ['search_keywords'] }, { outcome: 'approve', clauses: [], law: ['PIPL.47'] });

    for (const [mode, reason] of [
      ['slow', 'timeout'],
      ['garbage', 'bad_answer'],
      ['truncated', 'bad_answer'],
    ] as const) {
      ops.mode = mode;
      await t.app.get(ErasureJob).run(id);
      const failed = await page(id);
      expect([mode, failed.status]).toEqual([mode, 'fulfilling']);
      expect(failed.erasure).toEqual([
        expect.objectContaining({ category: 'search_keywords', status: 'failed', rows: 0, detail: { step: 'erase', system: 'ops_api', reason } }),
      ]);
    }
    // The cut-short answer's batch was erased by the service: the next run erases the rest.
    expect(records.searches.length).toBe(1.5 * B);

    ops.mode = 'ok';
    ops.calls.length = 0;
    await t.app.get(ErasureJob).run(id);
    await t.app.get(ErasureJob).run(id);
    expect(records.searches).toEqual([]);
    expect(ops.calls.map((c) => c.body)).toEqual([
      { category: 'search_keywords', appUser: appId, action: 'delete', batchSize: B },
      { category: 'search_keywords', appUser: appId, action: 'delete', batchSize: B },
    ]);
    const done = await page(id);
    expect(done.status).toBe('completed');
    expect(done.erasure).toEqual([expect.objectContaining({ category: 'search_keywords', status: 'done', rows: 1.5 * B, detail: { system: 'ops_api' } })]);
    expect(await completions(id)).toBe(1);
  });
});
