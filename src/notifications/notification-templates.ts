import { RefusalGround, refusalNotice } from '../kernel/rights-notice';
import { NotificationKind } from './notification-kind';

/**
 * The text of every notice, in Chinese (the default) and English, chosen by the recipient's
 * `users.locale`. A notice says what happened and links to the portal; it carries only what its
 * data holds (ids, codes, dates, clause ids), so it can never show another person's information.
 * Details (reasons, questions, clause texts) stay behind the recipient's login.
 */

export type NoticeLocale = 'zh-CN' | 'en';

export interface RenderedNotice {
  subject: string;
  text: string;
}

export interface TemplateContext {
  /** the portal's address (PUBLIC_URL) */
  publicUrl: string;
  /** the operator's name (OPERATOR_NAME) */
  operatorName: string;
}

/** A notice whose kind this version has no template for (written by a newer version, say). */
export class UnknownNoticeKindError extends Error {
  constructor(kind: string) {
    super(`no template for notice kind ${kind}`);
    this.name = 'UnknownNoticeKindError';
  }
}

/** Pages of the web portal that notices link to. */
export const PORTAL_PATHS = {
  home: () => '/',
  request: (id: string) => `/requests/${encodeURIComponent(id)}`,
  staffRequest: (id: string) => `/staff/requests/${encodeURIComponent(id)}`,
  /** the review queue: overdue requests nobody holds */
  staffOverdueUnassigned: () => '/staff/requests?overdue=true&assignee=none',
  policy: () => '/policy',
};

/** How many request ids a notice about several requests lists before "and N more". */
const LISTED_IDS = 20;

/** The operator's time zone: dates in notices are shown in Beijing time. */
const TIME_ZONE = 'Asia/Shanghai';

export function noticeLocale(locale: string | null | undefined): NoticeLocale {
  return /^en(\b|[-_])/i.test(locale ?? '') ? 'en' : 'zh-CN';
}

export function renderNotice(kind: string, data: Record<string, unknown>, locale: NoticeLocale, ctx: TemplateContext): RenderedNotice {
  const template = TEMPLATES[locale][kind as NotificationKind];
  if (!template) throw new UnknownNoticeKindError(kind);
  const d = new NoticeData(data);
  const { subject, lines } = template(d, new Links(ctx.publicUrl), ctx);
  const footer = FOOTER[locale](ctx, new Links(ctx.publicUrl).to(PORTAL_PATHS.home()));
  return { subject, text: [...lines.filter((l): l is string => l !== null), '', ...footer].join('\n') + '\n' };
}

type Template = (d: NoticeData, links: Links, ctx: TemplateContext) => { subject: string; lines: (string | null)[] };

class Links {
  private readonly base: string;
  constructor(publicUrl: string) {
    this.base = publicUrl.replace(/\/+$/, '');
  }
  to(path: string): string {
    return `${this.base}${path}`;
  }
}

/** Reads a notice's stored data defensively: it is JSON written by another part of the system. */
class NoticeData {
  constructor(private readonly data: Record<string, unknown>) {}

  text(key: string): string {
    const v = this.data[key];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  }

  /** A stored true or false; null when absent (a notice written before the field existed). */
  flag(key: string): boolean | null {
    const v = this.data[key];
    return typeof v === 'boolean' ? v : null;
  }

  list(key: string): string[] {
    const v = this.data[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }

  /** The request id as shown in a subject line: its first 8 characters. */
  shortRef(): string {
    return this.text('requestId').slice(0, 8);
  }

  date(key: string, locale: NoticeLocale): string | null {
    const raw = this.text(key);
    if (!raw) return null;
    const at = new Date(raw);
    if (Number.isNaN(at.getTime())) return raw;
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: TIME_ZONE,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    );
    const stamp = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
    return locale === 'en' ? `${stamp} (Beijing time, UTC+8)` : `${stamp}（北京时间）`;
  }
}

/**
 * The request types a notice names: the values of `RequestType` (src/policy/domain/policy.types.ts),
 * spelled out here because the policy folder imports this one (its major-change notice), so this
 * one may not import the policy's enum back. notification-templates.spec.ts fails to compile when
 * the two differ, so a new request type cannot go without a label.
 */
