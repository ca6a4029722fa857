import { Role } from '../src/kernel/role';
import { declaredRoutes, routeKey } from './support/route-walk';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Who may open each page of the web portal, and post each of its forms: one table over every route
 * the portal serves as HTML (the routes left out of the OpenAPI document), run against the real
 * application as a browser would ask (Accept: text/html, the session's CSRF token in every form).
 * The API's routes have their own matrix (access-matrix.e2e-spec.ts); a page calls the same
 * services, so what a page may show of whose data is tested with each area's pages.
 *
 * Columns: no one signed in, then one account of each role. A path parameter is filled from the
 * fixtures below (a request of the subject's, say); a form is posted with a valid token and no
 * fields, so that a role that passes the access check meets the form's own validation (400) or,
 * for a form of no fields, does its work (303).
 */
const COLUMNS = ['anonymous', 'subject', 'staff', 'legal', 'admin'] as const;
type Row = readonly [string, string, string, string, string];

// prettier-ignore
const PAGES: Record<string, Row> = {
  //                                      anonymous subject staff  legal  admin
  'GET /':                                ['200',   '200',  '200', '200', '200'],
  'GET /policy':                          ['200',   '200',  '200', '200', '200'],
  'GET /policy/versions/:version':        ['200',   '200',  '200', '200', '200'],
  'GET /login':                           ['200',   '200',  '200', '200', '200'],
  'POST /login':                          ['400',   '400',  '400', '400', '400'],
  'POST /login/mfa':                      ['400',   '400',  '400', '400', '400'],
  'POST /logout':                         ['401',   '303',  '303', '303', '303'],
  'POST /language':                       ['400',   '400',  '400', '400', '400'],
  'GET /assets/portal.css':               ['200',   '200',  '200', '200', '200'],
  'GET /assets/portal.js':                ['200',   '200',  '200', '200', '200'],
  'GET /requests':                        ['401',   '200',  '403', '403', '403'],
  'GET /requests/:id':                    ['401',   '200',  '403', '403', '403'],
  'GET /register':                        ['200',   '200',  '200', '200', '200'],
  'POST /register':                       ['400',   '400',  '400', '400', '400'],
  'GET /new-request':                     ['401',   '200',  '403', '403', '403'],
  'GET /new-request/:type':               ['401',   '200',  '403', '403', '403'],
  'POST /new-request/:type':              ['401',   '400',  '403', '403', '403'],
  'GET /new-request/:type/on-behalf':     ['401',   '200',  '403', '403', '403'],
  'POST /new-request/:type/on-behalf':    ['401',   '400',  '403', '403', '403'],
  'GET /requests/:id/export':             ['401',   '404',  '403', '403', '403'],
  'POST /requests/:id/reply':             ['401',   '400',  '403', '403', '403'],
  'POST /requests/:id/appeal':            ['401',   '400',  '403', '403', '403'],
  'GET /account/link':                    ['401',   '200',  '403', '403', '403'],
  'POST /account/link':                   ['401',   '400',  '403', '403', '403'],
  'POST /account/link/confirm':           ['401',   '400',  '403', '403', '403'],
  'GET /consents':                        ['401',   '200',  '403', '403', '403'],
  'GET /disclosures':                     ['401',   '200',  '403', '403', '403'],
  'GET /transparency':                    ['200',   '200',  '200', '200', '200'],
  'GET /staff/requests':                  ['401',   '403',  '200', '200', '403'],
  'GET /staff/requests/:id':              ['401',   '403',  '200', '200', '403'],
  'POST /staff/requests/:id/reveal':      ['401',   '403',  '400', '400', '403'],
  'POST /staff/requests/:id/take':        ['401',   '403',  '409', '409', '403'],
  'POST /staff/requests/:id/decision':    ['401',   '403',  '400', '400', '403'],
  'POST /staff/requests/:id/extend':      ['401',   '403',  '400', '400', '403'],
  'POST /staff/requests/:id/ask':         ['401',   '403',  '400', '400', '403'],
  'POST /staff/requests/:id/retry':       ['401',   '403',  '409', '409', '403'],
  'POST /staff/requests/:id/steps/confirm': ['401', '403',  '400', '400', '403'],
  'POST /staff/requests/:id/represented-account': ['401', '403', '400', '400', '403'],
  'POST /staff/requests/:id/evidence/:uploadId': ['401', '403', '404', '404', '403'],
  'GET /staff/dashboard':                 ['401',   '403',  '200', '200', '200'],
  'GET /legal':                           ['401',   '403',  '403', '200', '403'],
  'GET /legal/requests':                  ['401',   '403',  '403', '200', '403'],
  'GET /legal/appeals':                   ['401',   '403',  '403', '200', '403'],
  'GET /legal/requests/:id':              ['401',   '403',  '403', '200', '403'],
  'POST /legal/requests/:id/confirm':     ['401',   '403',  '403', '409', '403'],
  'POST /legal/requests/:id/replace':     ['401',   '403',  '403', '400', '403'],
  'POST /legal/requests/:id/appeal':      ['401',   '403',  '403', '400', '403'],
  // Staff read only the holds of a subject they work on: without one named, the service's 422 on the page.
  'GET /legal/holds':                     ['401',   '403',  '422', '200', '200'],
  'GET /legal/holds/new':                 ['401',   '403',  '403', '200', '403'],
  'POST /legal/holds/new':                ['401',   '403',  '403', '400', '403'],
  'GET /legal/holds/:id':                 ['401',   '403',  '404', '404', '404'],
  'POST /legal/holds/:id/release':        ['401',   '403',  '403', '404', '403'],
  'GET /legal/disclosures':               ['401',   '403',  '403', '200', '200'],
  'GET /legal/disclosures.csv':           ['401',   '403',  '403', '200', '200'],
  'GET /legal/disclosures/stats':         ['401',   '403',  '403', '200', '200'],
  'GET /legal/disclosures/new':           ['401',   '403',  '200', '200', '403'],
  'POST /legal/disclosures/new':          ['401',   '403',  '400', '400', '403'],
  'GET /legal/disclosures/:id':           ['401',   '403',  '404', '404', '404'],
  'POST /legal/disclosures/:id/review':   ['401',   '403',  '403', '404', '403'],
  'POST /legal/disclosures/:id/withhold': ['401',   '403',  '403', '404', '403'],
  'GET /legal/audit':                     ['401',   '403',  '403', '200', '200'],
  'GET /admin':                           ['401',   '403',  '403', '403', '200'],
  'GET /admin/accounts':                  ['401',   '403',  '403', '403', '200'],
  'GET /admin/accounts/:id':              ['401',   '403',  '403', '403', '404'],
  'POST /admin/accounts':                 ['401',   '403',  '403', '403', '400'],
  'POST /admin/accounts/role':            ['401',   '403',  '403', '403', '400'],
  'POST /admin/accounts/mfa-reset':       ['401',   '403',  '403', '403', '400'],
  'GET /admin/policy':                    ['401',   '403',  '403', '403', '200'],
  'POST /admin/policy/impact':            ['401',   '403',  '403', '403', '400'],
  'POST /admin/policy/publish':           ['401',   '403',  '403', '403', '400'],
  'GET /admin/end-of-service':            ['401',   '403',  '403', '403', '200'],
  'POST /admin/end-of-service':           ['401',   '403',  '403', '403', '400'],
  'POST /admin/end-of-service/cancel':    ['401',   '403',  '403', '403', '400'],
  // Last, as they change the fixture: legal's claim holds the request (so staff's is refused), the subject's cancel closes it.
  'POST /legal/requests/:id/claim':       ['401',   '403',  '403', '303', '403'],
  'POST /staff/requests/:id/claim':       ['401',   '403',  '409', '303', '403'],
  'POST /requests/:id/cancel':            ['401',   '303',  '403', '403', '403'],
};

describe('web portal access matrix: every page and form × every role (real application, HTML)', () => {
  let t: TestApp;
  const users = new Map<Role, TestUser>();
  const params: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    for (const role of [Role.Subject, Role.Staff, Role.Legal, Role.Admin]) users.set(role, await t.user(role));
    const subject = users.get(Role.Subject)!;
    const filed = await t.http.post('/api/v1/requests').set('Authorization', `Bearer ${subject.token}`).send({ type: 'access' });
    if (filed.status !== 201) throw new Error(`fixture filing failed: ${filed.status}`);
    // An explanation's form needs its question: posted empty, it is refused by validation (400), filing nothing.
    Object.assign(params, { id: filed.body.id as string, version: '1', type: 'explanation', uploadId: '00000000-0000-4000-8000-000000000000' });
  });
  afterAll(() => t?.close());

  /** A fresh session of the column's role (signing out in one cell must not sign the next one out), or none. */
  const sessionOf = async (column: (typeof COLUMNS)[number]): Promise<Record<string, string>> => {
    if (column === 'anonymous') return {};
    const user = users.get(column as Role)!;
    return { Authorization: `Bearer ${await t.login(user.email, user.password)}` };
  };

  const fill = (path: string): string =>
    path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      if (!(name in params)) throw new Error(`no fixture for the path parameter :${name} of ${path}`);
      return encodeURIComponent(params[name]);
    });

  it('has a row for every page route the application serves, and no row for a route it does not', () => {
    const pages = declaredRoutes(t.app)
      .filter((r) => !r.documented)
      .map(routeKey)
      .sort();
    expect(pages.length).toBeGreaterThan(10);
    expect(pages).toEqual(Object.keys(PAGES).sort());
  });

  for (const [key, row] of Object.entries(PAGES)) {
    it(`${key}: ${COLUMNS.map((c, i) => `${c} ${row[i]}`).join(', ')}`, async () => {
      const [method, path] = key.split(' ');
      const got: string[] = [];
      for (const column of COLUMNS) {
        const headers = { Accept: 'text/html', ...(await sessionOf(column)) };
        if (method === 'GET') {
          got.push(String((await t.http.get(fill(path)).set(headers)).status));
          continue;
        }
        // The browser's token: a page hands out the CSRF cookie, and the form echoes it.
        const page = await t.http.get('/login').set(headers);
        const cookie = ([] as string[])
          .concat(page.headers['set-cookie'] ?? [])
          .find((c) => c.startsWith('dsr_csrf='))!
          .split(';')[0];
        const token = cookie.slice('dsr_csrf='.length);
        const res = await t.http.post(fill(path)).set(headers).set('Cookie', cookie).type('form').send({ _csrf: token });
        got.push(String(res.status));
      }
      expect(got).toEqual([...row]);
    });
  }

  /**
   * Hostile input to every page and form, as a role the page admits: NUL, a byte sequence that is
   * no UTF-8 (an unpaired surrogate's encoding), numbers out of any range, nesting past the limit,
   * a forged cursor. Never a 5xx; a form refuses it (4xx) and no table changes.
   */
  it('answers hostile input to every page and form without a 5xx, and a form refuses it changing nothing', async () => {
    const deep = `${'a'.repeat(1)}${'[x]'.repeat(40)}=1`;
    const hostile = ['q=%00', 'note=%ED%A0%80', 'limit=99999999999999999999999999', 'expectedCurrentVersion=1e400', deep, 'cursor=AAAA%00', 'x=%F0%28%8C%28'];
    const admitted = (row: Row): (typeof COLUMNS)[number] | undefined => COLUMNS.find((c, i) => c !== 'anonymous' && !['401', '403'].includes(row[i]));
    const sessions = new Map<string, Record<string, string>>();
    for (const column of COLUMNS) if (column !== 'anonymous') sessions.set(column, await sessionOf(column));
    const page = await t.http.get('/login').set({ Accept: 'text/html' });
    const cookie = ([] as string[])
      .concat(page.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('dsr_csrf='))!
      .split(';')[0];
    const token = cookie.slice('dsr_csrf='.length);
    const before = await t.tableCounts();
    const got: string[] = [];
    for (const [key, row] of Object.entries(PAGES)) {
      const [method, path] = key.split(' ');
      const column = admitted(row) ?? 'subject';
      const headers = { Accept: 'text/html', ...sessions.get(column) };
      for (const input of hostile) {
        const res =
          method === 'GET'
            ? await t.http.get(`${fill(path)}?${input}`).set(headers)
            : await t.http.post(fill(path)).set(headers).set('Cookie', cookie).type('form').send(`_csrf=${token}&${input}`);
        const refused = res.status >= 400 && res.status < 500;
        if (res.status >= 500 || (method === 'POST' && !refused)) got.push(`${key} ${input} → ${res.status}`);
      }
    }
    expect(got).toEqual([]);
    expect(await t.tableCounts()).toEqual(before);
  });
});
