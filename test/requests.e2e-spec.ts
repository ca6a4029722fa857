import { Requests1764403500000 } from '../migrations/1764403500000-requests';
import { EvidenceUploads1764680000000 } from '../migrations/1764680000000-evidence-uploads';
import { Role } from '../src/kernel/role';
import { OPEN_STATUSES } from '../src/requests/domain/request-status';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** Intake and the subject's side of a request (api.md, Requests). */
describe('requests: intake and the subject side (HTTP)', () => {
  let t: TestApp;
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const file = (u: TestUser, body: object, key?: string) => {
    const req = t.http.post('/api/v1/requests').set(auth(u));
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const auditActions = async (requestId: string): Promise<string[]> =>
    (await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'request' AND entity_id = $1 ORDER BY n`, [requestId])).map(
      (r: { action: string }) => r.action,
    );
  const notices = async (userId: string): Promise<{ kind: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT kind, data FROM notifications WHERE user_id = $1 ORDER BY created_at, id`, [userId]);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('filing', () => {
    it('files an access request: 201, pinned to the policy version in force, due in 15 days, receipt notice, audited', async () => {
      const s = await t.user(Role.Subject);
      const res = await file(s, { type: 'access' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ type: 'access', status: 'submitted', policyVersion: 1, clockPaused: false, decision: null });
      const submitted = Date.parse(res.body.submittedAt);
      expect(Date.now() - submitted).toBeLessThan(60_000);
      expect(Date.parse(res.body.dueAt) - submitted).toBe(15 * 24 * 3600 * 1000);
      expect(res.body.timeline).toEqual([expect.objectContaining({ action: 'submit', from: null, to: 'submitted', actorRole: 'subject', clauses: [] })]);
      expect(await auditActions(res.body.id)).toEqual(['request.submitted']);
      expect(await notices(s.id)).toEqual([{ kind: 'request.received', data: { requestId: res.body.id, requestType: 'access', dueAt: res.body.dueAt } }]);
      const [row] = await t.dataSource.query(
        `SELECT r.policy_version, r.subject_ref = u.subject_ref AS same_ref FROM requests r JOIN users u ON u.id = r.subject_id WHERE r.id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({ policy_version: 1, same_ref: true });
    });

    it('files a disclosure_log request due in 15 days and a delete_account request due in 48 hours', async () => {
      const s = await t.user(Role.Subject);
      const log = await file(s, { type: 'disclosure_log' });
      expect(log.status).toBe(201);
      expect(Date.parse(log.body.dueAt) - Date.parse(log.body.submittedAt)).toBe(15 * 24 * 3600 * 1000);
      const del = await file(s, { type: 'delete_account', password: s.password });
      expect(del.status).toBe(201);
      expect(del.body).toMatchObject({ type: 'delete_account', status: 'submitted' });
      expect(Date.parse(del.body.dueAt) - Date.parse(del.body.submittedAt)).toBe(48 * 3600 * 1000);
      expect(JSON.stringify(del.body)).not.toContain(s.password);
    });

    it('refuses delete_account with a wrong password (403) and files nothing: the failure is only counted toward the lockout and audited', async () => {
      const s = await t.user(Role.Subject);
      const before = await t.tableCounts();
      const res = await file(s, { type: 'delete_account', password: 'not-the-password' });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'password_not_confirmed' });
      expect(await t.tableCounts()).toEqual({ ...before, sign_in_failures: before.sign_in_failures + 1, audit_events: before.audit_events + 1 });
      const [{ failed_count }] = await t.dataSource.query(`SELECT failed_count FROM sign_in_failures WHERE user_id = $1`, [s.id]);
      expect(failed_count).toBe(1);
    });

    it('refuses a second open request of the same type with 409 naming the open one', async () => {
      const s = await t.user(Role.Subject);
      const first = await file(s, { type: 'access' });
      const before = await t.tableCounts();
      const second = await file(s, { type: 'access' });
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ code: 'duplicate_open_request', openRequestId: first.body.id });
      expect(await t.tableCounts()).toEqual(before);
      // Another type is fine.
      expect((await file(s, { type: 'disclosure_log' })).status).toBe(201);
    });

    it('lets exactly one of 10 concurrent submissions win (the partial unique index decides)', async () => {
      const s = await t.user(Role.Subject);
      const answers = await Promise.all(Array.from({ length: 10 }, () => file(s, { type: 'access' })));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, ...Array(9).fill(409)]);
      const winner = answers.find((a) => a.status === 201)!;
      expect(answers.filter((a) => a.status === 409).every((a) => a.body.openRequestId === winner.body.id)).toBe(true);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM requests WHERE subject_id = $1`, [s.id]);
      expect(n).toBe(1);
    });

    it('keeps the one-open-request index in step with the open statuses of the code', async () => {
      const [{ indexdef }] = await t.dataSource.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_requests_one_open_per_type'`);
      const listed = [...(indexdef as string).matchAll(/'([a-z_]+)'::request_status/g)].map((m) => m[1]).sort();
      expect(listed).toEqual([...OPEN_STATUSES].sort());
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the same request with 200 for the same key and body, and refuses the key with another body (422)', async () => {
      const s = await t.user(Role.Subject);
      const first = await file(s, { type: 'disclosure_log' }, 'key-1');
      expect(first.status).toBe(201);
      const again = await file(s, { type: 'disclosure_log' }, 'key-1');
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const before = await t.tableCounts();
      const other = await file(s, { type: 'access' }, 'key-1');
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({ code: 'idempotency_key_reused', requestId: first.body.id });
      expect(await t.tableCounts()).toEqual(before);
    });

    it('answers concurrent retries with one request: one 201, the rest 200 with the same id', async () => {
      const s = await t.user(Role.Subject);
      const answers = await Promise.all(Array.from({ length: 5 }, () => file(s, { type: 'access' }, 'retry-key')));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    });

    it('scopes keys to the subject: another subject may use the same key', async () => {
      const [a, b] = [await t.user(Role.Subject), await t.user(Role.Subject)];
      const ra = await file(a, { type: 'access' }, 'shared-key');
      const rb = await file(b, { type: 'access' }, 'shared-key');
      expect([ra.status, rb.status]).toEqual([201, 201]);
      expect(ra.body.id).not.toBe(rb.body.id);
    });

    it('answers a replayed delete_account with the earlier request whatever the password (a replay files nothing, and tells nothing)', async () => {
      const s = await t.user(Role.Subject);
      const first = await file(s, { type: 'delete_account', password: s.password }, 'del-key');
      expect(first.status).toBe(201);
      const wrong = await file(s, { type: 'delete_account', password: 'wrong-password' }, 'del-key');
      const replay = await file(s, { type: 'delete_account', password: s.password }, 'del-key');
      expect([wrong.status, wrong.body.id]).toEqual([200, first.body.id]);
      expect([replay.status, replay.body.id]).toEqual([200, first.body.id]);
    });
  });

  describe('withdraw_consent', () => {
    it('is decided by the system at once (submitted → completed), citing the right to withdraw (clause and law) and each purpose clause', async () => {
      const s = await t.user(Role.Subject);
      expect((await t.http.post('/api/v1/consents/marketing').set(auth(s)).send({ state: 'granted' })).status).toBe(200);
      const res = await file(s, { type: 'withdraw_consent', purposes: ['marketing', 'cross_border'] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'completed', purposes: ['marketing', 'cross_border'] });
      expect(res.body.timeline.map((e: { from: string; to: string }) => `${e.from}→${e.to}`)).toEqual(['null→submitted', 'submitted→completed']);
      const decision = res.body.decision;
      expect(decision).toMatchObject({ outcome: 'approve', decidedByRole: 'system' });
      expect(decision.clauses.map((c: { id: string }) => c.id)).toEqual(['face.use.3', '2.c', 'face.retain.1']);
      expect(decision.clauses.every((c: { text: string }) => c.text.length > 10)).toBe(true);
      // PIPL Art. 15 gives the right to withdraw; Art. 47 has what was processed on the consent deleted.
      expect(decision.law).toEqual([
        { id: 'PIPL.15', instrument: '中华人民共和国个人信息保护法', article: '第十五条', text: expect.stringContaining('个人有权撤回其同意') },
        { id: 'PIPL.47', instrument: '中华人民共和国个人信息保护法', article: '第四十七条', text: expect.stringContaining('个人撤回同意') },
      ]);
      const consents = (await t.http.get('/api/v1/consents').set(auth(s))).body as { purpose: string; state: string }[];
      expect(consents.find((c) => c.purpose === 'marketing')?.state).toBe('withdrawn');
      expect(await auditActions(res.body.id)).toEqual(['request.submitted', 'request.decided']);
      expect((await notices(s.id)).map((n) => n.kind)).toEqual(['request.decided']);
      // Closed at once: another withdrawal may follow straight away.
      expect((await file(s, { type: 'withdraw_consent', purposes: ['marketing'] })).status).toBe(201);
    });

    it('refuses face_basic without confirmation (422, naming the other way of verifying) and writes nothing; confirmed, it is withdrawn', async () => {
      const s = await t.user(Role.Subject);
      const before = await t.tableCounts();
      const refused = await file(s, { type: 'withdraw_consent', purposes: ['marketing', 'face_basic'] });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'face_basic_needs_confirmation', clause: { id: 'face.collect.1' } });
      expect(refused.body.message).toContain('删除您的人脸信息');
      expect(refused.body.message).toContain(refused.body.alternativeVerification.zh);
      expect(refused.body.message).toContain(refused.body.alternativeVerification.en);
      expect(refused.body.message).not.toContain('基本功能');
      expect(await t.tableCounts()).toEqual(before);
      const confirmed = await file(s, { type: 'withdraw_consent', purposes: ['face_basic'], confirmFaceBasic: true });
      expect(confirmed.status).toBe(201);
      expect(confirmed.body.status).toBe('completed');
      expect(confirmed.body.decision.clauses.map((c: { id: string }) => c.id)).toEqual(['face.use.3', 'face.collect.1']);
    });
  });

  describe('following, cancelling, replying, appealing', () => {
    it('lists only the caller’s own requests, newest first', async () => {
      const [s, other] = [await t.user(Role.Subject), await t.user(Role.Subject)];
      const a = await file(s, { type: 'access' });
      const b = await file(s, { type: 'disclosure_log' });
      await file(other, { type: 'access' });
      const list = await t.http.get('/api/v1/requests').set(auth(s));
      expect(list.status).toBe(200);
      expect(list.body.map((r: { id: string }) => r.id)).toEqual([b.body.id, a.body.id]);
    });

    it('answers 404 for another subject’s request on every subject route, and changes nothing', async () => {
      const [owner, other] = [await t.user(Role.Subject), await t.user(Role.Subject)];
      const { body } = await file(owner, { type: 'access' });
      const before = await t.tableCounts();
      const answers = [
        await t.http.get(`/api/v1/requests/${body.id}`).set(auth(other)),
        await t.http.post(`/api/v1/requests/${body.id}/cancel`).set(auth(other)).send({}),
        await t.http.post(`/api/v1/requests/${body.id}/reply`).set(auth(other)).send({ message: 'hi' }),
        await t.http.post(`/api/v1/requests/${body.id}/appeal`).set(auth(other)).send({ statement: 'no' }),
      ];
      expect(answers.map((a) => [a.status, a.body.code])).toEqual(Array(4).fill([404, 'request_not_found']));
      expect(await t.tableCounts()).toEqual(before);
    });

    it('keeps the subject routes to subjects (staff get 403)', async () => {
      const staff = await t.user(Role.Staff);
      expect((await file(staff, { type: 'access' })).status).toBe(403);
      expect((await t.http.get('/api/v1/requests').set(auth(staff))).status).toBe(403);
    });

    it('cancels before a decision (timeline and audit), and refuses a second cancel with 409', async () => {
      const s = await t.user(Role.Subject);
      const { body } = await file(s, { type: 'access' });
      const cancelled = await t.http.post(`/api/v1/requests/${body.id}/cancel`).set(auth(s)).send({});
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      expect(cancelled.body.timeline.map((e: { action: string }) => e.action)).toEqual(['submit', 'cancel']);
      expect(await auditActions(body.id)).toEqual(['request.submitted', 'request.cancelled']);
      const before = await t.tableCounts();
      const again = await t.http.post(`/api/v1/requests/${body.id}/cancel`).set(auth(s)).send({});
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('transition_not_allowed');
      expect(await t.tableCounts()).toEqual(before);
      // Cancelled is closed: a new request of the type may be filed.
      expect((await file(s, { type: 'access' })).status).toBe(201);
    });

    it('refuses to cancel a completed withdrawal (409 already_decided)', async () => {
      const s = await t.user(Role.Subject);
      const { body } = await file(s, { type: 'withdraw_consent', purposes: ['marketing'] });
      const res = await t.http.post(`/api/v1/requests/${body.id}/cancel`).set(auth(s)).send({});
      expect([res.status, res.body.code]).toEqual([409, 'already_decided']);
    });

    it('refuses a reply when nothing was asked, and an appeal of a request that was not rejected (409)', async () => {
      const s = await t.user(Role.Subject);
      const { body } = await file(s, { type: 'access' });
      const before = await t.tableCounts();
      const reply = await t.http.post(`/api/v1/requests/${body.id}/reply`).set(auth(s)).send({ message: 'here you are' });
      const appeal = await t.http.post(`/api/v1/requests/${body.id}/appeal`).set(auth(s)).send({ statement: 'please' });
      expect([reply.status, reply.body.code]).toEqual([409, 'transition_not_allowed']);
      expect([appeal.status, appeal.body.code]).toEqual([409, 'transition_not_allowed']);
      expect(await t.tableCounts()).toEqual(before);
    });
  });

  describe('bad input (nothing written)', () => {
    let s: TestUser;
    let before: Record<string, number>;
    beforeAll(async () => {
      s = await t.user(Role.Subject);
    });
    beforeEach(async () => {
      before = await t.tableCounts();
    });
    afterEach(async () => {
      expect(await t.tableCounts()).toEqual(before);
    });

    it.each([
      ['no body', undefined],
      ['an array', [{ type: 'access' }]],
      ['no type', {}],
      ['an unknown type', { type: 'erase_everything' }],
      ['a wrong-typed type', { type: 3 }],
      ['an unknown field', { type: 'access', extra: true }],
      ['a field of another type', { type: 'access', password: 'x' }],
      ['purposes missing', { type: 'withdraw_consent' }],
      ['purposes empty', { type: 'withdraw_consent', purposes: [] }],
      ['purposes not an array', { type: 'withdraw_consent', purposes: 'marketing' }],
      ['duplicate purposes', { type: 'withdraw_consent', purposes: ['marketing', 'marketing'] }],
      ['too many purposes', { type: 'withdraw_consent', purposes: Array.from({ length: 21 }, (_, i) => `new_purpose:p${i}`) }],
      ['confirmFaceBasic not a boolean', { type: 'withdraw_consent', purposes: ['face_basic'], confirmFaceBasic: 'yes' }],
      ['password missing', { type: 'delete_account' }],
      ['password too long', { type: 'delete_account', password: 'x'.repeat(201) }],
      ['a prototype key', JSON.parse('{"type":"access","__proto__":{"admin":true}}')],
    ])('400 for %s', async (_, body) => {
      const res = await file(s, body as object);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('400 listing the valid purposes for an unknown one', async () => {
      const res = await file(s, { type: 'withdraw_consent', purposes: ['marketing', 'telepathy'] });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'purposes', messages: [expect.stringContaining('face_basic, face_additional, marketing')] }]);
      expect(res.body.message).toContain('new_purpose:<name>');
    });

    it('400 for a malformed JSON body and for a bad Idempotency-Key', async () => {
      const malformed = await t.http.post('/api/v1/requests').set(auth(s)).set('Content-Type', 'application/json').send('{"type": "access"');
      expect(malformed.status).toBe(400);
      const badKey = await file(s, { type: 'access' }, 'x'.repeat(201));
      expect([badKey.status, badKey.body.code]).toEqual([400, 'invalid_idempotency_key']);
    });

    it('400 for a malformed id, 404 for an unknown one', async () => {
      expect((await t.http.get('/api/v1/requests/not-a-uuid').set(auth(s))).status).toBe(400);
      expect((await t.http.get('/api/v1/requests/00000000-0000-4000-8000-000000000000').set(auth(s))).status).toBe(404);
      expect((await t.http.post('/api/v1/requests/not-a-uuid/cancel').set(auth(s)).send({})).status).toBe(400);
    });

    it('400 for a cancel that carries fields (a body is refused, never silently dropped)', async () => {
      const owner = await t.user(Role.Subject);
      const { body } = await file(owner, { type: 'access' });
      before = await t.tableCounts();
      const res = await t.http.post(`/api/v1/requests/${body.id}/cancel`).set(auth(owner)).send({ reason: 'changed my mind' });
      expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
      expect((await t.http.get(`/api/v1/requests/${body.id}`).set(auth(owner))).body.status).toBe('submitted');
    });

    it('400 for reply and appeal bodies that are empty, wrong-typed, too long or carry unknown fields', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      for (const body of [{}, { message: '' }, { message: 3 }, { message: 'x'.repeat(4001) }, { message: 'ok', extra: 1 }]) {
        expect({ body, status: (await t.http.post(`/api/v1/requests/${id}/reply`).set(auth(s)).send(body)).status }).toEqual({ body, status: 400 });
      }
      for (const body of [{}, { statement: '' }, { statement: [] }, { statement: 'x'.repeat(4001) }, { statement: 'ok', message: 'x' }]) {
        expect({ body, status: (await t.http.post(`/api/v1/requests/${id}/appeal`).set(auth(s)).send(body)).status }).toEqual({ body, status: 400 });
      }
    });
  });

  describe('the migration', () => {
    it('has a real down(): the tables go and the citations view is the empty one again; up() restores them', async () => {
      // A withdrawal is a decision citing clauses: the view has something to lose.
      expect((await file(await t.user(Role.Subject), { type: 'withdraw_consent', purposes: ['marketing'] })).status).toBe(201);
      const runner = (await t.owner()).createQueryRunner();
      await runner.startTransaction();
      try {
        expect((await runner.query(`SELECT count(*)::int AS n FROM clause_citations`))[0].n).toBeGreaterThan(0);
        // Uploads name the request they prove (a foreign key): that later migration goes first.
        await new EvidenceUploads1764680000000().down(runner);
        await new Requests1764403500000().down(runner);
        expect(await runner.query(`SELECT to_regclass('requests') AS a, to_regclass('request_events') AS b, to_regtype('request_status') AS c`)).toEqual([
          { a: null, b: null, c: null },
        ]);
        expect(await runner.query(`SELECT count(*)::int AS n FROM clause_citations`)).toEqual([{ n: 0 }]);
        await new Requests1764403500000().up(runner);
        expect(await runner.query(`SELECT count(*)::int AS n FROM requests`)).toEqual([{ n: 0 }]);
        await new EvidenceUploads1764680000000().up(runner);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });
  });
});