export type NoticeRequestType =
  'access' | 'withdraw_consent' | 'delete_account' | 'disclosure_log' | 'correction' | 'copy_transfer' | 'explanation' | 'delete_data';

/** What a notice calls each request type: in Chinese as a verb phrase, in English after "your request for". */
export const REQUEST_TYPE_LABELS: Record<NoticeLocale, Record<NoticeRequestType, string>> = {
  'zh-CN': {
    access: '查阅、复制个人信息',
    withdraw_consent: '撤回同意',
    delete_account: '注销账号',
    disclosure_log: '查询个人信息对外提供记录',
    correction: '更正、补充个人信息',
    copy_transfer: '获取个人信息副本或转移个人信息',
    explanation: '解释说明个人信息处理规则',
    delete_data: '删除部分个人信息',
  },
  en: {
    access: 'access to your personal information',
    withdraw_consent: 'withdrawal of consent',
    delete_account: 'account deletion',
    disclosure_log: 'record of disclosures of your information',
    correction: 'correction or completion of your personal information',
    copy_transfer: 'a portable copy or transfer of your personal information',
    explanation: 'an explanation of how your personal information is handled',
    delete_data: 'deletion of some of your personal information',
  },
};

const OUTCOMES: Record<NoticeLocale, Record<string, string>> = {
  'zh-CN': { approve: '已同意', reject: '已拒绝', partial: '部分同意' },
  en: { approve: 'approved', reject: 'rejected', partial: 'partly approved' },
};

const ROLES: Record<NoticeLocale, Record<string, string>> = {
  'zh-CN': { staff: '审核人员', legal: '法务人员' },
  en: { staff: 'a staff reviewer', legal: 'a legal reviewer' },
};

/** The label of the notice's request type; a type this version does not know is named as it is. */
const typeOf = (d: NoticeData, locale: NoticeLocale): string => {
  const type = d.text('requestType');
  const labels: Record<string, string> = REQUEST_TYPE_LABELS[locale];
  return Object.hasOwn(labels, type) ? labels[type] : type;
};

const clausesLine = (d: NoticeData, key: string, locale: NoticeLocale): string | null => {
  const clauses = d.list(key);
  if (clauses.length === 0) return null;
  return locale === 'en' ? `Policy clauses cited: ${clauses.join(', ')}.` : `所依据的隐私政策条款：${clauses.join('、')}。`;
};

const lawLine = (d: NoticeData, locale: NoticeLocale): string | null => {
  const law = d.list('law');
  if (law.length === 0) return null;
  return locale === 'en' ? `Provisions of law cited: ${law.join(', ')}.` : `所依据的法律规定：${law.join('、')}。`;
};

/** A refusal or partial decision: the one notice text (src/kernel/rights-notice.ts), from the notice's facts. */
const refusalLines = (d: NoticeData, locale: NoticeLocale): string[] => {
  const outcome = d.text('outcome');
  if (outcome !== 'reject' && outcome !== 'partial') return [];
  const notice = refusalNotice({
    outcome,
    clauses: d.list('clauses'),
    law: d.list('law'),
    withheld: d.list('withheld'),
    ground: (d.text('ground') || null) as RefusalGround | null,
    appealBy: d.text('appealBy') || null,
  });
  return ['', notice[locale]];
};

const FOOTER: Record<NoticeLocale, (ctx: TemplateContext, home: string) => string[]> = {
  'zh-CN': (ctx, home) => ['——', `此邮件由${ctx.operatorName}个人信息保护服务自动发送，请勿直接回复。`, `门户：${home}`],
  en: (ctx, home) => ['--', `Sent automatically by the personal information service of ${ctx.operatorName}; please do not reply.`, `Portal: ${home}`],
};

