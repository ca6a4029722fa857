import { CorrectionJob } from '../src/corrections';
import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** An approved correction is applied in the operator's system (operator_app) and read back. */
describe('fulfilment: an approved correction applied and read back', () => {
  let t: TestApp;
  let staff: TestUser;
  const { auth, staffPost, legalPost } = reviewCalls(() => t);

  const appUser = async (): Promise<string> =>
    (
      await t.dataSource.query(`INSERT INTO operator_app.users (display_name, email, phone, gender) VALUES ('旧昵称', $1, NULL, 'male') RETURNING id::text`, [
        `c${Date.now()}${Math.random().toString(16).slice(2, 8)}@demo.example`,
      ])
    )[0].id;
  const item = (field: string, correctedValue: string) => ({ category: 'account', field, correctedValue, explanation: '信息有误' });
  const approved = async (appId: string, items: object[], decision: object = { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.46'] }) => {
    const s = await t.user(Role.Subject, { appUser: appId });
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'correction', items });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', decision)).body.status).toBe('approved');
    return { s, id };
  };
  const userRow = async (appId: string) =>
    (await t.dataSource.query(`SELECT display_name, email, gender, birthday::text FROM operator_app.users WHERE id = $1`, [appId]))[0];

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.user(Role.Staff);
  });
  afterAll(() => t.close());

  it('changes exactly the approved fields of the linked app user, reads them back, and completes once', async () => {
    const [mine, other] = [await appUser(), await appUser()];
    const { s, id } = await approved(mine, [item('display_name', '新昵称'), item('email', 'New.Address@Demo.Example'), item('birthday', '1991-02-03')]);
    await Promise.all([t.app.get(CorrectionJob).run(id), t.app.get(CorrectionJob).run(id)]);
    expect(await userRow(mine)).toEqual({ display_name: '新昵称', email: 'new.address@demo.example', gender: 'male', birthday: '1991-02-03' });
    expect((await userRow(other)).display_name).toBe('旧昵称');
    expect((await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).body.status).toBe('completed');
    const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
    expect(page.body.corrections.map((c: { field: string; status: string }) => [c.field, c.status])).toEqual([
      ['display_name', 'done'],
      ['email', 'done'],
      ['birthday', 'done'],
    ]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND action = 'complete'`, [id]);
    expect(n).toBe(1);
  });

  it('applies only what a partial decision approved, once legal confirmed it', async () => {
    const mine = await appUser();
    const legal = await t.user(Role.Legal);
    const s = await t.user(Role.Subject, { appUser: mine });
    const filed = await t.http
      .post('/api/v1/requests')
      .set(auth(s))
      .send({ type: 'correction', items: [item('display_name', '不批准'), item('gender', 'female')] });
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    const proposed = await staffPost(staff, id, 'decision', { outcome: 'partial', clauses: [], law: ['PIPL.46'], items: [1], reason: '昵称经核实无误。' });
    expect(proposed.body.status).toBe('awaiting_legal');
    expect((await legalPost(legal, id, 'confirm', {})).body.status).toBe('approved');
    await t.app.get(CorrectionJob).run(id);
    expect(await userRow(mine)).toEqual(expect.objectContaining({ display_name: '旧昵称', gender: 'female' }));
    expect((await t.http.get(`/api/v1/requests/${id}`).set(auth(s))).body.status).toBe('completed');
  });

  it('fails an item visibly when the system refuses the value, and leaves the request fulfilling', async () => {
    const mine = await appUser();
    const { id } = await approved(mine, [item('gender', 'unknown-value')]);
    await t.app.get(CorrectionJob).run(id);
    const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
    expect(page.body.status).toBe('fulfilling');
    expect(page.body.corrections).toEqual([
      expect.objectContaining({ field: 'gender', status: 'failed', detail: { step: 'correct', system: 'app_db', reason: 'database_error_23514' } }),
    ]);
    expect((await userRow(mine)).gender).toBe('male');
  });
});
