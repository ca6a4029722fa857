import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBundledDataCategories, parseDataCategories } from './data-categories';
import { PolicyParseError } from './policy-parse.error';
import { DATA_CATEGORIES, DataCategory } from './policy.types';

const SHIPPED = readFileSync(path.join(__dirname, '..', 'data-categories.yaml'), 'utf8');

/** The shipped file with one category's block (from its key to the next top-level key) replaced. */
function withBlock(category: DataCategory, replacement: string): string {
  const pattern = new RegExp(`^${category}:\\n(?:(?:  .*|#.*|)\\n)*?(?=^[a-z_]+:|(?![\\s\\S]))`, 'm');
  expect(SHIPPED).toMatch(pattern);
  return SHIPPED.replace(pattern, replacement);
}

function problemsOf(text: string): string[] {
  try {
    parseDataCategories(text);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyParseError);
    return (err as PolicyParseError).issues.map((issue) => `line ${issue.line}: ${issue.message}`);
  }
  throw new Error('the file was accepted');
}

const SEARCH_KEYWORDS = [
  'search_keywords:',
  '  label:',
  '    zh-CN: 搜索关键字',
  '    en: Search keywords',
  '  correctionNote:',
  '    zh-CN: 无法更正',
  '    en: cannot be corrected',
  '',
].join('\n');

describe('the data categories (data-categories.yaml)', () => {
  it('describes every DataCategory, in the enum’s order, with labels in both languages', () => {
    const categories = loadBundledDataCategories();
    expect(categories.map((c) => c.id)).toEqual([...DATA_CATEGORIES]);
    for (const c of categories) {
      expect({ id: c.id, zh: /[\u4e00-\u9fff]/.test(c.label['zh-CN']), en: /[a-z]{3}/.test(c.label.en) }).toEqual({ id: c.id, zh: true, en: true });
      // Exactly one of: fields to correct, or a note saying why there are none.
      expect({ id: c.id, either: c.correctableFields.length > 0 !== (c.correctionNote !== undefined) }).toEqual({ id: c.id, either: true });
    }
  });

  it('lets the subject correct the account’s display name, e-mail, phone, gender and date of birth; facial data is enrolled again instead', () => {
    const byId = new Map(loadBundledDataCategories().map((c) => [c.id, c]));
    expect(byId.get(DataCategory.Account)?.correctableFields.map((f) => f.id)).toEqual(['display_name', 'email', 'phone', 'gender', 'birthday']);
    expect(byId.get(DataCategory.Account)?.correctableFields[1].label).toEqual({ 'zh-CN': '电子邮箱', en: 'E-mail address' });
    expect(byId.get(DataCategory.Account)?.correctableFields[4].label).toEqual({ 'zh-CN': '生日', en: 'Date of birth' });
    for (const face of [DataCategory.FaceBasic, DataCategory.FaceAdditional]) {
      expect(byId.get(face)?.correctableFields).toEqual([]);
      expect(byId.get(face)?.correctionNote?.en).toContain('enrol your face again');
    }
    expect(byId.get(DataCategory.DeviceAccess)?.correctionNote?.en).toContain('recorded automatically');
  });

  it('refuses a file that leaves a category out, naming it', () => {
    expect(problemsOf(withBlock(DataCategory.SearchKeywords, ''))).toEqual([
      'line 0: missing data categories: search_keywords (every DataCategory must be described)',
    ]);
  });

  it('refuses a category the enum does not have, naming it with its line and the valid ones', () => {
    const text = withBlock(DataCategory.SearchKeywords, SEARCH_KEYWORDS + SEARCH_KEYWORDS.replace('search_keywords:', 'shoe_size:'));
    const problems = problemsOf(text);
    expect(problems).toEqual([
      expect.stringMatching(/^line \d+: unknown data category "shoe_size" \(expected one of: account, device_access, .*violations\)$/),
    ]);
    const line = Number(/^line (\d+)/.exec(problems[0])![1]);
    expect(text.split('\n')[line - 1]).toBe('shoe_size:');
  });

  it('refuses an empty field id, a malformed one and a field with no English label', () => {
    const account = [
      'account:',
      '  label:',
      '    zh-CN: 帐号注册信息',
      '    en: Account registration information',
      '  correctableFields:',
      '    "":',
      '      zh-CN: 昵称',
      '      en: Display name',
      '    E-Mail:',
      '      zh-CN: 电子邮箱',
      '      en: E-mail',
      '    phone:',
      '      zh-CN: 手机号码',
      '',
    ].join('\n');
    const problems = problemsOf(withBlock(DataCategory.Account, account));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/a key in account\.correctableFields must be a non-empty string/);
    expect(problems[1]).toMatch(/field id "E-Mail" in account\.correctableFields must be lowercase letters, digits and underscores/);
    expect(problems[2]).toMatch(/account\.correctableFields\.phone\.en is missing/);
  });

  it('refuses a category with neither fields nor a note, an empty field list, and an unknown key', () => {
    const bare = ['search_keywords:', '  label:', '    zh-CN: 搜索关键字', '    en: Search keywords', '  correctable: yes', ''].join('\n');
    expect(problemsOf(withBlock(DataCategory.SearchKeywords, bare))).toEqual([
      expect.stringMatching(/search_keywords has neither correctableFields nor a correctionNote/),
      expect.stringMatching(/unknown key "correctable" in search_keywords \(expected one of: label, correctableFields, correctionNote\)/),
    ]);
    const empty = SEARCH_KEYWORDS.replace(/ {2}correctionNote:[\s\S]*$/, '  correctableFields: {}\n');
    expect(problemsOf(withBlock(DataCategory.SearchKeywords, empty))).toEqual([expect.stringMatching(/search_keywords\.correctableFields must not be empty/)]);
  });
});
