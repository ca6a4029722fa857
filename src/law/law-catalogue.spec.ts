import { LawCatalogueError, loadBundledLawCatalogue, parseLawCatalogue } from './law-catalogue';

/** The provisions the issue of record requires at least (PIPL, E-Commerce, Cybersecurity, Data Security, credit reporting, GB/T 35273). */
const REQUIRED = [
  ...[13, 14, 15, 16, 18, 23, 24, 28, 29, 35, 38, 39, 41, 44, 45, 46, 47, 48, 49, 50, 55, 56, 57].map((n) => `PIPL.${n}`),
  'ECL.31',
  'ECL.42',
  // Art. 21 of the 2017 text, renumbered 23 by the amendment in force on 2026-01-01.
  'CSL.23',
  'DSL.36',
  'CRR.13',
  'CRR.18',
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
