import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PolicyParseError } from './policy-parse.error';
import { parsePolicyMarkdown } from './policy-parser';
import { ParsedPolicy, PolicyClause } from './policy.types';

const VERSION_1_PATH = path.join(__dirname, '..', 'versions', 'v1', 'privacy-policy.zh-CN.md');
const OPERATOR = '示例科技有限公司';

// The ids of clauses.md, in document order, written out so that a parser change that drops,
// renames or reorders a clause fails here.
const VERSION_1_IDS = [
  'preamble',
  '1',
  '1.a',
  '1.b',
  '1.excl',
  '1.excl.a',
  '1.excl.b',
  '1.excl.c',
  '2',
  '2.a',
  '2.b',
  '2.c',
  '3',
  '3.a',
  '3.b',
  '3.c',
  '3.d',
  '3.e',
  '3.f',
  '3.g',
  '4',
  '5',
  '5.a',
  '5.b',
  '7',
  '7.a',
  '7.b',
  'face',
  'face.collect',
  'face.collect.1',
  'face.collect.2',
  'face.collect.ack.1',
  'face.collect.ack.2',
  'face.use',
  'face.use.1',
  'face.use.2',
  'face.use.3',
  'face.use.4',
  'face.use.5',
  'face.use.6',
  'face.transfer',
  'face.transfer.1',
  'face.transfer.2',
  'face.transfer.3',
  'face.transfer.4',
  'face.transfer.5',
  'face.transfer.6',
  'face.share',
  'face.share.1',
  'face.share.1.1',
  'face.share.1.2',
  'face.share.1.3',
  'face.share.1.4',
  'face.share.1.5',
  'face.share.1.6',
  'face.share.1.7',
  'face.share.2',
  'face.share.3',
  'face.share.4',
  'face.share.5',
  'face.retain',
  'face.retain.1',
  'face.retain.2',
  'face.retain.3',
];

function readVersion1(): string {
  return readFileSync(VERSION_1_PATH, 'utf8');
}

function clause(policy: ParsedPolicy, id: string): PolicyClause {
  const found = policy.clauses.find((candidate) => candidate.id === id);
  if (!found) {
    throw new Error(`test setup: clause ${id} not found`);
  }
  return found;
}

