import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const V1 = readFileSync(join(__dirname, '../src/policy/versions/v1/privacy-policy.zh-CN.md'), 'utf8');

describe('a new policy version: impact on requests and notices to subjects (HTTP)', () => {
  let t: TestApp;
  let admin: TestUser;
  let staff: TestUser;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user(Role.Admin);
    staff = await t.user(Role.Staff);
  });
  afterAll(() => t.close());

  async function file(subject: TestUser, type: string): Promise<string> {
    const res = await t.http.post('/api/v1/requests').set(as(subject)).send({ type });
    expect(res.status).toBe(201);
    await t.http.post(`/api/v1/staff/requests/${res.body.id}/claim`).set(as(staff)).expect(200);
    return res.body.id;
  }

  it('lists the open requests and past decisions that cite clauses the draft changes', async () => {
    const decided = await file(await t.user(), 'access');
    await t.http
      .post(`/api/v1/staff/requests/${decided}/decision`)
      .set(as(staff))
      .send({ outcome: 'approve', clauses: ['1.a'], reason: 'Identity confirmed' })
      .expect(200);
    const open = await file(await t.user(), 'disclosure_log');
    const [{ due_at: due }] = await t.dataSource.query(`SELECT due_at FROM requests WHERE id = $1`, [open]);
    const until = new Date(due.getTime() + 7 * 86400_000).toISOString();
    await t.http
      .post(`/api/v1/staff/requests/${open}/extend`)
      .set(as(staff))
      .send({ until, reason: 'Waiting for the authority to lift its confidentiality requirement', clauses: ['3.c'], law: ['GBT35273.8.7'] })
      .expect(200);

    const draft = V1.replace('(a) 在您注册本应用帐号时', '(a) 在您注册或登录本应用帐号时').replace(
      '(c) 根据法律的有关规定',
      '(c) 根据法律、行政法规的有关规定',
    );
    const res = await t.http.post('/api/v1/policy/impact').set(as(admin)).send({ markdown: draft, major: false });
    expect(res.status).toBe(200);
    expect(res.body.changes.changed.sort()).toEqual(['1.a', '3.c']);
    expect(res.body.openRequests).toContainEqual(expect.objectContaining({ entityId: open, clauseId: '3.c', policyVersion: 1, open: true }));
    expect(res.body.pastDecisions).toContainEqual(expect.objectContaining({ entityId: decided, clauseId: '1.a', open: false }));
  });

  it('keeps a request citing the version it was filed under after a new one is published', async () => {
    const subject = await t.user();
    const id = await file(subject, 'access');
    const draft = V1.replace('(a) 在您注册本应用帐号时', '(a) 在您注册或登录本应用帐号时');
    await t.http.post('/api/v1/policy/versions').set(as(admin)).send({ markdown: draft, major: false }).expect(201);
    const decided = await t.http
      .post(`/api/v1/staff/requests/${id}/decision`)
      .set(as(staff))
      .send({ outcome: 'approve', clauses: ['1.a'], reason: 'Identity confirmed' });
    expect(decided.status).toBe(200);
    const view = await t.http.get(`/api/v1/requests/${id}`).set(as(subject));
    expect(view.body.policyVersion).toBe(1);
    const cited = view.body.timeline.flatMap((e: { clauses: { id: string; text: string }[] }) => e.clauses).find((c: { id: string }) => c.id === '1.a');
    expect(cited.text).toContain('在您注册本应用帐号时');
    expect(cited.text).not.toContain('注册或登录');
  });

  it('queues a notice to every subject for a major version, in the publishing transaction', async () => {
    const subjects = Number((await t.dataSource.query(`SELECT count(*) AS n FROM users WHERE role = 'subject'`))[0].n);
    const draft = V1.replace('(b)本公司保留随时修改本政策的权利', '(b)本公司保留依法修改本政策的权利');
    const res = await t.http.post('/api/v1/policy/versions').set(as(admin)).send({ markdown: draft, major: true });
    expect(res.status).toBe(201);
    const rows: { user_id: string; data: { policyVersion: string } }[] = await t.dataSource.query(
      `SELECT n.user_id, n.data FROM notifications n WHERE n.kind = 'policy.major_change'`,
    );
    expect(rows).toHaveLength(subjects);
    expect(new Set(rows.map((r) => r.data.policyVersion))).toEqual(new Set([String(res.body.version)]));
    const roles: { role: string }[] = await t.dataSource.query(
      `SELECT DISTINCT u.role FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'policy.major_change'`,
    );
    expect(roles).toEqual([{ role: 'subject' }]);
  });
});
