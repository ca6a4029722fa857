import { randomUUID } from 'node:crypto';
import { Consents1764403450000 } from '../migrations/1764403450000-consents';
import { Role } from '../src/kernel/role';
import { AppError, ErrorKind, STATUS_OF_KIND } from '../src/common/errors/app-error';
import { ConsentState } from '../src/consents/consent.types';
import { ConsentsService } from '../src/consents/consents.service';
import { FACE_ALTERNATIVE_VERIFICATION, FACE_BASIC_WITHDRAWAL_NOTICE } from '../src/consents/facial-withdrawal';
import { ConsentPurpose, ConsentPurposeKey } from '../src/policy/domain/policy.types';
import { PolicyService } from '../src/policy/policy.service';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const FIXED_PURPOSES = ['face_basic', 'face_additional', 'marketing', 'partner_marketing', 'affiliate_sharing', 'personalised_ads', 'cross_border'];

/** The consent ledger against the real AppModule and PostgreSQL. */
describe('consents (real AppModule and PostgreSQL)', () => {
  let t: TestApp;
  let consents: ConsentsService;
  let version: number;
  /** clause id → text of the policy version in force, as the public policy API serves it */
  let clauseText: Map<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    consents = t.app.get(ConsentsService);
    version = await t.app.get(PolicyService).currentVersion();
    const policy = await t.http.get('/api/v1/policy');
    clauseText = new Map(policy.body.clauses.map((c: { id: string; text: string }) => [c.id, c.text]));
  });
  afterAll(() => t.close());

  /** A signed-in subject, with the pseudonymous reference its account really has. */
  const subject = async (): Promise<TestUser> => {
    const u = await t.user(Role.Subject);
    const [{ ref }] = await t.dataSource.query(`SELECT subject_ref AS ref FROM users WHERE id = $1`, [u.id]);
    return { ...u, subjectRef: ref };
  };
  const list = (u: TestUser) => t.http.get('/api/v1/consents').set('Authorization', `Bearer ${u.token}`);
  const grant = (u: TestUser, purpose: string, body: unknown = { state: 'granted' }) =>
    t.http
      .post(`/api/v1/consents/${encodeURIComponent(purpose)}`)
      .set('Authorization', `Bearer ${u.token}`)
      .send(body as object);
  const stateOf = async (u: TestUser, purpose: string) =>
    ((await list(u)).body as { purpose: string; state: string }[]).find((c) => c.purpose === purpose)?.state;
  const eventsOf = (u: TestUser): Promise<{ purpose: string; state: string; source: string; request_id: string | null; clause_id: string }[]> =>
    t.dataSource.query(`SELECT purpose, state, source, request_id, clause_id FROM consent_events WHERE user_id = $1 ORDER BY at`, [u.id]);
  const auditOf = (u: TestUser, action: string): Promise<{ actor_id: string; actor_role: string; entity_type: string; data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT actor_id, actor_role, entity_type, data FROM audit_events WHERE subject_ref = $1 AND action = $2 ORDER BY n`, [
      u.subjectRef,
      action,
    ]);
  const withdraw = (u: TestUser, purposes: string[], opts: { confirmFaceBasic?: boolean; requestId?: string } = {}) =>
    t.dataSource.transaction((m) =>
      consents.withdrawForRequest(m, { id: u.id, subjectRef: u.subjectRef }, purposes as ConsentPurposeKey[], version, {
        confirmFaceBasic: opts.confirmFaceBasic ?? false,
        requestId: opts.requestId ?? randomUUID(),
      }),
    );
  const refusal = async (p: Promise<unknown>): Promise<AppError> => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  };

  describe('GET /api/v1/consents', () => {
    it('shows a new subject every fixed purpose as never, each with the text of its clause', async () => {
      const u = await subject();
      const res = await list(u);
      expect(res.status).toBe(200);
      expect(res.body.map((c: { purpose: string }) => c.purpose)).toEqual(FIXED_PURPOSES);
      const expectedClauses: Record<string, string> = {
        face_basic: 'face.collect.1',
        face_additional: 'face.collect.2',
        marketing: '2.c',
        partner_marketing: '2.c',
        affiliate_sharing: 'face.share.2',
        personalised_ads: 'face.share.3',
        cross_border: 'face.retain.1',
      };
      for (const c of res.body) {
        expect(c).toEqual({
          purpose: c.purpose,
          state: 'never',
          changedAt: null,
          clause: { id: expectedClauses[c.purpose], text: clauseText.get(expectedClauses[c.purpose]) },
        });
        expect(c.clause.text.length).toBeGreaterThan(10);
      }
    });

    it('is for subjects only', async () => {
      const staff = await t.user(Role.Staff);
      expect((await list(staff)).status).toBe(403);
      expect((await grant(staff, 'marketing')).status).toBe(403);
      expect((await t.http.get('/api/v1/consents')).status).toBe(401);
    });
  });

  describe('POST /api/v1/consents/:purpose', () => {
    it('grants a fixed purpose with its clause, records the event and audits it without personal data', async () => {
      const u = await subject();
      const res = await grant(u, 'marketing');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ purpose: 'marketing', state: 'granted', changedAt: expect.any(String), clause: { id: '2.c', text: clauseText.get('2.c') } });

      const listed = (await list(u)).body.find((c: { purpose: string }) => c.purpose === 'marketing');
      expect(listed).toEqual(res.body);
      expect(await eventsOf(u)).toEqual([{ purpose: 'marketing', state: 'granted', source: 'subject', request_id: null, clause_id: '2.c' }]);

      const audited = await auditOf(u, 'consent.granted');
      expect(audited).toHaveLength(1);
      expect(audited[0]).toMatchObject({
        actor_id: u.id,
        actor_role: 'subject',
        entity_type: 'consent',
        data: { purpose: 'marketing', clauseId: '2.c', policyVersion: version, previousState: 'never', source: 'subject' },
      });
      expect(JSON.stringify(audited)).not.toContain(u.email);
    });

    it('grants a new purpose (opt-in, face.use.6) and lists it after the fixed ones, for that subject only', async () => {
      const [u, other] = [await subject(), await subject()];
      const res = await grant(u, 'new_purpose:research_study');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        purpose: 'new_purpose:research_study',
        state: 'granted',
        clause: { id: 'face.use.6', text: clauseText.get('face.use.6') },
      });
      expect((await list(u)).body.map((c: { purpose: string }) => c.purpose)).toEqual([...FIXED_PURPOSES, 'new_purpose:research_study']);
      expect((await list(other)).body.map((c: { purpose: string }) => c.purpose)).toEqual(FIXED_PURPOSES);
      expect(await consents.grantedPurposes(u.id)).toEqual(['new_purpose:research_study']);
    });

    it('refuses an unknown purpose with 400 listing the valid ones, and writes nothing', async () => {
      const u = await subject();
      const before = await t.tableCounts();
      for (const purpose of ['newsletter', 'new_purpose:', 'new_purpose:Bad Name', 'FACE_BASIC', 'new_purpose:*']) {
        const res = await grant(u, purpose);
        expect({ purpose, status: res.status, code: res.body.code }).toEqual({ purpose, status: 400, code: 'unknown_consent_purpose' });
        expect(res.body.validPurposes).toEqual([...FIXED_PURPOSES, 'new_purpose:<name>']);
        expect(res.body.message).toContain('face_basic');
      }
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses anything but state "granted" (withdrawal is a request), and unknown fields, with 400 and writes nothing', async () => {
      const u = await subject();
      const before = await t.tableCounts();
      for (const body of [{ state: 'withdrawn' }, { state: 'never' }, {}, { state: 'granted', extra: 1 }, { state: ['granted'] }]) {
        const res = await grant(u, 'marketing', body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      const withdrawn = await grant(u, 'marketing', { state: 'withdrawn' });
      expect(withdrawn.body.message).toContain('withdraw_consent');
      expect(await t.tableCounts()).toEqual(before);
      expect(await stateOf(u, 'marketing')).toBe('never');
    });
  });

  it('describes both routes and their answers in the OpenAPI document', async () => {
    const doc = (await t.http.get('/api/docs-json')).body;
    const listOp = doc.paths['/api/v1/consents'].get;
    const grantOp = doc.paths['/api/v1/consents/{purpose}'].post;
    expect(listOp.responses['200'].content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/ConsentViewDto' } });
    expect(grantOp.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ConsentViewDto' });
    expect(doc.components.schemas.ConsentViewDto.properties.state.enum).toEqual(['granted', 'withdrawn', 'never']);
    expect(doc.components.schemas.GrantConsentDto.required).toEqual(['state']);
  });

  describe('ConsentsService.withdrawForRequest', () => {
    it('withdraws in the caller transaction, citing the clause, and reports the previous state; never-granted is recorded too', async () => {
      const u = await subject();
      await grant(u, 'marketing');
      const requestId = randomUUID();
      const result = await withdraw(u, ['marketing', 'cross_border', 'marketing'], { requestId });
      expect(result).toEqual([
        { purpose: 'marketing', clause: { id: '2.c', text: clauseText.get('2.c'), version }, previousState: ConsentState.Granted },
        { purpose: 'cross_border', clause: { id: 'face.retain.1', text: clauseText.get('face.retain.1'), version }, previousState: ConsentState.Never },
      ]);
      expect(await stateOf(u, 'marketing')).toBe('withdrawn');
      expect(await stateOf(u, 'cross_border')).toBe('withdrawn');
      expect(await consents.grantedPurposes(u.id)).toEqual([]);
      const events = await eventsOf(u);
      expect(events.slice(1)).toEqual([
        { purpose: 'marketing', state: 'withdrawn', source: 'request', request_id: requestId, clause_id: '2.c' },
        { purpose: 'cross_border', state: 'withdrawn', source: 'request', request_id: requestId, clause_id: 'face.retain.1' },
      ]);
      const audited = await auditOf(u, 'consent.withdrawn');
      expect(audited.map((a) => a.data)).toEqual([
        { purpose: 'marketing', clauseId: '2.c', policyVersion: version, previousState: 'granted', source: 'request', requestId },
        { purpose: 'cross_border', clauseId: 'face.retain.1', policyVersion: version, previousState: 'never', source: 'request', requestId },
      ]);
      expect(JSON.stringify(audited)).not.toContain(u.email);

      // Again: idempotent, no error, recorded.
      const again = await withdraw(u, ['marketing']);
      expect(again).toMatchObject([{ purpose: 'marketing', previousState: ConsentState.Withdrawn }]);
      expect(await eventsOf(u)).toHaveLength(4);
    });

    it('leaves nothing behind when the request transaction rolls back', async () => {
      const u = await subject();
      await grant(u, 'personalised_ads');
      const before = await t.tableCounts();
      const rolledBack = t.dataSource.transaction(async (m) => {
        await consents.withdrawForRequest(m, { id: u.id, subjectRef: u.subjectRef }, [ConsentPurpose.PersonalisedAds, ConsentPurpose.Marketing], version, {
          confirmFaceBasic: false,
          requestId: randomUUID(),
        });
        throw new Error('the request insert failed');
      });
      await expect(rolledBack).rejects.toThrow('the request insert failed');
      expect(await t.tableCounts()).toEqual(before);
      expect(await stateOf(u, 'personalised_ads')).toBe('granted');
      expect(await stateOf(u, 'marketing')).toBe('never');
      expect(await consents.grantedPurposes(u.id)).toEqual(['personalised_ads']);
    });

    it('refuses face_basic without confirmation, naming the other way of verifying, and writes nothing; withdraws it with confirmation', async () => {
      const u = await subject();
      await grant(u, 'face_basic');
      const before = await t.tableCounts();
      const err = await refusal(withdraw(u, ['marketing', 'face_basic']));
      expect(err.kind).toBe(ErrorKind.Unprocessable);
      expect(STATUS_OF_KIND[err.kind]).toBe(422);
      expect(err.code).toBe('face_basic_needs_confirmation');
      // Not the policy's "no face, no basic functions" (face.collect.1, superseded by PIPL Art. 16): the facial data is deleted and another way of verifying remains.
      expect(clauseText.get('face.collect.1')).toContain('无法正常使用');
      expect(err.message).not.toMatch(/无法正常使用|basic functions/);
      expect(err.message).toContain(FACE_BASIC_WITHDRAWAL_NOTICE.zh);
      expect(err.message).toContain(FACE_BASIC_WITHDRAWAL_NOTICE.en);
      expect(err.message).toContain(FACE_ALTERNATIVE_VERIFICATION.en);
      expect(err.details).toMatchObject({
        purpose: 'face_basic',
        clause: { id: 'face.collect.1' },
        alternativeVerification: FACE_ALTERNATIVE_VERIFICATION,
        confirmationRequired: true,
      });
      expect(await t.tableCounts()).toEqual(before);
      expect(await stateOf(u, 'face_basic')).toBe('granted');

      const done = await withdraw(u, ['face_basic'], { confirmFaceBasic: true });
      expect(done).toMatchObject([{ purpose: 'face_basic', clause: { id: 'face.collect.1' }, previousState: 'granted', erasureScheduled: 'face_basic' }]);
      expect(await stateOf(u, 'face_basic')).toBe('withdrawn');
    });

    it('withdraws a new purpose only when named exactly; unknown or no purposes are a 400 before anything is written', async () => {
      const u = await subject();
      await grant(u, 'new_purpose:survey');
      await grant(u, 'new_purpose:study');
      await withdraw(u, ['new_purpose:survey']);
      expect(await consents.grantedPurposes(u.id)).toEqual(['new_purpose:study']);

      const before = await t.tableCounts();
      const unknown = await refusal(withdraw(u, ['marketing', 'newsletter']));
      expect(unknown).toMatchObject({ kind: ErrorKind.BadRequest, code: 'unknown_consent_purpose', details: { unknownPurposes: ['newsletter'] } });
      const none = await refusal(withdraw(u, []));
      expect(none).toMatchObject({ kind: ErrorKind.BadRequest, code: 'no_consent_purposes' });
      expect(await t.tableCounts()).toEqual(before);
    });
  });

  describe('the history', () => {
    it('cannot be updated, deleted or truncated (the database refuses)', async () => {
      const u = await subject();
      await grant(u, 'affiliate_sharing');
      const [{ id }] = await t.dataSource.query(`SELECT id FROM consent_events WHERE user_id = $1`, [u.id]);
      // The portal's role holds no right to; the owner, which does, is stopped by the triggers.
      for (const sql of [`UPDATE consent_events SET state = 'withdrawn' WHERE id = $1`, `DELETE FROM consent_events WHERE id = $1`]) {
        await expect(t.dataSource.query(sql, [id])).rejects.toThrow(/^permission denied for table consent_events$/);
        await expect(t.asOwner((m) => m.query(sql, [id]))).rejects.toThrow(/append-only/);
      }
      await expect(t.dataSource.query(`TRUNCATE consent_events CASCADE`)).rejects.toThrow(/^permission denied for table consent_events$/);
      await expect(t.asOwner((m) => m.query(`TRUNCATE consent_events CASCADE`))).rejects.toThrow(/append-only/);
      expect(await eventsOf(u)).toEqual([{ purpose: 'affiliate_sharing', state: 'granted', source: 'subject', request_id: null, clause_id: 'face.share.2' }]);
    });

    it('keeps the current state in step with the newest event, and each event names the state it replaced, under concurrent changes', async () => {
      const u = await subject();
      const changes = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? grant(u, 'marketing') : withdraw(u, ['marketing'])));
      await Promise.all(changes);
      const history: { id: string; state: string; previous: string }[] = await t.dataSource.query(
        `SELECT e.id, e.state, a.data->>'previousState' AS previous
         FROM consent_events e JOIN audit_events a ON a.entity_type = 'consent' AND a.entity_id = e.id::text
         WHERE e.user_id = $1 AND e.purpose = 'marketing' ORDER BY e.at`,
        [u.id],
      );
      expect(history).toHaveLength(12);
      expect(history.map((h) => h.previous)).toEqual(['never', ...history.slice(0, -1).map((h) => h.state)]);
      const [current] = await t.dataSource.query(`SELECT state, last_event_id FROM consents WHERE user_id = $1 AND purpose = 'marketing'`, [u.id]);
      expect(current).toEqual({ state: history[11].state, last_event_id: history[11].id });
    });
  });

  it('has a migration whose down() removes the ledger and whose up() restores it', async () => {
    const qr = (await t.owner()).createQueryRunner();
    const tables = async () =>
      (await qr.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('consents', 'consent_events') ORDER BY 1`)).map(
        (r: { tablename: string }) => r.tablename,
      );
    await qr.startTransaction();
    try {
      const migration = new Consents1764403450000();
      await migration.down(qr);
      expect(await tables()).toEqual([]);
      await migration.up(qr);
      expect(await tables()).toEqual(['consent_events', 'consents']);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });
});
