import { ExportJob } from '../src/exports';
import { Role } from '../src/kernel/role';
import { uploaded } from './support/evidence-files';
import { reviewCalls } from './support/review-calls';
import { sampleAppUser } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * A request filed on someone's behalf acts on the represented person's app account, never the
 * filer's: it waits (represented_person_not_linked) until a reviewer names that account from the
 * evidence, then runs on it.
 */
describe("a request filed on someone's behalf: the represented person's app account", () => {
  let t: TestApp;
  let staff: TestUser;
  const { auth, staffPost } = reviewCalls(() => t);
  const name = (u: TestUser, id: string, body: object) => t.http.post(`/api/v1/staff/requests/${id}/represented-account`).set(auth(u)).send(body);
  const page = async (id: string) => (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body;

  const appUser = (keywords: string): Promise<string> => sampleAppUser(t, { searches: [keywords] }, '被代理人');

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.user(Role.Staff);
  });
  afterAll(() => t.close());

  it('waits for the account, refuses a wrong one, then copies the represented person’s records, not the filer’s', async () => {
    const filerApp = await appUser('代理人自己的搜索');
    const represented = await appUser('被代理人的风筝');
    const filer = await t.user(Role.Subject, { appUser: filerApp });
    const onBehalfOf = { relation: 'agent', name: '张三', evidence: [await uploaded(t, filer)] };
    const filed = await t.http.post('/api/v1/requests').set(auth(filer)).send({ type: 'access', onBehalfOf });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] })).status).toBe(200);

    await t.app.get(ExportJob).run(id);
    let shown = await page(id);
    expect([shown.status, shown.representedAccount, shown.export.failure.reason]).toEqual(['fulfilling', null, 'represented_person_not_linked']);

    // Refused, writing nothing: the filer, a blank note, an id with spaces, an app user that does not exist.
    const before = await t.tableCounts();
    expect((await name(filer, id, { appUserId: represented, note: '委托书' })).status).toBe(403);
    expect((await name(staff, id, { appUserId: represented, note: '  ' })).status).toBe(400);
    expect((await name(staff, id, { appUserId: '12 34', note: '委托书' })).status).toBe(400);
    const unknown = await name(staff, id, { appUserId: '999999999999', note: '委托书' });
    expect([unknown.status, unknown.body.code]).toEqual([422, 'app_user_not_found']);
    expect(await t.tableCounts()).toEqual(before);

    const named = await name(staff, id, { appUserId: represented, note: '依授权委托书核对被代理人手机号尾号' });
    expect(named.status).toBe(200);
    expect(named.body.representedAccount).toEqual(
      expect.objectContaining({ appUserId: represented, namedBy: staff.id, note: '依授权委托书核对被代理人手机号尾号' }),
    );
    const again = await name(staff, id, { appUserId: filerApp, note: '改为' });
    expect([again.status, again.body.code]).toEqual([409, 'represented_account_named']);
    const [audited] = await t.dataSource.query(
      `SELECT actor_id, data FROM audit_events WHERE action = 'request.represented_account_named' AND entity_id = $1`,
      [id],
    );
    expect(audited).toEqual({ actor_id: staff.id, data: { noteLength: '依授权委托书核对被代理人手机号尾号'.length } });
    // The stopped copy was sent again.
    const [{ n: sent }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'fulfilment.export' AND data->>'requestId' = $1`, [
      id,
    ]);
    expect(sent).toBe(2);

    await t.app.get(ExportJob).run(id);
    shown = await page(id);
    expect(shown.status).toBe('completed');
    const json = await t.http.get(`/api/v1/requests/${id}/export?format=json`).set(auth(filer));
    expect(json.status).toBe(200);
    const text = JSON.stringify(json.body);
    expect(text).toContain('被代理人的风筝');
    expect(text).not.toContain('代理人自己的搜索');
  });

  it('is only for a request filed on someone’s behalf, while it is open', async () => {
    const s = await t.user(Role.Subject, { appUser: await appUser('自己') });
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'access' });
    const res = await name(staff, filed.body.id, { appUserId: '1', note: '无' });
    expect([res.status, res.body.code]).toEqual([409, 'not_on_behalf']);
  });
});
