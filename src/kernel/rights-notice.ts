/**
 * What a subject is told whenever a request of theirs is refused or only partly granted
 * (product.md, A decision): on the request's page and in the notice of the decision, in these words
 * and no others.
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
