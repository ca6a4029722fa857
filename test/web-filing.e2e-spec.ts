import { Role } from '../src/kernel/role';
import { MAX_UPLOAD_BYTES } from '../src/evidence';
import { jpegFile, pdfFile, pdfOfSize, pngFile } from './support/evidence-files';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The filing pages over HTTP: registration (the auth service's, with its password rule, then a web
 * session), the request types, a form per type filed through RequestsService (checked through the
 * API), CSRF, validation and refusals shown on the form, and filing on someone's behalf with proof.
 */
describe('web portal: registration and filing a request (HTTP, real PostgreSQL)', () => {
  let t: TestApp;
  let subject: TestUser;
  const HTML = { Accept: 'text/html' };

  const csrf = async (): Promise<{ cookie: string; token: string }> => {
    const res = await t.http.get('/register').set(HTML);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('dsr_csrf='));
    if (!setCookie) throw new Error('no CSRF cookie handed out');
    const cookie = setCookie.split(';')[0];
    return { cookie, token: cookie.slice('dsr_csrf='.length) };
  };

  /** A form body as a browser encodes it (a checkbox group repeats its name). */
  const encode = (fields: Record<string, string | string[]>): string => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of ([] as string[]).concat(v)) params.append(k, one);
    return params.toString();
  };

  const get = (user: TestUser | null, path: string) => {
    const req = t.http.get(path).set(HTML);
    return user ? req.set('Authorization', `Bearer ${user.token}`) : req;
  };

  /** Posts a form as `user` with this browser's CSRF token (`_csrf: null` leaves it out). */
  const post = async (user: TestUser, path: string, fields: Record<string, string | string[]>, token?: string | null) => {
    const c = await csrf();
    const body = token === null ? fields : { _csrf: token ?? c.token, ...fields };
    return t.http.post(path).set(HTML).set('Authorization', `Bearer ${user.token}`).set('Cookie', c.cookie).type('form').send(encode(body));
  };

  const filedId = (res: { status: number; headers: Record<string, string>; text: string }): string => {
    expect([res.status, res.headers.location, res.status === 303 ? '' : res.text.slice(0, 2000)]).toEqual([
      303,
      expect.stringMatching(/^\/requests\/[0-9a-f-]{36}$/),
      '',
    ]);
    return res.headers.location.slice('/requests/'.length);
  };

  const apiRequest = async (user: TestUser, id: string) => {
    const res = await t.http.get(`/api/v1/requests/${id}`).set('Authorization', `Bearer ${user.token}`);
    expect(res.status).toBe(200);
    // What the request keeps of its form (its details) is read from the database; the API shows the rest.
    const [{ details }] = await t.dataSource.query(`SELECT details FROM requests WHERE id = $1`, [id]);
    return { ...(res.body as { type: string; status: string }), details: details as Record<string, unknown> };
  };

  const requestCount = async (user: TestUser): Promise<number> => {
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM requests WHERE subject_id = $1`, [user.id]);
    return n;
  };

  const uploadCount = async (user: TestUser): Promise<number> => {
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM uploads WHERE owner_id = $1`, [user.id]);
    return n;
  };

  /** The message shown beside a field (its `aria-describedby` error paragraph). */
  const besideField = (html: string, id: string): string | null => {
    const found = new RegExp(`<p class="alert" id="${id}-error">([^<]*)</p>`).exec(html);
    return found ? found[1] : null;
  };

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: 'http://localhost:3000' });
    subject = await t.user(Role.Subject);
  });
  afterAll(() => t.close());

  describe('registration', () => {
    it('shows the form to anyone, and registers, signs in with a web session and goes on to filing', async () => {
      const form = await get(null, '/register');
      expect(form.status).toBe(200);
      expect(form.text).toContain('<html lang="zh-CN">');
      expect(form.text).toContain('action="/register"');
      const english = await t.http.get('/register').set(HTML).set('Cookie', 'dsr_lang=en');
      expect(english.text).toContain('<h1>Register</h1>');
      expect(form.text).toMatch(/<label for="password">/);
      const c = await csrf();
      const email = `new.${Date.now()}@example.com`;
      const res = await t.http
        .post('/register')
        .set(HTML)
        .set('Cookie', c.cookie)
        .type('form')
        .send(encode({ _csrf: c.token, email, password: 'a long enough passphrase', displayName: '', phone: '' }));
      expect([res.status, res.headers.location]).toEqual([303, '/new-request']);
      const session = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((x) => x.startsWith('dsr_session='));
      expect(session).toMatch(/HttpOnly/);
      const [user] = await t.dataSource.query(`SELECT id, role, locale FROM users WHERE email = $1`, [email]);
      expect(user).toMatchObject({ role: 'subject', locale: 'zh-CN' });
      const [{ kind }] = await t.dataSource.query(`SELECT kind FROM sessions WHERE user_id = $1`, [user.id]);
      expect(kind).toBe('web');
      // The new session opens the filing page.
      const next = await t.http.get('/new-request').set(HTML).set('Cookie', session!.split(';')[0]);
      expect(next.status).toBe(200);
    });

    it('refuses a weak password beside the field, keeping the email (escaped) and never the password', async () => {
      const c = await csrf();
      const email = `"><b>x</b>${Date.now()}@example.com`;
      const res = await t.http
        .post('/register')
        .set(HTML)
        .set('Cookie', c.cookie)
        .type('form')
        .send(encode({ _csrf: c.token, email: `weak.${Date.now()}@example.com`, password: 'short' }));
      expect(res.status).toBe(400);
      expect(besideField(res.text, 'password')).toBe('密码不符合要求：长度需为 10 到 200 个字符。');
      expect(res.text).toMatch(/id="password"[^>]*aria-describedby="password-hint password-error" aria-invalid="true"/);
      expect(res.text).not.toContain('value="short"');
      const common = await t.http
        .post('/register')
        .set(HTML)
        .set('Cookie', c.cookie)
        .type('form')
        .send(encode({ _csrf: c.token, email, password: 'password123' }));
      expect(common.status).toBe(400);
      expect(besideField(common.text, 'password')).toBe('密码不符合要求：这是最常见的密码之一，请换一个更难猜到的。');
      const same = await t.http
        .post('/register')
        .set(HTML)
        .set('Cookie', c.cookie)
        .type('form')
        .send(encode({ _csrf: c.token, email: 'weak.localpart@example.com', password: 'Weak.Localpart' }));
      expect(besideField(same.text, 'password')).toBe('密码不符合要求：不能是电子邮箱地址或其 @ 前的部分。');
      expect(common.text).not.toContain('<b>x</b>');
      expect(common.text).toContain('&quot;&gt;&lt;b&gt;x&lt;/b&gt;');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email LIKE 'weak.%'`);
      expect(n).toBe(0);
    });

    it('says beside the email that it is taken (409), and refuses a form without the CSRF token (403, nobody registered)', async () => {
      const c = await csrf();
      const taken = await t.http
        .post('/register')
        .set(HTML)
        .set('Cookie', c.cookie)
        .type('form')
        .send(encode({ _csrf: c.token, email: subject.email, password: 'another long passphrase' }));
      expect(taken.status).toBe(409);
      expect(besideField(taken.text, 'email')).toBe('该电子邮箱已注册。如果这是您的邮箱，请直接登录。');
      const email = `nocsrf.${Date.now()}@example.com`;
      const before = await t.tableCounts();
      const missing = await t.http
        .post('/register')
        .set(HTML)
        .set('Cookie', c.cookie)
        .type('form')
        .send(encode({ email, password: 'a long enough passphrase' }));
      expect(missing.status).toBe(403);
      const wrong = await t.http
        .post('/register')
        .set(HTML)
        .set('Cookie', c.cookie)
        .type('form')
        .send(encode({ _csrf: 'x'.repeat(43), email, password: 'a long enough passphrase' }));
      expect(wrong.status).toBe(403);
      expect(await t.tableCounts()).toEqual(before);
    });
  });

  describe('choosing a request type', () => {
    it('lists the eight types in plain words, each linking to its form; only subjects may open it', async () => {
      const res = await get(subject, '/new-request');
      expect(res.status).toBe(200);
      for (const type of ['access', 'withdraw_consent', 'delete_account', 'disclosure_log', 'correction', 'copy_transfer', 'explanation', 'delete_data']) {
        expect(res.text).toContain(`href="/new-request/${type}"`);
      }
      expect(res.text).toContain('href="/new-request/access/on-behalf"');
      expect(res.text).not.toContain('href="/new-request/withdraw_consent/on-behalf"');
      expect(res.text).toContain('您可以查阅我们持有的关于您的个人信息');
      const english = await get(subject, '/new-request').set('Cookie', 'dsr_lang=en');
      expect(english.text).toContain('<h1>File a new request</h1>');
      const staff = await t.user(Role.Staff);
      expect((await get(staff, '/new-request')).status).toBe(403);
      expect((await get(staff, '/new-request/access')).status).toBe(403);
      const anonymous = await get(null, '/new-request');
      expect(anonymous.status).toBe(401);
      expect(anonymous.text).toContain('action="/login"');
    });

    it('answers 404 for a type that does not exist, and for a withdrawal filed for someone else', async () => {
      expect((await get(subject, '/new-request/everything')).status).toBe(404);
      expect((await get(subject, '/new-request/withdraw_consent/on-behalf')).status).toBe(404);
      expect((await post(subject, '/new-request/everything', {})).status).toBe(404);
    });

    it('renders every form, with the CSRF field and a label for every input', async () => {
      for (const path of [
        'access',
        'disclosure_log',
        'explanation',
        'delete_data',
        'correction',
        'copy_transfer',
        'withdraw_consent',
        'delete_account',
        'access/on-behalf',
        'correction/on-behalf',
      ]) {
        const res = await get(subject, `/new-request/${path}`);
        expect([path, res.status]).toEqual([path, 200]);
        expect(res.text).toContain('name="_csrf"');
        for (const [, id] of res.text.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g))
          expect([path, res.text.includes(`<label for="${id}">`)]).toEqual([path, true]);
      }
      const behalf = await get(subject, '/new-request/access/on-behalf');
      expect(behalf.text).toContain('enctype="multipart/form-data"');
      expect(behalf.text).toContain('name="onBehalfOf.evidence" type="file"');
    });
  });

  describe('filing, one form per type', () => {
    let filer: TestUser;
    beforeAll(async () => {
      filer = await t.user(Role.Subject);
    });

    it('files access (with a note) and disclosure_log, each reaching its request page', async () => {
      const access = filedId(await post(filer, '/new-request/access', { note: '请一并说明来源' }));
      expect(await apiRequest(filer, access)).toMatchObject({ type: 'access', status: 'submitted', details: { note: '请一并说明来源' } });
      const page = await get(filer, `/requests/${access}`);
      expect(page.status).toBe(200);
      const log = filedId(await post(filer, '/new-request/disclosure_log', { note: '' }));
      const view = await apiRequest(filer, log);
      expect(view).toMatchObject({ type: 'disclosure_log', status: 'submitted' });
      expect(view.details.note).toBeUndefined();
    });

    it('files an explanation with its question', async () => {
      const id = filedId(await post(filer, '/new-request/explanation', { question: '人脸信息保存多久？' }));
      expect(await apiRequest(filer, id)).toMatchObject({ type: 'explanation', details: { question: '人脸信息保存多久？' } });
    });

    it('files delete_data with the categories ticked', async () => {
      const id = filedId(await post(filer, '/new-request/delete_data', { categories: ['search_keywords', 'published_content'] }));
      expect(await apiRequest(filer, id)).toMatchObject({ type: 'delete_data', details: { categories: ['search_keywords', 'published_content'] } });
    });

    it('files a correction from the rows filled in, leaving the empty row out', async () => {
      const id = filedId(
        await post(filer, '/new-request/correction', {
          'items.0.target': 'account/display_name',
          'items.0.currentValue': '张三',
          'items.0.correctedValue': '张山',
          'items.0.explanation': '名字写错了',
          'items.1.target': '',
          'items.1.currentValue': '',
          'items.1.correctedValue': '',
          'items.1.explanation': '',
          'items.2.target': 'account/display_name',
          'items.2.correctedValue': 'Zhang Shan',
          'items.2.explanation': 'the Latin spelling',
        }),
      );
      expect((await apiRequest(filer, id)).details.items).toEqual([
        { category: 'account', field: 'display_name', currentValue: '张三', correctedValue: '张山', explanation: '名字写错了' },
        { category: 'account', field: 'display_name', correctedValue: 'Zhang Shan', explanation: 'the Latin spelling' },
      ]);
    });

    it('files copy_transfer with its format and the handler to send it to', async () => {
      const id = filedId(
        await post(filer, '/new-request/copy_transfer', { format: 'csv', 'sendTo.name': '另一家公司', 'sendTo.endpoint': 'https://8.8.8.8/inbox' }),
      );
      expect((await apiRequest(filer, id)).details).toEqual({ format: 'csv', sendTo: { name: '另一家公司', endpoint: 'https://8.8.8.8/inbox' } });
    });

    it('files withdraw_consent (decided at once); face_basic needs the confirmation that names the other way to verify', async () => {
      const form = await get(filer, '/new-request/withdraw_consent');
      expect(form.text).toContain('value="marketing"');
      expect(form.text).toContain('账户密码加发送至您登记的手机号码或电子邮箱的一次性验证码');
      // Each purpose with its clause, linked to its text.
      expect(form.text).toMatch(/<a class="cite" href="\/policy\/versions\/\d+#[^"]+">/);
      const face = await post(filer, '/new-request/withdraw_consent', { purposes: ['face_basic', 'marketing'] });
      expect(face.status).toBe(422);
      expect(besideField(face.text, 'confirmFaceBasic')).toContain('一次性验证码');
      expect(face.text).toMatch(/value="marketing" checked/);
      const id = filedId(await post(filer, '/new-request/withdraw_consent', { purposes: ['face_basic', 'marketing'], confirmFaceBasic: 'true' }));
      expect(await apiRequest(filer, id)).toMatchObject({
        type: 'withdraw_consent',
        status: 'completed',
        details: { purposes: ['face_basic', 'marketing'], confirmFaceBasic: true },
      });
    });

    it('says a second open request of a type is refused (409), linking to the open one', async () => {
      const res = await post(filer, '/new-request/access', {});
      expect(res.status).toBe(409);
      expect(res.text).toMatch(/<a href="\/requests\/[0-9a-f-]{36}">/);
    });

    it('files delete_account with the password again; a wrong one is refused beside the field', async () => {
      const before = await requestCount(filer);
      const wrong = await post(filer, '/new-request/delete_account', { password: 'not my password' });
      expect(wrong.status).toBe(403);
      expect(besideField(wrong.text, 'password')).toBe('密码不正确。');
      expect(wrong.text).not.toContain('not my password');
      expect(await requestCount(filer)).toBe(before);
      const id = filedId(await post(filer, '/new-request/delete_account', { password: filer.password }));
      const view = await apiRequest(filer, id);
      expect(view).toMatchObject({ type: 'delete_account', status: 'submitted' });
      expect(JSON.stringify(view)).not.toContain(filer.password);
    });
  });

  describe('refusals shown on the form', () => {
    it('refuses a form without the CSRF token or with another one: 403 and nothing filed', async () => {
      const before = await t.tableCounts();
      expect((await post(subject, '/new-request/explanation', { question: 'q' }, null)).status).toBe(403);
      expect((await post(subject, '/new-request/explanation', { question: 'q' }, 'A'.repeat(43))).status).toBe(403);
      expect((await post(subject, '/new-request/access/on-behalf', { 'onBehalfOf.relation': 'agent', 'onBehalfOf.name': 'x' }, null)).status).toBe(403);
      expect(await t.tableCounts()).toEqual(before);
    });

    it('shows a validation problem beside its field with the input kept (escaped), status 400, nothing filed', async () => {
      const before = await requestCount(subject);
      const note = '<script>alert(1)</script> 我的说明';
      const res = await post(subject, '/new-request/explanation', { question: '', note });
      expect(res.status).toBe(400);
      expect(besideField(res.text, 'question')).toBe('请填写此项。');
      expect(res.text).toMatch(/<textarea id="question"[^>]*aria-describedby="question-error" aria-invalid="true">/);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; 我的说明</textarea>');
      const long = await post(subject, '/new-request/access', { note: 'x'.repeat(2001) });
      expect(long.status).toBe(400);
      expect(besideField(long.text, 'note')).toBe('最多 2000 个字符。');
      // The row of the form the problem is in, not the index among the rows filled in.
      const row = await post(subject, '/new-request/correction', { 'items.1.target': 'account/display_name', 'items.1.explanation': '错了' });
      expect(row.status).toBe(400);
      expect(besideField(row.text, 'items-1-correctedValue')).toBe('请填写此项。');
      expect(row.text).toMatch(/<option value="account\/display_name" selected>/);
      const none = await post(subject, '/new-request/delete_data', {});
      expect(none.status).toBe(400);
      expect(besideField(none.text, 'categories')).toBe('请至少选择一项。');
      const endpoint = await post(subject, '/new-request/copy_transfer', { format: 'json', 'sendTo.name': 'X', 'sendTo.endpoint': 'http://8.8.8.8/inbox' });
      expect(endpoint.status).toBe(422);
      expect(besideField(endpoint.text, 'sendTo-endpoint')).toContain('https://');
      expect(await requestCount(subject)).toBe(before);
    });

    it('tells a subject not yet linked to the app account to link it first (422)', async () => {
      const unlinked = await t.user(Role.Subject, { linked: false });
      const res = await post(unlinked, '/new-request/access', {});
      expect(res.status).toBe(422);
      expect(res.text).toContain('您需要先将本账号与您的应用账号关联');
      expect(await requestCount(unlinked)).toBe(0);
    });

    it('files nothing for someone else without proof: the form again with the 422 beside the file field, input kept', async () => {
      const res = await post(subject, '/new-request/access/on-behalf', { 'onBehalfOf.relation': 'agent', 'onBehalfOf.name': '李四', note: '授权书随后补交' });
      expect(res.status).toBe(422);
      expect(besideField(res.text, 'onBehalfOf-evidence')).toBe('代他人申请需要上传证明材料（PDF、JPEG 或 PNG）。');
      expect(res.text).toContain('value="李四"');
      expect(res.text).toMatch(/<option value="agent" selected>/);
      expect(res.text).toContain('授权书随后补交</textarea>');
    });
  });

  describe('filing on someone else’s behalf, with proof (multipart)', () => {
    let guardian: TestUser;
    beforeAll(async () => {
      guardian = await t.user(Role.Subject, { linked: false });
    });

    const multipart = async (
      user: TestUser,
      path: string,
      fields: Record<string, string>,
      file: { content: Buffer; contentType: string } | null,
      token?: string,
    ) => {
      const c = await csrf();
      let req = t.http.post(path).set(HTML).set('Authorization', `Bearer ${user.token}`).set('Cookie', c.cookie);
      req = req.field('_csrf', token ?? c.token);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      if (file) req = req.attach('onBehalfOf.evidence', file.content, { filename: 'proof.pdf', contentType: file.contentType });
      return req;
    };
    const childBorn = new Date(Date.now() - 6 * 365 * 86_400_000).toISOString().slice(0, 10);

    it('files as a guardian with a PDF: the upload is checked and attached to the request', async () => {
      const id = filedId(
        await multipart(
          guardian,
          '/new-request/delete_data/on-behalf',
          { 'onBehalfOf.relation': 'guardian', 'onBehalfOf.name': '小明', 'onBehalfOf.dateOfBirth': childBorn, categories: 'search_keywords' },
          { content: pdfFile('guardianship'), contentType: 'application/pdf' },
        ),
      );
      const view = await apiRequest(guardian, id);
      expect(view).toMatchObject({
        type: 'delete_data',
        details: { categories: ['search_keywords'], onBehalfOf: { relation: 'guardian', name: '小明', dateOfBirth: childBorn } },
      });
      const uploads = await t.dataSource.query(`SELECT kind, request_id FROM uploads WHERE owner_id = $1`, [guardian.id]);
      expect(uploads).toEqual([{ kind: 'pdf', request_id: id }]);
    });

    it('refuses a file that is not what it says (a PNG sent as a PDF, a JPEG as a PNG): the form again, nothing stored', async () => {
      const [requests, uploads] = [await requestCount(guardian), await uploadCount(guardian)];
      const png = await multipart(
        guardian,
        '/new-request/access/on-behalf',
        { 'onBehalfOf.relation': 'agent', 'onBehalfOf.name': '王五', 'onBehalfOf.statement': '授权查阅' },
        { content: pngFile(), contentType: 'application/pdf' },
      );
      expect(png.status).toBe(415);
      expect(besideField(png.text, 'onBehalfOf-evidence')).toContain('文件与其声明的类型不符');
      expect(png.text).toContain('value="王五"');
      const jpeg = await multipart(
        guardian,
        '/new-request/access/on-behalf',
        { 'onBehalfOf.relation': 'agent', 'onBehalfOf.name': '王五' },
        { content: jpegFile(), contentType: 'image/png' },
      );
      expect(jpeg.status).toBe(415);
      const text = await multipart(
        guardian,
        '/new-request/access/on-behalf',
        { 'onBehalfOf.relation': 'agent', 'onBehalfOf.name': '王五' },
        {
          content: Buffer.from('not a document at all'),
          contentType: 'application/pdf',
        },
      );
      expect(text.status).toBe(415);
      expect([await requestCount(guardian), await uploadCount(guardian)]).toEqual([requests, uploads]);
    });

    it('refuses a file over 10 MiB (413) and stores nothing', async () => {
      const before = await t.tableCounts();
      const res = await multipart(
        guardian,
        '/new-request/access/on-behalf',
        { 'onBehalfOf.relation': 'agent', 'onBehalfOf.name': '王五' },
        {
          content: pdfOfSize(MAX_UPLOAD_BYTES + 1),
          contentType: 'application/pdf',
        },
      );
      expect(res.status).toBe(413);
      expect(await t.tableCounts()).toEqual(before);
    });

    it('checks the CSRF token of a multipart form before storing anything (403)', async () => {
      const before = await t.tableCounts();
      const res = await multipart(
        guardian,
        '/new-request/access/on-behalf',
        { 'onBehalfOf.relation': 'agent', 'onBehalfOf.name': '王五' },
        { content: pdfFile(), contentType: 'application/pdf' },
        'B'.repeat(43),
      );
      expect(res.status).toBe(403);
      expect(await t.tableCounts()).toEqual(before);
    });

    it("refuses a guardian's filing for someone 14 or older beside the date of birth (422), keeping the input", async () => {
      const res = await multipart(
        guardian,
        '/new-request/explanation/on-behalf',
        { 'onBehalfOf.relation': 'guardian', 'onBehalfOf.name': '大明', 'onBehalfOf.dateOfBirth': '2000-01-01', question: '为什么？' },
        { content: pdfFile(), contentType: 'application/pdf' },
      );
      expect(res.status).toBe(422);
      expect(besideField(res.text, 'onBehalfOf-dateOfBirth')).toContain('14');
      expect(res.text).toContain('为什么？</textarea>');
    });

    it('still refuses multipart bodies anywhere else (415)', async () => {
      const c = await csrf();
      const res = await t.http
        .post('/new-request/access')
        .set(HTML)
        .set('Authorization', `Bearer ${guardian.token}`)
        .set('Cookie', c.cookie)
        .field('_csrf', c.token);
      expect(res.status).toBe(415);
    });
  });
});
