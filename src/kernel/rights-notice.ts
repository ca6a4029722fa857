/**
 * What a subject is told whenever a request of theirs is refused or only partly granted
 * (product.md, A decision): on the request's page, on its timeline and in the notice of the
 * decision, in these words and no others. It names what the refusal rests on (clauses and
 * provisions), what was withheld and why in law, the deadline to appeal, and the remedies.
 *
 * PIPL Art. 50: a processor that refuses a request to exercise these rights must give its reasons,
 * and the individual may then sue in a people's court. The right to complain rests on Art. 65 (any
 * organisation or individual may complain about unlawful processing to the departments performing
 * personal-information protection duties). The policy version 1 text has no clause of its own on
 * either, so the notice cites the statute.
 */
export interface RightsNotice {
  law: string;
  'zh-CN': string;
  en: string;
}

export const REFUSAL_RIGHTS_NOTICE: RightsNotice = Object.freeze({
  law: 'PIPL Art. 50, Art. 65',
  'zh-CN':
    '根据《中华人民共和国个人信息保护法》第五十条，您可以依法向人民法院提起诉讼；' + '根据该法第六十五条，您也可以向履行个人信息保护职责的部门投诉、举报。',
  en:
    "Under Article 50 of the Personal Information Protection Law of the PRC you may bring a lawsuit before a people's court; " +
    'under Article 65 you may also complain to the departments responsible for personal information protection.',
});

/**
 * Why a request was refused outright: the notice says which. Which provision each rests on, and
 * which requests it can apply to, is the review's rule (src/review/domain/refusal-grounds.ts).
 */
export enum RefusalGround {
  IdentityNotVerified = 'identity_not_verified',
  ManifestlyUnfounded = 'manifestly_unfounded',
  RepeatedRequest = 'repeated_request',
  /** filed on someone's behalf, and the proof does not establish the guardianship, the relationship or the authorisation */
  AuthorityNotProven = 'authority_not_proven',
  /** filed by a relative of a deceased person who arranged otherwise in life (PIPL Art. 49) */
  DeceasedArrangedOtherwise = 'deceased_arranged_otherwise',
  /** a correction: verification shows the information is accurate and complete (PIPL Art. 46) */
  InformationAccurate = 'information_accurate',
  /** deleting some data: it is still necessary for the service the subject uses, and no case of PIPL Art. 47 para. 1 applies */
  StillNecessary = 'still_necessary',
}

export const REFUSAL_GROUNDS: readonly RefusalGround[] = Object.values(RefusalGround);

const GROUND_TEXT: Record<RefusalGround, { 'zh-CN': string; en: string }> = {
  [RefusalGround.IdentityNotVerified]: {
    'zh-CN': '无法核验申请人的身份（或其代为申请的权限）',
    en: "the requester's identity (or authority to act) could not be verified",
  },
  [RefusalGround.ManifestlyUnfounded]: { 'zh-CN': '申请明显缺乏依据', en: 'the request is manifestly unfounded' },
  [RefusalGround.RepeatedRequest]: { 'zh-CN': '申请无正当理由重复提出', en: 'the request repeats an earlier one without reason' },
  [RefusalGround.AuthorityNotProven]: {
    'zh-CN': '所提交的证明材料不足以证明您的监护关系、亲属关系或授权',
    en: 'the proof submitted does not establish the guardianship, the relationship or the authorisation',
  },
  [RefusalGround.DeceasedArrangedOtherwise]: { 'zh-CN': '死者生前对其个人信息另有安排', en: 'the deceased arranged otherwise in life' },
  [RefusalGround.InformationAccurate]: { 'zh-CN': '经核实，相关个人信息准确、完整', en: 'on verification, the information is accurate and complete' },
  [RefusalGround.StillNecessary]: {
    'zh-CN': '相关个人信息仍为您正在使用的服务所必需，且不属于《中华人民共和国个人信息保护法》第四十七条第一款规定应当删除的情形；注销帐号时将予以删除',
    en: 'the information is still necessary for the service you use and none of the cases of PIPL Art. 47 para. 1 requiring deletion applies; it is deleted when you cancel the account',
  },
};

/** The facts of one refusal or partial decision the notice states; ids and codes only. */
export interface RefusalFacts {
  outcome: 'reject' | 'partial';
  /** clause ids of the policy version relied on */
  clauses: readonly string[];
  /** provision ids of the law catalogue relied on (`PIPL.18`) */
  law: readonly string[];
  /** categories of personal information withheld or kept (data-map codes) */
  withheld: readonly string[];
  ground?: RefusalGround | null;
  /** the last moment to appeal (ISO-8601); null when an appeal is no longer possible */
  appealBy: string | null;
}

/** The notice of one refusal, in both languages: the one text the page, the timeline and the e-mail show. */
export function refusalNotice(facts: RefusalFacts): RightsNotice {
  const list = (ids: readonly string[], none: string) => (ids.length > 0 ? ids.join(', ') : none);
  // 2026-12-31T23:59:59.000Z → 2026-12-31 23:59
  const appealBy = facts.appealBy ? `${facts.appealBy.slice(0, 10)} ${facts.appealBy.slice(11, 16)}` : null;
  const ground = facts.ground ? GROUND_TEXT[facts.ground] : null;
  const zh = [
    facts.outcome === 'reject' ? '您的申请未获同意。' : '您的申请获得部分同意。',
    ground ? `理由：${ground['zh-CN']}。` : null,
    `所依据的隐私政策条款：${list(facts.clauses, '无')}；所依据的法律规定：${list(facts.law, '无')}。`,
    facts.withheld.length > 0 ? `未提供或予以保留的个人信息类别：${facts.withheld.join('、')}。` : null,
    appealBy ? `如您对该决定有异议，可以在 ${appealBy}（UTC）之前在门户中提出一次申诉。` : null,
    REFUSAL_RIGHTS_NOTICE['zh-CN'],
  ];
  const en = [
    facts.outcome === 'reject' ? 'Your request has been refused.' : 'Your request has been granted in part.',
    ground ? `Ground: ${ground.en}.` : null,
    `Policy clauses relied on: ${list(facts.clauses, 'none')}; provisions of law relied on: ${list(facts.law, 'none')}.`,
    facts.withheld.length > 0 ? `Categories of personal information withheld or kept: ${facts.withheld.join(', ')}.` : null,
    appealBy ? `If you disagree, you may appeal once in the portal until ${appealBy} (UTC).` : null,
    REFUSAL_RIGHTS_NOTICE.en,
  ];
  return { law: REFUSAL_RIGHTS_NOTICE.law, 'zh-CN': zh.filter(Boolean).join(''), en: en.filter(Boolean).join(' ') };
}
