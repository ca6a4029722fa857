import { REFUSAL_RIGHTS_NOTICE } from '../kernel/rights-notice';
import { REQUEST_TYPES, RequestType } from '../policy/domain/policy.types';
import { ALL_NOTIFICATION_KINDS, NotificationKind } from './notification-kind';
import { NoticeRequestType, noticeLocale, REQUEST_TYPE_LABELS, renderNotice, UnknownNoticeKindError } from './notification-templates';

/**
 * The templates cannot import the policy's RequestType (the policy folder imports notifications), so
 * they spell its values out; this fails to compile when the two sets differ, in either direction.
 */
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const NOTICE_TYPES_ARE_REQUEST_TYPES: SameSet<NoticeRequestType, `${RequestType}`> = true;

const ctx = { publicUrl: 'https://privacy.example.cn/', operatorName: '示例科技' };
const requestId = '3f2c1a9e-8b7d-4c6e-9f10-112233445566';

describe('notice templates', () => {
  it('picks English only for English locales, Chinese otherwise', () => {
    expect(noticeLocale('en')).toBe('en');
    expect(noticeLocale('en-GB')).toBe('en');
    expect(noticeLocale('zh-CN')).toBe('zh-CN');
    expect(noticeLocale(null)).toBe('zh-CN');
    expect(noticeLocale('fr')).toBe('zh-CN');
    expect(noticeLocale('eng')).toBe('zh-CN');
  });

  it('has a subject and a body for every kind in both languages, with a link to the portal', () => {
    const data = { requestId, requestType: 'access', outcome: 'approve', dueAt: '2025-12-01T10:00:00Z', policyVersion: '2', endsAt: '2026-03-01T00:00:00Z' };
    for (const kind of ALL_NOTIFICATION_KINDS) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const n = renderNotice(kind, data, locale, ctx);
        expect(n.subject.length).toBeGreaterThan(5);
        expect(n.subject).not.toMatch(/undefined|null|\[object/);
        expect(n.text).not.toMatch(/undefined|null|\[object/);
        expect(n.text).toContain('https://privacy.example.cn/');
      }
    }
  });

  it('names every request type in both languages, with the label the policy’s request types have', () => {
    expect(NOTICE_TYPES_ARE_REQUEST_TYPES).toBe(true);
    for (const locale of ['zh-CN', 'en'] as const) {
      expect(Object.keys(REQUEST_TYPE_LABELS[locale]).sort()).toEqual([...REQUEST_TYPES].sort());
      for (const requestType of REQUEST_TYPES) {
        const n = renderNotice(NotificationKind.RequestReceived, { requestId, requestType, dueAt: '2025-12-01T10:00:00Z' }, locale, ctx);
        expect([requestType, n.subject]).toEqual([requestType, expect.stringContaining(REQUEST_TYPE_LABELS[locale][requestType])]);
      }
    }
    const zh = renderNotice(NotificationKind.RequestReceived, { requestId, requestType: RequestType.DeleteData }, 'zh-CN', ctx);
    expect(zh.subject).toBe('已收到您的申请：删除部分个人信息');
    const en = renderNotice(NotificationKind.RequestReceived, { requestId, requestType: RequestType.Correction }, 'en', ctx);
    expect(en.text).toContain('We have received your request for correction or completion of your personal information');
    // A type this version does not know (written by a newer one) is named as it is, never as an inherited property.
    for (const unknown of ['future_type', 'constructor', '__proto__'])
      expect(renderNotice(NotificationKind.RequestReceived, { requestId, requestType: unknown }, 'en', ctx).subject).toBe(
        `We have received your request: ${unknown}`,
      );
  });

  it('tells the subject of a received request, its due date in Beijing time, and where to follow it', () => {
    const zh = renderNotice(NotificationKind.RequestReceived, { requestId, requestType: 'delete_account', dueAt: '2025-12-01T10:00:00Z' }, 'zh-CN', ctx);
    expect(zh.subject).toBe('已收到您的申请：注销账号');
    expect(zh.text).toContain(`（编号 ${requestId}）`);
    expect(zh.text).toContain('2025-12-01 18:00（北京时间）');
    expect(zh.text).toContain(`https://privacy.example.cn/requests/${requestId}`);
    const en = renderNotice(NotificationKind.RequestReceived, { requestId, requestType: 'delete_account', dueAt: '2025-12-01T10:00:00Z' }, 'en', ctx);
    expect(en.subject).toBe('We have received your request: account deletion');
    expect(en.text).toContain('2025-12-01 18:00 (Beijing time, UTC+8)');
  });

  it('tells of the right to complain and to sue on a rejection, not on an approval (PIPL Art. 50)', () => {
    const reject = renderNotice(NotificationKind.RequestDecided, { requestId, requestType: 'access', outcome: 'reject', clauses: ['3.c'] }, 'zh-CN', ctx);
    expect(reject.subject).toBe('您的申请已有处理结果：已拒绝');
    expect(reject.text).toContain('所依据的隐私政策条款：3.c。');
    expect(reject.text).toContain('第五十条');
    const rejectEn = renderNotice(NotificationKind.RequestDecided, { requestId, requestType: 'access', outcome: 'partial' }, 'en', ctx);
    expect(rejectEn.text).toContain(REFUSAL_RIGHTS_NOTICE.en);
    expect(reject.text).toContain(REFUSAL_RIGHTS_NOTICE['zh-CN']);
    const approve = renderNotice(NotificationKind.RequestDecided, { requestId, requestType: 'access', outcome: 'approve' }, 'zh-CN', ctx);
    expect(approve.text).not.toContain('第五十条');
  });

  it('states a refusal in the one notice text: its ground, clauses and provisions, what was withheld, and the deadline to appeal', () => {
    const data = {
      requestId,
      requestType: 'delete_account',
      outcome: 'reject' as const,
      clauses: [],
      law: ['GBT35273.8.7'],
      ground: 'identity_not_verified',
      appealBy: '2026-12-31T08:30:00.000Z',
    };
    const zh = renderNotice(NotificationKind.RequestDecided, data, 'zh-CN', ctx).text;
    expect(zh).toContain('理由：无法核验申请人的身份（或其代为申请的权限）。');
    expect(zh).toContain('所依据的法律规定：GBT35273.8.7');
    expect(zh).toContain('可以在 2026-12-31 08:30（UTC）之前在门户中提出一次申诉');
    const en = renderNotice(
      NotificationKind.RequestDecided,
      { ...data, outcome: 'partial', ground: undefined, appealBy: undefined, withheld: ['transactions'] },
      'en',
      ctx,
    ).text;
    expect(en).toContain('Categories of personal information withheld or kept: transactions.');
    expect(en).not.toContain('appeal once');
    const approved = renderNotice(
      NotificationKind.RequestDecided,
      { requestId, requestType: 'access', outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45'] },
      'en',
      ctx,
    ).text;
    expect(approved).toContain('Provisions of law cited: PIPL.45.');
  });

  it('sends staff to the review queue for an overdue request', () => {
    const n = renderNotice(NotificationKind.RequestOverdue, { requestId, requestType: 'access', dueAt: '2025-12-01T10:00:00Z' }, 'en', ctx);
    expect(n.subject).toBe('Overdue request: access to your personal information (3f2c1a9e)');
    expect(n.text).toContain(`https://privacy.example.cn/staff/requests/${requestId}`);
  });

  it('names the changed clauses of a major policy change and links to the policy', () => {
    const n = renderNotice(NotificationKind.PolicyMajorChange, { policyVersion: '2', changedClauses: ['face.use.3', '2.c'] }, 'zh-CN', ctx);
    expect(n.subject).toBe('隐私政策重要更新（版本 2）');
    expect(n.text).toContain('face.use.3、2.c');
    expect(n.text).toContain('https://privacy.example.cn/policy');
  });

  it('shows only what the data holds: stray fields never reach the text', () => {
    const n = renderNotice(NotificationKind.RequestQuestion, { requestId, requestType: 'access', note: 'Li Si, 13800000000' }, 'zh-CN', ctx);
    expect(n.text).not.toContain('Li Si');
    expect(n.text).not.toContain('13800000000');
  });

  it('tells the subject whether a question pauses the deadline, and until when they may answer', () => {
    const paused = renderNotice(
      NotificationKind.RequestQuestion,
      { requestId, requestType: 'access', clockPaused: true, replyBy: '2025-12-16T10:00:00Z' },
      'zh-CN',
      ctx,
    );
    expect(paused.text).toContain('在您答复之前，处理期限暂停计算。');
    expect(paused.text).toContain('如您在 2025-12-16 18:00（北京时间） 之前仍未答复，该申请将被关闭，届时您可以重新提交。');
    const running = renderNotice(NotificationKind.RequestQuestion, { requestId, requestType: 'delete_account', clockPaused: false }, 'en', ctx);
    expect(running.text).toContain('The deadline is not paused by this question; please answer soon.');
    expect(running.text).not.toContain('paused until you answer');
    const zhRunning = renderNotice(NotificationKind.RequestQuestion, { requestId, requestType: 'delete_account', clockPaused: false }, 'zh-CN', ctx);
    expect(zhRunning.text).toContain('处理期限不因本次提问而暂停');
    expect(zhRunning.text).not.toContain('暂停计算');
    // A notice written before the field existed: every question paused then.
    expect(renderNotice(NotificationKind.RequestQuestion, { requestId, requestType: 'access' }, 'en', ctx).text).toContain(
      'The deadline is paused until you answer.',
    );
  });

  it('tells the subject a request closed for want of an answer, since when, and that it can be filed again', () => {
    const data = { requestId, requestType: 'access', questionAskedAt: '2025-12-01T10:00:00Z', replyDays: 15 };
    const zh = renderNotice(NotificationKind.RequestLapsed, data, 'zh-CN', ctx);
    expect(zh.subject).toBe('您的申请已关闭：未收到您的答复');
    expect(zh.text).toContain(
      `“查阅、复制个人信息”申请（编号 ${requestId}）已关闭：我们于 2025-12-01 18:00（北京时间） 向您提出的问题，15 天内未收到您的答复。`,
    );
    expect(zh.text).toContain('可以随时在门户中重新提交该申请');
    expect(zh.text).toContain(`https://privacy.example.cn/requests/${requestId}`);
    const en = renderNotice(NotificationKind.RequestLapsed, data, 'en', ctx);
    expect(en.subject).toBe('Your request was closed: we did not hear back from you');
    expect(en.text).toContain('the question we asked you on 2025-12-01 18:00 (Beijing time, UTC+8) went unanswered for 15 days.');
    expect(en.text).toContain('you can file the request again in the portal');
  });

  it('refuses a kind it has no template for', () => {
    expect(() => renderNotice('request.unknown', {}, 'en', ctx)).toThrow(UnknownNoticeKindError);
  });

  it('lists overdue unassigned requests for legal, twenty at most, and links to that view of the queue', () => {
    const ids = Array.from({ length: 23 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const zh = renderNotice(NotificationKind.RequestsOverdueUnassigned, { count: 23, requestIds: ids }, 'zh-CN', ctx);
    expect(zh.subject).toBe('23 件申请已逾期且无人处理');
    expect(zh.text).toContain(`- ${ids[19]}`);
    expect(zh.text).not.toContain(ids[20]);
    expect(zh.text).toContain('……另有 3 件');
    expect(zh.text).toContain('https://privacy.example.cn/staff/requests?overdue=true&assignee=none');
    const en = renderNotice(NotificationKind.RequestsOverdueUnassigned, { count: 2, requestIds: ids.slice(0, 2) }, 'en', ctx);
    expect(en.subject).toBe('2 overdue request(s) with nobody assigned');
    expect(en.text).toContain(`- ${ids[1]}`);
    expect(en.text).not.toContain('more');
  });
});
