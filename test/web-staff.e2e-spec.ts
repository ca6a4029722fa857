import { randomUUID } from 'node:crypto';
import { ErasureJob } from '../src/erasure';
import { Role } from '../src/kernel/role';
import { pdfFile, uploaded } from './support/evidence-files';
import { addAppUser, appEmail } from './support/identity-link';
import { whileDeleteRefused } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The staff pages over HTTP: the queue (the API's filters and cursor), one request (masked, the
 * audited reveal, the audited evidence read), and its forms (claim, take over, decide, ask), each
 * checked through the API or the database. Bearer tokens sign the calls in; the CSRF cookie and
 * field are those a page hands out.
 */
describe('staff pages (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let staff: TestUser;
  let staff2: TestUser;
  let legal: TestUser;
  let subjectA: TestUser;
  let subjectB: TestUser;
  let subjectC: TestUser;
  let accessA: string;
  let deleteB: string;
  let behalfC: string;
  let proof: string;
  const HTML = { Accept: 'text/html' };
  const bearer = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  let cookie: string;
  let token: string;

  const file = async (u: TestUser, body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/requests').set(bearer(u)).send(body);
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const page = (u: TestUser | null, path: string) => {
    const req = t.http.get(path).set(HTML);
    return u ? req.set(bearer(u)) : req;
  };
  /** A form post as the page sends it: the CSRF cookie, and `_csrf` unless the test leaves it out or changes it. */
  const post = (u: TestUser, path: string, form: Record<string, string | string[]>, csrf: string | null = token) =>
    t.http
      .post(path)
      .set(HTML)
      .set(bearer(u))
      .set('Cookie', cookie)
      .type('form')
      .send(
        new URLSearchParams(
          Object.entries({ ...form, ...(csrf !== null && { _csrf: csrf }) }).flatMap(([k, v]) => [v].flat().map((x): [string, string] => [k, x])),
        ).toString(),
      );
  const apiView = async (u: TestUser, id: string) => (await t.http.get(`/api/v1/staff/requests/${id}`).set(bearer(u))).body;
  /** The row links of a queue page, in order. */
  const rowIds = (html: string) => [...html.matchAll(/<td><a href="\/staff\/requests\/([0-9a-f-]{36})">/g)].map((m) => m[1]);
  const hrefOf = (html: string, rel: string) => {
    const m = new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html);
    return m ? m[1].replace(/&amp;/g, '&') : null;
  };

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: 'http://localhost:3000' });
    [staff, staff2, legal] = await Promise.all([t.user(Role.Staff), t.user(Role.Staff), t.user(Role.Legal)]);
    subjectA = await t.user(Role.Subject, { displayName: '张三丰', phone: '13812345678' });
    subjectB = await t.user(Role.Subject);
    subjectC = await t.user(Role.Subject);
    accessA = await file(subjectA, { type: 'access', note: 'Please include <script>alert(1)</script> my orders' });
    deleteB = await file(subjectB, { type: 'delete_account', password: subjectB.password });
    proof = await uploaded(t, subjectC, pdfFile());
    behalfC = await file(subjectC, { type: 'access', onBehalfOf: { relation: 'agent', name: '李四', evidence: [proof] } });
    const res = await t.http.get('/login').set(HTML);
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('dsr_csrf='));
    if (!set) throw new Error('no CSRF cookie');
    cookie = set.split(';')[0];
    token = cookie.slice('dsr_csrf='.length);
  });
  afterAll(() => t.close());

  describe('the queue', () => {
    it('offers staff the way to record a disclosure in the navigation (staff record, legal reviews)', async () => {
      const res = await page(staff, '/staff/requests');
      expect(res.text).toMatch(/<header class="site">[\s\S]*<a href="\/legal\/disclosures\/new">记录对外提供<\/a>[\s\S]*<\/header>/);
      expect((await page(staff, '/legal/disclosures/new')).status).toBe(200);
    });

    it('is for staff and legal (the API queue’s roles): a subject gets 403, nobody signed in the sign-in form (401)', async () => {
      for (const u of [staff, legal]) {
        const res = await page(u, '/staff/requests');
        expect(res.status).toBe(200);
        expect(res.text).toContain('<h1>申请队列</h1>');
        expect(rowIds(res.text)).toEqual(expect.arrayContaining([accessA, deleteB, behalfC]));
      }
      expect((await page(subjectA, '/staff/requests')).status).toBe(403);
      const anonymous = await page(null, '/staff/requests');
      expect(anonymous.status).toBe(401);
      expect(anonymous.text).toContain('action="/login"');
    });

    it('filters by type and by filed-on-behalf, marking the on-behalf row, with holder and failed steps', async () => {
      const deletions = await page(staff, '/staff/requests?type=delete_account&status=&onBehalf=');
      expect(deletions.status).toBe(200);
      expect(rowIds(deletions.text)).toEqual([deleteB]);
      expect(deletions.text).toMatch(/<option value="delete_account" selected>/);
      const behalf = await page(staff, '/staff/requests?onBehalf=true');
      expect(rowIds(behalf.text)).toEqual([behalfC]);
      expect(behalf.text).toContain('<td data-label="代为申请">委托代理人</td>');
      expect(behalf.text).toContain('<td data-label="处理人">无人处理</td>');
      const own = await page(staff, '/staff/requests?onBehalf=false&type=access');
      expect(rowIds(own.text)).toEqual([accessA]);
      // no personal data in the queue's addresses: only ids and filter values
      expect(own.text).not.toContain(subjectA.email);
    });

    it('lists only overdue requests with ?overdue=true, highlighted', async () => {
      const s = await t.user(Role.Subject);
      const late = await file(s, { type: 'disclosure_log' });
      await t.asOwner((m) => m.query(`UPDATE requests SET submitted_at = now() - interval '16 days', due_at = now() - interval '1 day' WHERE id = $1`, [late]));
      const res = await page(staff, '/staff/requests?overdue=true');
      expect(rowIds(res.text)).toEqual([late]);
      expect(res.text).toContain('<tr class="overdue-row">');
      expect(res.text).toContain('<span class="overdue">已逾期</span>');
      expect(res.text).toMatch(/<input type="checkbox" id="f-overdue" name="overdue" value="true" checked>/);
    });

    it('pages with the API’s sealed cursor (next, previous) and answers a forged cursor with a 400 page', async () => {
      const first = await page(staff, '/staff/requests?type=access&limit=1');
      expect(rowIds(first.text)).toHaveLength(1);
      const next = hrefOf(first.text, 'next');
      expect(next).toMatch(/^\/staff\/requests\?type=access&limit=1&cursor=[^&]+&back=-$/);
      const second = await page(staff, next!);
      expect(second.status).toBe(200);
      expect(rowIds(second.text)).toHaveLength(1);
      expect([...rowIds(first.text), ...rowIds(second.text)].sort()).toEqual([accessA, behalfC].sort());
      expect(hrefOf(second.text, 'next')).toBeNull();
      const previous = hrefOf(second.text, 'prev');
      expect(previous).toBe('/staff/requests?type=access&limit=1');
      expect(rowIds((await page(staff, previous!)).text)).toEqual(rowIds(first.text));

      const forged = await page(staff, `/staff/requests?cursor=${Buffer.from(JSON.stringify(['1', randomUUID()])).toString('base64url')}.${'A'.repeat(43)}`);
      expect(forged.status).toBe(400);
      expect(forged.headers['content-type']).toBe('text/html; charset=utf-8');
    });

    it('shows a filter it cannot read again with the message beside it (400)', async () => {
      const res = await page(staff, '/staff/requests?status=bogus&type=access');
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/<select id="f-status" name="status" aria-invalid="true" aria-describedby="err-status">/);
      expect(res.text).toContain('<p class="alert" id="err-status">请从列出的选项中选择。</p>');
      expect(res.text).toMatch(/<option value="access" selected>/);
    });
  });

  describe('one request', () => {
    it('shows the subject masked, the note escaped, the data-map preview and the decision picker with the texts', async () => {
      const res = await page(staff, `/staff/requests/${accessA}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(subjectA.email);
      expect(res.text).not.toContain('13812345678');
      expect(res.text).not.toContain('张三丰');
      expect(res.text).toContain('138****5678');
      expect(res.text).toContain('Please include &lt;script&gt;alert(1)&lt;/script&gt; my orders');
      expect(res.text).not.toContain('<script>alert(1)');
      expect(res.text).toContain('<h2 id="h-preview">');
      // approve is shown by default: the justifying clauses and PIPL.45, each with its text and link
      expect(res.text).toMatch(/<input type="checkbox" id="clause-0" name="clauses" value="1.a">/);
      expect(res.text).toContain('href="/policy/versions/1#face.collect"');
      expect(res.text).toContain('value="PIPL.45"');
      expect(res.text).toContain('href="/policy#law-PIPL.45"');
      // the other clauses can be picked as well
      expect(res.text).toMatch(/id="other-\d+" name="clauses" value="face.retain.2"/);
      // ?outcome=reject shows that outcome's picker, with the grounds
      const reject = await page(staff, `/staff/requests/${accessA}?outcome=reject`);
      expect(reject.text).toContain('<input type="hidden" name="outcome" value="reject">');
      expect(reject.text).toContain('value="GBT35273.8.7"');
      expect(reject.text).toContain('name="ground"');
    });

    it('is 404 for an unknown request, 400 for an id that is not one, 403 for a subject', async () => {
      expect((await page(staff, `/staff/requests/${randomUUID()}`)).status).toBe(404);
      expect((await page(staff, '/staff/requests/not-an-id')).status).toBe(400);
      expect((await page(subjectA, `/staff/requests/${accessA}`)).status).toBe(403);
      expect((await post(subjectA, `/staff/requests/${accessA}/claim`, {})).status).toBe(403);
    });

    it('refuses a form without this browser’s CSRF token (403) and nothing changes', async () => {
      const before = await t.tableCounts();
      const form = { outcome: 'approve', clauses: '1.a', law: 'PIPL.45' };
      expect((await post(staff, `/staff/requests/${accessA}/claim`, {}, null)).status).toBe(403);
      expect((await post(staff, `/staff/requests/${accessA}/decision`, form, null)).status).toBe(403);
      expect((await post(staff, `/staff/requests/${accessA}/decision`, form, 'x'.repeat(43))).status).toBe(403);
      expect((await post(staff, `/staff/requests/${accessA}/reveal`, { field: 'email', reason: 'to check the identity' }, 'wrong')).status).toBe(403);
      expect(await t.tableCounts()).toEqual(before);
      expect((await apiView(staff, accessA)).assigneeId).toBeNull();
    });

    it('claims, then reveals one value on the answer page with the audited reveal (never in an address)', async () => {
      const claimed = await post(staff, `/staff/requests/${accessA}/claim`, {});
      expect([claimed.status, claimed.headers.location]).toEqual([303, `/staff/requests/${accessA}?done=claimed`]);
      expect((await apiView(staff, accessA)).assigneeId).toBe(staff.id);

      const events = () => t.dataSource.query(`SELECT actor_id, data FROM audit_events WHERE action = 'subject.revealed' AND entity_id = $1`, [subjectA.id]);
      const short = await post(staff, `/staff/requests/${accessA}/reveal`, { field: 'email', reason: 'short' });
      expect(short.status).toBe(400);
      expect(short.text).toMatch(
        /<textarea id="reveal-reason" name="reason" rows="2" maxlength="500" required aria-invalid="true" aria-describedby="err-reveal-reason">short<\/textarea>/,
      );
      expect(short.text).toContain('id="err-reveal-reason">至少 10 个字符。</p>');
      expect(await events()).toEqual([]);

      const res = await post(staff, `/staff/requests/${accessA}/reveal`, { field: 'email', reason: 'To confirm the identity of the requester' });
      expect(res.status).toBe(200);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toMatch(new RegExp(`<dd id="revealed"><strong>${subjectA.email.replace(/\./g, '\\.')}</strong></dd>`));
      expect(await events()).toEqual([{ actor_id: staff.id, data: { field: 'email', reason: 'To confirm the identity of the requester' } }]);
      // the page opened again is masked again
      expect((await page(staff, `/staff/requests/${accessA}`)).text).not.toContain(subjectA.email);
    });

    it('opens evidence only by a POST that streams through the audited read (evidence.viewed)', async () => {
      const html = (await page(staff, `/staff/requests/${behalfC}`)).text;
      expect(html).toContain(`<form method="post" action="/staff/requests/${behalfC}/evidence/${proof}" class="inline">`);
      expect(html).toContain('李*');
      const viewed = () => t.dataSource.query(`SELECT actor_id, data FROM audit_events WHERE action = 'evidence.viewed' AND entity_id = $1`, [behalfC]);
      expect((await post(staff, `/staff/requests/${behalfC}/evidence/${proof}`, {}, null)).status).toBe(403);
      expect(await viewed()).toEqual([]);
      const res = await post(staff, `/staff/requests/${behalfC}/evidence/${proof}`, {}).buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="evidence-${proof}.pdf"`);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(await viewed()).toEqual([{ actor_id: staff.id, data: { uploadId: proof } }]);
      expect((await post(staff, `/staff/requests/${accessA}/evidence/${proof}`, {})).status).toBe(404);
    });

    it('refuses a rejection whose clause does not justify it (422), listing what would, with the texts; nothing changes', async () => {
      const before = await apiView(staff, accessA);
      const res = await post(staff, `/staff/requests/${accessA}/decision`, {
        outcome: 'reject',
        clauses: 'face.retain.2',
        reason: 'We keep it',
        ground: 'manifestly_unfounded',
        expectedVersion: String(before.version),
      });
      expect(res.status).toBe(422);
      expect(res.text).toContain('id="decision-refused"');
      expect(res.text).toContain('所引用的条款或法律规定不能支持此决定。');
      const refusal = /<div class="alert" role="alert" id="decision-refused">([\s\S]*?)<\/div>/.exec(res.text)?.[1] ?? '';
      expect(refusal).toContain('href="/policy#law-GBT35273.8.7"');
      expect(refusal).toContain('href="/policy#law-PIPL.49"');
      expect(refusal).toMatch(/<blockquote>[^<]+<\/blockquote>/);
      // the form is the reject one again, with what was typed
      expect(res.text).toContain('<input type="hidden" name="outcome" value="reject">');
      expect(res.text).toMatch(/name="clauses" value="face.retain.2" checked>/);
      expect(res.text).toContain('>We keep it</textarea>');
      expect(res.text).toMatch(/<option value="manifestly_unfounded" selected>/);
      const after = await apiView(staff, accessA);
      expect([after.status, after.version, after.decision]).toEqual([before.status, before.version, null]);
    });

    it('shows a form that does not validate again with the message beside the field and the input kept (400)', async () => {
      const long = `问题${'x'.repeat(4000)}`;
      const res = await post(staff, `/staff/requests/${accessA}/ask`, { question: long });
      expect(res.status).toBe(400);
      expect(res.text).toContain(`aria-invalid="true" aria-describedby="err-ask-question">${long}</textarea>`);
      expect(res.text).toContain('id="err-ask-question">最多 4000 个字符。</p>');
      expect((await apiView(staff, accessA)).question).toBeNull();
    });

    it('answers a reviewer who does not hold the request with the page and why (403), and lets them take it over with a reason', async () => {
      const refused = await post(staff2, `/staff/requests/${accessA}/ask`, { question: 'Which orders?' });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('只有该申请的处理人可以执行此操作');
      expect(refused.text).toContain('>Which orders?</textarea>');
      const noReason = await post(staff2, `/staff/requests/${accessA}/take`, { reason: '' });
      expect(noReason.status).toBe(422);
      expect((await apiView(staff, accessA)).assigneeId).toBe(staff.id);
      const taken = await post(staff2, `/staff/requests/${accessA}/take`, { reason: 'Staff member is on leave' });
      expect([taken.status, taken.headers.location]).toEqual([303, `/staff/requests/${accessA}?done=taken`]);
      expect((await apiView(staff, accessA)).assigneeId).toBe(staff2.id);
      expect((await page(staff2, `/staff/requests/${accessA}?done=taken`)).text).toContain('您已接手该申请。');
    });

    it('extends a deadline with a clause and a provision that justify it; an unreadable date shows the form again with the reason kept', async () => {
      const s = await t.user(Role.Subject);
      const id = await file(s, { type: 'disclosure_log' });
      expect((await post(staff, `/staff/requests/${id}/claim`, {})).status).toBe(303);
      const form = { until: 'next week', reason: 'Waiting for the authority', clauses: '3.c', law: 'GBT35273.8.7' };
      const bad = await post(staff, `/staff/requests/${id}/extend`, form);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('aria-invalid="true" aria-describedby="err-extend-until"');
      expect(bad.text).toContain('>Waiting for the authority</textarea>');
      expect(bad.text).toMatch(/name="clauses" value="3.c" checked>/);
      // a datetime-local value, read as Beijing time as the label says
      const beijing = new Date(Date.now() + 20 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16);
      const res = await post(staff, `/staff/requests/${id}/extend`, { ...form, until: beijing });
      expect([res.status, res.headers.location]).toEqual([303, `/staff/requests/${id}?done=extended`]);
      const after = await apiView(staff, id);
      expect(new Date(after.extension.until).toISOString()).toBe(new Date(`${beijing}:00+08:00`).toISOString());
      expect(after.extension.clauses.map((c: { id: string }) => c.id)).toEqual(['3.c']);
    });

    it('names the represented person’s app account of a request filed on someone’s behalf; an unknown account is shown again with why', async () => {
      const unknown = await post(staff, `/staff/requests/${behalfC}/represented-account`, {
        appUserId: 'no-such-app-user',
        note: 'Named in the power of attorney',
      });
      expect(unknown.status).toBe(422);
      expect(unknown.text).toContain('id="msg-represented"');
      expect(unknown.text).toContain('value="no-such-app-user"');
      expect(unknown.text).toContain('>Named in the power of attorney</textarea>');
      const [{ id: appUserId }] = await t.dataSource.query(`INSERT INTO operator_app.users (display_name, email) VALUES ('被代理人', $1) RETURNING id::text`, [
        `rep${Date.now()}@demo.example`,
      ]);
      const res = await post(staff, `/staff/requests/${behalfC}/represented-account`, { appUserId, note: 'Named in the power of attorney' });
      expect([res.status, res.headers.location]).toEqual([303, `/staff/requests/${behalfC}?done=represented`]);
      expect((await apiView(staff, behalfC)).representedAccount).toMatchObject({ appUserId, namedBy: staff.id });
    });

    it('lists a failed fulfilment step with why, and runs the request again with the retry form (audited)', async () => {
      const subject = await t.user(Role.Subject, { appUser: await addAppUser(t, { email: appEmail('web-retry') }) });
      const id = await file(subject, { type: 'delete_data', categories: ['search_keywords'] });
      expect((await t.http.post(`/api/v1/staff/requests/${id}/claim`).set(bearer(staff))).status).toBe(200);
      const approved = await t.http
        .post(`/api/v1/staff/requests/${id}/decision`)
        .set(bearer(staff))
        .send({ outcome: 'approve', clauses: [], law: ['PIPL.47'] });
      expect(approved.status).toBe(200);
      // The operator's system refuses the deletion: the step fails, visibly.
      await whileDeleteRefused(t, 'operator_app.search_history', () => t.app.get(ErasureJob).run(id));
      const shown = await page(staff, `/staff/requests/${id}`);
      expect(shown.status).toBe(200);
      expect(shown.text).toMatch(/<ul id="failed-steps">\s*<li>[^<]*app_db[^<]*<code>database_error_42501<\/code>/);
      expect(shown.text).toContain(`action="/staff/requests/${id}/retry"`);
      const retried = await post(staff2, `/staff/requests/${id}/retry`, {});
      expect([retried.status, retried.headers.location]).toEqual([303, `/staff/requests/${id}?done=retried`]);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'request.fulfilment_retried' AND entity_id = $1`, [
        id,
      ]);
      expect(n).toBe(1);
      // Run again, the step succeeds and the request completes: no failed step is left to show.
      await t.app.get(ErasureJob).run(id);
      expect((await apiView(staff, id)).status).toBe('completed');
      expect((await page(staff, `/staff/requests/${id}`)).text).not.toContain('id="failed-steps"');
    });

    it('shows why a retry is refused for a request that is not being fulfilled (409)', async () => {
      const res = await post(staff2, `/staff/requests/${accessA}/retry`, {});
      expect(res.status).toBe(409);
      expect(res.text).toContain('<p class="alert" role="alert" id="msg-retry">只有正在执行的申请可以重试。</p>');
    });

    it('speaks English when the language switch says so', async () => {
      const queue = await page(staff, '/staff/requests').set('Cookie', 'dsr_lang=en');
      expect(queue.text).toContain('<h1>Request queue</h1>');
      const one = await page(staff, `/staff/requests/${behalfC}`).set('Cookie', 'dsr_lang=en');
      expect(one.status).toBe(200);
      expect(one.text).toContain('Filed on someone’s behalf');
      expect(one.text).toContain('Open the PDF');
    });

    it('approves a delete_account request citing face.retain.2, as the API records it', async () => {
      expect((await post(legal, `/staff/requests/${deleteB}/claim`, {})).status).toBe(303);
      const { version } = await apiView(legal, deleteB);
      const res = await post(legal, `/staff/requests/${deleteB}/decision`, { outcome: 'approve', clauses: 'face.retain.2', expectedVersion: String(version) });
      expect([res.status, res.headers.location]).toEqual([303, `/staff/requests/${deleteB}?done=decided`]);
      const after = await apiView(legal, deleteB);
      expect(after.decision).toMatchObject({ outcome: 'approve', clauses: [{ id: 'face.retain.2' }] });
      expect(['approved', 'fulfilling']).toContain(after.status);
      const shown = await page(legal, `/staff/requests/${deleteB}?done=decided`);
      expect(shown.text).toContain('决定已保存。');
      expect(shown.text).toContain('href="/policy/versions/1#face.retain.2"');
    });
  });
});
