import { AccountClosure, ErasureJob, HeldErasures, PSEUDONYMISE_ACCOUNT_JOB } from '../src/erasure';
import { Role } from '../src/kernel/role';
import { uploaded } from './support/evidence-files';
import { reviewCalls } from './support/review-calls';
import { sampleAppUser, sampleRows } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const DAY = 86_400_000;

/**
 * Deleting an account, on the portal's side: the account closes when the deletion is approved
 * (sessions end, sign-in refused), the portal's records of the person are pseudonymised after the
 * erasure completes, and what a legal hold kept is erased once the hold ends.
 */
describe('deleting an account: closing it, pseudonymising its records, erasing what holds kept once they end', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost, legalPost } = reviewCalls(() => t);

  const appUser = (): Promise<string> =>
    sampleAppUser(
      t,
      {
        searches: ['雨伞'],
        transactions: [
          { counterparty: '李四', item: '雨伞', amount: 39 },
          { counterparty: '王五', item: '伞套', amount: 9 },
        ],
      },
      '将注销',
    );
  const count = (table: 'access_logs' | 'search_history' | 'transactions' | 'face_profiles', userId: string) => sampleRows(t, table, userId);
  const audited = async (action: string, entityId: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND entity_id = $2`, [action, entityId]))[0].n;
  const signIn = (email: string, password: string) => t.http.post('/api/v1/auth/login').send({ email, password });

  beforeAll(async () => {
    t = await createTestApp();
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
  });
  afterAll(() => t.close());

  it('closes the account at approval, pseudonymises the portal records after completion, and erases the held category when its hold ends', async () => {
    const mine = await appUser();
    const s = await t.user(Role.Subject, { appUser: mine });
    const note = '请删除我的一切，我叫王小红';
    // An earlier request, asked about and answered in the person's own words, then cancelled.
    const reply = '补充：我关心的是搜索记录';
    const earlier = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'explanation', question: '你们如何使用我的搜索记录？', note });
    expect(earlier.status).toBe(201);
    expect((await staffPost(staff, earlier.body.id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, earlier.body.id, 'ask', { question: '请说明您关心的是哪一类记录？' })).status).toBe(200);
    expect((await t.http.post(`/api/v1/requests/${earlier.body.id}/reply`).set(auth(s)).send({ message: reply })).status).toBe(200);
    expect((await t.http.post(`/api/v1/requests/${earlier.body.id}/cancel`).set(auth(s)).send({})).status).toBe(200);

    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'delete_account', password: s.password, note });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
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
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await t.http.get('/api/v1/requests').set(auth(s))).status).toBe(200);

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

    // Closed at once: the session ends, the password opens nothing, once audited.
    expect((await t.http.get('/api/v1/requests').set(auth(s))).status).toBe(401);
    const refused = await signIn(s.email, s.password);
    expect([refused.status, refused.body.code]).toEqual([403, 'account_closed']);
    expect((await signIn(s.email, 'not the password at all')).body.code).toBe('invalid_credentials');
    expect(await audited('account.closed', s.id)).toBe(1);
    const [{ open }] = await t.dataSource.query(`SELECT count(*)::int AS open FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [s.id]);
    expect(open).toBe(0);

    await t.app.get(ErasureJob).run(id);
    expect([await count('search_history', mine), await count('transactions', mine)]).toEqual([0, 2]);
    // The pseudonymisation waits for the completion notice to go out.
    const [job] = await t.dataSource.query(
      `SELECT data, start_after > now() + interval '50 minutes' AS later FROM pgboss.job WHERE name = $1 AND data->>'requestId' = $2`,
      [PSEUDONYMISE_ACCOUNT_JOB, id],
    );
    expect(job).toEqual({ data: { requestId: id, subjectId: s.id }, later: true });
    const closure = t.app.get(AccountClosure);
    await closure.pseudonymise(id, s.id);
    await closure.pseudonymise(id, s.id);

    const [user] = await t.dataSource.query(
      `SELECT email, display_name, phone, mfa_secret, closed_at IS NOT NULL AS closed, pseudonymised_at IS NOT NULL AS pseudonymised, subject_ref FROM users WHERE id = $1`,
      [s.id],
    );
    expect(user).toEqual({
      email: `closed-${user.subject_ref}@closed.invalid`,
      display_name: null,
      phone: null,
      mfa_secret: null,
      closed: true,
      pseudonymised: true,
      subject_ref: s.subjectRef,
    });
    expect(await audited('account.pseudonymised', s.id)).toBe(1);
    const records = await t.dataSource.query(`SELECT details, status FROM requests WHERE subject_id = $1 ORDER BY submitted_at`, [s.id]);
    expect(records.map((r: { status: string }) => r.status)).toEqual(['cancelled', 'completed']);
    expect(JSON.stringify(records)).not.toMatch(/王小红|搜索记录？/);
    const texts = await t.dataSource.query(
      `SELECT e.note FROM request_events e JOIN requests r ON r.id = e.request_id WHERE r.subject_id = $1 AND e.note IS NOT NULL AND e.actor_id = $1`,
      [s.id],
    );
    expect(texts).toEqual([]);
    const earlierPage = await t.http.get(`/api/v1/staff/requests/${earlier.body.id}`).set(auth(staff));
    expect(earlierPage.status).toBe(200);
    expect(JSON.stringify(earlierPage.body)).not.toContain(reply);
    // The staff page still reads, without the person's words; the decision and its citations stay.
    const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.body)).not.toContain('王小红');
    expect(page.body.decision).toEqual(expect.objectContaining({ outcome: 'partial', clauses: [expect.objectContaining({ id: '3.f' })] }));
    // The address is free again: the person may register anew.
    expect((await t.http.post('/api/v1/auth/register').send({ email: s.email, password: s.password })).status).toBe(201);
    // The link stays while the hold keeps a category that will need it.
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM identity_links WHERE subject_id = $1`, [s.id])).toEqual([{ n: 1 }]);

    // While the hold stands, the scan erases nothing.
    const held = t.app.get(HeldErasures);
    expect(await held.run()).toBe(0);
    expect(await count('transactions', mine)).toBe(2);
    expect((await t.http.post(`/api/v1/legal/holds/${hold.body.id}/release`).set(auth(legal)).send({ reason: '诉讼已结束' })).status).toBe(200);
    await Promise.all([held.run(), held.run()]);
    expect(await count('transactions', mine)).toBe(0);
    expect(await held.run()).toBe(0);
    expect(await audited('erasure.after_hold', id)).toBe(1);
    const steps = (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body.erasure as {
      category: string;
      status: string;
      rows: number;
      detail: object;
    }[];
    expect(steps.find((x) => x.category === 'transactions')).toEqual(
      expect.objectContaining({ status: 'done', rows: 2, detail: { afterHolds: [hold.body.id] } }),
    );
    // Nothing left to erase through it: the link is forgotten.
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM identity_links WHERE subject_id = $1`, [s.id])).toEqual([{ n: 0 }]);
  });

  it('does not close the account of someone who filed a deletion on behalf of a deceased relative', async () => {
    const s = await t.user(Role.Subject);
    const relative = { relation: 'relative_of_deceased', name: '李四', statement: '注销其账户以免冒用', evidence: [await uploaded(t, s)] };
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'delete_account', password: s.password, onBehalfOf: relative });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    const decided = await staffPost(staff, id, 'decision', { outcome: 'approve', clauses: ['face.retain.2', 'face.use.3'], law: ['PIPL.47', 'PIPL.49'] });
    expect(decided.body.status).toBe('approved');
    expect((await t.http.get('/api/v1/requests').set(auth(s))).status).toBe(200);
    expect((await signIn(s.email, s.password)).status).toBe(200);
    expect(await audited('account.closed', s.id)).toBe(0);
  });
});
