import { ERASE_BATCH_ROWS, ErasureJob } from '../src/erasure';
import { DataMapService, KEYSET_BATCH_ROWS, OperatorDatabase } from '../src/fulfilment';
import { Role } from '../src/kernel/role';
import { DataCategory } from '../src/policy/domain/policy.types';
import { reviewCalls } from './support/review-calls';
import { whileDeleteRefused } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const DAY = 86_400_000;

/**
 * An approved deletion erases in the operator's systems (the sample schema operator_app), through
 * the data map, for the app user the subject proved to be: in batches, honouring legal holds,
 * visibly when a step fails, and once however often it runs.
 */
describe('fulfilment: the erasure an approved deletion runs', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost, legalPost } = reviewCalls(() => t);

  /** A sample app user with `logs` access-log rows, two searches, a transaction and a face profile. */
  const appUser = async (logs: number): Promise<string> => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO operator_app.users (display_name, email, phone, gender) VALUES ('待删除用户', $1, $2, 'male') RETURNING id::text`,
      [`e${Date.now()}${Math.random().toString(16).slice(2, 8)}@demo.example`, `+86138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`],
    );
    await t.dataSource.query(
      `INSERT INTO operator_app.access_logs (user_id, at, ip, user_agent, language, page)
       SELECT $1, now() - g * interval '1 minute', '203.0.113.9', 'UA', 'zh-CN', '/p/' || g FROM generate_series(1, $2) g`,
      [id, logs],
    );
    await t.dataSource.query(`INSERT INTO operator_app.search_history (user_id, keywords, searched_at) VALUES ($1, '跑鞋', now()), ($1, '雨伞', now())`, [id]);
    await t.dataSource.query(
      `INSERT INTO operator_app.transactions (user_id, counterparty_name, item, amount, completed_at) VALUES ($1, '李四', '跑鞋', 199.00, now())`,
      [id],
    );
    await t.dataSource.query(
      `INSERT INTO operator_app.face_profiles (user_id, purpose, template, image, enrolled_at) VALUES ($1, 'basic', '\\x01', '\\x02', now())`,
      [id],
    );
    return id;
  };
  const count = async (table: string, userId: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM operator_app.${table} WHERE user_id = $1`, [userId]))[0].n;
  const filedAndHeld = async (appId: string, body: (s: TestUser) => object) => {
    const s = await t.user(Role.Subject, { appUser: appId });
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send(body(s));
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    return { s, id };
  };
  const completions = async (id: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND action = 'complete'`, [id]))[0].n;

  beforeAll(async () => {
    t = await createTestApp();
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
  });
  afterAll(() => t.close());

  it('deletes the chosen categories of the linked app user only, in batches, and completes once', async () => {
    // More rows than one batch erases: the job must go on until a batch finds nothing.
    const [mine, someoneElse] = [await appUser(ERASE_BATCH_ROWS + 500), await appUser(10)];
    const { s, id } = await filedAndHeld(mine, () => ({ type: 'delete_data', categories: ['device_access', 'search_keywords'] }));
    expect((await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: [], law: ['PIPL.47'] })).body.status).toBe('approved');
    await Promise.all([t.app.get(ErasureJob).run(id), t.app.get(ErasureJob).run(id)]);
    await t.app.get(ErasureJob).run(id);

    expect([await count('access_logs', mine), await count('search_history', mine)]).toEqual([0, 0]);
    // Not asked: kept. Another app user: untouched.
    expect([await count('transactions', mine), await count('face_profiles', mine)]).toEqual([1, 1]);
    expect([await count('access_logs', someoneElse), await count('search_history', someoneElse)]).toEqual([10, 2]);
    expect(await completions(id)).toBe(1);
    const own = await t.http.get(`/api/v1/requests/${id}`).set(auth(s));
    expect(own.body.status).toBe('completed');
    const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
    expect(page.body.erasure).toEqual([
      expect.objectContaining({ category: 'device_access', status: 'done', action: 'delete', rows: ERASE_BATCH_ROWS + 500 }),
      expect.objectContaining({ category: 'search_keywords', status: 'done', action: 'delete', rows: 2 }),
    ]);
  });

  it('deletes with the keyset statement: each batch after the last id deleted, every row once, and confirms from the beginning', async () => {
    const [mine, other] = [await appUser(0), await appUser(0)];
    // The subject's rows among another user's, ids interleaved: 3 full batches and a short one.
    const rows = 3 * KEYSET_BATCH_ROWS + 123;
    await t.dataSource.query(
      `INSERT INTO operator_app.access_logs (user_id, at, ip, user_agent, language, page)
       SELECT CASE WHEN g % 2 = 0 THEN $2::bigint ELSE $1::bigint END, now(), '203.0.113.9', 'UA', 'zh-CN', '/p/' || g FROM generate_series(1, $3) g`,
      [mine, other, 2 * rows],
    );
    expect([await count('access_logs', mine), await count('access_logs', other)]).toEqual([rows, rows]);
    expect(t.app.get(DataMapService).mapping(DataCategory.DeviceAccess).erase.keyset).toBe(true);
    const [{ first }] = await t.dataSource.query(`SELECT min(id)::text AS first FROM operator_app.access_logs WHERE user_id = $1`, [mine]);

    // Every batch the connector runs, as the database answers it; after the second, a row of the
    // subject is committed with an id below where the batches are (as a transaction that took its
    // id earlier and committed late would): the batch from the beginning must find it.
    const operator = t.app.get(OperatorDatabase);
    const run = operator.rows.bind(operator);
    const batches: { after: unknown; rows: number; last: string | null }[] = [];
    const spy = jest.spyOn(operator, 'rows').mockImplementation(async (sql, params) => {
      const answer = await run(sql, params);
      if (sql.includes('operator_app.access_logs')) {
        batches.push({ after: params[2], rows: answer[0].rows as number, last: answer[0].last as string | null });
        if (batches.length === 2)
          await t.dataSource.query(
            `INSERT INTO operator_app.access_logs (id, user_id, at, ip, user_agent, language, page) VALUES ($1, $2, now(), '203.0.113.9', 'UA', 'zh-CN', '/late')`,
            [first, mine],
          );
      }
      return answer;
    });
    try {
      expect(await t.app.get(ErasureJob).eraseCategory(DataCategory.DeviceAccess, mine)).toBe(rows + 1);
    } finally {
      spy.mockRestore();
    }
    expect([await count('access_logs', mine), await count('access_logs', other)]).toEqual([0, rows]);
    // Full batches from the last id deleted, the short one, then from the beginning: the late row, then nothing.
    expect(batches.map((b) => [b.after === null ? 'beginning' : 'key', b.rows])).toEqual([
      ['beginning', KEYSET_BATCH_ROWS],
      ['key', KEYSET_BATCH_ROWS],
      ['key', KEYSET_BATCH_ROWS],
      ['key', 123],
      ['beginning', 1],
      ['beginning', 0],
    ]);
    for (let i = 1; i < 4; i++) {
      expect(batches[i].after).toBe(batches[i - 1].last);
      expect(BigInt(batches[i].last!)).toBeGreaterThan(BigInt(batches[i - 1].last!));
    }
    expect(batches[4].last).toBe(first);
  });

  it('stops a keyset erasure as no_progress when rows it counts are never deleted, rather than going round for ever', async () => {
    const mine = await appUser(5);
    // A trigger that skips the deletion of this user's rows: the keyset statement counts them, the DELETE leaves them.
    await t.asOwner(async (m) => {
      await m.query(
        `CREATE FUNCTION operator_app.keep_rows_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.user_id = ${Number(mine)} THEN RETURN NULL; END IF; RETURN OLD; END $$`,
      );
      await m.query(`CREATE TRIGGER keep_rows_test BEFORE DELETE ON operator_app.access_logs FOR EACH ROW EXECUTE FUNCTION operator_app.keep_rows_test()`);
    });
    try {
      await expect(t.app.get(ErasureJob).eraseCategory(DataCategory.DeviceAccess, mine)).rejects.toMatchObject({ reason: 'no_progress' });
    } finally {
      await t.asOwner(async (m) => {
        await m.query(`DROP TRIGGER keep_rows_test ON operator_app.access_logs`);
        await m.query(`DROP FUNCTION operator_app.keep_rows_test()`);
      });
    }
    expect(await count('access_logs', mine)).toBe(5);
    expect(await t.app.get(ErasureJob).eraseCategory(DataCategory.DeviceAccess, mine)).toBe(5);
    expect(await count('access_logs', mine)).toBe(0);
  });

  it('erases an account category by category, anonymising the account row, and keeps what an active legal hold keeps', async () => {
    const mine = await appUser(5);
    const { s, id } = await filedAndHeld(mine, (u) => ({ type: 'delete_account', password: u.password }));
    const hold = await t.http
      .post('/api/v1/legal/holds')
      .set(auth(legal))
      .send({
        subjectId: s.id,
        categories: ['transactions'],
        law: ['ECL.31'],
        retention: '3 years after completion (ECL Art. 31)',
        until: new Date(Date.now() + 400 * DAY).toISOString(),
        note: '交易记录保存三年',
      });
    expect(hold.status).toBe(201);
    const partial = {
      outcome: 'partial',
      clauses: ['3.f'],
      law: ['ECL.31'],
      withheld: ['transactions'],
      holds: [hold.body.id],
      reason: '交易记录依法保存三年。',
    };
    expect((await staffPost(staff, id, 'decision', partial)).body.status).toBe('awaiting_legal');
    expect((await legalPost(legal, id, 'confirm', {})).body.status).toBe('approved');
    await t.app.get(ErasureJob).run(id);

    expect([await count('access_logs', mine), await count('search_history', mine), await count('face_profiles', mine)]).toEqual([0, 0, 0]);
    expect(await count('transactions', mine)).toBe(1);
    const [user] = await t.dataSource.query(
      `SELECT display_name, email, phone, gender, disabled_at IS NOT NULL AS disabled FROM operator_app.users WHERE id = $1`,
      [mine],
    );
    expect(user).toEqual({ display_name: '已注销用户', email: null, phone: null, gender: null, disabled: true });
    const steps = (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body.erasure as { category: string; status: string; detail: object }[];
    expect(steps.find((x) => x.category === 'transactions')).toEqual(
      expect.objectContaining({ status: 'kept', detail: expect.objectContaining({ holds: [hold.body.id] }) }),
    );
    expect(steps.find((x) => x.category === 'consents')).toEqual(expect.objectContaining({ status: 'kept', detail: { reason: 'data_map' } }));
    expect(await completions(id)).toBe(1);
  });

  it('fails a step visibly when its system refuses, changes nothing twice, and finishes when run again', async () => {
    const mine = await appUser(30);
    const { id } = await filedAndHeld(mine, () => ({ type: 'delete_data', categories: ['device_access', 'search_keywords'] }));
    expect((await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: [], law: ['PIPL.47'] })).status).toBe(200);
    await whileDeleteRefused(t, 'operator_app.search_history', () => t.app.get(ErasureJob).run(id));
    const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
    expect(page.body.status).toBe('fulfilling');
    expect(page.body.erasure).toEqual([
      expect.objectContaining({ category: 'device_access', status: 'done', rows: 30 }),
      expect.objectContaining({ category: 'search_keywords', status: 'failed', detail: { step: 'erase', system: 'app_db', reason: 'database_error_42501' } }),
    ]);
    expect(await count('search_history', mine)).toBe(2);
    // Counted on the queue, and listed by its filter.
    const failing = await t.http.get('/api/v1/staff/requests?failing=true').set(auth(staff));
    expect(failing.body.items).toEqual([expect.objectContaining({ id, status: 'fulfilling', failedSteps: 1 })]);
    expect(failing.body.failing).toBe(1);
    const whole = await t.http.get('/api/v1/staff/requests').set(auth(staff));
    expect(whole.body.failing).toBe(1);
    expect(whole.body.items.filter((i: { failedSteps: number }) => i.failedSteps > 0).map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await t.http.get('/api/v1/staff/requests?failing=maybe').set(auth(staff))).status).toBe(400);

    // Staff run it again: audited, the job sent; what is done is not redone.
    const other = await t.user(Role.Subject);
    expect((await staffPost(other, id, 'retry')).status).toBe(403);
    const retried = await staffPost(staff, id, 'retry');
    expect([retried.status, retried.body.status]).toEqual([200, 'fulfilling']);
    const [{ n: sent }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'fulfilment.erase-request' AND data->>'requestId' = $1`,
      [id],
    );
    expect(sent).toBe(2);
    const [{ n: audited }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'request.fulfilment_retried' AND entity_id = $1`,
      [id],
    );
    expect(audited).toBe(1);
    await t.app.get(ErasureJob).run(id);
    expect(await count('search_history', mine)).toBe(0);
    const after = (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body;
    expect(after.status).toBe('completed');
    // The step done before the failure was not run again.
    expect(after.erasure.find((x: { category: string }) => x.category === 'device_access')).toEqual(expect.objectContaining({ rows: 30 }));
    expect(await completions(id)).toBe(1);
    const cleared = await t.http.get('/api/v1/staff/requests?failing=true').set(auth(staff));
    expect([cleared.body.items, cleared.body.failing]).toEqual([[], 0]);
    const again = await staffPost(staff, id, 'retry');
    expect([again.status, again.body.code]).toEqual([409, 'nothing_to_retry']);
  });
});
