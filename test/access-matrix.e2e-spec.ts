import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { EvidenceService } from '../src/evidence';
import { Role } from '../src/kernel/role';
import { AwaitingConfirmation, DataMapService, ManualSteps, StepOperation } from '../src/fulfilment';
import { DataCategory } from '../src/policy/domain/policy.types';
import { FulfilmentProgress } from '../src/requests';
import { OPEN_STATUSES } from '../src/requests/domain/request-status';
import { pdfFile, type UploadPart, uploaded } from './support/evidence-files';
import { addAppUser, appEmail, ensureOperatorUsers, setPendingCode } from './support/identity-link';
import { declaredRoutes, routeKey } from './support/route-walk';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Who may do what (product.md, People and roles; api.md, Errors), as one table over every route of
 * the request, review, consent, subject-reveal, policy, law and account capabilities, run against the real
 * application. Each cell is a real call on a real fixture in the state the route needs: an allowed
 * cell must succeed and do its work, a refused one must refuse and change nothing.
 *
 * Columns (the caller, and whose resource it is):
 * - `anonymous`: no token.
 * - `subject·own`: the subject whose request (or account, or consents) it is. `subject·other`: another
 *   subject on that same resource (404 on a request: never reveal that it exists). On routes that
 *   take no resource id (filing, granting a consent) "other" tries to name the first subject in the
 *   body, which is refused as an unknown field; on lists, it must not see the first subject's rows.
 * - `staff·own`, `legal·own`: a reviewer on a request free for them or already theirs (unclaimed, or
 *   assigned to them); `staff·other`, `legal·other`: on a request held by another reviewer (only its
 *   holder works it; legal may reassign it, anyone may take it over explicitly). On a request under
 *   appeal, "own" means the caller made the decision appealed against (an appeal is for another
 *   reviewer), "other" that another reviewer did and the caller took the appeal. On reveal, "own" is a
 *   subject whose request the caller holds, "other" one whose request another reviewer holds (legal
 *   may reveal anyone). On legal holds, "own" is a hold of a subject whose request the caller holds,
 *   "other" one whose request another reviewer holds (staff read only the holds of subjects they
 *   work on); a subject's "own" is a hold on their own account. Legal's access to holds does not
 *   depend on whose they are: `—` in legal·other. On legal's answer to a refusal staff proposed
 *   (confirm, replace), every fixture is a proposal by staff (never by legal, whose decisions stand
 *   at once): `staff·own` is its author, `staff·other` another staff member; `legal·own` a proposal
 *   awaiting the caller's review, `legal·other` one another legal reviewer already confirmed (no
 *   longer awaiting legal). On a request's evidence, "own" and "other" are as on the request
 *   (held by the caller, or by another reviewer): any reviewer reads what a request carries. An
 *   upload belongs to no request yet: "other" tries to name the first subject in a form field
 *   beside the file, which is refused like any other field. On the identity link, "own" is the
 *   first subject proving an app account (its link, made by the harness, removed first), and "other"
 *   tries to name the first subject in the body, refused like any other field.
 * - `admin`: operates the portal; is neither a subject nor a reviewer.
 * Policy, law and data-category routes concern no one's resource: `—` marks the "other" cells there.
 *
 * A cell reads `<status>` or `<status> <code>`. Without a code, 400 means `validation_failed`,
 * 401 `not_authenticated`, 403 `not_allowed` (the global guard's refusal of the role) and 404
 * `request_not_found`.
 */
const COLUMNS = ['anonymous', 'subject·own', 'subject·other', 'staff·own', 'staff·other', 'legal·own', 'legal·other', 'admin'] as const;
type Column = (typeof COLUMNS)[number];
type Row = readonly [string, string, string, string, string, string, string, string];

// prettier-ignore
const MATRIX = {
  //                                                   anonymous subject·own subject·other staff·own staff·other            legal·own legal·other            admin
  'POST /api/v1/requests':                              ['401',   '201',      '400',        '403',    '403',                 '403',    '403',                 '403'],
  'GET /api/v1/requests':                               ['401',   '200',      '200',        '403',    '403',                 '403',    '403',                 '403'],
  'GET /api/v1/requests/:id':                           ['401',   '200',      '404',        '403',    '403',                 '403',    '403',                 '403'],
  'POST /api/v1/requests/:id/cancel':                   ['401',   '200',      '404',        '403',    '403',                 '403',    '403',                 '403'],
  'POST /api/v1/requests/:id/reply':                    ['401',   '200',      '404',        '403',    '403',                 '403',    '403',                 '403'],
  'POST /api/v1/requests/:id/appeal':                   ['401',   '200',      '404',        '403',    '403',                 '403',    '403',                 '403'],
  'GET /api/v1/requests/:id/export':                    ['401',   '200',      '404 export_not_found', '403', '403',            '403',    '403',                 '403'],
  'GET /api/v1/staff/requests':                         ['401',   '403',      '403',        '200',    '200',                 '200',    '200',                 '403'],
  'GET /api/v1/staff/requests/:id':                     ['401',   '403',      '403',        '200',    '200',                 '200',    '200',                 '403'],
  'POST /api/v1/staff/requests/:id/claim':              ['401',   '403',      '403',        '200',    '409 already_claimed', '200',    '409 already_claimed', '403'],
  'POST /api/v1/staff/requests/:id/assign':             ['401',   '403',      '403',        '200',    '403 not_holder',      '200',    '200',                 '403'],
  'POST /api/v1/staff/requests/:id/take':               ['401',   '403',      '403',        '200',    '200',                 '200',    '200',                 '403'],
  'POST /api/v1/staff/requests/:id/decision':           ['401',   '403',      '403',        '200',    '403 not_holder',      '200',    '403 not_holder',      '403'],
  'POST /api/v1/staff/requests/:id/extend':             ['401',   '403',      '403',        '200',    '403 not_holder',      '200',    '403 not_holder',      '403'],
  'POST /api/v1/staff/requests/:id/ask':                ['401',   '403',      '403',        '200',    '403 not_holder',      '200',    '403 not_holder',      '403'],
  'POST /api/v1/staff/requests/:id/retry':              ['401',   '403',      '403',        '200',    '200',                 '200',    '200',                 '403'],
  'POST /api/v1/staff/requests/:id/represented-account':              ['401',   '403',      '403',        '200',    '200',                 '200',    '200',                 '403'],
  'POST /api/v1/staff/requests/:id/steps/confirm':      ['401',   '403',      '403',        '200',    '200',                 '200',    '200',                 '403'],
  'POST /api/v1/staff/requests/:id/appeal/decision':    ['401',   '403',      '403',        '403',    '403',                 '403 decider_cannot_review_appeal', '200', '403'],
  'POST /api/v1/legal/requests/:id/confirm':           ['401',   '403',      '403',        '403',    '403',                 '200',    '409 already_decided', '403'],
  'POST /api/v1/legal/requests/:id/replace':           ['401',   '403',      '403',        '403',    '403',                 '200',    '409 already_decided', '403'],
  'GET /api/v1/staff/requests/:id/evidence/:uploadId': ['401',   '403',      '403',        '200',    '200',                 '200',    '200',                 '403'],
  'POST /api/v1/staff/subjects/:id/reveal':             ['401',   '403',      '403',        '200',    '404 subject_not_found', '200',  '200',                 '403'],
  'POST /api/v1/legal/holds':                           ['401',   '403',      '403',        '403',    '403',                 '201',    '—',                   '403'],
  'GET /api/v1/legal/holds':                            ['401',   '403',      '403',        '200',    '404 subject_not_found', '200',  '—',                   '200'],
  'GET /api/v1/legal/holds/:id':                        ['401',   '403',      '403',        '200',    '404 hold_not_found',  '200',    '—',                   '200'],
  'POST /api/v1/legal/holds/:id/release':               ['401',   '403',      '403',        '403',    '403',                 '200',    '—',                   '403'],
  'POST /api/v1/uploads':                               ['401',   '201',      '400 invalid_upload', '403', '403',              '403',    '403',                 '403'],
  // The disclosure register: staff and legal record; legal reviews (never what it recorded: legal·other is an entry the caller
  // recorded) and withholds; legal and admin read reports; staff read only what they recorded (staff·other: another's entry).
  'POST /api/v1/disclosures':                           ['401',   '403',      '403',        '201',    '—',                   '201',    '—',                   '403'],
  'GET /api/v1/disclosures':                            ['401',   '403',      '403',        '403',    '403',                 '200',    '—',                   '200'],
  'GET /api/v1/disclosures/stats':                      ['401',   '403',      '403',        '403',    '403',                 '200',    '—',                   '200'],
  'GET /api/v1/disclosures/export.csv':                 ['401',   '403',      '403',        '403',    '403',                 '200',    '—',                   '200'],
  'GET /api/v1/disclosures/:id':                        ['401',   '403',      '403',        '200',    '404 disclosure_not_found', '200', '—',                 '200'],
  'POST /api/v1/disclosures/:id/review':                ['401',   '403',      '403',        '403',    '403',                 '200',    '403 recorder_cannot_review', '403'],
  'POST /api/v1/disclosures/:id/withhold':              ['401',   '403',      '403',        '403',    '403',                 '200',    '—',                   '403'],
  'GET /api/v1/consents':                               ['401',   '200',      '200',        '403',    '403',                 '403',    '403',                 '403'],
  'POST /api/v1/consents/:purpose':                     ['401',   '200',      '400',        '403',    '403',                 '403',    '403',                 '403'],
  'POST /api/v1/identity/link':                         ['401',   '202',      '400',        '403',    '403',                 '403',    '403',                 '403'],
  'POST /api/v1/identity/link/confirm':                 ['401',   '200',      '400',        '403',    '403',                 '403',    '403',                 '403'],
  'GET /api/v1/policy':                                 ['200',   '200',      '—',          '200',    '—',                   '200',    '—',                   '200'],
  'GET /api/v1/policy/versions':                        ['200',   '200',      '—',          '200',    '—',                   '200',    '—',                   '200'],
  'GET /api/v1/policy/versions/:version':               ['200',   '200',      '—',          '200',    '—',                   '200',    '—',                   '200'],
  'GET /api/v1/policy/clauses/:id':                     ['200',   '200',      '—',          '200',    '—',                   '200',    '—',                   '200'],
  'GET /api/v1/policy/coverage':                        ['200',   '200',      '—',          '200',    '—',                   '200',    '—',                   '200'],
  'GET /api/v1/law':                                    ['200',   '200',      '—',          '200',    '—',                   '200',    '—',                   '200'],
  'GET /api/v1/law/:id':                                ['200',   '200',      '—',          '200',    '—',                   '200',    '—',                   '200'],
  'GET /api/v1/data-categories':                        ['200',   '200',      '—',          '200',    '—',                   '200',    '—',                   '200'],
  'GET /api/v1/admin/end-of-service':                   ['401',   '403',      '—',          '403',    '—',                   '403',    '—',                   '200'],
  'POST /api/v1/admin/end-of-service':                  ['401',   '403',      '—',          '403',    '—',                   '403',    '—',                   '201'],
  'POST /api/v1/admin/end-of-service/cancel':           ['401',   '403',      '—',          '403',    '—',                   '403',    '—',                   '200'],
  'POST /api/v1/policy/impact':                         ['401',   '403',      '—',          '403',    '—',                   '403',    '—',                   '200'],
  // Accounts of the portal's own people: the admin's alone (another admin's own role and second factor are refused elsewhere).
  'POST /api/v1/accounts':                              ['401',   '403',      '—',          '403',    '—',                   '403',    '—',                   '201'],
  'PATCH /api/v1/accounts/:id/role':                    ['401',   '403',      '—',          '403',    '—',                   '403',    '—',                   '200'],
  'POST /api/v1/accounts/:id/mfa/reset':                ['401',   '403',      '—',          '403',    '—',                   '403',    '—',                   '200'],
  // Publishing changes the version in force for every later cell: keep it the last row.
  'POST /api/v1/policy/versions':                       ['401',   '403',      '—',          '403',    '—',                   '403',    '—',                   '201'],
} satisfies Record<string, Row>;
type RouteKey = keyof typeof MATRIX;

/** Every route under these prefixes must have a row above: a new route cannot ship outside the matrix. */
const COVERED_PREFIXES = [
  '/api/v1/requests',
  '/api/v1/staff',
  '/api/v1/legal/requests',
  '/api/v1/consents',
  '/api/v1/policy',
  '/api/v1/law',
  '/api/v1/data-categories',
  '/api/v1/legal/holds',
  '/api/v1/uploads',
  '/api/v1/identity',
  '/api/v1/disclosures',
  '/api/v1/admin',
  '/api/v1/accounts',
];

const DEFAULT_CODES: Record<number, string> = { 400: 'validation_failed', 401: 'not_authenticated', 403: 'not_allowed', 404: 'request_not_found' };

const V1_POLICY = readFileSync(join(__dirname, '../src/policy/versions/v1/privacy-policy.zh-CN.md'), 'utf8');
const DRAFT_POLICY = V1_POLICY.replace(
  /^\(b\)本公司保留.*$/m,
  '(b)本公司保留随时修改本政策的权利。如对本政策作出重大更改，本公司会通过网站通知及站内信的形式告知。',
);
const REVEAL_REASON = '核实注销申请人的身份 (matrix)';
/** Refusing delete_account as version 1 allows: under GB/T 35273 §8.7 (identity not verified), no clause. */
const REFUSAL = { outcome: 'reject', clauses: [], law: ['GBT35273.8.7'], ground: 'identity_not_verified', reason: '无法核实申请人身份 (matrix)' };
/** Legal's own refusal in place of staff's: the same ground, in legal's words. */
const REPLACEMENT = { ...REFUSAL, reason: '经复核：提交的身份证件与注册信息不一致 (matrix)' };
const END_REASON = '业务调整，停止运营 (matrix)';
const PROBE_PURPOSE = 'new_purpose:matrix-probe';
/** The code the first subject's pending challenge is given, for the confirmation cells. */
const LINK_CODE = '246810';

type Whose = 'own' | 'other' | 'any';

/** One cell being run: who calls, and who holds the fixture request when a reviewer must. */
interface Cell {
  column: Column;
  caller: TestUser | null;
  whose: Whose;
  /** the reviewer the fixture request is assigned to, when its state needs one */
  holder: TestUser;
}

/** What a cell acts on: one of the first subject's requests (or nothing). */
interface Fixture {
  requestId?: string;
  dueAt?: string;
  /** the subject a reveal is about, when not the first subject */
  subjectId?: string;
  subjectEmail?: string;
  /** the legal hold a holds route acts on */
  holdId?: string;
  /** an app user in the sample operator records (a represented person's account) */
  appUserId?: string;
  /** the disclosure-register entry a disclosures route acts on */
  disclosureId?: string;
  /** the evidence attached to `requestId`, and its size */
  uploadId?: string;
  uploadSize?: number;
  /** a portal account an accounts route acts on */
  accountId?: string;
}

interface Call {
  path: string;
  body?: object;
  /** sent as multipart/form-data instead of a JSON body: this file in the part `file`, and these fields */
  file?: UploadPart;
  fields?: Record<string, string>;
}

/** How to run a route: the fixture it needs, the call, and what an allowed call must have done. */
interface Behaviour {
  prepare?(cell: Cell): Promise<Fixture>;
  call(cell: Cell, fx: Fixture): Call;
  verify(res: Response, cell: Cell, fx: Fixture): void | Promise<void>;
}

describe('access matrix: every role × own/other resource × every route of requests, review, legal review, consents, reveal, policy and law', () => {
  let t: TestApp;
  /** The subject every fixture belongs to. */
  let alice: TestUser;
  /** Another subject. */
  let bob: TestUser;
  let staff: TestUser;
  /** The other reviewer, who holds the fixtures of the `·other` cells. */
  let staff2: TestUser;
  let legal: TestUser;
  /** Another legal reviewer, who closes appeals the cells leave open (whoever rejected them). */
  let legal2: TestUser;
  /**
   * A third legal reviewer, the second pair of eyes on the fixtures' staff refusals: it confirms
   * them, so that neither the callers nor legal2 took part in a decision they must later review.
   */
  let confirmer: TestUser;
  let admin: TestUser;

  const auth = (u: TestUser | null): Record<string, string> => (u ? { Authorization: `Bearer ${u.token}` } : {});
  const send = (method: string, path: string, caller: TestUser | null, body?: object) => {
    const req = t.http[method.toLowerCase() as 'get' | 'post'](path).set(auth(caller));
    return body === undefined ? req : req.send(body);
  };
  const sendFile = (path: string, caller: TestUser | null, file: UploadPart, fields: Record<string, string> = {}) => {
    let req = t.http.post(path).set(auth(caller));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return req.attach('file', file.content, { filename: file.filename, contentType: file.contentType });
  };
  const ok = async (res: Promise<Response> | Response, status = 200): Promise<Response> => {
    const r = await res;
    if (r.status !== status) throw new Error(`fixture step answered ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const staffPost = (u: TestUser, id: string, action: string, body: object = {}) => ok(send('POST', `/api/v1/staff/requests/${id}/${action}`, u, body));
  const legalPost = (u: TestUser, id: string, action: 'confirm' | 'replace', body: object = {}) =>
    ok(send('POST', `/api/v1/legal/requests/${id}/${action}`, u, body));

  // The fixtures: requests of the first subject in the state a route needs.
  const submitted = async (type: string): Promise<Fixture> => {
    const res = await ok(send('POST', '/api/v1/requests', alice, type === 'delete_account' ? { type, password: alice.password } : { type }), 201);
    return { requestId: res.body.id, dueAt: res.body.dueAt };
  };
  const inReview = async (type: string, holder: TestUser): Promise<Fixture> => {
    const fx = await submitted(type);
    await staffPost(holder, fx.requestId!, 'claim');
    return fx;
  };
  const awaitingSubject = async (holder: TestUser): Promise<Fixture> => {
    const fx = await inReview('access', holder);
    await staffPost(holder, fx.requestId!, 'ask', { question: '请提供注册时使用的手机号后四位' });
    return fx;
  };
  /** Staff's refusal, proposed by `proposer` (staff) and waiting for legal. */
  const awaitingLegal = async (proposer: TestUser): Promise<Fixture> => {
    const fx = await inReview('delete_account', proposer);
    await staffPost(proposer, fx.requestId!, 'decision', REFUSAL);
    return fx;
  };
  /** A refusal that stands: legal's own, or staff's once the confirmer confirmed it (four eyes). */
  const rejected = async (decider: TestUser): Promise<Fixture> => {
    if (decider.role === Role.Staff) {
      const fx = await awaitingLegal(decider);
      await legalPost(confirmer, fx.requestId!, 'confirm');
      return fx;
    }
    const fx = await inReview('delete_account', decider);
    await staffPost(decider, fx.requestId!, 'decision', REFUSAL);
    return fx;
  };
  const underAppeal = async (decider: TestUser): Promise<Fixture> => {
    const fx = await rejected(decider);
    await ok(send('POST', `/api/v1/requests/${fx.requestId}/appeal`, alice, { statement: '我已补充身份证件照片' }));
    return fx;
  };

  /**
   * A subject may have one open request per type: after each cell, close whatever of the first
   * subject's is still open, the way its owner or legal would.
   */
  const closeOpenRequests = async (): Promise<void> => {
    const open: { id: string; status: string }[] = await t.dataSource.query(`SELECT id, status FROM requests WHERE subject_id = ANY($1) AND status = ANY($2)`, [
      [alice.id, bob.id],
      OPEN_STATUSES,
    ]);
    for (const r of open) {
      if (['submitted', 'in_review', 'awaiting_subject'].includes(r.status)) await ok(send('POST', `/api/v1/requests/${r.id}/cancel`, alice));
      else if (r.status === 'under_appeal') {
        // Legal2 takes the appeal (claims it, or takes it over from whoever holds it), then decides it.
        const [{ assignee_id: holder }] = await t.dataSource.query(`SELECT assignee_id FROM requests WHERE id = $1`, [r.id]);
        if (holder === null) await staffPost(legal2, r.id, 'claim');
        else if (holder !== legal2.id) await staffPost(legal2, r.id, 'take');
        await staffPost(legal2, r.id, 'appeal/decision', REFUSAL);
      } else if (r.status === 'awaiting_legal') await legalPost(confirmer, r.id, 'confirm');
      else if (r.status === 'fulfilling')
        await t.app.get(FulfilmentProgress).complete(r.id, {}); // as its job would
      else throw new Error(`a cell left request ${r.id} ${r.status}; allowed cells must end in a state that can be closed`);
    }
  };

  /** Everything a refused call must leave as it was. */
  const snapshot = async (fx: Fixture) => ({
    counts: await t.tableCounts(),
    request: fx.requestId ? (await t.dataSource.query(`SELECT to_jsonb(r) AS row FROM requests r WHERE id = $1`, [fx.requestId]))[0].row : null,
    policyInForce: (await t.dataSource.query(`SELECT max(version)::int AS v FROM policy_versions`))[0].v,
    account: fx.accountId
      ? (await t.dataSource.query(`SELECT role, mfa_secret, mfa_enabled_at, updated_at FROM users WHERE id = $1`, [fx.accountId]))[0]
      : null,
  });

  /** A reviewer's request for the cell: free for the caller (own) or held by the other reviewer. */
  const reviewerHeld = (type: string) => (c: Cell) => inReview(type, c.holder);
  const statusOf = async (fx: Fixture): Promise<string> => (await t.dataSource.query(`SELECT status FROM requests WHERE id = $1`, [fx.requestId]))[0].status;

  const lastEvent = async (fx: Fixture): Promise<{ action: string; actor_id: string; to_status: string }> =>
    (await t.dataSource.query(`SELECT action, actor_id, to_status FROM request_events WHERE request_id = $1 ORDER BY n DESC LIMIT 1`, [fx.requestId]))[0];

  /**
   * A refusal staff proposed, for legal to confirm or replace: by the calling staff member on
   * `staff·own` (its author), else by the other one (legal cannot propose: its decisions stand).
   * On `legal·other`, another legal reviewer already confirmed it: nothing awaits legal any more.
   */
  const legalReviewFixture = async (c: Cell): Promise<Fixture> => {
    const fx = await awaitingLegal(c.holder.role === Role.Staff ? c.holder : staff2);
    if (c.whose === 'other' && c.caller?.role === Role.Legal) await legalPost(legal2, fx.requestId!, 'confirm');
    return fx;
  };

  /** An end of service standing (scheduled by the admin, as the route would), for the routes that read or cancel it. */
  const endScheduled = async (): Promise<Fixture> => {
    await t.dataSource.query(`INSERT INTO end_of_service (ends_at, reason, scheduled_by) VALUES (now() + interval '40 days', $1, $2) ON CONFLICT DO NOTHING`, [
      END_REASON,
      admin.id,
    ]);
    return {};
  };
  /** None standing, so that scheduling one is possible. */
  const noEndScheduled = async (): Promise<Fixture> => {
    await t.dataSource.query(`UPDATE end_of_service SET cancelled_at = now(), cancelled_by = $1 WHERE cancelled_at IS NULL`, [admin.id]);
    return {};
  };

  /** A hold on transaction records (E-Commerce Law Art. 31, 3 years), as legal places it. */
  const holdBody = (subjectId: string) => ({
    subjectId,
    categories: ['transactions'],
    clauses: ['3.f'],
    law: ['ECL.31'],
    retention: '3 years after completion (ECL Art. 31)',
    until: new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000).toISOString(),
    note: '订单记录依法保存三年 (matrix)',
  });
  /**
   * The subject of a holds cell (the first subject for subjects' cells; otherwise a subject of its
   * own whose request the cell's holder claimed), with a hold placed by legal when `placed`.
   */
  const holdFixture =
    (placed: boolean) =>
    async (c: Cell): Promise<Fixture> => {
      let subject = alice;
      if (c.caller?.role !== Role.Subject) {
        subject = await t.user(Role.Subject);
        const res = await ok(send('POST', '/api/v1/requests', subject, { type: 'access' }), 201);
        await staffPost(c.holder, res.body.id, 'claim');
      }
      const holdId = placed ? (await ok(send('POST', '/api/v1/legal/holds', legal2, holdBody(subject.id)), 201)).body.id : undefined;
      return { subjectId: subject.id, holdId };
    };

  /** A request of the first subject, held as the cell needs, carrying one PDF of evidence. */
  const withEvidence = async (c: Cell): Promise<Fixture> => {
    const fx = await inReview('access', c.holder);
    const content = pdfFile('matrix');
    const uploadId = await uploaded(t, alice, content);
    await t.dataSource.transaction((m) => t.app.get(EvidenceService).attach(m, alice.id, [uploadId], fx.requestId!));
    return { ...fx, uploadId, uploadSize: content.length };
  };

  /** A disclosure to a public security bureau about the first subject (3.c, PIPL Art. 13): no consent needed. */
  const disclosureBody = () => ({
    subjectIds: [alice.id],
    recipient: { name: '北京市公安局朝阳分局', kind: 'authority', country: 'CN' },
    basis: ['3.c'],
    law: ['PIPL.13'],
    dataCategories: ['account'],
    purpose: '刑事案件侦查调取证据 (matrix)',
    reference: '京公（朝）调证字〔2025〕第 0421 号',
    disclosedAt: new Date(Date.now() - 3600 * 1000).toISOString(),
  });
  /**
   * An entry of the register, recorded by the caller on the `·own` cells of staff and by another
   * reviewer (staff2) everywhere else; on review, legal·own is an entry staff2 recorded (legal may
   * review it) and legal·other one the caller recorded (it may not).
   */
  const disclosureFixture =
    (review = false) =>
    async (c: Cell): Promise<Fixture> => {
      const callerRecords = review ? c.caller?.role === Role.Legal && c.whose === 'other' : c.caller?.role === Role.Staff && c.whose === 'own';
      const recorder = callerRecords ? c.caller! : staff2;
      return { disclosureId: (await ok(send('POST', '/api/v1/disclosures', recorder, disclosureBody()), 201)).body.id };
    };

  const BEHAVIOURS: Record<RouteKey, Behaviour> = {
    'POST /api/v1/disclosures': {
      call: () => ({ path: '/api/v1/disclosures', body: disclosureBody() }),
      verify: async (res, c) => {
        expect(res.body).toMatchObject({ status: 'pending_review', recordedBy: c.caller!.id, subjectIds: [alice.id] });
        const [row] = await t.dataSource.query(`SELECT recorded_by FROM disclosure_entries WHERE id = $1`, [res.body.id]);
        expect(row.recorded_by).toBe(c.caller!.id);
      },
    },
    'GET /api/v1/disclosures': {
      prepare: disclosureFixture(),
      call: () => ({ path: `/api/v1/disclosures?subjectId=${alice.id}&limit=100` }),
      verify: (res, _, fx) => expect(res.body.items.map((i: { id: string }) => i.id)).toContain(fx.disclosureId),
    },
    'GET /api/v1/disclosures/stats': {
      prepare: disclosureFixture(),
      call: () => ({ path: '/api/v1/disclosures/stats' }),
      verify: (res) => expect(res.body.byBasis).toEqual(expect.arrayContaining([expect.objectContaining({ basis: '3.c', kind: 'authority' })])),
    },
    'GET /api/v1/disclosures/export.csv': {
      prepare: disclosureFixture(),
      call: () => ({ path: `/api/v1/disclosures/export.csv?subjectId=${alice.id}` }),
      verify: (res, _, fx) => {
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(res.text).toContain(`${fx.disclosureId},pending_review,false,authority,`);
      },
    },
    'GET /api/v1/disclosures/:id': {
      prepare: disclosureFixture(),
      call: (_, fx) => ({ path: `/api/v1/disclosures/${fx.disclosureId}` }),
      verify: (res, _, fx) => expect(res.body).toMatchObject({ id: fx.disclosureId, subjectIds: [alice.id] }),
    },
    'POST /api/v1/disclosures/:id/review': {
      prepare: disclosureFixture(true),
      call: (_, fx) => ({ path: `/api/v1/disclosures/${fx.disclosureId}/review`, body: { outcome: 'confirmed', note: '调取通知书原件已核对 (matrix)' } }),
      verify: async (res, c, fx) => {
        expect(res.body).toMatchObject({ id: fx.disclosureId, status: 'confirmed', countsAsMade: true });
        const [row] = await t.dataSource.query(`SELECT reviewed_by FROM disclosure_reviews WHERE entry_id = $1`, [fx.disclosureId]);
        expect(row.reviewed_by).toBe(c.caller!.id);
      },
    },
    'POST /api/v1/disclosures/:id/withhold': {
      prepare: disclosureFixture(),
      call: (_, fx) => ({
        path: `/api/v1/disclosures/${fx.disclosureId}/withhold`,
        body: { until: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(), reference: '京公（朝）保密通知〔2025〕7 号 (matrix)', law: ['PIPL.18'] },
      }),
      verify: async (res, c, fx) => {
        expect(res.body).toMatchObject({ id: fx.disclosureId, withheldUntil: expect.any(String) });
        const [row] = await t.dataSource.query(`SELECT withheld_by FROM disclosure_withholdings WHERE entry_id = $1`, [fx.disclosureId]);
        expect(row.withheld_by).toBe(c.caller!.id);
      },
    },
    'POST /api/v1/requests': {
      call: (c) => ({ path: '/api/v1/requests', body: c.whose === 'other' ? { type: 'access', subjectId: alice.id } : { type: 'access' } }),
      verify: (res) => expect(res.body).toMatchObject({ type: 'access', status: 'submitted' }),
    },
    'GET /api/v1/requests': {
      prepare: () => submitted('access'),
      call: () => ({ path: '/api/v1/requests' }),
      verify: (res, c, fx) => {
        const ids = (res.body as { id: string }[]).map((r) => r.id);
        if (c.whose === 'other') expect(ids).not.toContain(fx.requestId);
        else expect(ids).toContain(fx.requestId);
      },
    },
    'GET /api/v1/requests/:id': {
      prepare: () => submitted('access'),
      call: (_, fx) => ({ path: `/api/v1/requests/${fx.requestId}` }),
      verify: (res, _, fx) => expect(res.body).toMatchObject({ id: fx.requestId, status: 'submitted' }),
    },
    'POST /api/v1/requests/:id/cancel': {
      // While staff wait on the subject: the subject may still walk away, and the pause ends with it.
      prepare: (c) => awaitingSubject(c.holder),
      call: (_, fx) => ({ path: `/api/v1/requests/${fx.requestId}/cancel` }),
      verify: async (res, _, fx) => {
        expect(res.body).toMatchObject({ status: 'cancelled', clockPaused: false });
        expect(await statusOf(fx)).toBe('cancelled');
      },
    },
    'POST /api/v1/requests/:id/reply': {
      prepare: (c) => awaitingSubject(c.holder),
      call: (_, fx) => ({ path: `/api/v1/requests/${fx.requestId}/reply`, body: { message: '后四位是 1234' } }),
      verify: async (res, _, fx) => {
        expect(res.body.status).toBe('in_review');
        expect(await statusOf(fx)).toBe('in_review');
      },
    },
    'POST /api/v1/requests/:id/appeal': {
      prepare: (c) => rejected(c.holder),
      call: (_, fx) => ({ path: `/api/v1/requests/${fx.requestId}/appeal`, body: { statement: '我已补充身份证件照片' } }),
      verify: async (res, _, fx) => {
        expect(res.body.status).toBe('under_appeal');
        expect(await statusOf(fx)).toBe('under_appeal');
      },
    },
    'GET /api/v1/staff/requests': {
      prepare: reviewerHeld('access'),
      // Own: the caller's own queue; other: the other reviewer's (reviewers may see each other's work).
      call: (c) => ({ path: `/api/v1/staff/requests?limit=100&assignee=${c.whose === 'own' ? 'me' : c.holder.id}` }),
      verify: (res, c, fx) => {
        expect(res.body.items.map((i: { id: string }) => i.id)).toContain(fx.requestId);
        expect(res.body.items.every((i: { assigneeId: string }) => i.assigneeId === c.holder.id)).toBe(true);
      },
    },
    'GET /api/v1/staff/requests/:id': {
      prepare: reviewerHeld('access'),
      call: (_, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}` }),
      verify: (res, c, fx) => {
        expect(res.body).toMatchObject({ id: fx.requestId, subjectId: alice.id, assigneeId: c.holder.id });
        expect(JSON.stringify(res.body)).not.toContain(alice.email);
      },
    },
    'POST /api/v1/staff/requests/:id/claim': {
      // Own: a request nobody holds yet; other: one the other reviewer already claimed.
      prepare: (c) => (c.whose === 'other' ? inReview('access', c.holder) : submitted('access')),
      call: (_, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}/claim` }),
      verify: (res, c) => expect(res.body).toMatchObject({ status: 'in_review', assigneeId: c.caller!.id }),
    },
    'POST /api/v1/staff/requests/:id/assign': {
      prepare: reviewerHeld('access'),
      // Own: hand one's request to the other reviewer; other: take the other reviewer's request over.
      call: (c, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}/assign`, body: { assigneeId: assigneeFor(c) } }),
      verify: (res, c) => expect(res.body).toMatchObject({ status: 'in_review', assigneeId: assigneeFor(c) }),
    },
    'POST /api/v1/staff/requests/:id/take': {
      // Own: the caller already holds it (nothing changes); other: take it over from the other reviewer.
      prepare: reviewerHeld('access'),
      call: (_, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}/take`, body: { reason: '原负责人休假，交由我继续处理' } }),
      verify: async (res, c, fx) => {
        expect(res.body).toMatchObject({ status: 'in_review', assigneeId: c.caller!.id });
        const [{ assignee_id }] = await t.dataSource.query(`SELECT assignee_id FROM requests WHERE id = $1`, [fx.requestId]);
        expect(assignee_id).toBe(c.caller!.id);
      },
    },
    'POST /api/v1/staff/requests/:id/decision': {
      prepare: reviewerHeld('delete_account'),
      call: (_, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}/decision`, body: REFUSAL }),
      verify: async (res, c, fx) => {
        if (c.caller!.role === Role.Staff) {
          // Four eyes: staff's refusal is only proposed; it waits for legal.
          expect(res.body).toMatchObject({
            status: 'awaiting_legal',
            decision: null,
            proposedDecision: { outcome: 'reject', decidedByRole: 'staff', ground: 'identity_not_verified', law: [{ id: 'GBT35273.8.7' }] },
          });
          expect(await statusOf(fx)).toBe('awaiting_legal');
        } else {
          // Legal's own refusal stands at once.
          expect(res.body).toMatchObject({
            status: 'rejected',
            decision: { outcome: 'reject', decidedByRole: 'legal', law: [{ id: 'GBT35273.8.7' }] },
          });
          expect(await statusOf(fx)).toBe('rejected');
        }
      },
    },
    'POST /api/v1/staff/requests/:id/extend': {
      // Only a disclosure_log request can be extended under version 1 (GB/T 35273 §8.7, clause 3.c as context).
      prepare: reviewerHeld('disclosure_log'),
      call: (_, fx) => ({
        path: `/api/v1/staff/requests/${fx.requestId}/extend`,
        body: { until: extendedUntil(fx), reason: '需要等待机关答复是否可以告知', clauses: ['3.c'], law: ['GBT35273.8.7'] },
      }),
      verify: (res, _, fx) => expect(res.body).toMatchObject({ status: 'in_review', dueAt: extendedUntil(fx) }),
    },
    'POST /api/v1/staff/requests/:id/ask': {
      prepare: reviewerHeld('access'),
      call: (_, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}/ask`, body: { question: '请提供注册时使用的手机号后四位' } }),
      verify: async (res, _, fx) => {
        expect(res.body.status).toBe('awaiting_subject');
        expect(await statusOf(fx)).toBe('awaiting_subject');
      },
    },
    'POST /api/v1/staff/requests/:id/represented-account': {
      // A request the first subject filed as someone's agent: any reviewer names the represented person's app account.
      prepare: async (c) => {
        const proof = await uploaded(t, alice);
        const res = await ok(
          send('POST', '/api/v1/requests', alice, { type: 'access', onBehalfOf: { relation: 'agent', name: '张三', evidence: [proof] } }),
          201,
        );
        await staffPost(c.holder, res.body.id, 'claim');
        const [{ id }] = await t.dataSource.query(`INSERT INTO operator_app.users (display_name, email) VALUES ('被代理人', NULL) RETURNING id::text`);
        return { requestId: res.body.id, appUserId: id };
      },
      call: (_, fx) => ({
        path: `/api/v1/staff/requests/${fx.requestId}/represented-account`,
        body: { appUserId: fx.appUserId, note: '依委托书核对 (matrix)' },
      }),
      verify: (res, c, fx) => expect(res.body.representedAccount).toEqual(expect.objectContaining({ appUserId: fx.appUserId, namedBy: c.caller!.id })),
    },
    'POST /api/v1/staff/requests/:id/retry': {
      // A request whose fulfilment began (approved, then `fulfilling`): any reviewer may run it again.
      prepare: async (c) => {
        const fx = await inReview('disclosure_log', c.holder);
        await staffPost(c.holder, fx.requestId!, 'decision', { outcome: 'approve', clauses: ['3'] });
        await t.app.get(FulfilmentProgress).begin(fx.requestId!, ['disclosure_log' as never]);
        return fx;
      },
      call: (_, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}/retry` }),
      verify: async (res, c, fx) => {
        expect(res.body.status).toBe('fulfilling');
        const [event] = await t.dataSource.query(
          `SELECT actor_id FROM audit_events WHERE action = 'request.fulfilment_retried' AND entity_id = $1 ORDER BY n DESC LIMIT 1`,
          [fx.requestId],
        );
        expect(event).toEqual({ actor_id: c.caller!.id });
      },
    },
    'POST /api/v1/staff/requests/:id/steps/confirm': {
      // A request in fulfilment whose job waits on a manual step (a system no connector reaches): any reviewer confirms it.
      prepare: async (c) => {
        const fx = await inReview('disclosure_log', c.holder);
        await staffPost(c.holder, fx.requestId!, 'decision', { outcome: 'approve', clauses: ['3'] });
        await t.app.get(FulfilmentProgress).begin(fx.requestId!, ['disclosure_log' as never]);
        const target = {
          category: DataCategory.PublishedContent,
          mapping: t.app.get(DataMapService).mapping(DataCategory.PublishedContent),
          subjectId: alice.id,
          subjectRef: alice.subjectRef,
          appUserId: '1',
          requestId: fx.requestId!,
          resume: { job: 'fulfilment.export', data: { requestId: fx.requestId! } },
        };
        await expect(t.app.get(ManualSteps).await(target, StepOperation.Erase)).rejects.toBeInstanceOf(AwaitingConfirmation);
        return fx;
      },
      call: (_, fx) => ({
        path: `/api/v1/staff/requests/${fx.requestId}/steps/confirm`,
        body: { category: 'published_content', note: '纸质档案已销毁 (matrix)' },
      }),
      verify: (res, c) =>
        expect(res.body).toMatchObject({ resumed: true, steps: [{ category: 'published_content', status: 'confirmed', confirmedBy: c.caller!.id }] }),
    },
    'POST /api/v1/staff/requests/:id/appeal/decision': {
      // Own: the caller rejected the request; other: another reviewer did, and the caller took the appeal.
      prepare: async (c) => {
        const fx = await underAppeal(c.holder);
        if (c.whose === 'other' && c.caller?.role === Role.Legal) await staffPost(c.caller, fx.requestId!, 'claim');
        return fx;
      },
      call: (_, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}/appeal/decision`, body: REFUSAL }),
      verify: async (res, _, fx) => {
        expect(res.body).toMatchObject({ status: 'rejected', appeal: { decision: { outcome: 'reject', decidedByRole: 'legal' } } });
        expect(await statusOf(fx)).toBe('rejected');
      },
    },
    'POST /api/v1/legal/requests/:id/confirm': {
      prepare: legalReviewFixture,
      call: (_, fx) => ({ path: `/api/v1/legal/requests/${fx.requestId}/confirm`, body: { note: '经复核，维持原决定 (matrix)' } }),
      verify: async (res, c, fx) => {
        expect(res.body).toMatchObject({ status: 'rejected', decision: { outcome: 'reject', decidedByRole: 'legal', reason: REFUSAL.reason } });
        expect(await lastEvent(fx)).toEqual({ action: 'confirm_decision', actor_id: c.caller!.id, to_status: 'rejected' });
      },
    },
    'POST /api/v1/legal/requests/:id/replace': {
      prepare: legalReviewFixture,
      call: (_, fx) => ({ path: `/api/v1/legal/requests/${fx.requestId}/replace`, body: REPLACEMENT }),
      verify: async (res, c, fx) => {
        expect(res.body).toMatchObject({ status: 'rejected', decision: { outcome: 'reject', decidedByRole: 'legal', reason: REPLACEMENT.reason } });
        expect(await lastEvent(fx)).toEqual({ action: 'replace_decision', actor_id: c.caller!.id, to_status: 'rejected' });
      },
    },
    'GET /api/v1/requests/:id/export': {
      // A copy ready for one of the first subject's requests, as the export job leaves it.
      prepare: async () => {
        const fx = await submitted('disclosure_log');
        await t.dataSource.query(
          `INSERT INTO exports (request_id, subject_id, status, files, ready_at, expires_at) VALUES ($1, $2, 'ready', '{export.json}', now(), now() + interval '1 day')`,
          [fx.requestId, alice.id],
        );
        await t.dataSource.query(`INSERT INTO export_parts (request_id, file, n, data) VALUES ($1, 'export.json', 0, $2)`, [
          fx.requestId,
          Buffer.from('{"matrix":true}'),
        ]);
        return fx;
      },
      call: (_, fx) => ({ path: `/api/v1/requests/${fx.requestId}/export` }),
      verify: async (res, c, fx) => {
        expect(res.headers['content-disposition']).toBe(`attachment; filename="request-${fx.requestId}-export.json"`);
        const [event] = await t.dataSource.query(
          `SELECT actor_id, data FROM audit_events WHERE action = 'export.downloaded' AND entity_id = $1 ORDER BY n DESC LIMIT 1`,
          [fx.requestId],
        );
        expect(event).toEqual({ actor_id: c.caller!.id, data: { file: 'export.json' } });
      },
    },
    'GET /api/v1/staff/requests/:id/evidence/:uploadId': {
      prepare: withEvidence,
      call: (_, fx) => ({ path: `/api/v1/staff/requests/${fx.requestId}/evidence/${fx.uploadId}` }),
      verify: async (res, c, fx) => {
        expect(res.headers).toMatchObject({
          'content-type': 'application/pdf',
          'content-length': String(fx.uploadSize),
          'content-disposition': `attachment; filename="evidence-${fx.uploadId}.pdf"`,
        });
        const [event] = await t.dataSource.query(
          `SELECT actor_id, data FROM audit_events WHERE action = 'evidence.viewed' AND entity_id = $1 ORDER BY n DESC LIMIT 1`,
          [fx.requestId],
        );
        expect(event).toEqual({ actor_id: c.caller!.id, data: { uploadId: fx.uploadId } });
      },
    },
    'POST /api/v1/staff/subjects/:id/reveal': {
      // Own: the subject of a request the caller holds; other: of one another reviewer holds. A subject
      // of their own per cell, so that earlier cells' work on the first subject does not count.
      prepare: async (c) => {
        const subject = await t.user(Role.Subject);
        const res = await ok(send('POST', '/api/v1/requests', subject, { type: 'access' }), 201);
        await staffPost(c.holder, res.body.id, 'claim');
        return { requestId: res.body.id, subjectId: subject.id, subjectEmail: subject.email };
      },
      call: (_, fx) => ({ path: `/api/v1/staff/subjects/${fx.subjectId}/reveal`, body: { field: 'email', reason: REVEAL_REASON } }),
      verify: async (res, c, fx) => {
        expect(res.body).toEqual({ field: 'email', value: fx.subjectEmail });
        const [event] = await t.dataSource.query(
          `SELECT actor_id FROM audit_events WHERE action = 'subject.revealed' AND entity_id = $1 ORDER BY n DESC LIMIT 1`,
          [fx.subjectId],
        );
        expect(event.actor_id).toBe(c.caller!.id);
      },
    },
    'GET /api/v1/admin/end-of-service': {
      prepare: endScheduled,
      call: () => ({ path: '/api/v1/admin/end-of-service' }),
      verify: (res) => expect(res.body.schedule).toMatchObject({ reason: END_REASON, startedAt: null }),
    },
    'POST /api/v1/admin/end-of-service': {
      prepare: noEndScheduled,
      call: () => ({ path: '/api/v1/admin/end-of-service', body: { endsAt: new Date(Date.now() + 40 * 86_400_000).toISOString(), reason: END_REASON } }),
      verify: async (res, c) => {
        expect(res.body.schedule).toMatchObject({ reason: END_REASON, scheduledBy: c.caller!.id });
        const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM end_of_service WHERE cancelled_at IS NULL`);
        expect(n).toBe(1);
      },
    },
    'POST /api/v1/admin/end-of-service/cancel': {
      prepare: endScheduled,
      call: () => ({ path: '/api/v1/admin/end-of-service/cancel', body: { reason: '继续运营 (matrix)' } }),
      verify: async (res, c) => {
        expect(res.body).toEqual({ schedule: null, progress: null });
        const [row] = await t.dataSource.query(`SELECT cancelled_by FROM end_of_service ORDER BY scheduled_at DESC LIMIT 1`);
        expect(row.cancelled_by).toBe(c.caller!.id);
      },
    },
    'POST /api/v1/accounts': {
      call: () => ({
        path: '/api/v1/accounts',
        body: { email: `matrix.${randomUUID()}@example.com`, password: 'matrix-Account-passphrase-1', role: Role.Staff },
      }),
      verify: async (res, c) => {
        expect(res.body).toMatchObject({ role: Role.Staff, mfaEnabled: false });
        const [event] = await t.dataSource.query(`SELECT actor_id FROM audit_events WHERE action = 'account.created' AND entity_id = $1`, [res.body.id]);
        expect(event.actor_id).toBe(c.caller!.id);
      },
    },
    'PATCH /api/v1/accounts/:id/role': {
      prepare: async () => ({ accountId: (await t.user(Role.Staff)).id }),
      call: (_, fx) => ({ path: `/api/v1/accounts/${fx.accountId}/role`, body: { role: Role.Legal } }),
      verify: async (res, _, fx) => {
        expect(res.body).toMatchObject({ id: fx.accountId, role: Role.Legal });
        const [row] = await t.dataSource.query(`SELECT role FROM users WHERE id = $1`, [fx.accountId]);
        expect(row.role).toBe(Role.Legal);
      },
    },
    'POST /api/v1/accounts/:id/mfa/reset': {
      // A reviewer whose second factor is enrolled (as enrolment leaves it), and who lost it.
      prepare: async () => {
        const reviewer = await t.user(Role.Staff);
        await t.dataSource.query(`UPDATE users SET mfa_secret = 'matrix-secret', mfa_enabled_at = now() WHERE id = $1`, [reviewer.id]);
        return { accountId: reviewer.id };
      },
      call: (_, fx) => ({ path: `/api/v1/accounts/${fx.accountId}/mfa/reset` }),
      verify: async (res, c, fx) => {
        expect(res.body).toMatchObject({ id: fx.accountId, mfaEnabled: false });
        const [row] = await t.dataSource.query(`SELECT mfa_secret, mfa_enabled_at FROM users WHERE id = $1`, [fx.accountId]);
        expect(row).toEqual({ mfa_secret: null, mfa_enabled_at: null });
        const [event] = await t.dataSource.query(`SELECT actor_id FROM audit_events WHERE action = 'account.mfa_reset' AND entity_id = $1`, [fx.accountId]);
        expect(event.actor_id).toBe(c.caller!.id);
      },
    },
    'POST /api/v1/legal/holds': {
      prepare: holdFixture(false),
      call: (_, fx) => ({ path: '/api/v1/legal/holds', body: holdBody(fx.subjectId!) }),
      verify: async (res, c, fx) => {
        expect(res.body).toMatchObject({ subjectId: fx.subjectId, categories: ['transactions'], placedBy: c.caller!.id, active: true });
        const [row] = await t.dataSource.query(`SELECT subject_id FROM legal_holds WHERE id = $1`, [res.body.id]);
        expect(row.subject_id).toBe(fx.subjectId);
      },
    },
    'GET /api/v1/legal/holds': {
      prepare: holdFixture(true),
      call: (_, fx) => ({ path: `/api/v1/legal/holds?subjectId=${fx.subjectId}` }),
      verify: (res, _, fx) => expect(res.body.items).toEqual([expect.objectContaining({ id: fx.holdId, subjectId: fx.subjectId })]),
    },
    'GET /api/v1/legal/holds/:id': {
      prepare: holdFixture(true),
      call: (_, fx) => ({ path: `/api/v1/legal/holds/${fx.holdId}` }),
      verify: (res, _, fx) => expect(res.body).toMatchObject({ id: fx.holdId, subjectId: fx.subjectId, active: true }),
    },
    'POST /api/v1/legal/holds/:id/release': {
      prepare: holdFixture(true),
      call: (_, fx) => ({ path: `/api/v1/legal/holds/${fx.holdId}/release`, body: { reason: '调取通知已撤销 (matrix)' } }),
      verify: async (res, c, fx) => {
        expect(res.body).toMatchObject({ id: fx.holdId, active: false, releasedBy: c.caller!.id });
        const [row] = await t.dataSource.query(`SELECT released_by FROM legal_holds WHERE id = $1`, [fx.holdId]);
        expect(row.released_by).toBe(c.caller!.id);
      },
    },
    'POST /api/v1/uploads': {
      call: (c) => ({
        path: '/api/v1/uploads',
        file: { content: pdfFile('matrix upload'), filename: 'upload.pdf', contentType: 'application/pdf' },
        fields: c.whose === 'other' ? { ownerId: alice.id } : undefined,
      }),
      verify: async (res, c) => {
        expect(res.body).toMatchObject({ kind: 'pdf', size: pdfFile('matrix upload').length });
        const [row] = await t.dataSource.query(`SELECT owner_id, request_id FROM uploads WHERE id = $1`, [res.body.id]);
        expect(row).toEqual({ owner_id: c.caller!.id, request_id: null });
      },
    },
    'GET /api/v1/consents': {
      call: () => ({ path: '/api/v1/consents' }),
      verify: (res, c) => {
        const probe = (res.body as { purpose: string; state: string }[]).find((v) => v.purpose === PROBE_PURPOSE);
        if (c.whose === 'other') expect(probe).toBeUndefined();
        else expect(probe).toMatchObject({ state: 'granted' });
      },
    },
    'POST /api/v1/consents/:purpose': {
      call: (c) => ({ path: '/api/v1/consents/marketing', body: c.whose === 'other' ? { state: 'granted', subjectId: alice.id } : { state: 'granted' } }),
      verify: (res) => expect(res.body).toMatchObject({ purpose: 'marketing', state: 'granted', clause: { id: '2.c' } }),
    },
    'POST /api/v1/identity/link': {
      prepare: async (c) => {
        if (c.caller === alice) await t.dataSource.query(`DELETE FROM identity_links WHERE subject_id = $1`, [alice.id]);
        return {};
      },
      call: (c) => ({
        path: '/api/v1/identity/link',
        body:
          c.whose === 'other'
            ? { channel: 'email', address: 'nobody.matrix@demo.invalid', subjectId: alice.id }
            : { channel: 'email', address: 'nobody.matrix@demo.invalid' },
      }),
      verify: async (res, c) => {
        expect(res.body).toEqual({ status: 'sent_if_known', expiresAt: expect.any(String) });
        const [row] = await t.dataSource.query(`SELECT channel, app_user_ref FROM identity_challenges WHERE subject_id = $1`, [c.caller!.id]);
        expect(row).toEqual({ channel: 'email', app_user_ref: null });
      },
    },
    'POST /api/v1/identity/link/confirm': {
      // Own: a code sent to an app user's address, made known to the test; the others have none to confirm.
      prepare: async (c) => {
        if (c.caller !== alice) return {};
        await ensureOperatorUsers(t);
        const email = appEmail('matrix');
        await addAppUser(t, { email });
        await t.dataSource.query(`DELETE FROM identity_links WHERE subject_id = $1`, [alice.id]);
        await ok(send('POST', '/api/v1/identity/link', alice, { channel: 'email', address: email }), 202);
        await setPendingCode(t, alice.id, LINK_CODE);
        return {};
      },
      call: (c) => ({ path: '/api/v1/identity/link/confirm', body: c.whose === 'other' ? { code: LINK_CODE, subjectId: alice.id } : { code: LINK_CODE } }),
      verify: async (res, c) => {
        expect(res.body).toEqual({ linked: true, linkedAt: expect.any(String) });
        const [row] = await t.dataSource.query(`SELECT channel FROM identity_links WHERE subject_id = $1`, [c.caller!.id]);
        expect(row).toEqual({ channel: 'email' });
      },
    },
    'GET /api/v1/policy': {
      call: () => ({ path: '/api/v1/policy' }),
      verify: (res) => expect(res.body).toMatchObject({ version: 1, clauses: expect.arrayContaining([expect.objectContaining({ id: '3.c' })]) }),
    },
    'GET /api/v1/policy/versions': {
      call: () => ({ path: '/api/v1/policy/versions' }),
      verify: (res) => expect(res.body.map((v: { version: number }) => v.version)).toEqual([1]),
    },
    'GET /api/v1/policy/versions/:version': {
      call: () => ({ path: '/api/v1/policy/versions/1' }),
      verify: (res) => expect(res.body).toMatchObject({ version: 1 }),
    },
    'GET /api/v1/policy/clauses/:id': {
      call: () => ({ path: '/api/v1/policy/clauses/face.retain.2' }),
      verify: (res) => expect(res.body).toMatchObject({ id: 'face.retain.2', version: 1 }),
    },
    'GET /api/v1/policy/coverage': {
      call: () => ({ path: '/api/v1/policy/coverage' }),
      verify: (res) => {
        expect(res.body).toHaveLength(64);
        expect(res.body).toContainEqual(expect.objectContaining({ id: 'face.retain.2', standing: 'rule' }));
      },
    },
    'GET /api/v1/law': {
      call: () => ({ path: '/api/v1/law' }),
      verify: (res) => expect(res.body).toContainEqual(expect.objectContaining({ id: 'GBT35273.8.7', article: '8.7' })),
    },
    'GET /api/v1/law/:id': {
      call: () => ({ path: '/api/v1/law/PIPL.47' }),
      verify: (res) => expect(res.body).toMatchObject({ id: 'PIPL.47', article: '第四十七条', instrument: { id: 'PIPL' } }),
    },
    'GET /api/v1/data-categories': {
      call: () => ({ path: '/api/v1/data-categories' }),
      verify: (res) => expect(res.body).toContainEqual(expect.objectContaining({ id: 'account', clauses: ['1.a'] })),
    },
    'POST /api/v1/policy/impact': {
      call: () => ({ path: '/api/v1/policy/impact', body: { markdown: DRAFT_POLICY, major: false } }),
      verify: (res) => expect(res.body).toMatchObject({ currentVersion: 1, nextVersion: 2, changes: { changed: ['7.b'] } }),
    },
    'POST /api/v1/policy/versions': {
      call: () => ({ path: '/api/v1/policy/versions', body: { markdown: DRAFT_POLICY, major: false, expectedCurrentVersion: 1 } }),
      verify: async (res) => {
        expect(res.body).toMatchObject({ published: true, version: 2 });
        expect((await t.http.get('/api/v1/policy')).body.version).toBe(2);
      },
    },
  };

  const assigneeFor = (c: Cell): string => (c.whose === 'other' ? c.caller!.id : staff2.id);
  const extendedUntil = (fx: Fixture): string => new Date(Date.parse(fx.dueAt!) + 10 * 24 * 3600 * 1000).toISOString();

  /** The caller of a column. */
  const callerOf = (column: Column): TestUser | null =>
    ({
      anonymous: null,
      'subject·own': alice,
      'subject·other': bob,
      'staff·own': staff,
      'staff·other': staff,
      'legal·own': legal,
      'legal·other': legal,
      admin,
    })[column];

  /** Who holds the fixture: the caller on its own cells, the other reviewer on every other. */
  const cellOf = (column: Column): Cell => {
    const caller = callerOf(column);
    const reviewer = caller !== null && (caller.role === Role.Staff || caller.role === Role.Legal);
    const whose: Whose = column.endsWith('·own') ? 'own' : column.endsWith('·other') ? 'other' : 'any';
    const holder = reviewer && whose === 'own' ? caller : staff2;
    return { column, caller, whose, holder };
  };

  beforeAll(async () => {
    t = await createTestApp();
    [alice, bob, staff, staff2, legal, legal2, confirmer, admin] = [
      await t.user(Role.Subject, { displayName: '张三丰', phone: '13812341234' }),
      await t.user(Role.Subject),
      await t.user(Role.Staff),
      await t.user(Role.Staff),
      await t.user(Role.Legal),
      await t.user(Role.Legal),
      await t.user(Role.Legal),
      await t.user(Role.Admin),
    ];
    await ok(send('POST', `/api/v1/consents/${encodeURIComponent(PROBE_PURPOSE)}`, alice, { state: 'granted' }));
  });
  afterAll(() => t.close());

  it('covers every route the application serves under the requests, staff, legal, consents, policy and law paths, and no route it does not serve', () => {
    const served = declaredRoutes(t.app)
      .filter((r) => COVERED_PREFIXES.some((p) => r.path === p || r.path.startsWith(`${p}/`)))
      .map(routeKey);
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect([...new Set(served)].sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it('declares each route to exactly the roles the table lets through the guard', () => {
    // A role the guard lets in is one with any cell other than 401/403 not_allowed; the table and
    // the decorators must agree, so neither can be edited without the other.
    const declared = new Map(declaredRoutes(t.app).map((r) => [routeKey(r), r]));
    const mismatches: string[] = [];
    for (const [key, row] of Object.entries(MATRIX) as [RouteKey, Row][]) {
      const route = declared.get(key)!;
      const passes = (role: Role) =>
        COLUMNS.some((col, i) => col.startsWith(role) && row[i] !== '—' && !/^40[13]$/.test(row[i]) && !row[i].startsWith('403 not_allowed'));
      const tablePublic = row[0] !== '—' && !row[0].startsWith('401');
      const tableRoles = Object.values(Role).filter(passes).sort();
      const declaredRoles = route.isPublic ? Object.values(Role).sort() : [...(route.roles ?? [])].sort();
      if (tablePublic !== route.isPublic || JSON.stringify(tableRoles) !== JSON.stringify(declaredRoles))
        mismatches.push(`${key}: table ${tablePublic ? 'public' : tableRoles.join(',')} vs declared ${route.isPublic ? 'public' : declaredRoles.join(',')}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('answers a provision the catalogue lacks with 404 and a malformed id with 400, to everyone alike', async () => {
    for (const caller of [null, alice, staff, legal, admin]) {
      const who = caller?.role ?? 'anonymous';
      const missing = await send('GET', '/api/v1/law/PIPL.999', caller);
      expect([who, missing.status, missing.body.code]).toEqual([who, 404, 'provision_not_found']);
      const malformed = await send('GET', '/api/v1/law/bad%20id', caller);
      expect([who, malformed.status, malformed.body.code]).toEqual([who, 400, 'validation_failed']);
    }
  });

  const cells = (Object.entries(MATRIX) as [RouteKey, Row][]).flatMap(([key, row]) =>
    COLUMNS.flatMap((column, i) => (row[i] === '—' ? [] : [{ key, column, expected: row[i] }])),
  );

  it.each(cells)('$key · $column → $expected', async ({ key, column, expected }) => {
    const behaviour = BEHAVIOURS[key];
    const cell = cellOf(column);
    const [wantStatus, wantCode] = parseCell(expected);
    const method = key.split(' ')[0];
    try {
      const fx = behaviour.prepare ? await behaviour.prepare(cell) : {};
      const { path, body, file, fields } = behaviour.call(cell, fx);
      const allowed = wantStatus < 300;
      const before = allowed ? null : await snapshot(fx);

      const res = file ? await sendFile(path, cell.caller, file, fields) : await send(method, path, cell.caller, body ?? (method === 'POST' ? {} : undefined));

      expect(`${res.status} ${res.status < 300 ? '' : res.body.code}`).toBe(`${wantStatus} ${allowed ? '' : wantCode}`);
      if (allowed) {
        await behaviour.verify(res, cell, fx);
      } else {
        expect(await snapshot(fx)).toEqual(before);
        if (wantStatus === 404) {
          // Indistinguishable from a request that does not exist.
          const shown = [fx.holdId, fx.disclosureId, fx.subjectId, fx.requestId].find((id) => id !== undefined && path.includes(id))!;
          const missing = await send(method, path.replace(shown, '00000000-0000-4000-8000-000000000000'), cell.caller, body ?? {});
          expect(pick(res.body)).toEqual(pick(missing.body));
        }
      }
    } finally {
      await closeOpenRequests();
    }
  });
});

function parseCell(cell: string): [number, string | undefined] {
  const [status, code] = cell.split(' ');
  const n = Number(status);
  return [n, code ?? DEFAULT_CODES[n]];
}

function pick(body: Record<string, unknown>) {
  return { statusCode: body.statusCode, error: body.error, message: body.message, code: body.code };
}
