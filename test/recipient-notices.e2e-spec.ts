import { ErasureJob, RecipientNotices } from '../src/erasure';
import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { SmtpPeer, startSmtpPeer } from './support/smtp-peer';
import { sampleAppUser } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * When an erasure completes, everyone the disclosure register lists as having received the
 * subject's data is told (an authority once legal confirmed its entry): mailed where the register
 * holds an e-mail address, listed for staff to notify otherwise; the notices shown on the request.
 */
describe('recipient notices after an erasure', () => {
  let t: TestApp;
  let peer: SmtpPeer;
  let staff: TestUser;
  let legal: TestUser;
  const { auth, staffPost } = reviewCalls(() => t);
  const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

  const appUser = (): Promise<string> => sampleAppUser(t, { searches: ['雨衣'] }, '被通知者');
  const recorded = async (body: object): Promise<string> => {
    const res = await t.http.post('/api/v1/disclosures').set(auth(staff)).send(body);
    if (res.status !== 201) throw new Error(`recording answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const affiliate = (subjectId: string) => ({
    subjectIds: [subjectId],
    recipient: { name: '示例关联科技有限公司', kind: 'affiliate', country: 'CN', contact: 'privacy@affiliate.example.cn' },
    basis: ['face.share.2'],
    dataCategories: ['account'],
    purpose: '统一会员服务',
    consentPurpose: 'affiliate_sharing',
    disclosedAt: ago(72),
  });
  const police = (subjectId: string, name: string) => ({
    subjectIds: [subjectId],
    recipient: { name, kind: 'authority', country: 'CN', contact: '北京市朝阳区朝阳公园南路 1 号' },
    basis: ['3.c'],
    law: ['PIPL.13'],
    dataCategories: ['account', 'transactions'],
    purpose: '刑事案件侦查调取证据',
    reference: '京公（朝）调证字〔2025〕第 0421 号',
    disclosedAt: ago(48),
  });
  const erased = async (s: TestUser, body: object, decision: object): Promise<string> => {
    const filed = await t.http.post('/api/v1/requests').set(auth(s)).send(body);
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', decision)).body.status).toBe('approved');
    await t.app.get(ErasureJob).run(id);
    return id;
  };

  beforeAll(async () => {
    peer = await startSmtpPeer();
    t = await createTestApp({ SMTP_URL: peer.url, MAIL_FROM: 'privacy@example.cn', PUBLIC_URL: 'https://privacy.example.cn', OPERATOR_NAME: '示例科技' });
    [staff, legal] = [await t.user(Role.Staff), await t.user(Role.Legal)];
  });
  afterAll(async () => {
    await t.close();
    await peer.close();
  });

  it('tells every recipient of a deleted account: mails those with an address, lists the others, skips unconfirmed authority entries', async () => {
    const s = await t.user(Role.Subject, { appUser: await appUser() });
    expect((await t.http.post('/api/v1/consents/affiliate_sharing').set(auth(s)).send({ state: 'granted' })).status).toBe(200);
    const shared = await recorded(affiliate(s.id));
    const confirmed = await recorded(police(s.id, '北京市公安局朝阳分局'));
    expect(
      (await t.http.post(`/api/v1/disclosures/${confirmed}/review`).set(auth(legal)).send({ outcome: 'confirmed', note: '调取通知书原件已核对' })).status,
    ).toBe(200);
    await recorded(police(s.id, '上海市公安局浦东分局')); // not confirmed: not made, not told

    const id = await erased(s, { type: 'delete_account', password: s.password }, { outcome: 'approve', clauses: ['face.retain.2'] });
    const page = await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff));
    expect(page.body.status).toBe('completed');
    expect(page.body.recipientNotices).toEqual([
      expect.objectContaining({
        recipient: expect.objectContaining({ name: '北京市公安局朝阳分局', kind: 'authority' }),
        entryIds: [confirmed],
        status: 'no_contact',
      }),
      expect.objectContaining({
        recipient: expect.objectContaining({ name: '示例关联科技有限公司', kind: 'affiliate' }),
        entryIds: [shared],
        status: 'pending',
      }),
    ]);

    peer.reset();
    const notices = t.app.get(RecipientNotices);
    await Promise.all([notices.deliver(id), notices.deliver(id)]);
    const [mail] = await peer.waitFor(1);
    expect(mail.to).toEqual(['privacy@affiliate.example.cn']);
    expect(mail.text).toContain(s.subjectRef);
    expect(mail.text).toContain('第四十七条');
    expect(mail.text).not.toContain(s.email);
    await notices.deliver(id);
    expect(peer.received).toHaveLength(1);
    const after = (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body.recipientNotices;
    expect(after.map((n: { status: string }) => n.status)).toEqual(['no_contact', 'sent']);
  });

  it('tells only the recipients of the categories a partial deletion erased', async () => {
    const s = await t.user(Role.Subject, { appUser: await appUser() });
    expect((await t.http.post('/api/v1/consents/affiliate_sharing').set(auth(s)).send({ state: 'granted' })).status).toBe(200);
    await recorded(affiliate(s.id));
    const id = await erased(s, { type: 'delete_data', categories: ['search_keywords'] }, { outcome: 'approve', clauses: [], law: ['PIPL.47'] });
    const page = (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body;
    expect([page.status, page.recipientNotices]).toEqual(['completed', []]);
  });
});