const ZH: Record<NotificationKind, Template> = {
  [NotificationKind.RequestReceived]: (d, links) => ({
    subject: `已收到您的申请：${typeOf(d, 'zh-CN')}`,
    lines: [
      '您好：',
      '',
      `我们已收到您提交的“${typeOf(d, 'zh-CN')}”申请（编号 ${d.text('requestId')}）。`,
      d.date('dueAt', 'zh-CN') ? `我们将在 ${d.date('dueAt', 'zh-CN')} 之前答复您。` : null,
      '',
      '您可以随时登录门户查看处理进度：',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestDecided]: (d, links) => {
    const outcome = d.text('outcome');
    return {
      subject: `您的申请已有处理结果：${OUTCOMES['zh-CN'][outcome] ?? outcome}`,
      lines: [
        '您好：',
        '',
        `您的“${typeOf(d, 'zh-CN')}”申请（编号 ${d.text('requestId')}）已经处理，结果为：${OUTCOMES['zh-CN'][outcome] ?? outcome}。`,
        clausesLine(d, 'clauses', 'zh-CN'),
        lawLine(d, 'zh-CN'),
        '',
        '决定的理由及所依据条款的原文，请登录门户查看：',
        links.to(PORTAL_PATHS.request(d.text('requestId'))),
        ...refusalLines(d, 'zh-CN'),
      ],
    };
  },
  [NotificationKind.RequestExtended]: (d, links) => ({
    subject: '您的申请处理期限已延长',
    lines: [
      '您好：',
      '',
      `您的“${typeOf(d, 'zh-CN')}”申请（编号 ${d.text('requestId')}）的处理期限已延长至 ${d.date('dueAt', 'zh-CN') ?? ''}。`,
      clausesLine(d, 'clauses', 'zh-CN'),
      lawLine(d, 'zh-CN'),
      '',
      '延长的原因请登录门户查看：',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestQuestion]: (d, links) => ({
    subject: '处理您的申请需要您补充信息',
    lines: [
      '您好：',
      '',
      `为处理您的“${typeOf(d, 'zh-CN')}”申请（编号 ${d.text('requestId')}），我们需要您补充一些信息。`,
      d.flag('clockPaused') === false ? '处理期限不因本次提问而暂停，请尽快答复。' : '在您答复之前，处理期限暂停计算。',
      d.date('replyBy', 'zh-CN') ? `如您在 ${d.date('replyBy', 'zh-CN')} 之前仍未答复，该申请将被关闭，届时您可以重新提交。` : null,
      '',
      '请登录门户查看问题并答复：',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestLapsed]: (d, links) => ({
    subject: '您的申请已关闭：未收到您的答复',
    lines: [
      '您好：',
      '',
      d.date('questionAskedAt', 'zh-CN')
        ? `您的“${typeOf(d, 'zh-CN')}”申请（编号 ${d.text('requestId')}）已关闭：我们于 ${d.date('questionAskedAt', 'zh-CN')} 向您提出的问题，${d.text('replyDays')} 天内未收到您的答复。`
        : `您的“${typeOf(d, 'zh-CN')}”申请（编号 ${d.text('requestId')}）已关闭：我们向您提出的问题未收到您的答复。`,
      '如您仍需办理，可以随时在门户中重新提交该申请。',
      '',
      '申请及其处理记录请登录门户查看：',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestReassigned]: (d, links) => ({
    subject: `申请已转由他人处理：${typeOf(d, 'zh-CN')}（${d.shortRef()}）`,
    lines: [
      `您负责的申请 ${d.text('requestId')}（${typeOf(d, 'zh-CN')}）已由${ROLES['zh-CN'][d.text('byRole')] ?? d.text('byRole')}转交给另一位审核人员处理，您不再负责该申请。`,
      '',
      '原因及处理记录请见：',
      links.to(PORTAL_PATHS.staffRequest(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestOverdue]: (d, links) => ({
    subject: `申请已逾期：${typeOf(d, 'zh-CN')}（${d.shortRef()}）`,
    lines: [
      `申请 ${d.text('requestId')}（${typeOf(d, 'zh-CN')}）已超过处理期限 ${d.date('dueAt', 'zh-CN') ?? ''}，尚未处理完毕。`,
      '',
      '请尽快在审核队列中处理：',
      links.to(PORTAL_PATHS.staffRequest(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestsOverdueUnassigned]: (d, links) => ({
    subject: `${d.text('count')} 件申请已逾期且无人处理`,
    lines: [
      `以下 ${d.text('count')} 件申请已超过处理期限，且尚未分配给任何审核人员：`,
      ...d
        .list('requestIds')
        .slice(0, LISTED_IDS)
        .map((id) => `- ${id}`),
      d.list('requestIds').length > LISTED_IDS ? `……另有 ${d.list('requestIds').length - LISTED_IDS} 件` : null,
      '',
      '请在审核队列中认领或分配：',
      links.to(PORTAL_PATHS.staffOverdueUnassigned()),
    ],
  }),
  [NotificationKind.RequestCompleted]: (d, links) => ({
    subject: `您的申请已完成：${typeOf(d, 'zh-CN')}`,
    lines: [
      '您好：',
      '',
      `您的“${typeOf(d, 'zh-CN')}”申请（编号 ${d.text('requestId')}）已经办理完毕。`,
      d.date('availableUntil', 'zh-CN') ? `处理结果可在 ${d.date('availableUntil', 'zh-CN')} 之前登录门户查看、下载。` : null,
      '',
      '请登录门户查看：',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.PolicyMajorChange]: (d, links) => ({
    subject: `隐私政策重要更新（版本 ${d.text('policyVersion')}）`,
    lines: [
      '您好：',
      '',
      `我们发布了隐私政策的新版本 ${d.text('policyVersion')}${d.date('effectiveAt', 'zh-CN') ? `，自 ${d.date('effectiveAt', 'zh-CN')} 起生效` : ''}。`,
      d.list('changedClauses').length > 0 ? `本次更新属于重大变更，涉及以下条款：${d.list('changedClauses').join('、')}。` : '本次更新属于重大变更。',
      '如您不同意更新后的政策，可以在门户中撤回相应的同意，或者申请注销账号。',
      '',
      '请登录门户阅读新版本：',
      links.to(PORTAL_PATHS.policy()),
    ],
  }),
  [NotificationKind.ServiceEnding]: (d, links, ctx) => ({
    subject: `服务终止通知：${ctx.operatorName}将于 ${d.date('endsAt', 'zh-CN') ?? ''} 停止运营`,
    lines: [
      '您好：',
      '',
      `${ctx.operatorName}将于 ${d.date('endsAt', 'zh-CN') ?? ''} 停止运营。届时，我们将按照隐私政策删除您的个人信息或者对其进行匿名化处理。`,
      '在此之前，您可以登录门户申请查阅、复制您的个人信息：',
      links.to(PORTAL_PATHS.home()),
    ],
  }),
};

const EN: Record<NotificationKind, Template> = {
  [NotificationKind.RequestReceived]: (d, links) => ({
    subject: `We have received your request: ${typeOf(d, 'en')}`,
    lines: [
      'Hello,',
      '',
      `We have received your request for ${typeOf(d, 'en')} (reference ${d.text('requestId')}).`,
      d.date('dueAt', 'en') ? `We will answer it by ${d.date('dueAt', 'en')}.` : null,
      '',
      'You can follow it in the portal at any time:',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestDecided]: (d, links) => {
    const outcome = d.text('outcome');
    return {
      subject: `Your request has been decided: ${OUTCOMES.en[outcome] ?? outcome}`,
      lines: [
        'Hello,',
        '',
        `Your request for ${typeOf(d, 'en')} (reference ${d.text('requestId')}) has been decided: ${OUTCOMES.en[outcome] ?? outcome}.`,
        clausesLine(d, 'clauses', 'en'),
        lawLine(d, 'en'),
        '',
        'The reasons, and the text of the clauses relied on, are in the portal:',
        links.to(PORTAL_PATHS.request(d.text('requestId'))),
        ...refusalLines(d, 'en'),
      ],
    };
  },
  [NotificationKind.RequestExtended]: (d, links) => ({
    subject: 'The deadline of your request has been extended',
    lines: [
      'Hello,',
      '',
      `The deadline of your request for ${typeOf(d, 'en')} (reference ${d.text('requestId')}) has been extended to ${d.date('dueAt', 'en') ?? ''}.`,
      clausesLine(d, 'clauses', 'en'),
      lawLine(d, 'en'),
      '',
      'The reason for the extension is in the portal:',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestQuestion]: (d, links) => ({
    subject: 'We need more information to handle your request',
    lines: [
      'Hello,',
      '',
      `To handle your request for ${typeOf(d, 'en')} (reference ${d.text('requestId')}), we need some more information from you.`,
      d.flag('clockPaused') === false ? 'The deadline is not paused by this question; please answer soon.' : 'The deadline is paused until you answer.',
      d.date('replyBy', 'en') ? `If you have not answered by ${d.date('replyBy', 'en')}, the request will be closed; you can then file it again.` : null,
      '',
      'Please read the question and answer it in the portal:',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestLapsed]: (d, links) => ({
    subject: 'Your request was closed: we did not hear back from you',
    lines: [
      'Hello,',
      '',
      d.date('questionAskedAt', 'en')
        ? `Your request for ${typeOf(d, 'en')} (reference ${d.text('requestId')}) has been closed: the question we asked you on ${d.date('questionAskedAt', 'en')} went unanswered for ${d.text('replyDays')} days.`
        : `Your request for ${typeOf(d, 'en')} (reference ${d.text('requestId')}) has been closed: the question we asked you went unanswered.`,
      'If you still want it, you can file the request again in the portal at any time.',
      '',
      'The request and its history are in the portal:',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestReassigned]: (d, links) => ({
    subject: `Request handed to another reviewer: ${typeOf(d, 'en')} (${d.shortRef()})`,
    lines: [
      `Request ${d.text('requestId')} (${typeOf(d, 'en')}), which you held, was handed to another reviewer by ${ROLES.en[d.text('byRole')] ?? d.text('byRole')}; you no longer hold it.`,
      '',
      'The reason and the timeline are here:',
      links.to(PORTAL_PATHS.staffRequest(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestOverdue]: (d, links) => ({
    subject: `Overdue request: ${typeOf(d, 'en')} (${d.shortRef()})`,
    lines: [
      `Request ${d.text('requestId')} (${typeOf(d, 'en')}) passed its deadline of ${d.date('dueAt', 'en') ?? ''} and is not finished.`,
      '',
      'Please handle it in the review queue:',
      links.to(PORTAL_PATHS.staffRequest(d.text('requestId'))),
    ],
  }),
  [NotificationKind.RequestsOverdueUnassigned]: (d, links) => ({
    subject: `${d.text('count')} overdue request(s) with nobody assigned`,
    lines: [
      `These ${d.text('count')} request(s) passed their deadline and are not assigned to any reviewer:`,
      ...d
        .list('requestIds')
        .slice(0, LISTED_IDS)
        .map((id) => `- ${id}`),
      d.list('requestIds').length > LISTED_IDS ? `… and ${d.list('requestIds').length - LISTED_IDS} more` : null,
      '',
      'Please claim or assign them in the review queue:',
      links.to(PORTAL_PATHS.staffOverdueUnassigned()),
    ],
  }),
  [NotificationKind.RequestCompleted]: (d, links) => ({
    subject: `Your request is complete: ${typeOf(d, 'en')}`,
    lines: [
      'Hello,',
      '',
      `Your request for ${typeOf(d, 'en')} (reference ${d.text('requestId')}) has been carried out.`,
      d.date('availableUntil', 'en') ? `You can see and download the result in the portal until ${d.date('availableUntil', 'en')}.` : null,
      '',
      'See it in the portal:',
      links.to(PORTAL_PATHS.request(d.text('requestId'))),
    ],
  }),
  [NotificationKind.PolicyMajorChange]: (d, links) => ({
    subject: `Important change to our privacy policy (version ${d.text('policyVersion')})`,
    lines: [
      'Hello,',
      '',
      `We have published version ${d.text('policyVersion')} of our privacy policy${d.date('effectiveAt', 'en') ? `, in force from ${d.date('effectiveAt', 'en')}` : ''}.`,
      d.list('changedClauses').length > 0 ? `It is a major change, to these clauses: ${d.list('changedClauses').join(', ')}.` : 'It is a major change.',
      'If you do not agree with it, you can withdraw your consents in the portal or ask for your account to be deleted.',
      '',
      'Read the new version in the portal:',
      links.to(PORTAL_PATHS.policy()),
    ],
  }),
  [NotificationKind.ServiceEnding]: (d, links, ctx) => ({
    subject: `Notice of end of service: ${ctx.operatorName} stops on ${d.date('endsAt', 'en') ?? ''}`,
    lines: [
      'Hello,',
      '',
      `${ctx.operatorName} will stop operating on ${d.date('endsAt', 'en') ?? ''}. On that date your personal information will be deleted or anonymised, as the privacy policy says.`,
      'Until then you can ask for a copy of your personal information in the portal:',
      links.to(PORTAL_PATHS.home()),
    ],
  }),
};

const TEMPLATES: Record<NoticeLocale, Record<NotificationKind, Template>> = { 'zh-CN': ZH, en: EN };