function parseError(markdown: string): PolicyParseError {
  try {
    parsePolicyMarkdown(markdown, { operatorName: OPERATOR });
  } catch (error: unknown) {
    if (error instanceof PolicyParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a PolicyParseError');
}

/** Builds a small policy from lines; line 1 is the front matter fence, so body lines start at 5. */
function policyText(...body: string[]): string {
  return ['---', 'layout: post', 'title: Test Policy', '---', ...body].join('\n');
}

describe('parsePolicyMarkdown on the published version 1', () => {
  const markdown = readVersion1();
  const policy = parsePolicyMarkdown(markdown, { operatorName: OPERATOR });

  it('yields exactly the clause ids of clauses.md, in document order', () => {
    expect(policy.clauses.map((c) => c.id)).toEqual(VERSION_1_IDS);
  });

  it('reads the title from the front matter and hashes the raw text', () => {
    expect(policy.title).toBe('Privacy Policy');
    // Pins the bundled text: the copy must stay byte-identical to the published policy.
    expect(policy.sha256).toBe('55bbbb3d1b9938f7318516a1adbe5b66883d2b29a083f86faac99dfd83c6d012');
  });

  it('gives items their text without the list marker', () => {
    expect(clause(policy, '1.a')).toEqual({ id: '1.a', text: '在您注册本应用帐号时，您根据本应用要求提供的个人注册信息；', lines: [10] });
    expect(clause(policy, '1.excl.c').text).toBe('违反法律规定或违反本应用规则行为及本应用已对您采取的措施。');
    expect(clause(policy, '3.c').text).toBe('根据法律的有关规定，或者行政或司法机构的要求，向第三方或者行政、司法机构披露；');
    expect(clause(policy, 'face.transfer.3').text).toBe('与犯罪侦查、起诉、审判和判决执行等直接相关的；');
    expect(clause(policy, 'face.share.1.4')).toEqual({ id: 'face.share.1.4', text: '与犯罪侦查、起诉、审判和判决执行等直接相关的；', lines: [102] });
  });

  it('gives a section its heading, and its lead-in sentence as text when it has one', () => {
    expect(clause(policy, '1')).toEqual({ id: '1', heading: '适用范围', text: '适用范围', lines: [8] });
    expect(clause(policy, '3')).toEqual({
      id: '3',
      heading: '信息披露',
      text: '在如下情况下，本应用将依据您的个人意愿或法律的规定全部或部分的披露您的个人信息：',
      lines: [30, 32],
    });
    expect(clause(policy, '1.excl').text).toBe('您了解并同意，以下信息不适用本隐私权政策：');
    expect(clause(policy, 'face')).toMatchObject({ heading: '面部信息的采集、使用、公开、分享、保留说明', lines: [67] });
    expect(clause(policy, 'face.collect')).toEqual({
      id: 'face.collect',
      heading: '面部信息的采集规则',
      text: '在您使用我们的产品及/或服务时，我们需要/可能需要收集和使用的您的面部个人信息包括如下两种：',
      lines: [69, 70],
    });
    expect(clause(policy, 'face.share')).toEqual({ id: 'face.share', heading: '面部个人信息共享规则', text: '面部个人信息共享规则', lines: [97] });
  });

  it('keeps the lines of a clause broken over several lines, without the trailing two-space breaks', () => {
    const partners = clause(policy, 'face.share.3');
    expect(partners.lines).toEqual([107, 108, 109]);
    expect(partners.text.split('\n')).toHaveLength(3);
    expect(partners.text.startsWith('我们可能会向合作伙伴等第三方共享您的账户信息、设备信息以及位置信息')).toBe(true);
    expect(partners.text.endsWith('匿名性会确保相关信息不会识别您个人。')).toBe(true);
    expect(clause(policy, 'face.transfer').text.split('\n')).toEqual([
      '在涉及合并、收购、资产转让或类似的交易时，如涉及到个人信息转让，我们会要求新的持有您个人信息的公司、组织继续受本隐私政策的约束，否则我们将要求该公司、组织重新向您征求授权同意。',
      '除本隐私政策所明确述明的情况以外，我们不会将您的个人信息转让或公开披露给任何公司、组织和个人，但以下情况除外：',
    ]);
    for (const { id, text } of policy.clauses) {
      expect({ id, trailingSpace: /\s$/.test(text) || / {2}\n/.test(text) }).toEqual({ id, trailingSpace: false });
    }
  });

  it('puts the acknowledgement lead-in above the items it introduces', () => {
    expect(clause(policy, 'face.collect.ack.2')).toMatchObject({ heading: '您理解并同意', lines: [73, 75] });
    expect(clause(policy, 'face.collect.ack.2').text.startsWith('为给您带来更好的产品和服务体验')).toBe(true);
  });

  it('reassembles 5.b from its two halves', () => {
    expect(clause(policy, '5.b')).toEqual({
      id: '5.b',
      text:
        '在使用本应用网络服务进行网上交易时，您不可避免的要向交易对方或潜在的交易对方披露自己的个人信息，如联络方式或者邮政地址。' +
        '请您妥善保护自己的个人信息，仅在必要的情形下向他人提供。如您发现自己的个人信息泄密，尤其是本应用用户名及密码发生泄露，' +
        '请您立即联络本应用客服，以便本应用采取相应措施。',
      lines: [56, 64],
    });
    expect(clause(policy, '7.b').text).toBe('本公司保留随时修改本政策的权利，因此请经常查看。如对本政策作出重大更改，本公司会通过网站通知的形式告知。');
  });

  it('fills the blank operator names and leaves no run of spaces in any clause', () => {
    expect(clause(policy, 'face.share.1').text).toBe(`我们不会与${OPERATOR}以外的任何公司、组织和个人共享您的个人信息，但以下情况除外：`);
    expect(clause(policy, 'face.share.5').text).toContain(`或者为了保护${OPERATOR}、您或其他${OPERATOR}客户的权利`);
    expect(clause(policy, 'face.retain.2').text).toBe(
      `当您成功申请注销${OPERATOR}账户后，我们将在您提出申请的48小时内完成对您的账户注销审核，审核通过后，我们将对您的个人信息进行删除或匿名化处理。`,
    );
    const withBlanks = policy.clauses.filter((c) => /[ \u3000]{2,}/.test(c.text)).map((c) => c.id);
    expect(withBlanks).toEqual([]);
  });

  it('reports each defect it repaired as a warning with its line', () => {
    expect(policy.warnings.map(({ code, line }) => ({ code, line }))).toEqual([
      { code: 'missing_section', line: 58 },
      { code: 'split_clause_joined', line: 64 },
      { code: 'operator_name_filled', line: 98 },
      { code: 'operator_name_filled', line: 111 },
      { code: 'operator_name_filled', line: 115 },
    ]);
    expect(policy.warnings[0].message).toContain('section 6');
    expect(policy.warnings[2].message).toContain('face.share.1');
    expect(policy.warnings[3].message).toContain('face.share.5');
    expect(policy.warnings[4].message).toContain('face.retain.2');
  });

  it('places every non-blank line of the body in some clause', () => {
    const covered = new Set(policy.clauses.flatMap((c) => c.lines));
    const bodyLines = markdown
      .split('\n')
      .map((text, index) => ({ number: index + 1, text: text.trim() }))
      .filter(({ number, text }) => number > 4 && text !== '');
    expect(bodyLines.filter(({ number }) => !covered.has(number))).toEqual([]);
  });
});

describe('parsePolicyMarkdown on a later version of the same shape', () => {
  // Version 1 with its defects fixed (5.b whole, a section 6 added) and an extra facial item.
  const repaired = readVersion1()
    .replace('潜在的交易对\n', '潜在的交易对方披露自己的个人信息。\n\n6. 未成年人\n\n(a) 未成年人应在监护人同意下使用本应用。\n')
    .replace(/\n方披露自己的个人信息，如联络方式或者邮政地址。[^\n]*\n/, '\n')
    .replace('3、如果我们终止服务或运营', '3、新增条款。  \n4、如果我们终止服务或运营');
  const policy = parsePolicyMarkdown(repaired, { operatorName: OPERATOR });

  it('derives the ids from the structure, not from line numbers', () => {
    const ids = policy.clauses.map((c) => c.id);
    expect(ids).toEqual([
      ...VERSION_1_IDS.slice(0, VERSION_1_IDS.indexOf('7')),
      '6',
      '6.a',
      ...VERSION_1_IDS.slice(VERSION_1_IDS.indexOf('7')),
      'face.retain.4',
    ]);
    expect(clause(policy, '6.a').text).toBe('未成年人应在监护人同意下使用本应用。');
    expect(clause(policy, 'face.retain.3').text).toBe('新增条款。');
    expect(clause(policy, 'face.retain.4').text.startsWith('如果我们终止服务或运营')).toBe(true);
  });

  it('reports only the defects still there', () => {
    expect(policy.warnings.map((w) => w.code)).toEqual(['operator_name_filled', 'operator_name_filled', 'operator_name_filled']);
  });
});

describe('parsePolicyMarkdown refusals', () => {
  it('refuses a duplicate clause id, naming both lines', () => {
    const error = parseError(policyText('1. 范围', '', '(a) 第一项；', '', '(a) 重复的第一项。'));
    expect(error.issues).toEqual([{ line: 9, message: 'duplicate clause id 1.a (first at line 7)' }]);
  });

  it('refuses a duplicate section', () => {
    const error = parseError(policyText('1. 范围', '', '(a) 第一项。', '', '1. 又是范围'));
    expect(error.issues).toEqual([{ line: 9, message: 'duplicate clause id 1 (first at line 5)' }]);
  });

  it('refuses a clause with no text', () => {
    const error = parseError(policyText('1. 范围', '', '(a) 第一项；', '', '(b)', '', '(c) 第三项。'));
    expect(error.issues).toEqual([{ line: 9, message: 'clause 1.b has no text' }]);
  });

  it('refuses an item outside any section', () => {
    const error = parseError(policyText('(a) 没有所属章节的条款。'));
    expect(error.issues).toEqual([{ line: 5, message: 'lettered item a is not inside a section' }]);
  });

  it('refuses a paragraph that belongs to no clause', () => {
    const error = parseError(policyText('1. 范围', '', '(a) 第一项。', '', '不属于任何条款的段落。'));
    expect(error.issues[0].line).toBe(9);
    expect(error.issues[0].message).toContain('belongs to no clause');
  });

  it('refuses an unknown part heading or sub-heading in the facial part', () => {
    expect(parseError(policyText('1. 范围', '', '### 其他说明', '', '1、内容。')).issues).toEqual([
      { line: 7, message: 'unrecognised part heading "其他说明"' },
    ]);
    expect(parseError(policyText('### 面部信息说明', '', '**面部信息的销毁规则**  ', '1、内容。')).issues).toEqual([
      { line: 7, message: 'unrecognised sub-heading "面部信息的销毁规则"' },
    ]);
  });

  it('refuses a text without front matter, and reports every problem at once', () => {
    const error = parseError(['1. 范围', '', '(a)', '', '(a) 重复。'].join('\n'));
    expect(error).toBeInstanceOf(PolicyParseError);
    expect(error.issues.map((issue) => issue.line)).toEqual([1, 3, 5]);
  });

  it('refuses an empty operator name instead of leaving blanks in the text', () => {
    expect(() => parsePolicyMarkdown(readVersion1(), { operatorName: '  ' })).toThrow(PolicyParseError);
  });
});

describe('parsePolicyMarkdown on small texts', () => {
  it('builds the facial part: sub-sections, items, sub-items and continuation lines', () => {
    const policy = parsePolicyMarkdown(
      policyText(
        '本应用尊重隐私。',
        '',
        '1. 范围',
        '',
        '(a) 注册信息。',
        '',
        '### 面部信息的说明',
        '',
        '**面部个人信息共享规则**  ',
        '1、我们不会与    以外的任何公司共享，但以下情况除外：  ',
        '（1）事先获得您明确的同意；  ',
        '（2）与国家安全直接相关的。  ',
        '2、合作伙伴包括以下类型：  ',
        '委托我们进行推广的合作伙伴。  ',
      ),
      { operatorName: 'ACME' },
    );
    expect(policy.title).toBe('Test Policy');
    expect(policy.clauses.map(({ id, lines }) => ({ id, lines }))).toEqual([
      { id: 'preamble', lines: [5] },
      { id: '1', lines: [7] },
      { id: '1.a', lines: [9] },
      { id: 'face', lines: [11] },
      { id: 'face.share', lines: [13] },
      { id: 'face.share.1', lines: [14] },
      { id: 'face.share.1.1', lines: [15] },
      { id: 'face.share.1.2', lines: [16] },
      { id: 'face.share.2', lines: [17, 18] },
    ]);
    expect(clause(policy, 'face.share.1').text).toBe('我们不会与ACME以外的任何公司共享，但以下情况除外：');
    expect(clause(policy, 'face.share.2').text).toBe('合作伙伴包括以下类型：\n委托我们进行推广的合作伙伴。');
    expect(policy.warnings).toEqual([
      { code: 'operator_name_filled', line: 14, message: 'clause face.share.1: 1 blank(s) for the operator\'s name filled with "ACME"' },
    ]);
  });
});
