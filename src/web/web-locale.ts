import { REQUEST_TYPE_LABELS } from '../notifications/notification-templates';
import { RequestType } from '../policy/domain/policy.types';
import { RequestStatus } from '../requests';

/** The portal's languages: Chinese first (the default), English by the switch. */
export type WebLocale = 'zh-CN' | 'en';
export const WEB_LOCALES: readonly WebLocale[] = ['zh-CN', 'en'];
/** Remembers the language switch; not personal data, so it outlives the session. */
export const LANGUAGE_COOKIE = 'dsr_lang';
const LANGUAGE_COOKIE_DAYS = 365;
export const LANGUAGE_COOKIE_MAX_AGE_MS = LANGUAGE_COOKIE_DAYS * 86_400_000;

export function webLocale(cookieValue: unknown): WebLocale {
  return cookieValue === 'en' ? 'en' : 'zh-CN';
}

/** The operator's time zone: the portal states dates in Beijing time, as the notices do. */
const TIME_ZONE = 'Asia/Shanghai';
const DATE_FORMATS: Record<WebLocale, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE }),
};

/** A date and time as people of this locale write it, in Beijing time. */
export function formatDate(locale: WebLocale, iso: string | Date): string {
  return `${DATE_FORMATS[locale].format(new Date(iso))} (${TEXT[locale].beijingTime})`;
}

/** What is left until `dueAt`, in days and hours (or hours and minutes near the end), or that it has passed. */
export function timeLeft(locale: WebLocale, dueAt: string, now: Date = new Date()): { text: string; overdue: boolean } {
  const ms = new Date(dueAt).getTime() - now.getTime();
  const t = TEXT[locale];
  if (ms <= 0) return { text: t.overdue, overdue: true };
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  return { text: days > 0 ? t.daysHours(days, hours) : t.hoursMinutes(hours, minutes % 60), overdue: false };
}

/**
 * Each right in plain words. The clauses and provisions that back it are not written here: the
 * home page asks the policy for what justifies granting each type (PolicyService.justification).
 */
const RIGHTS: Record<WebLocale, Record<RequestType, string>> = {
  'zh-CN': {
    access: '您可以查阅我们持有的关于您的个人信息：每一类信息、它从哪里来，以及哪些内容因何未提供。',
    withdraw_consent: '您可以随时撤回此前给予的同意，立即生效；撤回人脸信息的同意后，相关人脸信息将被删除。撤回前已进行的处理不受影响。',
    delete_account: '您可以注销账号。我们会在 48 小时内完成审核，并删除或匿名化您的个人信息；法律要求保存的部分仅作存储，到期删除。',
    disclosure_log: '您可以查询我们在何时、向谁、依据哪一条款提供过您的个人信息。',
    correction: '发现您的个人信息有误或不完整，您可以要求更正或补充，我们更正后会核对结果。',
    copy_transfer: '您可以获得个人信息的可携带副本（JSON 或 CSV），也可以要求我们将副本转给您指定的其他处理者。',
    explanation: '您可以要求我们以书面形式解释您的个人信息是如何被处理的，解释会引用相应条款。',
    delete_data: '不注销账号，您也可以要求删除部分类别的个人信息。',
  },
  en: {
    access: 'You may see the personal information we hold about you: every category, where it came from, and what was withheld and why.',
    withdraw_consent:
      'You may withdraw a consent you gave at any time, with immediate effect; withdrawing a facial consent also deletes that facial data. What was done before is not affected.',
    delete_account:
      'You may cancel your account. We review it within 48 hours and delete or anonymise your information; what the law makes us keep is only stored, and deleted when its time ends.',
    disclosure_log: 'You may ask when, to whom and on which clause we disclosed your personal information.',
    correction: 'If your information is wrong or incomplete, you may have it corrected or completed; we read it back to confirm.',
    copy_transfer: 'You may get a portable copy of your information (JSON or CSV), or have it sent to another handler you name.',
    explanation: 'You may ask us to explain in writing how your personal information is handled, citing the clauses.',
    delete_data: 'Without cancelling your account, you may have some categories of your information deleted.',
  },
};

