import { FACE_ALTERNATIVE_VERIFICATION } from '../../consents/facial-withdrawal';
import { ConsentPurpose } from '../../policy/domain/policy.types';
import type { WebLocale } from '../web-locale';

/** The consent purposes in plain words (what the person agreed to), in each language. */
const PURPOSES: Record<WebLocale, Record<ConsentPurpose, string>> = {
  'zh-CN': {
    face_basic: '人脸识别验证：用人脸验证您的身份（登录、找回账号等基本功能）。',
    face_additional: '人脸的其他用途：在身份验证之外使用您的人脸信息（例如美颜、特效等附加功能）。',
    marketing: '营销信息：向您发送我们自己的产品和活动推广。',
    partner_marketing: '合作伙伴营销：把您的信息提供给合作伙伴，由他们向您推广。',
    affiliate_sharing: '关联公司共享：与我们的关联公司共享您的个人信息。',
    personalised_ads: '个性化广告：根据您的使用情况向您展示定向广告。',
    cross_border: '出境传输：将您的个人信息传输到中国境外。',
  },
  en: {
    face_basic: 'Face verification: using your face to verify who you are (signing in, recovering the account and other basic functions).',
    face_additional: 'Other uses of your face: using your facial information beyond verification (such as beauty filters and effects).',
    marketing: 'Marketing: sending you promotions of our own products and events.',
    partner_marketing: 'Partner marketing: giving your information to partners so that they can promote to you.',
    affiliate_sharing: 'Sharing with affiliates: sharing your personal information with our affiliated companies.',
    personalised_ads: 'Personalised ads: showing you ads chosen from how you use the app.',
    cross_border: 'Transfer abroad: sending your personal information outside China.',
  },
};

