import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const V1 = readFileSync(join(__dirname, '../src/policy/versions/v1/privacy-policy.zh-CN.md'), 'utf8');
const NEW_7B = '(b)本公司保留随时修改本政策的权利。如对本政策作出重大更改，本公司会通过网站通知及站内信的形式告知。';
const DRAFT = V1.replace(/^\(b\)本公司保留.*$/m, NEW_7B);

/**
 * The administration pages and the reviewers' dashboard over HTTP: who may open each, the CSRF
 * token on every form, forms shown again with their messages, and what each form changes, checked
 * through the API and the database.
 */
describe('administration pages and the dashboard (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: TestUser;
  let staff: TestUser;
  let legal: TestUser;
  let subject: TestUser;
  let csrfCookie: string;
  let token: string;
  const HTML = { Accept: 'text/html' };
  const { auth, staffPost, held } = reviewCalls(() => t);

  const get = (path: string, u?: TestUser) => {
    const req = t.http.get(path).set(HTML);
    return u ? req.set(auth(u)) : req;
  };
  /** A form post as `u`, with the CSRF cookie and (unless told otherwise) its token. */
  const post = (path: string, u: TestUser, body: Record<string, string>, csrf: string | null = token) =>
    t.http
      .post(path)
      .set(HTML)
      .set(auth(u))
      .set('Cookie', csrfCookie)
      .type('form')
      .send(csrf === null ? body : { _csrf: csrf, ...body });
  const file = async (u: TestUser, body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/requests').set(auth(u)).send(body);
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const dayAhead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await createTestApp();
    [admin, staff, legal, subject] = [await t.user(Role.Admin), await t.user(Role.Staff), await t.user(Role.Legal), await t.user(Role.Subject)];
    const res = await t.http.get('/login').set(HTML);
    csrfCookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('dsr_csrf='))!
      .split(';')[0];
    token = csrfCookie.slice('dsr_csrf='.length);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('access', () => {
    const adminPages = ['/admin', '/admin/accounts', '/admin/policy', '/admin/end-of-service'];

    it.each(adminPages)('%s is the administrator’s alone: 200 for admin, 403 for staff, legal and subjects, 401 signed out', async (path) => {
      const ok = await get(path, admin);
      expect([ok.status, ok.headers['content-type'], ok.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-store']);
      expect(ok.text).not.toMatch(/style=|<script(?! src="\/assets\/portal.js")/i);
      for (const u of [staff, legal, subject]) expect([path, u.role, (await get(path, u)).status]).toEqual([path, u.role, 403]);
      expect((await get(path)).status).toBe(401);
    });

    it('opens an account’s page for admin only; an unknown id is 404, a malformed one 400', async () => {
      expect((await get(`/admin/accounts/${staff.id}`, admin)).status).toBe(200);
      expect((await get(`/admin/accounts/${staff.id}`, staff)).status).toBe(403);
      expect((await get('/admin/accounts/00000000-0000-4000-8000-000000000000', admin)).status).toBe(404);
      expect((await get('/admin/accounts/not-an-id', admin)).status).toBe(400);
    });

    it('shows the dashboard to staff, legal and admin; subjects 403, signed out 401', async () => {
      for (const u of [staff, legal, admin]) expect([u.role, (await get('/staff/dashboard', u)).status]).toEqual([u.role, 200]);
      expect((await get('/staff/dashboard', subject)).status).toBe(403);
      expect((await get('/staff/dashboard')).status).toBe(401);
    });

    it('refuses every admin form to staff (403) and changes nothing', async () => {
      const before = await t.tableCounts();
      const forms: [string, Record<string, string>][] = [
        ['/admin/accounts', { email: 'x.staff@example.com', password: 'a-long-enough-pass', role: 'staff' }],
        ['/admin/accounts/role', { account: subject.id, role: 'admin' }],
        ['/admin/accounts/mfa-reset', { account: subject.id }],
        ['/admin/policy/impact', { markdown: DRAFT, major: 'false' }],
        ['/admin/policy/publish', { markdown: DRAFT, major: 'false', expectedCurrentVersion: '1' }],
        ['/admin/end-of-service', { endsAt: dayAhead(40), reason: 'closing' }],
        ['/admin/end-of-service/cancel', { reason: 'no' }],
      ];
      for (const [path, body] of forms) expect([path, (await post(path, staff, body)).status]).toEqual([path, 403]);
      expect(await t.tableCounts()).toEqual(before);
    });
  });

  describe('CSRF', () => {
    const forms: [string, Record<string, string>][] = [
      ['/admin/accounts', { email: 'csrf.staff@example.com', password: 'a-long-enough-pass', role: 'staff' }],
      ['/admin/accounts/role', { account: '00000000-0000-4000-8000-000000000001', role: 'legal' }],
      ['/admin/accounts/mfa-reset', { account: '00000000-0000-4000-8000-000000000001' }],
      ['/admin/policy/impact', { markdown: DRAFT, major: 'false' }],
      ['/admin/policy/publish', { markdown: DRAFT, major: 'false', expectedCurrentVersion: '1' }],
      ['/admin/end-of-service', { endsAt: dayAhead(40), reason: 'closing' }],
      ['/admin/end-of-service/cancel', { reason: 'no' }],
    ];

    it.each(forms)('%s without the token or with another one is 403 and changes nothing', async (path, body) => {
      const before = await t.tableCounts();
      const missing = await post(path, admin, body, null);
      const wrong = await post(path, admin, body, 'x'.repeat(43));
      expect([missing.status, wrong.status]).toEqual([403, 403]);
      expect(wrong.text).toContain('<html');
      expect(await t.tableCounts()).toEqual(before);
      expect((await t.http.get('/api/v1/policy/versions')).body).toHaveLength(1);
    });
  });

  describe('accounts', () => {
    it('shows the create form again with the messages beside the fields, the email and name kept, the password not', async () => {
      const before = await t.tableCounts();
      const res = await post('/admin/accounts', admin, { email: 'not-an-email', password: 'short', role: 'staff', displayName: '<i>Ann</i>' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/<input id="email"[^>]*value="not-an-email"[^>]*aria-describedby="email-error"[^>]*aria-invalid="true"/);
      expect(res.text).toContain('id="email-error"');
      expect(res.text).toContain('id="password-error"');
      expect(res.text).not.toContain('value="short"');
      expect(res.text).toContain('value="&lt;i&gt;Ann&lt;/i&gt;"');
      expect(await t.tableCounts()).toEqual(before);
    });

    it('refuses a common password by the API’s own rule, beside the password field', async () => {
      const res = await post('/admin/accounts', admin, { email: 'pw.rule@example.com', password: 'password123', role: 'staff' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/id="password-error">[^<]*common/);
      expect(res.text).toContain('value="pw.rule@example.com"');
    });

    it('creates a staff account that signs in, shows it (escaped), and says an email taken beside the field', async () => {
      const email = 'new.staff@example.com';
      const password = 'a-long-and-unusual-pass';
      const res = await post('/admin/accounts', admin, { email, password, role: 'staff', displayName: '<script>alert(1)</script>' });
      expect(res.status).toBe(303);
      const [, id] = /^\/admin\/accounts\/([0-9a-f-]{36})\?done=created$/.exec(res.headers.location) ?? [];
      expect(id).toBeDefined();
      const token2 = await t.login(email, password);
      const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token2}`);
      expect([me.status, me.body.role]).toEqual([200, 'staff']);
      const [row] = await t.dataSource.query(`SELECT actor_id FROM audit_events WHERE action = 'account.created' AND entity_id = $1`, [id]);
      expect(row.actor_id).toBe(admin.id);

      const page = await get(res.headers.location, admin);
      expect(page.status).toBe(200);
      expect(page.text).toContain(email);
      expect(page.text).toContain('id="notice"');
      expect(page.text).not.toContain('<script>alert(1)</script>');
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

      const again = await post('/admin/accounts', admin, { email, password, role: 'legal' });
      expect(again.status).toBe(409);
      expect(again.text).toMatch(/id="email-error">[^<]+</);
      expect(again.text).toMatch(/<option value="legal" selected>/);
    });

    it('resets another account’s second factor from its page (sessions ended, audited); not the admin’s own (403 on the page)', async () => {
      const lost = await t.user(Role.Legal);
      await t.asOwner((m) => m.query(`UPDATE users SET mfa_secret = 'JBSWY3DPEHPK3PXP', mfa_enabled_at = now() WHERE id = $1`, [lost.id]));
      const page = await t.http.get(`/admin/accounts/${lost.id}`).set('Accept', 'text/html').set('Authorization', `Bearer ${admin.token}`);
      expect(page.text).toContain('action="/admin/accounts/mfa-reset"');
      const res = await post('/admin/accounts/mfa-reset', admin, { account: lost.id });
      expect([res.status, res.headers.location]).toEqual([303, `/admin/accounts/${lost.id}?done=mfa`]);
      const [row] = await t.dataSource.query(`SELECT mfa_enabled_at FROM users WHERE id = $1`, [lost.id]);
      expect(row.mfa_enabled_at).toBeNull();
      expect((await t.http.get('/api/v1/me').set('Authorization', `Bearer ${lost.token}`)).status).toBe(401);
      const [event] = await t.dataSource.query(`SELECT actor_id, data FROM audit_events WHERE entity_id = $1 AND action = 'account.mfa_reset'`, [lost.id]);
      expect(event).toEqual({ actor_id: admin.id, data: { hadMfa: true } });

      const before = await t.tableCounts();
      const own = await post('/admin/accounts/mfa-reset', admin, { account: admin.id });
      expect(own.status).toBe(403);
      expect(own.text).toContain('id="mfa-error"');
      expect(await t.tableCounts()).toEqual(before);
    });

    it('changes another account’s role; not the admin’s own (403 on the form), nor an unknown id (404 on the form)', async () => {
      const other = await t.user(Role.Staff);
      const res = await post('/admin/accounts/role', admin, { account: other.id, role: 'legal' });
      expect([res.status, res.headers.location]).toEqual([303, `/admin/accounts/${other.id}?done=role`]);
      const [{ role }] = await t.dataSource.query(`SELECT role FROM users WHERE id = $1`, [other.id]);
      expect(role).toBe('legal');

      const own = await post('/admin/accounts/role', admin, { account: admin.id, role: 'staff' });
      expect(own.status).toBe(403);
      expect(own.text).toContain('id="account-error"');
      expect(own.text).toContain(`value="${admin.id}"`);
      const unknown = await post('/admin/accounts/role', admin, { account: '00000000-0000-4000-8000-000000000000', role: 'staff' });
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('id="account-error"');
      const bad = await post('/admin/accounts/role', admin, { account: 'nope', role: 'king' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('id="account-error"');
      expect(bad.text).toContain('id="new-role-error"');
      const [{ role: adminRole }] = await t.dataSource.query(`SELECT role FROM users WHERE id = $1`, [admin.id]);
      expect(adminRole).toBe('admin');
    });
  });

  describe('policy versions', () => {
    it('lists the versions and offers the text in force as the draft', async () => {
      const res = await get('/admin/policy', admin);
      expect(res.text).toContain('href="/policy/versions/1"');
      expect(res.text).toMatch(/<textarea id="markdown"[^>]*>/);
      expect(res.text).toContain('本公司保留');
    });

    it('runs a draft dry: the impact report (the API’s own), nothing published, and the publish form bound to the version in force', async () => {
      const before = await t.tableCounts();
      const api = await t.http.post('/api/v1/policy/impact').set(auth(admin)).send({ markdown: DRAFT, major: false });
      const res = await post('/admin/policy/impact', admin, { markdown: DRAFT.replace(/\n/g, '\r\n'), major: 'false' });
      expect(res.status).toBe(200);
      expect(res.text).toContain(api.body.sha256);
      expect(res.text).toMatch(/id="impact-changed"><a class="cite" href="\/policy\/versions\/1#7\.b">7\.b<\/a>/);
      expect(res.text).toMatch(/<form method="post" action="\/admin\/policy\/publish"/);
      expect(res.text).toContain('name="expectedCurrentVersion" value="1"');
      expect(await t.tableCounts()).toEqual(before);
    });

    it('shows a draft that cannot be published with its problems and lines, the draft kept', async () => {
      const duplicated = V1.replace('(b)为提供您所要求的产品和服务', '(a)为提供您所要求的产品和服务');
      const res = await post('/admin/policy/impact', admin, { markdown: duplicated, major: 'false' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('id="markdown-error"');
      expect(res.text).toMatch(/<ul id="issues"><li>(第 \d+ 行|line \d+)/);
      expect(res.text).toContain('(a)为提供您所要求的产品和服务');
      const bad = await post('/admin/policy/impact', admin, { markdown: DRAFT, major: 'perhaps' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('id="major-error"');
      const empty = await post('/admin/policy/impact', admin, { markdown: '', major: 'false' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('id="markdown-error"');
    });

    it('publishes the draft: in force through the API; publishing against a version no longer in force is refused on the form', async () => {
      const res = await post('/admin/policy/publish', admin, { markdown: DRAFT, major: 'false', expectedCurrentVersion: '1' });
      expect([res.status, res.headers.location]).toEqual([303, '/admin/policy?published=2']);
      const current = await t.http.get('/api/v1/policy');
      expect(current.body.version).toBe(2);
      expect(current.body.clauses.find((c: { id: string }) => c.id === '7.b').text).toBe(NEW_7B.replace('(b)', ''));
      const page = await get(res.headers.location, admin);
      expect(page.text).toContain('id="notice"');

      const before = await t.tableCounts();
      const stale = await post('/admin/policy/publish', admin, { markdown: V1, major: 'true', expectedCurrentVersion: '1' });
      expect(stale.status).toBe(409);
      expect(stale.text).toContain('id="draft-error"');
      expect(await t.tableCounts()).toEqual(before);
      expect((await t.http.get('/api/v1/policy')).body.version).toBe(2);
    });
  });

  describe('end of service', () => {
    const status = async () => (await t.http.get('/api/v1/admin/end-of-service').set(auth(admin))).body;

    it('refuses a date less than 30 days ahead (the service’s rule) beside the field, and a blank reason, keeping the input', async () => {
      const before = await t.tableCounts();
      const soon = await post('/admin/end-of-service', admin, { endsAt: dayAhead(3), reason: 'Closing <the> service' });
      expect(soon.status).toBe(422);
      expect(soon.text).toMatch(/<input id="endsAt"[^>]*value="\d{4}-\d{2}-\d{2}"[^>]*aria-describedby="endsAt-error"/);
      expect(soon.text).toContain('id="endsAt-error"');
      expect(soon.text).toContain('Closing &lt;the&gt; service</textarea>');
      const blank = await post('/admin/end-of-service', admin, { endsAt: dayAhead(40), reason: '   ' });
      expect(blank.status).toBe(400);
      expect(blank.text).toContain('id="reason-error"');
      const notADate = await post('/admin/end-of-service', admin, { endsAt: 'soon', reason: 'x' });
      expect(notADate.status).toBe(400);
      expect(notADate.text).toContain('id="endsAt-error"');
      expect(await t.tableCounts()).toEqual(before);
      expect((await status()).schedule).toBeNull();
    });

    it('schedules it (midnight Beijing time of the day chosen), shows it, then calls it off', async () => {
      const day = dayAhead(40);
      const res = await post('/admin/end-of-service', admin, { endsAt: day, reason: 'The service closes' });
      expect([res.status, res.headers.location]).toEqual([303, '/admin/end-of-service']);
      const scheduled = await status();
      expect(new Date(scheduled.schedule.endsAt).toISOString()).toBe(new Date(`${day}T00:00:00+08:00`).toISOString());
      expect(scheduled.schedule.scheduledBy).toBe(admin.id);
      const page = await get('/admin/end-of-service', admin);
      expect(page.text).toContain(`datetime="${scheduled.schedule.endsAt}"`);
      expect(page.text).toContain('action="/admin/end-of-service/cancel"');
      // the clause it carries out, linked to its text in the version in force, and quoted
      expect(page.text).toMatch(/<a class="cite" href="\/policy\/versions\/\d+#face\.retain\.3" id="end-clause">face\.retain\.3<\/a>/);
      expect(page.text).toMatch(/<blockquote>[^<]{10,}<\/blockquote>/);
      expect((await get('/admin', admin)).text).toMatch(/id="end-status">\s*\S/);

      const twice = await post('/admin/end-of-service', admin, { endsAt: dayAhead(50), reason: 'again' });
      expect(twice.status).toBe(409);
      const blank = await post('/admin/end-of-service/cancel', admin, { reason: '' });
      expect(blank.status).toBe(400);
      expect(blank.text).toContain('id="cancel-reason-error"');
      expect((await status()).schedule).not.toBeNull();

      const cancelled = await post('/admin/end-of-service/cancel', admin, { reason: 'Not closing after all' });
      expect([cancelled.status, cancelled.headers.location]).toEqual([303, '/admin/end-of-service']);
      expect((await status()).schedule).toBeNull();
      const [event] = await t.dataSource.query(`SELECT actor_id FROM audit_events WHERE action = 'service.end_cancelled'`);
      expect(event.actor_id).toBe(admin.id);
      // nothing left to call off: the service's 404, as the API's
      expect((await post('/admin/end-of-service/cancel', admin, { reason: 'again' })).status).toBe(404);
    });
  });

  describe('the dashboard', () => {
    const figure = (html: string, row: string, name: string): string => {
      const tr = new RegExp(`<tr id="row-${row}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
      return new RegExp(`data-figure="${name}">([^<]*)<`).exec(tr)?.[1] ?? 'missing';
    };

    it('shows the figures of the data: open by type, overdue, awaiting legal, median and deadlines met, with charts and a table', async () => {
      // Open: one access request (made overdue), one account deletion refused by staff (awaiting legal).
      const overdue = await file(await t.user(Role.Subject), { type: 'access' });
      await t.dataSource.query(`UPDATE requests SET submitted_at = now() - interval '20 days', due_at = now() - interval '1 day' WHERE id = $1`, [overdue]);
      const { id: refused } = await held('delete_account', staff);
      const proposed = await staffPost(staff, refused, 'decision', {
        outcome: 'reject',
        clauses: [],
        law: ['GBT35273.8.7'],
        ground: 'identity_not_verified',
        reason: '无法核验申请人身份',
      });
      expect(proposed.body.status).toBe('awaiting_legal');
      // Decided by the system at once: two withdrawals, one made late.
      const onTime = await file(await t.user(Role.Subject), { type: 'withdraw_consent', purposes: ['marketing'] });
      await t.dataSource.query(`UPDATE requests SET due_at = submitted_at + interval '15 days' WHERE id = $1`, [onTime]);
      const late = await file(await t.user(Role.Subject), { type: 'withdraw_consent', purposes: ['marketing'] });
      await t.dataSource.query(`UPDATE requests SET due_at = submitted_at WHERE id = $1`, [late]);

      const res = await get('/staff/dashboard', staff);
      expect(res.status).toBe(200);
      const html = res.text;
      expect([figure(html, 'access', 'open'), figure(html, 'access', 'overdue')]).toEqual(['1', '1']);
      expect([figure(html, 'delete_account', 'open'), figure(html, 'delete_account', 'awaitingLegal')]).toEqual(['1', '1']);
      expect([figure(html, 'withdraw_consent', 'open'), figure(html, 'withdraw_consent', 'decided')]).toEqual(['0', '2']);
      expect([figure(html, 'withdraw_consent', 'withinDeadline'), figure(html, 'withdraw_consent', 'share')]).toEqual(['1', '50%']);
      expect(figure(html, 'withdraw_consent', 'medianDays')).toBe('0.0');
      expect([figure(html, 'total', 'open'), figure(html, 'total', 'overdue'), figure(html, 'total', 'awaitingLegal')]).toEqual(['2', '1', '1']);
      expect(figure(html, 'correction', 'medianDays')).toMatch(/暂无|none yet/);
      // Three charts, drawn on the server, each an image with its title and description; no style, no script.
      expect(html.match(/<svg [^>]*role="img"/g)).toHaveLength(3);
      for (const id of ['chart-open', 'chart-median', 'chart-share']) {
        expect(html).toContain(`<title id="${id}-title">`);
        expect(html).toContain(`<desc id="${id}-desc">`);
      }
      const openChart = /<svg [^>]*id="chart-open"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
      expect(openChart.match(/<rect class="bar"/g)).toHaveLength(2);
      expect(html).not.toMatch(/style=|<script(?! src="\/assets\/portal.js")/i);
      expect(html).toContain('href="/staff/requests?overdue=true"');
      // Administrators see the figures, without links into the queue.
      const forAdmin = await get('/staff/dashboard', admin);
      expect(figure(forAdmin.text, 'total', 'open')).toBe('2');
      expect(forAdmin.text).not.toContain('href="/staff/requests?overdue=true"');
    });
  });
});
