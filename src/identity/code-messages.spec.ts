import { codeEmail, codeText } from './code-messages';

describe('the messages that carry a code', () => {
  it('e-mail: Chinese first, then English; the code, its 10 minutes, and that it may be ignored; the code not in the subject', () => {
    const { subject, text } = codeEmail('042917', '示例应用');
    expect(subject).not.toContain('042917');
    const zh = text.indexOf('您的验证码是：042917');
    const en = text.indexOf('Your verification code is: 042917');
    expect(zh).toBeGreaterThanOrEqual(0);
    expect(en).toBeGreaterThan(zh);
    expect(text).toContain('10 分钟内有效');
    expect(text).toContain('valid for 10 minutes');
    expect(text).toContain('请忽略本邮件');
    expect(text).toContain('you can ignore this message');
    expect(text).toContain('示例应用');
  });

  it('text message: both languages in one short message', () => {
    const text = codeText('042917', '示例应用');
    expect(text.indexOf('验证码 042917')).toBeLessThan(text.indexOf('Code 042917'));
    expect(text).toContain('10 分钟内有效');
    expect(text).toContain('valid 10 min');
    expect(text).toContain('ignore');
    expect(text.length).toBeLessThanOrEqual(140);
  });
});
