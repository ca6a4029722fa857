import request from 'supertest';
import type { Response } from 'supertest';
import { IdentityService, identityNotVerified } from '../src/identity';
import { Role } from '../src/kernel/role';
import {
  addAppUser,
  appEmail,
  appPhone,
  codeIn,
  ensureOperatorUsers,
  type PortalProcess,
  smsCommandPeer,
  type SmsCommandPeer,
  startPortalProcess,
} from './support/identity-link';
import { SmtpPeer, startSmtpPeer } from './support/smtp-peer';
import { createTestApp, TestApp, TestUser } from './support/test-app';

interface AuditRow {
  action: string;
  actor_id: string | null;
  subject_ref: string | null;
  data: Record<string, unknown>;
}

const GATEWAY_DOMAIN = 'sms.gateway.test';
const MAIL_FROM = '"隐私保护团队" <privacy@example.cn>';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * The link between a portal account and the app's account (src/identity), on the real application
 * with a real SMTP server: codes by e-mail and through an e-mail-to-SMS gateway here, through an
 * SMS command in a portal process of its own (its settings differ) at the end. Time moves by
 * moving the stored times (expiry, lock, send window) back.
 */
describe('identity link: a code sent to the contact the operator holds proves the app account (HTTP, real PostgreSQL, real SMTP)', () => {
  let t: TestApp;
  let peer: SmtpPeer;

  beforeAll(async () => {
    peer = await startSmtpPeer();
    t = await createTestApp({
      SMTP_URL: peer.url,
      MAIL_FROM,
      OPERATOR_NAME: '示例应用',
      SMS_SENDER: 'smtp-gateway',
      SMS_GATEWAY_DOMAIN: GATEWAY_DOMAIN,
    });
    await ensureOperatorUsers(t);
  });
  afterAll(async () => {
    await t?.close();
    await peer?.close();
  });
  beforeEach(() => peer.reset());

  /** A data subject not linked yet (the harness links new subjects unless told not to). */
  const subject = () => t.user(Role.Subject, { linked: false });
  const bearer = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const link = (u: TestUser, body: object) => t.http.post('/api/v1/identity/link').set(bearer(u)).send(body);
  const confirm = (u: TestUser, code: unknown) => t.http.post('/api/v1/identity/link/confirm').set(bearer(u)).send({ code });
  const me = async (u: TestUser) => (await t.http.get('/api/v1/me').set(bearer(u))).body;
  const auditOf = (u: TestUser): Promise<AuditRow[]> =>
    t.dataSource.query(`SELECT action, actor_id, subject_ref, data FROM audit_events WHERE entity_id = $1 AND action LIKE 'identity.%' ORDER BY n`, [u.id]);
  const challengeOf = async (u: TestUser) =>
    (
      await t.dataSource.query(
        `SELECT channel, app_user_ref, code_hash, wrong_tries, locked_until, sends_in_window, extract(epoch FROM expires_at - now()) AS ttl
         FROM identity_challenges WHERE subject_id = $1`,
        [u.id],
      )
    )[0];
  const mailsTo = (address: string) => peer.received.filter((m) => m.to.includes(address));
  /** Waits for the mail to `address` (one, unless told), and a little longer, so that a second would have come too. */
  const mailFor = async (address: string, n = 1) => {
    for (let i = 0; i < 300 && mailsTo(address).length < n; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    return mailsTo(address);
  };
  /** Sends a code for a known e-mail contact and reads it from the mail. */
  const codeFor = async (u: TestUser, email: string): Promise<string> => {
    const before = mailsTo(email).length;
    expect((await link(u, { channel: 'email', address: email })).status).toBe(202);
    const mails = await mailFor(email, before + 1);
    return codeIn(mails[mails.length - 1].text);
  };
  /** A six-digit code that is not `code`. */
  const otherThan = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('answers a known and an unknown contact alike; only the known one gets a code, at the address the records hold', async () => {
    const known = appEmail('user1');
    await addAppUser(t, { email: known });
    const [alice, bob] = [await subject(), await subject()];
    const typed = known.replace('user1', 'User1').replace('@demo.example', '@Demo.Example');

    const toKnown = await link(alice, { channel: 'email', address: typed });
    const toUnknown = await link(bob, { channel: 'email', address: appEmail('nobody') });

    expect([toKnown.status, toUnknown.status]).toEqual([202, 202]);
    expect(Object.keys(toKnown.body).sort()).toEqual(['expiresAt', 'status']);
    expect({ ...toKnown.body, expiresAt: 'x' }).toEqual({ ...toUnknown.body, expiresAt: 'x' });
    expect(toKnown.body).toEqual({ status: 'sent_if_known', expiresAt: expect.stringMatching(ISO) });
    for (const res of [toKnown, toUnknown]) {
      const minutes = (Date.parse(res.body.expiresAt) - Date.now()) / 60_000;
      expect(minutes).toBeGreaterThan(9.5);
      expect(minutes).toBeLessThanOrEqual(10);
    }

    const mails = await mailFor(known);
    expect(peer.received).toHaveLength(1);
    const [mail] = mails;
    // To the address as the records hold it, not as typed.
    expect(mail.to).toEqual([known]);
    expect(mail.headers.to).toContain(known);
    expect(mail.headers.to).not.toContain('User1');
    expect(mail.from).toBe('privacy@example.cn');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.subject).toBe('账号关联验证码 / Account link verification code');
    const code = codeIn(mail.text);
    expect(mail.text.indexOf(`您的验证码是：${code}`)).toBeGreaterThanOrEqual(0);
    expect(mail.text.indexOf(`Your verification code is: ${code}`)).toBeGreaterThan(mail.text.indexOf('您的验证码是'));
    expect(mail.text).toContain('10 分钟内有效');
    expect(mail.text).toContain('valid for 10 minutes');
    expect(mail.text).toContain('请忽略本邮件');
    expect(mail.text).toContain('you can ignore this message');
    expect(mail.text).toContain('示例应用');

    // Both challenges are written, with a hash only: the unknown one matches no app user.
    const [stored, storedUnknown] = [await challengeOf(alice), await challengeOf(bob)];
    expect(stored).toMatchObject({ channel: 'email', app_user_ref: expect.stringMatching(/^\d+$/), wrong_tries: 0, locked_until: null, sends_in_window: 1 });
    expect(storedUnknown).toMatchObject({ channel: 'email', app_user_ref: null, wrong_tries: 0, sends_in_window: 1 });
    for (const row of [stored, storedUnknown]) {
      expect(row.code_hash).toHaveLength(32);
      expect(row.code_hash.toString('latin1')).not.toContain(code);
      expect(row.code_hash.toString('hex')).not.toContain(Buffer.from(code).toString('hex'));
    }

    // Both sends are audited the same way, apart from the outcome only the operator sees.
    expect((await auditOf(alice)).map((r) => [r.action, r.data])).toEqual([
      ['identity.code_sent', { channel: 'email', outcome: 'code_sent', sendsInWindow: 1 }],
    ]);
    expect((await auditOf(bob)).map((r) => [r.action, r.data])).toEqual([['identity.code_sent', { channel: 'email', outcome: 'no_match', sendsInWindow: 1 }]]);
  });

  it('answers without waiting for the mail server (how long it takes does not tell that an app user has the contact)', async () => {
    const known = appEmail('slow');
    await addAppUser(t, { email: known });
    const u = await subject();
    peer.delayMs = 5000;
    const started = Date.now();
    const res = await link(u, { channel: 'email', address: known });
    const took = Date.now() - started;
    expect(res.status).toBe(202);
    expect(took).toBeLessThan(3500);
    expect(await mailFor(known)).toHaveLength(1);
  });

  it('sends nothing for a disabled app user, and answers the same', async () => {
    const disabled = appEmail('disabled');
    await addAppUser(t, { email: disabled, disabled: true });
    const u = await subject();
    const res = await link(u, { channel: 'email', address: disabled });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('sent_if_known');
    // A code for a known contact sent after it arrives, and still nothing for the disabled one.
    const enabled = appEmail('enabled');
    await addAppUser(t, { email: enabled });
    expect((await link(await subject(), { channel: 'email', address: enabled })).status).toBe(202);
    expect(await mailFor(enabled)).toHaveLength(1);
    expect(mailsTo(disabled)).toHaveLength(0);
    expect((await challengeOf(u)).app_user_ref).toBeNull();
  });

  it('links with the mailed code: /me shows it, linkOf returns it, and the audit trail holds neither the address nor the code', async () => {
    const email = appEmail('linker');
    const appUserId = await addAppUser(t, { email });
    const u = await subject();
    expect((await me(u)).identity).toEqual({ linked: false, linkedAt: null });
    expect(await t.app.get(IdentityService).linkOf(u.id)).toBeNull();

    const code = await codeFor(u, email);
    const res = await confirm(u, code);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ linked: true, linkedAt: expect.stringMatching(ISO) });

    expect((await me(u)).identity).toEqual({ linked: true, linkedAt: res.body.linkedAt });
    expect(await t.app.get(IdentityService).linkOf(u.id)).toEqual({ appUserId, channel: 'email', linkedAt: new Date(res.body.linkedAt) });
    const [row] = await t.dataSource.query(`SELECT app_user_ref, channel FROM identity_links WHERE subject_id = $1`, [u.id]);
    expect(row).toEqual({ app_user_ref: appUserId, channel: 'email' });
    expect(await challengeOf(u)).toBeUndefined();

    const events = await auditOf(u);
    expect(events.map((e) => e.action)).toEqual(['identity.code_sent', 'identity.linked']);
    for (const e of events) {
      expect(e.actor_id).toBe(u.id);
      expect(e.subject_ref).toBe(u.subjectRef);
      const text = JSON.stringify(e.data);
      for (const secret of [email, email.split('@')[0], code]) expect(text).not.toContain(secret);
    }
    expect(events[1].data).toEqual({ channel: 'email' });

    // Linked: no other code is sent to this account.
    const again = await link(u, { channel: 'email', address: email });
    expect([again.status, again.body.code, again.body.linkedAt]).toEqual([409, 'already_linked', res.body.linkedAt]);
    // Staff accounts are never linked; their /me says so too.
    expect((await me(await t.user(Role.Staff))).identity).toEqual({ linked: false, linkedAt: null });
  });

  it('counts wrong codes down, locks after the fifth for 15 minutes (even the right code), and unlocks after', async () => {
    const email = appEmail('guesser');
    await addAppUser(t, { email });
    const u = await subject();
    const code = await codeFor(u, email);
    const wrong = otherThan(code);

    for (const attemptsLeft of [4, 3, 2, 1]) {
      const res = await confirm(u, wrong);
      expect([res.status, res.body.code, res.body.attemptsLeft]).toEqual([422, 'wrong_code', attemptsLeft]);
    }
    const fifth = await confirm(u, wrong);
    expect([fifth.status, fifth.body.code]).toEqual([429, 'link_locked']);
    expect(fifth.body.lockedUntil).toMatch(ISO);
    expect(Math.round((Date.parse(fifth.body.lockedUntil) - Date.now()) / 60_000)).toBe(15);
    expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(fifth.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);

    const right = await confirm(u, code);
    expect([right.status, right.body.code, right.body.lockedUntil]).toEqual([429, 'link_locked', fifth.body.lockedUntil]);
    expect(right.headers['retry-after']).toMatch(/^\d+$/);
    expect((await me(u)).identity.linked).toBe(false);

    const events = await auditOf(u);
    expect(events.map((e) => [e.action, e.data])).toEqual([
      ['identity.code_sent', { channel: 'email', outcome: 'code_sent', sendsInWindow: 1 }],
      ...[4, 3, 2, 1, 0].map((attemptsLeft) => ['identity.code_wrong', { channel: 'email', attemptsLeft }]),
      ['identity.link_locked', { channel: 'email', wrongTries: 5, lockMinutes: 15 }],
    ]);

    // Fifteen minutes later (the lock moved into the past), the code still pending works.
    await t.asOwner((m) => m.query(`UPDATE identity_challenges SET locked_until = now() - interval '1 second' WHERE subject_id = $1`, [u.id]));
    const after = await confirm(u, code);
    expect(after.status).toBe(200);
    expect((await me(u)).identity.linked).toBe(true);
  });

  it('does not give new guesses with a new code: the count goes on across codes', async () => {
    const email = appEmail('resender');
    await addAppUser(t, { email });
    const u = await subject();
    const first = await codeFor(u, email);
    for (const attemptsLeft of [4, 3]) expect((await confirm(u, otherThan(first))).body.attemptsLeft).toBe(attemptsLeft);
    const second = await codeFor(u, email);
    // The first code was replaced.
    if (first !== second) expect((await confirm(u, first)).body).toMatchObject({ code: 'wrong_code', attemptsLeft: 2 });
    else expect((await confirm(u, otherThan(second))).body).toMatchObject({ code: 'wrong_code', attemptsLeft: 2 });
    expect((await confirm(u, second)).status).toBe(200);
  });

  it('refuses an expired code with the answer given when no code was sent at all, and counts nothing', async () => {
    const email = appEmail('late');
    await addAppUser(t, { email });
    const [u, never] = [await subject(), await subject()];
    const code = await codeFor(u, email);
    await t.asOwner((m) => m.query(`UPDATE identity_challenges SET expires_at = now() - interval '1 second' WHERE subject_id = $1`, [u.id]));

    const expired = await confirm(u, code);
    const none = await confirm(never, code);
    expect([expired.status, expired.body.code]).toEqual([422, 'no_pending_code']);
    expect(expired.body).toEqual(none.body);
    expect(expired.body.link).toBe('/api/v1/identity/link');
    expect((await challengeOf(u)).wrong_tries).toBe(0);
    expect((await auditOf(u)).map((e) => e.action)).toEqual(['identity.code_sent']);
  });

  it('takes a code once, also when two confirmations of it arrive together', async () => {
    const email = appEmail('twice');
    await addAppUser(t, { email });
    const u = await subject();
    const code = await codeFor(u, email);

    const answers = await Promise.all([confirm(u, code), confirm(u, code)]);
    const byStatus = [...answers].sort((a, b) => a.status - b.status);
    expect(byStatus.map((r) => [r.status, r.body.code ?? null])).toEqual([
      [200, null],
      [422, 'no_pending_code'],
    ]);
    expect((await confirm(u, code)).body.code).toBe('no_pending_code');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM identity_links WHERE subject_id = $1`, [u.id]);
    expect(n).toBe(1);
    expect((await auditOf(u)).filter((e) => e.action === 'identity.linked')).toHaveLength(1);
  });

  it('sends at most 5 codes an hour per account (429 too_many_codes with Retry-After), known contact or not', async () => {
    const email = appEmail('spammed');
    await addAppUser(t, { email });
    const [u, other] = [await subject(), await subject()];
    for (let i = 0; i < 5; i++) expect((await link(u, { channel: 'email', address: email })).status).toBe(202);
    const hashBefore = (await challengeOf(u)).code_hash as Buffer;

    const sixth = await link(u, { channel: 'email', address: email });
    expect([sixth.status, sixth.body.code]).toEqual([429, 'too_many_codes']);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(59 * 60);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(60 * 60);
    expect(sixth.body.retryAt).toMatch(ISO);
    // An unknown contact is refused the same way: the allowance is the account's.
    expect((await link(u, { channel: 'email', address: appEmail('nobody') })).body.code).toBe('too_many_codes');
    expect(await mailFor(email, 5)).toHaveLength(5);
    expect((await challengeOf(u)).code_hash.equals(hashBefore)).toBe(true);
    expect((await auditOf(u)).filter((e) => e.action === 'identity.code_sent')).toHaveLength(5);
    // Another account has its own allowance.
    expect((await link(other, { channel: 'email', address: email })).status).toBe(202);

    // An hour later the allowance is whole again.
    await t.asOwner((m) =>
      m.query(`UPDATE identity_challenges SET sends_window_start = sends_window_start - interval '61 minutes' WHERE subject_id = $1`, [u.id]),
    );
    expect((await link(u, { channel: 'email', address: email })).status).toBe(202);
    expect((await challengeOf(u)).sends_in_window).toBe(1);
    // The codes of the last two sends arrive before the next test starts counting.
    expect(await mailFor(email, 7)).toHaveLength(7);
  });

  it('sends a phone code through the e-mail-to-SMS gateway, to the number the records hold, and links with it', async () => {
    const phone = appPhone();
    const appUserId = await addAppUser(t, { phone });
    const u = await subject();
    const national = phone.slice(3);
    const typed = `${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`;

    const res = await link(u, { channel: 'phone', address: typed });
    expect([res.status, res.body.status]).toEqual([202, 'sent_if_known']);
    const gatewayAddress = `${phone.slice(1)}@${GATEWAY_DOMAIN}`;
    const [text] = await mailFor(gatewayAddress);
    expect(peer.received).toHaveLength(1);
    expect(text.to).toEqual([gatewayAddress]);
    const code = codeIn(text.text);
    expect(text.text).toContain(`验证码 ${code}`);
    expect(text.text).toContain(`Code ${code}`);
    expect(text.text.indexOf('验证码')).toBeLessThan(text.text.indexOf('Code'));

    const done = await confirm(u, code);
    expect(done.status).toBe(200);
    expect(await t.app.get(IdentityService).linkOf(u.id)).toMatchObject({ appUserId, channel: 'phone' });
    expect((await auditOf(u)).map((e) => e.data.channel)).toEqual(['phone', 'phone']);
    for (const e of await auditOf(u)) for (const secret of [national, code]) expect(JSON.stringify(e.data)).not.toContain(secret);
  });

  it('links an app user to one portal account only: another account that proves the contact gets 409', async () => {
    const email = appEmail('shared');
    const appUserId = await addAppUser(t, { email });
    const [first, second] = [await subject(), await subject()];
    expect((await confirm(first, await codeFor(first, email))).status).toBe(200);

    const code = await codeFor(second, email);
    const res = await confirm(second, code);
    expect([res.status, res.body.code]).toEqual([409, 'already_linked_elsewhere']);
    // The code is used up, and the first link stands.
    expect((await confirm(second, code)).body.code).toBe('no_pending_code');
    expect((await me(second)).identity.linked).toBe(false);
    const links = await t.dataSource.query(`SELECT subject_id FROM identity_links WHERE app_user_ref = $1`, [appUserId]);
    expect(links).toEqual([{ subject_id: first.id }]);
    expect((await auditOf(second)).map((e) => [e.action, e.data])).toEqual([
      ['identity.code_sent', { channel: 'email', outcome: 'code_sent', sendsInWindow: 1 }],
      ['identity.link_refused', { channel: 'email', outcome: 'already_linked_elsewhere' }],
    ]);
  });

  it('refuses malformed bodies with 400 naming the field, and writes nothing', async () => {
    const u = await subject();
    const before = await t.tableCounts();
    const bad: [string, object][] = [
      ['channel', { channel: 'fax', address: appEmail('x') }],
      ['channel', { address: appEmail('x') }],
      ['address', { channel: 'email' }],
      ['address', { channel: 'email', address: 'not an address' }],
      ['address', { channel: 'email', address: `${'a'.repeat(250)}@demo.example` }],
      ['address', { channel: 'email', address: 42 }],
      ['address', { channel: 'email', address: '+8613912345678' }],
      ['address', { channel: 'phone', address: '1391234567' }],
      ['address', { channel: 'phone', address: '+85213912345678' }],
      ['address', { channel: 'phone', address: appEmail('x') }],
      ['subjectId', { channel: 'email', address: appEmail('x'), subjectId: u.id }],
    ];
    for (const [field, body] of bad) {
      const res = await link(u, body);
      expect([JSON.stringify(body), res.status, res.body.code]).toEqual([JSON.stringify(body), 400, 'validation_failed']);
      expect(JSON.stringify(res.body.errors)).toContain(field);
    }
    for (const code of ['12345', '1234567', 'abcdef', 123456, null, ' 12345', '１２３４５６']) {
      const res = await confirm(u, code);
      expect([code, res.status, res.body.code]).toEqual([code, 400, 'validation_failed']);
    }
    const extra = await t.http.post('/api/v1/identity/link/confirm').set(bearer(u)).send({ code: '123456', channel: 'email' });
    expect([extra.status, extra.body.code]).toEqual([400, 'validation_failed']);
    expect(await t.tableCounts()).toEqual(before);
  });

  it('is for data subjects only: staff, legal and admin get 403, and nobody signed in 401', async () => {
    for (const role of [Role.Staff, Role.Legal, Role.Admin]) {
      const u = await t.user(role);
      const answers = [await link(u, { channel: 'email', address: appEmail('x') }), await confirm(u, '123456')];
      expect(answers.map((r: Response) => [role, r.status, r.body.code])).toEqual([
        [role, 403, 'not_allowed'],
        [role, 403, 'not_allowed'],
      ]);
    }
    expect((await t.http.post('/api/v1/identity/link').send({ channel: 'email', address: appEmail('x') })).status).toBe(401);
    expect((await t.http.post('/api/v1/identity/link/confirm').send({ code: '123456' })).status).toBe(401);
  });

  it('is documented with what it answers', async () => {
    const doc = (await t.http.get('/api/docs-json')).body;
    const answer = (path: string, status: string) => JSON.stringify(doc.paths[path].post.responses[status]);
    expect(answer('/api/v1/identity/link', '202')).toContain('#/components/schemas/LinkSentView');
    expect(answer('/api/v1/identity/link/confirm', '200')).toContain('#/components/schemas/LinkedView');
    expect(doc.components.schemas.LinkSentView).toMatchObject({
      required: expect.arrayContaining(['status', 'expiresAt']),
      properties: { status: { enum: ['sent_if_known'] }, expiresAt: { type: 'string' } },
    });
    expect(doc.components.schemas.LinkDto.properties).toMatchObject({ channel: { enum: ['email', 'phone'] }, address: { type: 'string', maxLength: 254 } });
    expect(doc.components.schemas.ConfirmLinkDto.properties.code).toMatchObject({ type: 'string', pattern: '^\\d{6}$' });
  });

  it('offers other capabilities the refusal for a subject not linked yet, naming the route', () => {
    const refusal = identityNotVerified();
    expect(refusal).toMatchObject({ kind: 'unprocessable', code: 'identity_not_verified', details: { link: '/api/v1/identity/link' } });
    expect(refusal.message).toContain('POST /api/v1/identity/link');
  });

  describe('with SMS_SENDER=command and no SMTP_URL (a portal process of its own, on the same database)', () => {
    let sms: SmsCommandPeer;
    let portal: PortalProcess;

    beforeAll(async () => {
      sms = smsCommandPeer();
      portal = await startPortalProcess({ ...t.databaseEnv, SMS_SENDER: 'command', SMS_COMMAND: sms.path, OPERATOR_NAME: '示例应用' });
    }, 240_000);
    afterAll(async () => {
      await portal?.stop();
      sms?.remove();
    });

    const signIn = async (u: TestUser) => {
      const res = await request(portal.base).post('/api/v1/auth/login').send({ email: u.email, password: u.password });
      expect(res.status).toBe(200);
      return { Authorization: `Bearer ${res.body.accessToken as string}` };
    };

    it('runs the command with the number as its argument and the text on its input, and links with the code', async () => {
      const phone = appPhone();
      await addAppUser(t, { phone });
      const u = await subject();
      const auth = await signIn(u);

      const res = await request(portal.base)
        .post('/api/v1/identity/link')
        .set(auth)
        .send({ channel: 'phone', address: phone.slice(3) });
      expect([res.status, res.body.status]).toEqual([202, 'sent_if_known']);
      const [run] = await sms.waitFor(1);
      expect(run.argv).toEqual([phone]);
      const code = codeIn(run.stdin);
      expect(run.stdin).toContain(`验证码 ${code}`);
      expect(run.stdin).toContain(`Code ${code}`);
      expect(run.stdin).toContain('示例应用');

      const done = await request(portal.base).post('/api/v1/identity/link/confirm').set(auth).send({ code });
      expect(done.status).toBe(200);
      expect((await request(portal.base).get('/api/v1/me').set(auth)).body.identity).toEqual({ linked: true, linkedAt: done.body.linkedAt });
    });

    it('sends no e-mail code without SMTP_URL: the same 202, and a warning naming neither address nor code', async () => {
      const email = appEmail('unsent');
      await addAppUser(t, { email });
      const u = await subject();
      const res = await request(portal.base)
        .post('/api/v1/identity/link')
        .set(await signIn(u))
        .send({ channel: 'email', address: email });
      expect([res.status, res.body.status]).toEqual([202, 'sent_if_known']);
      for (let i = 0; i < 100 && !portal.output().includes('identity code not sent'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(portal.output()).toContain('identity code not sent');
      expect(portal.output()).not.toContain(email.split('@')[0]);
      expect(sms.runs()).toHaveLength(1);
    });
  });
});
