import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** The subject's own words on a request (`note`, api.md Requests): kept with the request, shown to staff and the subject, never audited. */
describe('requests: the subject note', () => {
  let t: TestApp;
  let staff: TestUser;
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const file = (u: TestUser, body: object, key?: string) => {
    const req = t.http.post('/api/v1/requests').set(auth(u));
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.user(Role.Staff);
  });
  afterAll(() => t.close());

  it('is stored with the request and shown to the subject and to staff, but never in the audit trail, the timeline or a notice', async () => {
    const s = await t.user(Role.Subject);
    const note = '我的手机号 13800001111 已经停用，请通过邮箱联系我。 (note-e2e-marker)';
    const res = await file(s, { type: 'access', note });
    expect(res.status).toBe(201);
    expect(res.body.subjectNote).toBe(note);

    const [row] = await t.dataSource.query(`SELECT details FROM requests WHERE id = $1`, [res.body.id]);
    expect(row.details).toEqual({ note });

    const own = await t.http.get(`/api/v1/requests/${res.body.id}`).set(auth(s));
    expect([own.status, own.body.subjectNote]).toEqual([200, note]);
    const staffView = await t.http.get(`/api/v1/staff/requests/${res.body.id}`).set(auth(staff));
    expect([staffView.status, staffView.body.subjectNote]).toEqual([200, note]);

    const [{ n: audited }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE data::text LIKE '%note-e2e-marker%'`);
    expect(audited).toBe(0);
    const [{ n: onTimeline }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM request_events WHERE request_id = $1 AND (coalesce(note, '') LIKE '%note-e2e-marker%' OR data::text LIKE '%note-e2e-marker%')`,
      [res.body.id],
    );
    expect(onTimeline).toBe(0);
    const [{ n: noticed }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE data::text LIKE '%note-e2e-marker%'`);
    expect(noticed).toBe(0);
  });

  it('may be carried by every request type, beside the type’s own fields; without one the views say null', async () => {
    const s = await t.user(Role.Subject);
    const plain = await file(s, { type: 'disclosure_log' });
    expect([plain.status, plain.body.subjectNote]).toEqual([201, null]);
    const staffPlain = await t.http.get(`/api/v1/staff/requests/${plain.body.id}`).set(auth(staff));
    expect(staffPlain.body.subjectNote).toBeNull();

    const withdrawal = await file(s, { type: 'withdraw_consent', purposes: ['marketing'], note: '不想再收到营销短信' });
    expect([withdrawal.status, withdrawal.body.status, withdrawal.body.subjectNote]).toEqual([201, 'completed', '不想再收到营销短信']);
    const [row] = await t.dataSource.query(`SELECT details FROM requests WHERE id = $1`, [withdrawal.body.id]);
    expect(row.details).toEqual({ purposes: ['marketing'], confirmFaceBasic: false, note: '不想再收到营销短信' });

    const deletion = await file(s, { type: 'delete_account', password: s.password, note: 'x'.repeat(2000) });
    expect([deletion.status, deletion.body.subjectNote]).toEqual([201, 'x'.repeat(2000)]);
  });

  it('counts in the Idempotency-Key fingerprint: the same key with another note is another body (422), with the same note a replay (200)', async () => {
    const s = await t.user(Role.Subject);
    const first = await file(s, { type: 'access', note: 'first words' }, 'note-key');
    expect(first.status).toBe(201);
    const replay = await file(s, { type: 'access', note: 'first words' }, 'note-key');
    expect([replay.status, replay.body.id, replay.body.subjectNote]).toEqual([200, first.body.id, 'first words']);
    const before = await t.tableCounts();
    const other = await file(s, { type: 'access', note: 'other words' }, 'note-key');
    expect([other.status, other.body.code]).toEqual([422, 'idempotency_key_reused']);
    const without = await file(s, { type: 'access' }, 'note-key');
    expect([without.status, without.body.code]).toEqual([422, 'idempotency_key_reused']);
    expect(await t.tableCounts()).toEqual(before);
  });

  describe('bad input (nothing written)', () => {
    let s: TestUser;
    beforeAll(async () => {
      s = await t.user(Role.Subject);
    });

    it.each([
      ['too long', { type: 'access', note: 'x'.repeat(2001) }],
      ['empty', { type: 'disclosure_log', note: '' }],
      ['a number', { type: 'access', note: 42 }],
      ['an array', { type: 'access', note: ['a'] }],
      ['an object', { type: 'withdraw_consent', purposes: ['marketing'], note: { text: 'a' } }],
      ['null', { type: 'access', note: null }],
      ['a NUL byte', { type: 'access', note: 'before\u0000after' }],
      ['too long on a deletion', { type: 'delete_account', password: 'x', note: 'x'.repeat(2001) }],
    ])('400 for a note that is %s', async (_, body) => {
      const before = await t.tableCounts();
      const res = await file(s, body);
      expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'note' })]);
      expect(await t.tableCounts()).toEqual(before);
    });
  });
});
