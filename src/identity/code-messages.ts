import { LINK_RULES } from './link-rules';

export interface CodeEmail {
  subject: string;
  text: string;
}

/**
 * The e-mail carrying a code: short, in Chinese first and then in English (the portal does not
 * know the app user's language, only the portal account's), with the code, how long it lasts, and
 * that someone who did not ask may ignore it. Nothing else: no name, no link to follow.
 */
export function codeEmail(code: string, operatorName: string): CodeEmail {
  const minutes = LINK_RULES.codeTtlMinutes;
  return {
    // Not in the subject: a subject line shows on a locked screen and in every list of messages.
    subject: '账号关联验证码 / Account link verification code',
    text: [
      `您的验证码是：${code}`,
      `您正在将隐私请求门户的账号与您在${operatorName}的账号关联。验证码 ${minutes} 分钟内有效。`,
      '如果这不是您本人的操作，请忽略本邮件，您的账号不会有任何变化。',
      '',
      `Your verification code is: ${code}`,
      `You are linking your privacy request portal account to your ${operatorName} account. The code is valid for ${minutes} minutes.`,
      'If you did not ask for it, you can ignore this message; nothing will change.',
      '',
    ].join('\n'),
  };
}

/** The text message carrying a code: the same, as short as a text message must be. */
export function codeText(code: string, operatorName: string): string {
  const minutes = LINK_RULES.codeTtlMinutes;
  return `【${operatorName}】验证码 ${code}，${minutes} 分钟内有效，用于关联隐私请求门户账号；非本人操作请忽略。Code ${code}, valid ${minutes} min; ignore if not you.`;
}
