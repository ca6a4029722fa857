import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** Every review route refuses bad input with a 4xx and leaves every table as it was. */
describe('review: bad input changes nothing (HTTP)', () => {
  let t: TestApp;
  let staff: TestUser;
  let legal: TestUser;
  /** a delete_account request in review, one cancelled, one rejected, one whose refusal staff proposed (awaiting legal) */
  let inReview: string;
  let cancelled: string;
  let rejected: string;
  let awaitingLegal: string;
  let before: Record<string, number>;
  const unknownId = '00000000-0000-4000-8000-000000000000';
  /** What version 1 accepts for refusing delete_account (GB/T 35273 §8.7) and for extending a disclosure_log, bar the defect under test. */
  const refusal = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified' };
  const extensionGrounds = { clauses: ['3.c'], law: ['GBT35273.8.7'] };
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const post = (u: TestUser, path: string, body?: unknown) =>
    t.http
      .post(`/api/v1/staff/requests/${path}`)
      .set(auth(u))
      .send(body as object);
  const legalPost = (u: TestUser, path: string, body?: unknown) =>
    t.http
      .post(`/api/v1/legal/requests/${path}`)
      .set(auth(u))
      .send(body as object);

  beforeAll(async () => {
    t = await createTestApp();
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
    const fileDelete = async () => {
      const s = await t.user(Role.Subject);
      const res = await t.http.post('/api/v1/requests').set(auth(s)).send({ type: 'delete_account', password: s.password });
      return { s, id: res.body.id as string };
    };
    const a = await fileDelete();
    inReview = a.id;
    await post(staff, `${inReview}/claim`);
    const b = await fileDelete();
    cancelled = b.id;
    await t.http.post(`/api/v1/requests/${cancelled}/cancel`).set(auth(b.s)).send({});
    // Legal's own refusal stands at once: the rejected fixture needs no second reviewer.
    const c = await fileDelete();
    rejected = c.id;
    await post(legal, `${rejected}/claim`);
    expect((await post(legal, `${rejected}/decision`, { ...refusal, reason: '无法核实申请人身份' })).body.status).toBe('rejected');
    const d = await fileDelete();
    awaitingLegal = d.id;
    await post(staff, `${awaitingLegal}/claim`);
    expect((await post(staff, `${awaitingLegal}/decision`, { ...refusal, reason: '无法核实申请人身份' })).body.status).toBe('awaiting_legal');
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    before = await t.tableCounts();
  });
  afterEach(async () => {
    expect(await t.tableCounts()).toEqual(before);
  });

  it.each([
    ['status=bogus'],
    ['type=erase'],
    ['overdue=maybe'],
    ['limit=0'],
    ['limit=101'],
    ['limit=ten'],
    ['limit=1.5'],
    ['assignee=someone'],
    ['cursor=not-a-cursor'],
    [`cursor=${'x'.repeat(301)}`],
    ['sort=id'],
  ])('queue: 400 for ?%s', async (query) => {
    const res = await t.http.get(`/api/v1/staff/requests?${query}`).set(auth(staff));
    expect(res.status).toBe(400);
  });

  it('request page: 400 for a malformed id, 404 for an unknown one', async () => {
    expect((await t.http.get('/api/v1/staff/requests/123').set(auth(staff))).status).toBe(400);
    const res = await t.http.get(`/api/v1/staff/requests/${unknownId}`).set(auth(staff));
    expect([res.status, res.body.code]).toEqual([404, 'request_not_found']);
  });

  it.each(['claim', 'assign', 'decision', 'extend', 'ask', 'appeal/decision'])('%s: 400 for a malformed id, 404 for an unknown request', async (action) => {
    const by = action === 'appeal/decision' ? legal : staff;
    const body = {
      assign: { assigneeId: staff.id },
      decision: { outcome: 'approve', clauses: ['face.retain.2'] },
      'appeal/decision': { outcome: 'approve', clauses: ['face.retain.2'] },
      extend: { until: '2099-01-01T00:00:00Z', reason: 'x', ...extensionGrounds },
      ask: { question: 'x' },
      claim: {},
    }[action];
    expect((await post(by, `not-an-id/${action}`, body)).status).toBe(400);
    const res = await post(by, `${unknownId}/${action}`, body);
    expect([res.status, res.body.code]).toEqual([404, 'request_not_found']);
  });

  const decisionBodies: [string, unknown][] = [
    ['no body', undefined],
    ['an empty body', {}],
    ['an unknown outcome', { outcome: 'maybe', clauses: ['face.retain.2'] }],
    ['extend as a decision', { outcome: 'extend', clauses: ['3.c'] }],
    ['clauses not a list', { outcome: 'approve', clauses: 'face.retain.2' }],
    ['no clause list', { outcome: 'approve', law: ['PIPL.47'] }],
    ['a malformed clause id', { outcome: 'approve', clauses: ['face retain 2'] }],
    ['a wrong-typed clause', { outcome: 'approve', clauses: [2] }],
    ['too many clauses', { outcome: 'approve', clauses: Array.from({ length: 21 }, (_, i) => `1.${i}`) }],
    ['law not a list', { ...refusal, law: 'GBT35273.8.7', reason: 'x' }],
    ['law null', { ...refusal, law: null, reason: 'x' }],
    ['a malformed law id', { ...refusal, law: ['pipl-47'], reason: 'x' }],
    ['a law id with a NUL byte', { ...refusal, law: ['GBT35273.8.7\u0000'], reason: 'x' }],
    ['a wrong-typed law id', { ...refusal, law: [47], reason: 'x' }],
    ['a law id too long', { ...refusal, law: [`PIPL.${'4'.repeat(40)}`], reason: 'x' }],
    ['too many law ids', { ...refusal, law: Array.from({ length: 21 }, (_, i) => `PIPL.${i + 1}`), reason: 'x' }],
    ['a law id twice', { ...refusal, law: ['GBT35273.8.7', 'GBT35273.8.7'], reason: 'x' }],
    ['a wrong-typed reason', { ...refusal, reason: 42 }],
    ['an empty reason', { ...refusal, reason: '' }],
    ['a reason too long', { ...refusal, reason: 'x'.repeat(4001) }],
    ['an unknown ground', { ...refusal, ground: 'because', reason: 'x' }],
    ['a ground not a string', { ...refusal, ground: ['identity_not_verified'], reason: 'x' }],
    ['an unknown withheld category', { outcome: 'partial', clauses: ['3.f'], law: ['ECL.31'], withheld: ['diary'], reason: 'x' }],
    ['withheld not a list', { outcome: 'partial', clauses: ['3.f'], law: ['ECL.31'], withheld: 'transactions', reason: 'x' }],
    ['a withheld category twice', { outcome: 'partial', clauses: ['3.f'], law: ['ECL.31'], withheld: ['transactions', 'transactions'], reason: 'x' }],
    ['a hold that is no id', { outcome: 'partial', clauses: ['3.f'], law: ['ECL.31'], withheld: ['transactions'], holds: ['hold-1'], reason: 'x' }],
    ['expectedVersion 0', { outcome: 'approve', clauses: ['face.retain.2'], expectedVersion: 0 }],
    ['expectedVersion as text', { outcome: 'approve', clauses: ['face.retain.2'], expectedVersion: '2' }],
    ['an unknown field', { outcome: 'approve', clauses: ['face.retain.2'], approvedBy: 'me' }],
  ];

  it.each(decisionBodies)('decision: 400 for %s', async (_, body) => {
    const res = await post(staff, `${inReview}/decision`, body);
    expect(res.status).toBe(400);
  });

  it.each(decisionBodies)('appeal decision: 400 for %s', async (_, body) => {
    expect((await post(legal, `${rejected}/appeal/decision`, body)).status).toBe(400);
  });

  // Legal's replacement is a decision like any other: the same body, the same refusals.
  it.each(decisionBodies)('legal replace: 400 for %s', async (_, body) => {
    const res = await legalPost(legal, `${awaitingLegal}/replace`, body);
    expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
  });

  it.each([
    ['a wrong-typed note', { note: 42 }],
    ['an empty note', { note: '' }],
    ['a note too long', { note: 'x'.repeat(4001) }],
    ['expectedVersion 0', { expectedVersion: 0 }],
    ['expectedVersion as text', { expectedVersion: '3' }],
    ['a decision in place of a confirmation', { outcome: 'approve', clauses: ['face.retain.2'] }],
    ['an unknown field', { note: '维持', force: true }],
  ])('legal confirm: 400 for %s', async (_, body) => {
    const res = await legalPost(legal, `${awaitingLegal}/confirm`, body);
    expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
  });

  it.each(['confirm', 'replace'])('legal %s: 400 for a malformed id, 404 for an unknown request', async (action) => {
    const body = action === 'replace' ? { ...refusal, reason: 'x' } : {};
    expect((await legalPost(legal, `not-an-id/${action}`, body)).status).toBe(400);
    const res = await legalPost(legal, `${unknownId}/${action}`, body);
    expect([res.status, res.body.code]).toEqual([404, 'request_not_found']);
  });

  it.each([
    ['a request in review (nothing proposed)', () => inReview, 'transition_not_allowed'],
    ['a cancelled request', () => cancelled, 'transition_not_allowed'],
    ['a rejected request', () => rejected, 'already_decided'],
  ])('legal confirm and replace: 409 on %s', async (_, id, code) => {
    const confirm = await legalPost(legal, `${id()}/confirm`, {});
    expect([confirm.status, confirm.body.code]).toEqual([409, code]);
    const replace = await legalPost(legal, `${id()}/replace`, { ...refusal, reason: '无法核实申请人身份' });
    expect([replace.status, replace.body.code]).toEqual([409, code]);
  });

  it('legal confirm and replace: 409 for a stale expectedVersion; replace: 422 for a decision the rules refuse', async () => {
    const stale = await legalPost(legal, `${awaitingLegal}/confirm`, { expectedVersion: 2 });
    expect([stale.status, stale.body.code, stale.body.currentVersion]).toEqual([409, 'request_changed', 3]);
    const staleReplace = await legalPost(legal, `${awaitingLegal}/replace`, { ...refusal, reason: 'x', expectedVersion: 2 });
    expect([staleReplace.status, staleReplace.body.code]).toEqual([409, 'request_changed']);
    const { ground: _ground, ...groundless } = refusal;
    const noGround = await legalPost(legal, `${awaitingLegal}/replace`, { ...groundless, reason: 'x' });
    expect([noGround.status, noGround.body.code]).toEqual([422, 'ground_required']);
    const unjustified = await legalPost(legal, `${awaitingLegal}/replace`, { ...refusal, law: ['PIPL.47'], reason: 'x' });
    expect([unjustified.status, unjustified.body.code]).toEqual([422, 'clauses_do_not_justify']);
  });

  it('decision: an empty clause list is well-formed (a provision may carry a decision alone) but, citing nothing, justifies nothing (422)', async () => {
    const res = await post(staff, `${inReview}/decision`, { outcome: 'approve', clauses: [] });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'clauses_do_not_justify',
      justifyingClauses: ['face.retain.2', 'face.use.3'],
      justifyingLaw: ['PIPL.47', 'NDSMR.24'],
    });
  });

  it('decision: 400 for a malformed JSON body', async () => {
    const res = await t.http.post(`/api/v1/staff/requests/${inReview}/decision`).set(auth(staff)).set('Content-Type', 'application/json').send('{"outcome":');
    expect(res.status).toBe(400);
  });

  it.each([
    ['a cancelled request', () => cancelled, 'transition_not_allowed'],
    ['a rejected request', () => rejected, 'already_decided'],
    // Staff's proposal is with legal: nobody decides it again meanwhile, its author included.
    ['a request awaiting legal', () => awaitingLegal, 'already_decided'],
  ])('decision: 409 on %s', async (_, id, code) => {
    const res = await post(staff, `${id()}/decision`, { outcome: 'approve', clauses: ['face.retain.2'] });
    expect([res.status, res.body.code]).toEqual([409, code]);
  });

  it('appeal decision: 409 on a request that is not under appeal; 403 for staff', async () => {
    const res = await post(legal, `${inReview}/appeal/decision`, { outcome: 'approve', clauses: ['face.retain.2'] });
    expect([res.status, res.body.code]).toEqual([409, 'transition_not_allowed']);
    expect((await post(staff, `${rejected}/appeal/decision`, { outcome: 'approve', clauses: ['face.retain.2'] })).status).toBe(403);
  });

  it.each([
    ['no until', { reason: 'x', ...extensionGrounds }],
    ['an until that is no date', { until: 'next week', reason: 'x', ...extensionGrounds }],
    ['an until without a time zone', { until: '2099-01-01T00:00:00', reason: 'x', ...extensionGrounds }],
    ['an impossible date', { until: '2099-02-30T00:00:00Z', reason: 'x', ...extensionGrounds }],
    ['no reason', { until: '2099-01-01T00:00:00Z', ...extensionGrounds }],
    ['no clause list', { until: '2099-01-01T00:00:00Z', reason: 'x', law: ['GBT35273.8.7'] }],
    ['a malformed law id', { until: '2099-01-01T00:00:00Z', reason: 'x', clauses: ['3.c'], law: ['gbt 35273'] }],
    ['an unknown field', { until: '2099-01-01T00:00:00Z', reason: 'x', ...extensionGrounds, once: true }],
  ])('extend: 400 for %s', async (_, body) => {
    expect((await post(staff, `${inReview}/extend`, body)).status).toBe(400);
  });

  it('extend: 409 on a closed request', async () => {
    const res = await post(staff, `${cancelled}/extend`, { until: '2099-01-01T00:00:00Z', reason: 'x', ...extensionGrounds });
    expect([res.status, res.body.code]).toEqual([409, 'transition_not_allowed']);
  });

  it.each([
    ['no question', {}],
    ['an empty question', { question: '' }],
    ['a wrong-typed question', { question: ['?'] }],
    ['a question too long', { question: 'x'.repeat(4001) }],
    ['an unknown field', { question: 'x', urgent: true }],
  ])('ask: 400 for %s', async (_, body) => {
    expect((await post(staff, `${inReview}/ask`, body)).status).toBe(400);
  });

  it('ask: 409 on a closed request', async () => {
    const res = await post(staff, `${rejected}/ask`, { question: 'x' });
    expect([res.status, res.body.code]).toEqual([409, 'transition_not_allowed']);
  });

  it.each([
    ['no assignee', {}],
    ['an assignee that is no id', { assigneeId: 'bob' }],
    ['an unknown field', { assigneeId: '11111111-1111-4111-8111-111111111111', note: 'x' }],
  ])('assign: 400 for %s', async (_, body) => {
    expect((await post(staff, `${inReview}/assign`, body)).status).toBe(400);
  });

  it('assign: 422 for an unknown account; claim and assign: 409 on a closed request', async () => {
    const unknown = await post(staff, `${inReview}/assign`, { assigneeId: unknownId });
    expect([unknown.status, unknown.body.code]).toEqual([422, 'assignee_not_reviewer']);
    expect((await post(staff, `${cancelled}/claim`, {})).status).toBe(409);
    expect((await post(staff, `${rejected}/assign`, { assigneeId: staff.id })).status).toBe(409);
  });

  it('claim: 400 for a body with fields', async () => {
    expect((await post(staff, `${inReview}/claim`, { force: true })).status).toBe(400);
  });
});