const TEXT = {
  'zh-CN': {
    registerTitle: '注册',
    registerIntro: '注册后即可在线提交个人信息权利申请并跟踪处理进度。',
    displayName: '称呼（可选）',
    phone: '手机号码（可选）',
    passwordHint: '至少 10 个字符；不能是常见密码，也不能与电子邮箱或其 @ 前的部分相同。',
    passwordRefused: '密码不符合要求：',
    createAccount: '注册',
    haveAccount: '已有账号？',
    registered: '注册成功，请登录。',
    emailTaken: '该电子邮箱已注册。如果这是您的邮箱，请直接登录。',
    chooseTitle: '提交新申请',
    chooseIntro: '请选择您要行使的权利。每一项都会打开一个表单。',
    fileThis: '填写申请',
    onBehalfLink: '代他人申请',
    onBehalfIntro: '您也可以代他人提交申请：作为未满 14 周岁儿童的监护人、已故者的近亲属，或经本人书面授权的代理人。需要上传证明材料。',
    formTitle: (type: string) => `申请：${type}`,
    formTitleOnBehalf: (type: string) => `代他人申请：${type}`,
    required: '必填',
    optional: '可选',
    note: '补充说明（可选，最多 2000 字）',
    noteHint: '您希望审核人员了解的任何情况。',
    submit: '提交申请',
    back: '返回选择申请类型',
    fixBelow: '请修改下方标出的内容后重新提交。',
    fillIn: '请填写此项。',
    question: '您希望我们解释什么？',
    categories: '要删除的信息类别',
    categoriesHint: '请至少选择一类。账号本身会保留。',
    correctionItems: '需要更正的内容',
    correctionHint: '每一行填写一项；留空的行会被忽略。至少填写一行。',
    itemLegend: (n: number) => `第 ${n} 项`,
    target: '要更正的信息',
    chooseTarget: '请选择',
    currentValue: '现在的值（可选）',
    correctedValue: '正确的值',
    explanation: '为什么需要更正',
    notCorrectable: '以下类别无法通过申请更正：',
    format: '副本格式',
    formatJson: 'JSON（一个文件）',
    formatCsv: 'CSV（每个类别一个文件）',
    sendTo: '同时发送给其他处理者（可选）',
    sendToHint: '如需将副本直接转给您指定的其他个人信息处理者，请填写其名称和接收地址（必须是 https:// 开头的公网地址）。两项都留空则只发给您。',
    sendToName: '处理者名称',
    sendToEndpoint: '接收地址（HTTPS）',
    purposes: '要撤回同意的用途',
    purposesHint: '撤回立即生效；撤回前已进行的处理不受影响。',
    purposeState: { granted: '当前：已同意', withdrawn: '当前：已撤回', never: '当前：未同意' } as Record<string, string>,
    newPurpose: (name: string) => `新用途：${name}`,
    clauseLabel: '依据条款',
    clauseText: (id: string) => `条款 ${id} 原文`,
    faceConfirm:
      `我确认撤回人脸识别验证（face_basic）的同意。我知道我的人脸信息（人脸模板和图像）将被删除，` +
      `今后我可以通过其他方式验证身份：${FACE_ALTERNATIVE_VERIFICATION.zh}。`,
    faceConfirmHint: '仅在勾选了“人脸识别验证”时需要。',
    passwordAgain: '请再次输入您的当前密码',
    passwordAgainHint: '注销账号需要用密码确认。',
    deleteAccountWarning: '注销后，我们会删除或匿名化您的个人信息；法律要求保存的部分仅作存储，到期删除。',
    onBehalf: '代谁申请',
    relation: '您与此人的关系',
    relations: {
      guardian: '监护人（此人是未满 14 周岁的儿童）',
      relative_of_deceased: '近亲属（此人已故）',
      agent: '代理人（此人书面授权我代为申请）',
    } as Record<string, string>,
    behalfName: '此人的姓名',
    dateOfBirth: '儿童的出生日期（监护人必填）',
    statement: '说明（近亲属必填：您自身的合法、正当利益；代理人：授权的范围）',
    evidence: '证明材料（PDF、JPEG 或 PNG，最大 10 MB）',
    evidenceHint: '监护关系证明；死亡证明及亲属关系证明；或签署的授权书。文件类型以内容判断，而非文件名。',
    linkFirst: '您需要先将本账号与您的应用账号关联（在“我的申请”相关页面完成验证）才能提交此类申请。',
    openRequest: '查看已有的申请',
  },
  en: {
    registerTitle: 'Register',
    registerIntro: 'With an account you can file requests about your personal information and follow them.',
    displayName: 'Name to address you by (optional)',
    phone: 'Phone number (optional)',
    passwordHint: 'At least 10 characters; not one of the most common passwords, nor your email address or the part before its @.',
    passwordRefused: 'This password cannot be used: ',
    createAccount: 'Register',
    haveAccount: 'Already registered?',
    registered: 'You are registered; please sign in.',
    emailTaken: 'An account with this email already exists. If it is yours, sign in.',
    chooseTitle: 'File a new request',
    chooseIntro: 'Choose the right you want to exercise. Each opens a form.',
    fileThis: 'Open the form',
    onBehalfLink: 'File for someone else',
    onBehalfIntro:
      'You may also file for someone else: as the guardian of a child under 14, as a near relative of a person who has died, or as an agent the person authorised in writing. You upload proof.',
    formTitle: (type: string) => `Request: ${type}`,
    formTitleOnBehalf: (type: string) => `For someone else: ${type}`,
    required: 'required',
    optional: 'optional',
    note: 'Anything to add (optional, up to 2,000 characters)',
    noteHint: 'Anything you want the reviewer to know.',
    submit: 'File the request',
    back: 'Back to the request types',
    fixBelow: 'Please correct what is marked below and send the form again.',
    fillIn: 'Please fill this in.',
    question: 'What do you want explained?',
    categories: 'Categories to delete',
    categoriesHint: 'Choose at least one. Your account is kept.',
    correctionItems: 'What to correct',
    correctionHint: 'One item per row; empty rows are left out. Fill in at least one.',
    itemLegend: (n: number) => `Item ${n}`,
    target: 'Information to correct',
    chooseTarget: 'Choose',
    currentValue: 'Value now (optional)',
    correctedValue: 'Correct value',
    explanation: 'Why it is wrong or incomplete',
    notCorrectable: 'These categories cannot be corrected by a request:',
    format: 'Format of the copy',
    formatJson: 'JSON (one file)',
    formatCsv: 'CSV (one file per category)',
    sendTo: 'Send it to another handler too (optional)',
    sendToHint:
      'To have the copy sent straight to another handler you name, give its name and the address it receives at (an https:// address on the public Internet). Leave both empty to have it sent to you only.',
    sendToName: 'Name of the handler',
    sendToEndpoint: 'Address it receives at (HTTPS)',
    purposes: 'Purposes to withdraw consent for',
    purposesHint: 'A withdrawal takes effect at once; what was done before it is not affected.',
    purposeState: { granted: 'Now: given', withdrawn: 'Now: withdrawn', never: 'Now: never given' } as Record<string, string>,
    newPurpose: (name: string) => `New purpose: ${name}`,
    clauseLabel: 'Clause',
    clauseText: (id: string) => `The text of clause ${id}`,
    faceConfirm:
      `I confirm that I withdraw my consent to face verification (face_basic). I understand that my facial information (face templates and images) will be deleted, ` +
      `and that I can verify who I am another way: ${FACE_ALTERNATIVE_VERIFICATION.en}.`,
    faceConfirmHint: 'Needed only when "Face verification" is ticked.',
    passwordAgain: 'Your current password, again',
    passwordAgainHint: 'Cancelling the account is confirmed with your password.',
    deleteAccountWarning:
      'After cancelling, we delete or anonymise your information; what the law makes us keep is only stored, and deleted when its time ends.',
    onBehalf: 'Whom you file for',
    relation: 'Your relation to the person',
    relations: {
      guardian: 'Guardian (the person is a child under 14)',
      relative_of_deceased: 'Near relative (the person has died)',
      agent: 'Agent (the person authorised me in writing)',
    } as Record<string, string>,
    behalfName: "The person's name",
    dateOfBirth: "The child's date of birth (a guardian must give it)",
    statement: 'Statement (a relative must state their own lawful, legitimate interest; an agent: what the authorisation covers)',
    evidence: 'Proof (PDF, JPEG or PNG, at most 10 MB)',
    evidenceHint:
      'Proof of guardianship; a death certificate and proof of the relationship; or the signed authorisation. What a file is is read from its content, not its name.',
    linkFirst: 'Link this account to your app account first (verify it on your account pages) to file this kind of request.',
    openRequest: 'Open the request you already have',
  },
} satisfies Record<WebLocale, unknown>;