const STATUSES: Record<WebLocale, Record<RequestStatus, string>> = {
  'zh-CN': {
    submitted: '已提交',
    in_review: '审核中',
    awaiting_legal: '待法务复核',
    awaiting_subject: '等待您的答复',
    approved: '已同意',
    fulfilling: '执行中',
    completed: '已完成',
    rejected: '已拒绝',
    cancelled: '已撤销',
    under_appeal: '申诉中',
    lapsed: '已失效',
  },
  en: {
    submitted: 'Submitted',
    in_review: 'In review',
    awaiting_legal: 'Awaiting legal review',
    awaiting_subject: 'Waiting for your reply',
    approved: 'Approved',
    fulfilling: 'Being carried out',
    completed: 'Completed',
    rejected: 'Refused',
    cancelled: 'Cancelled',
    under_appeal: 'Under appeal',
    lapsed: 'Lapsed',
  },
};

const TEXT = {
  'zh-CN': {
    portalName: '个人信息权利申请门户',
    skipToContent: '跳到正文',
    navHome: '首页',
    navPolicy: '隐私政策',
    navRequests: '我的申请',
    navQueue: '申请队列',
    navDashboard: '概览',
    navLegal: '法务',
    navRecordDisclosure: '记录对外提供',
    navAdmin: '管理',
    register: '注册',
    newRequest: '提交新申请',
    navConsents: '我的同意',
    navDisclosures: '对外提供记录',
    navLink: '关联应用账号',
    navTransparency: '透明度报告',
    login: '登录',
    logout: '退出登录',
    switchTo: 'English',
    switchLabel: '切换语言',
    homeTitle: '您对个人信息享有的权利',
    homeIntro: '根据《中华人民共和国个人信息保护法》和我们的隐私政策，您可以通过本门户行使以下权利。每一项都列出了支持它的政策条款和法律规定。',
    clausesBacking: '依据的政策条款',
    provisionsBacking: '依据的法律规定',
    none: '无',
    policyTitle: '隐私政策',
    policyVersion: (v: number) => `第 ${v} 版`,
    publishedAt: '发布时间',
    versions: '全部版本',
    inForce: '现行版本',
    changes: '本版本的变更',
    added: '新增',
    changed: '修改',
    removed: '删除',
    firstVersion: '首个版本，无变更。',
    clauses: '条款',
    lawTitle: '引用的法律规定',
    email: '电子邮箱',
    password: '密码',
    mfaTitle: '第二步验证',
    mfaHint: '请输入身份验证器应用中的 6 位验证码。',
    mfaCode: '验证码',
    continue: '继续',
    loginTitle: '登录',
    loginRequired: '请先登录。',
    myRequestsTitle: '我的申请',
    noRequests: '您还没有提交过申请。',
    type: '类型',
    status: '状态',
    submittedAt: '提交时间',
    dueAt: '截止时间',
    timeLeftLabel: '剩余时间',
    paused: '（等待您的答复，计时暂停）',
    overdue: '已逾期',
    daysHours: (d: number, h: number) => `${d} 天 ${h} 小时`,
    hoursMinutes: (h: number, m: number) => `${h} 小时 ${m} 分钟`,
    open: '查看',
    requestTitle: '申请详情',
    policyVersionFiled: '适用的政策版本',
    decision: '决定',
    reason: '理由',
    question: '工作人员的问题',
    extension: '延期',
    extendedUntil: '延期至',
    appeal: '申诉',
    rightsNotice: '您的权利',
    timeline: '处理记录',
    by: '操作方',
    cited: '引用',
    outcomes: { approve: '同意', reject: '拒绝', partial: '部分同意', extend: '延期' } as Record<string, string>,
    actors: { subject: '您', staff: '工作人员', legal: '法务', system: '系统', admin: '管理员' } as Record<string, string>,
    beijingTime: '北京时间',
    errorTitle: (status: number) => `出错了（${status}）`,
    errors: {
      400: '请求的内容有误。',
      401: '请先登录。',
      403: '您无权执行此操作。',
      404: '找不到该页面。',
      429: '请求过于频繁，请稍后再试。',
      503: '服务暂时不可用，请稍后再试。',
    } as Record<number, string>,
    errorOther: '出现了问题，请稍后再试。',
    csrfRefused: '表单已过期或并非来自本门户，请返回重新提交。',
    backHome: '返回首页',
    wrongCredentials: '电子邮箱或密码不正确。',
    wrongCode: '验证码不正确。',
    accountClosed: '该账号已注销。',
  },
  en: {
    portalName: 'Personal information rights portal',
    skipToContent: 'Skip to content',
    navHome: 'Home',
    navPolicy: 'Privacy policy',
    navRequests: 'My requests',
    navQueue: 'Queue',
    navDashboard: 'Dashboard',
    navLegal: 'Legal',
    navRecordDisclosure: 'Record a disclosure',
    navAdmin: 'Administration',
    register: 'Register',
    newRequest: 'File a new request',
    navConsents: 'My consents',
    navDisclosures: 'Disclosures of my data',
    navLink: 'Link the app account',
    navTransparency: 'Transparency',
    login: 'Sign in',
    logout: 'Sign out',
    switchTo: '中文',
    switchLabel: 'Change language',
    homeTitle: 'Your rights over your personal information',
    homeIntro:
      'Under the Personal Information Protection Law of the PRC and our privacy policy, you may exercise these rights through this portal. Each lists the policy clauses and provisions of law that back it.',
    clausesBacking: 'Policy clauses',
    provisionsBacking: 'Provisions of law',
    none: 'none',
    policyTitle: 'Privacy policy',
    policyVersion: (v: number) => `Version ${v}`,
    publishedAt: 'Published',
    versions: 'All versions',
    inForce: 'in force',
    changes: 'What changed in this version',
    added: 'Added',
    changed: 'Changed',
    removed: 'Removed',
    firstVersion: 'The first version: nothing changed.',
    clauses: 'Clauses',
    lawTitle: 'Provisions of law cited',
    email: 'Email',
    password: 'Password',
    mfaTitle: 'Second step',
    mfaHint: 'Enter the 6-digit code from your authenticator app.',
    mfaCode: 'Code',
    continue: 'Continue',
    loginTitle: 'Sign in',
    loginRequired: 'Please sign in first.',
    myRequestsTitle: 'My requests',
    noRequests: 'You have not filed a request yet.',
    type: 'Type',
    status: 'Status',
    submittedAt: 'Submitted',
    dueAt: 'Due',
    timeLeftLabel: 'Time left',
    paused: '(waiting for your reply: the clock is paused)',
    overdue: 'Overdue',
    daysHours: (d: number, h: number) => `${d} ${d === 1 ? 'day' : 'days'} ${h} ${h === 1 ? 'hour' : 'hours'}`,
    hoursMinutes: (h: number, m: number) => `${h} ${h === 1 ? 'hour' : 'hours'} ${m} min`,
    open: 'Open',
    requestTitle: 'Request',
    policyVersionFiled: 'Policy version',
    decision: 'Decision',
    reason: 'Reason',
    question: "Staff's question",
    extension: 'Extension',
    extendedUntil: 'Extended until',
    appeal: 'Appeal',
    rightsNotice: 'Your rights',
    timeline: 'Timeline',
    by: 'By',
    cited: 'Cited',
    outcomes: { approve: 'Approved', reject: 'Refused', partial: 'Partly approved', extend: 'Extended' } as Record<string, string>,
    actors: { subject: 'You', staff: 'Staff', legal: 'Legal', system: 'System', admin: 'Administrator' } as Record<string, string>,
    beijingTime: 'Beijing time',
    errorTitle: (status: number) => `Something went wrong (${status})`,
    errors: {
      400: 'The request was not valid.',
      401: 'Please sign in first.',
      403: 'You may not do this.',
      404: 'There is no such page.',
      429: 'Too many requests; try again later.',
      503: 'The service is unavailable for a moment; try again shortly.',
    } as Record<number, string>,
    errorOther: 'Something went wrong; try again later.',
    csrfRefused: 'The form has expired or did not come from this portal; go back and send it again.',
    backHome: 'Back to the home page',
    wrongCredentials: 'The email or password is not right.',
    wrongCode: 'The code is not right.',
    accountClosed: 'This account has been closed.',
  },
} satisfies Record<WebLocale, unknown>;

/** Every word a page shows, in one language; `type` and `status` name request types and statuses. */
export function webText(locale: WebLocale) {
  return {
    ...TEXT[locale],
    type: TEXT[locale].type,
    typeName: (type: string) => REQUEST_TYPE_LABELS[locale][type as RequestType] ?? type,
    statusName: (status: string) => STATUSES[locale][status as RequestStatus] ?? status,
    rightText: (type: RequestType) => RIGHTS[locale][type],
  };
}
export type PageText = ReturnType<typeof webText>;
