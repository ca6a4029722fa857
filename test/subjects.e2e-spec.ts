import { randomUUID } from 'node:crypto';
import { Role } from '../src/kernel/role';
import { AppError } from '../src/common/errors/app-error';
import { SubjectsService } from '../src/subjects/subjects.service';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const PHONE = '13812341234';
const NAME = '张三丰';

/** Subjects as staff see them: masked, and revealed only by an audited act. */
describe('subjects (real AppModule and PostgreSQL)', () => {
  let t: TestApp;
  let subjects: SubjectsService;
  let staff: TestUser;
  let legal: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    subjects = t.app.get(SubjectsService);
    staff = await t.user(Role.Staff);
    legal = await t.user(Role.Legal);
  });
  afterAll(() => t.close());

  const newSubject = async (): Promise<TestUser> => {
    const u = await t.user(Role.Subject, { email: `zhangsan.${randomUUID().slice(0, 8)}@example.com`, displayName: NAME, phone: PHONE });
    const [{ ref }] = await t.dataSource.query(`SELECT subject_ref AS ref FROM users WHERE id = $1`, [u.id]);
    return { ...u, subjectRef: ref };
  };
  const reveal = (caller: TestUser, id: string, body: unknown) =>
    t.http
      .post(`/api/v1/staff/subjects/${id}/reveal`)
      .set('Authorization', `Bearer ${caller.token}`)
      .send(body as object);
  const reveals = (subjectId: string): Promise<{ actor_id: string; actor_role: string; subject_ref: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT actor_id, actor_role, subject_ref, data FROM audit_events WHERE action = 'subject.revealed' AND entity_id = $1 ORDER BY n`, [
      subjectId,
    ]);
  const REASON = 'Subject asked by phone to confirm the number on file (ticket 4711)';

  /** The subject files an access request and `reviewer` claims it: the reviewer now works on that subject. */
  const workedOnBy = async (reviewer: TestUser, subject: TestUser): Promise<string> => {
    const filed = await t.http.post('/api/v1/requests').set('Authorization', `Bearer ${subject.token}`).send({ type: 'access' });
    expect(filed.status).toBe(201);
    const claimed = await t.http.post(`/api/v1/staff/requests/${filed.body.id}/claim`).set('Authorization', `Bearer ${reviewer.token}`).send({});
    expect(claimed.status).toBe(200);
    return filed.body.id as string;
  };

  describe('SubjectsService.maskedSubject', () => {
    it('masks email, phone and name, and never contains the full values', async () => {
      const u = await newSubject();
      const masked = await subjects.maskedSubject(u.id);
      expect(masked).toEqual({
        id: u.id,
        subjectRef: u.subjectRef,
        displayName: '张**',
        email: 'z***@example.com',
        phone: '138****1234',
        locale: 'zh-CN',
        createdAt: expect.any(String),
      });
      const json = JSON.stringify(masked);
      for (const secret of [u.email, u.email.split('@')[0], PHONE, NAME]) expect(json).not.toContain(secret);
    });

    it('answers 404 for an unknown id and for an account that is not a subject', async () => {
      for (const id of [randomUUID(), staff.id]) {
        const err = await subjects.maskedSubject(id).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect(err).toMatchObject({ kind: 'not_found', code: 'subject_not_found' });
      }
    });
  });

  describe('POST /api/v1/staff/subjects/:id/reveal', () => {
    it('returns the unmasked value and writes one audit event with the reason but not the value', async () => {
      const u = await newSubject();
      await workedOnBy(staff, u);
      const before = await t.tableCounts();
      const res = await reveal(staff, u.id, { field: 'phone', reason: REASON });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ field: 'phone', value: PHONE });

      const events = await reveals(u.id);
      expect(events).toEqual([{ actor_id: staff.id, actor_role: 'staff', subject_ref: u.subjectRef, data: { field: 'phone', reason: REASON } }]);
      expect(JSON.stringify(events)).not.toContain(PHONE);
      expect(await t.tableCounts()).toEqual({ ...before, audit_events: before.audit_events + 1 });
    });

    it('reveals each field, to legal too, one audit event per reveal', async () => {
      const u = await newSubject();
      await workedOnBy(staff, u);
      const email = await reveal(legal, u.id, { field: 'email', reason: REASON });
      const name = await reveal(staff, u.id, { field: 'displayName', reason: `  ${REASON}  ` });
      expect([email.status, email.body]).toEqual([200, { field: 'email', value: u.email }]);
      expect([name.status, name.body]).toEqual([200, { field: 'displayName', value: NAME }]);
      const events = await reveals(u.id);
      expect(events.map((e) => [e.actor_role, e.data])).toEqual([
        ['legal', { field: 'email', reason: REASON }],
        ['staff', { field: 'displayName', reason: REASON }],
      ]);
      const json = JSON.stringify(events);
      expect(json).not.toContain(u.email);
      expect(json).not.toContain(NAME);
    });

    it('reveals an empty field as null, still audited', async () => {
      const u = await t.user(Role.Subject);
      await workedOnBy(staff, u);
      const res = await reveal(staff, u.id, { field: 'phone', reason: REASON });
      expect([res.status, res.body]).toEqual([200, { field: 'phone', value: null }]);
      expect(await reveals(u.id)).toHaveLength(1);
    });

    it('reveals to staff only a subject they work on: a request they hold or decided, open or closed in the last 30 days (404 otherwise); legal any', async () => {
      const u = await newSubject();
      const staff2 = await t.user(Role.Staff);
      const before = await t.tableCounts();
      // No request of this subject in the caller's hands: as if the subject did not exist.
      const nothing = await reveal(staff, u.id, { field: 'phone', reason: REASON });
      expect([nothing.status, nothing.body.code]).toEqual([404, 'subject_not_found']);
      expect(await t.tableCounts()).toEqual(before);

      const requestId = await workedOnBy(staff2, u);
      const othersRequest = await reveal(staff, u.id, { field: 'phone', reason: REASON });
      expect([othersRequest.status, othersRequest.body.code]).toEqual([404, 'subject_not_found']);
      expect((await reveal(staff2, u.id, { field: 'phone', reason: REASON })).status).toBe(200);
      expect((await reveal(legal, u.id, { field: 'phone', reason: REASON })).status).toBe(200);

      // Decided and closed: its decider may still reveal for 30 days, then no longer.
      const decided = await t.http
        .post(`/api/v1/staff/requests/${requestId}/decision`)
        .set('Authorization', `Bearer ${staff2.token}`)
        .send({ outcome: 'approve', clauses: ['1.a'] });
      expect(decided.status).toBe(200);
      await t.dataSource.query(`UPDATE requests SET assignee_id = NULL WHERE id = $1`, [requestId]);
      expect((await reveal(staff2, u.id, { field: 'phone', reason: REASON })).status).toBe(200);
      await t.dataSource.query(`UPDATE requests SET status = 'completed', closed_at = now() - interval '31 days' WHERE id = $1`, [requestId]);
      const stale = await reveal(staff2, u.id, { field: 'phone', reason: REASON });
      expect([stale.status, stale.body.code]).toEqual([404, 'subject_not_found']);
      expect((await reveal(legal, u.id, { field: 'phone', reason: REASON })).status).toBe(200);
      expect((await reveals(u.id)).map((e) => e.actor_id)).toEqual([staff2.id, legal.id, staff2.id, legal.id]);
    });

    it('refuses subjects (even about themselves) and admins with 403, anonymous callers with 401, writing nothing', async () => {
      const u = await newSubject();
      const admin = await t.user(Role.Admin);
      const before = await t.tableCounts();
      expect((await reveal(u, u.id, { field: 'phone', reason: REASON })).status).toBe(403);
      expect((await reveal(admin, u.id, { field: 'phone', reason: REASON })).status).toBe(403);
      expect((await t.http.post(`/api/v1/staff/subjects/${u.id}/reveal`).send({ field: 'phone', reason: REASON })).status).toBe(401);
      expect(await t.tableCounts()).toEqual(before);
    });

    it('answers 404 for an unknown subject and for an account that is not a subject, writing nothing', async () => {
      const before = await t.tableCounts();
      for (const id of [randomUUID(), legal.id]) {
        const res = await reveal(staff, id, { field: 'email', reason: REASON });
        expect([res.status, res.body.code]).toEqual([404, 'subject_not_found']);
        expect(JSON.stringify(res.body)).not.toContain(legal.email);
      }
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses bad input with 400 and writes nothing', async () => {
      const u = await newSubject();
      const before = await t.tableCounts();
      const cases: [string, unknown][] = [
        [u.id, { field: 'password', reason: REASON }],
        [u.id, { field: 'passwordHash', reason: REASON }],
        [u.id, { reason: REASON }],
        [u.id, { field: 'phone' }],
        [u.id, { field: 'phone', reason: 'because' }],
        [u.id, { field: 'phone', reason: '          x' }],
        [u.id, { field: 'phone', reason: ' '.repeat(20) }],
        [u.id, { field: 'phone', reason: 'x'.repeat(501) }],
        [u.id, { field: 'phone', reason: 12345678901 }],
        [u.id, { field: 'phone', reason: REASON, value: 'x' }],
        ['not-a-uuid', { field: 'phone', reason: REASON }],
      ];
      for (const [id, body] of cases) {
        const res = await reveal(staff, id, body);
        expect({ id, body, status: res.status }).toEqual({ id, body, status: 400 });
        expect(JSON.stringify(res.body)).not.toContain(PHONE);
      }
      expect(await t.tableCounts()).toEqual(before);
      expect(await reveals(u.id)).toEqual([]);
    });

    it('is described in the OpenAPI document', async () => {
      const doc = (await t.http.get('/api/docs-json')).body;
      const op = doc.paths['/api/v1/staff/subjects/{id}/reveal'].post;
      expect(op.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RevealedFieldDto' });
      expect(doc.components.schemas.RevealSubjectFieldDto.properties).toMatchObject({
        field: { enum: ['email', 'phone', 'displayName'] },
        reason: { minLength: 10, maxLength: 500 },
      });
    });

    it('accepts a reason of exactly 10 and of exactly 500 characters', async () => {
      const u = await newSubject();
      await workedOnBy(staff, u);
      expect((await reveal(staff, u.id, { field: 'phone', reason: 'r'.repeat(10) })).status).toBe(200);
      expect((await reveal(staff, u.id, { field: 'phone', reason: 'r'.repeat(500) })).status).toBe(200);
    });
  });
});