/** A service's refusal as the filing pages word it, by its code (the service's own message otherwise). */
export const FILING_REFUSALS: Record<string, Record<WebLocale, string>> = {
  email_taken: { 'zh-CN': TEXT['zh-CN'].emailTaken, en: TEXT.en.emailTaken },
  evidence_required: {
    'zh-CN': '代他人申请需要上传证明材料（PDF、JPEG 或 PNG）。',
    en: 'A request filed for someone else needs proof: attach a PDF, JPEG or PNG.',
  },
  date_of_birth_required: {
    'zh-CN': '监护人代未满 14 周岁的儿童申请（《个人信息保护法》第三十一条）：请填写儿童的出生日期。',
    en: "A guardian files for a child under 14 (PIPL Art. 31): give the child's date of birth.",
  },
  not_a_child: {
    'zh-CN': '监护人只能代未满 14 周岁的儿童申请（《个人信息保护法》第三十一条）；年满 14 周岁的人可以自己申请，或书面授权您作为代理人。',
    en: 'A guardian files for a child under 14 (PIPL Art. 31); an older person files for themselves, or authorises you as their agent.',
  },
  interest_required: {
    'zh-CN': '近亲属为了自身的合法、正当利益处理已故者的个人信息（《个人信息保护法》第四十九条）：请在说明中写明。',
    en: "A near relative acts on a deceased person's information for their own lawful, legitimate interest (PIPL Art. 49): state it in the statement.",
  },
  on_behalf_not_possible: {
    'zh-CN': '撤回同意只能由本人提交，不能代他人申请。',
    en: 'A withdrawal of consent is filed for yourself only, never for someone else.',
  },
  endpoint_not_allowed: {
    'zh-CN': '接收地址必须以 https:// 开头，不含用户名或密码，且是公网地址。',
    en: 'The address must start with https://, carry no user name or password, and be on the public Internet.',
  },
  face_basic_needs_confirmation: {
    'zh-CN': `撤回人脸识别验证的同意会删除您的人脸信息；您仍可通过其他方式验证身份：${FACE_ALTERNATIVE_VERIFICATION.zh}。请勾选确认后再提交。`,
    en: `Withdrawing face verification deletes your facial information; you can still verify who you are another way: ${FACE_ALTERNATIVE_VERIFICATION.en}. Tick the confirmation to go ahead.`,
  },
  identity_not_verified: { 'zh-CN': TEXT['zh-CN'].linkFirst, en: TEXT.en.linkFirst },
  duplicate_open_request: {
    'zh-CN': '您已有一个同类型的申请正在处理中；请跟进或撤销该申请后再提交新的。',
    en: 'You already have an open request of this type; follow it or cancel it before filing another.',
  },
  password_not_confirmed: { 'zh-CN': '密码不正确。', en: 'The password is not right.' },
  unsupported_upload: {
    'zh-CN': '文件必须是 PDF、JPEG 或 PNG，而该文件的内容都不是。',
    en: 'The file must be a PDF, a JPEG or a PNG, and its content is none of them.',
  },
  upload_type_mismatch: {
    'zh-CN': '文件与其声明的类型不符（例如名为 .pdf 但内容是图片）。请上传真实的 PDF、JPEG 或 PNG 文件。',
    en: 'The file is not what it says it is (a .pdf whose content is an image, say). Attach a genuine PDF, JPEG or PNG.',
  },
  upload_too_large: { 'zh-CN': '文件超过 10 MB 的上限。', en: 'The file is larger than the limit of 10 MB.' },
  empty_upload: { 'zh-CN': '文件是空的。', en: 'The file is empty.' },
  too_many_uploads: {
    'zh-CN': '待提交的上传文件过多；未使用的文件会在一天后删除，请稍后再试。',
    en: 'Too many uploads are waiting to be filed; unused ones are removed after a day. Try again later.',
  },
};

/** The password rule's refusals (accounts/password-rules.ts, in English) in the page's words; another stays as the rule says it. */
const PASSWORD_REFUSALS: [RegExp, Record<WebLocale, string>][] = [
  [/must be \d+ to \d+ characters/, { 'zh-CN': '长度需为 10 到 200 个字符。', en: 'It must be 10 to 200 characters long.' }],
  [
    /most common passwords/,
    { 'zh-CN': '这是最常见的密码之一，请换一个更难猜到的。', en: 'It is one of the most common passwords; choose one that is harder to guess.' },
  ],
  [/must not be the email address/, { 'zh-CN': '不能是电子邮箱地址或其 @ 前的部分。', en: 'It must not be your email address or the part before its @.' }],
];

export function passwordRefusal(message: string, locale: WebLocale): string {
  return PASSWORD_REFUSALS.find(([pattern]) => pattern.test(message))?.[1][locale] ?? message;
}

/** Every word the filing pages show, in one language, with the consent purposes in plain words. */
export function filingText(locale: WebLocale) {
  return {
    ...TEXT[locale],
    purposeText: (purpose: string) => PURPOSES[locale][purpose as ConsentPurpose] ?? null,
  };
}
export type FilingText = ReturnType<typeof filingText>;
