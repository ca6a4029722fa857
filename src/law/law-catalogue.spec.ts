import { LawCatalogueError, loadBundledLawCatalogue, parseLawCatalogue } from './law-catalogue';

/**
 * The provisions the issue of record requires at least (PIPL, E-Commerce, Cybersecurity, Data Security, credit reporting,
 * GB/T 35273), and those the rights requests added since cite (the Network Data Security Management Regulations).
 */
const REQUIRED = [
  ...[13, 14, 15, 16, 18, 23, 24, 28, 29, 35, 38, 39, 41, 44, 45, 46, 47, 48, 49, 50, 55, 56, 57].map((n) => `PIPL.${n}`),
  'ECL.31',
  'ECL.42',
  // Art. 21 of the 2017 text, renumbered 23 by the amendment in force on 2026-01-01.
  'CSL.23',
  'DSL.36',
  'CRR.13',
  'CRR.18',
  'NDSMR.23',
  'NDSMR.24',
  'NDSMR.25',
  'GBT35273.8.5',
  'GBT35273.8.7',
];

describe('the law catalogue', () => {
  const catalogue = loadBundledLawCatalogue();

  it('holds every provision the product cites, each with its Chinese text, article and an English gloss', () => {
    const ids = catalogue.map((p) => p.id);
    expect(REQUIRED.filter((id) => !ids.includes(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of catalogue) {
      expect({ id: p.id, chinese: /[\u4e00-\u9fff]/.test(p.text), gloss: /[a-z]{3}/.test(p.gloss), article: p.article.length > 0 }).toEqual({
        id: p.id,
        chinese: true,
        gloss: true,
        article: true,
      });
    }
    const pipl47 = catalogue.find((p) => p.id === 'PIPL.47');
    expect(pipl47).toMatchObject({ article: '第四十七条', instrument: { title: '中华人民共和国个人信息保护法' } });
    expect(pipl47?.text).toContain('删除');
  });

  it('holds the Network Data Security Management Regulations as promulgated, each item of a list on its own line', () => {
    const byId = new Map(catalogue.map((p) => [p.id, p]));
    expect(byId.get('NDSMR.23')?.instrument).toEqual({
      id: 'NDSMR',
      title: '网络数据安全管理条例',
      titleEn: 'Network Data Security Management Regulations (State Council Decree No. 790)',
      effective: '2025-01-01',
      source: expect.stringMatching(
        /^https:\/\/github\.com\/LawRefBook\/Laws\/blob\/cbdedcf42dd829d9bbfd95ba361bf21f6869b82c\/%E8%A1%8C%E6%94%BF%E6%B3%95%E8%A7%84\//,
      ),
    });
    expect(decodeURIComponent(byId.get('NDSMR.23')?.instrument.source ?? '')).toMatch(/\/行政法规\/网络数据安全管理条例\(2024-09-24\)\.md$/);
    expect(['NDSMR.23', 'NDSMR.24', 'NDSMR.25'].map((id) => byId.get(id)?.article)).toEqual(['第二十三条', '第二十四条', '第二十五条']);
    expect(byId.get('NDSMR.23')?.text).toContain('不得设置不合理条件限制个人的合理请求');
    expect(byId.get('NDSMR.24')?.text).toContain('停止除存储和采取必要的安全保护措施之外的处理');
    expect(byId.get('NDSMR.25')?.text.split('\n')).toEqual([
      '对符合下列条件的个人信息转移请求，网络数据处理者应当为个人指定的其他网络数据处理者访问、获取有关个人信息提供途径：',
      '（一）能够验证请求人的真实身份；',
      '（二）请求转移的是本人同意提供的或者基于合同收集的个人信息；',
      '（三）转移个人信息具备技术可行性；',
      '（四）转移个人信息不损害他人合法权益。',
      '请求转移个人信息次数等明显超出合理范围的，网络数据处理者可以根据转移个人信息的成本收取必要费用。',
    ]);
  });

  it('refuses a provision of no instrument, a malformed id, a missing text and an unknown key, naming each with its line', () => {
    const yaml = [
      'instruments:',
      '  PIPL:',
      '    title: 中华人民共和国个人信息保护法',
      '    titleEn: Personal Information Protection Law',
      '    effective: 2021-11-01',
      'provisions:',
      '  XYZ.1:',
      '    article: 第一条',
      '    text: 文本',
      '    gloss: text',
      '  pipl.2:',
      '    article: 第二条',
      '    text: 文本',
      '    gloss: text',
      '  PIPL.3:',
      '    article: 第三条',
      '    gloss: text',
      '    note: x',
    ].join('\n');
    let problems: string[] = [];
    try {
      parseLawCatalogue(yaml);
    } catch (err) {
      if (!(err instanceof LawCatalogueError)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual([
      'line 7: provision XYZ.1 names no instrument of the catalogue',
      'line 11: provision id "pipl.2" must be a provision id such as PIPL.47 or GBT35273.8.7',
      'line 11: provision pipl.2 names no instrument of the catalogue',
      'line 18: unknown key "note" in provisions.PIPL.3 (expected one of: article, text, gloss)',
      'line 16: provisions.PIPL.3.text must be a non-empty string',
    ]);
  });
});
