import { copyCsv, copyHtml, linesOf, readCopy } from './copy-rendering';

/** A copy's JSON as ExportJob writes it: one element a line. */
const COPY = [
  '{"request":{"id":"r-1","type":"copy_transfer","policyVersion":3,"generatedAt":"2026-12-01T08:00:00.000Z"},"categories":[',
  '{"category":"device_access","label":{"zh-CN":"设备与访问","en":"Device and access"},"system":"app_db","systemLabel":{"zh-CN":"应用数据库","en":"App database"},"clauses":["1.b"],"rows":[',
  '{"at":"2026-11-30T10:00:00.000Z","page":"/a?x=1&y=<2>","category":"a row may have any key","n":1}',
  ',{"at":"2026-11-30T11:00:00.000Z","page":"=HYPERLINK(\\"x\\")","category":null,"n":{"nested":["数据",true]}}',
  ']}',
  ',{"category":"search_keywords","label":{"zh-CN":"搜索","en":"Searches"},"system":"app_db","systemLabel":{"zh-CN":"应用数据库","en":"App database"},"clauses":[],"rows":[',
  ']}',
  '],"withheld":[{"category":"violations","law":["PIPL.18"],"clauses":["1.excl.a"]}]}',
  '',
].join('\n');

/** The copy in parts cut at every `size` bytes, through multi-byte characters. */
function partsOf(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return (async function* () {
    for (const part of parts) yield await Promise.resolve(part);
  })();
}

async function all(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

describe('a copy made from its JSON', () => {
  it('is plain JSON', () => {
    const doc = JSON.parse(COPY) as { categories: { rows: unknown[] }[]; withheld: unknown[] };
    expect(doc.categories.map((c) => c.rows.length)).toEqual([2, 0]);
    expect(doc.withheld).toHaveLength(1);
  });

  it('reads the same lines whatever the parts are cut at', async () => {
    const whole: string[] = [];
    for await (const line of linesOf(partsOf(COPY, 1 << 20))) whole.push(line);
    for (const size of [1, 2, 3, 7, 64]) {
      const cut: string[] = [];
      for await (const line of linesOf(partsOf(COPY, size))) cut.push(line);
      expect(cut).toEqual(whole);
    }
    expect(whole).toEqual(COPY.split('\n').slice(0, -1));
  });

  it('renders the page: each category a table, every value escaped, then what was withheld and why', async () => {
    const page = await all(copyHtml(readCopy(linesOf(partsOf(COPY, 5)))));
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('申请 / Request r-1 · copy_transfer · 2026-12-01T08:00:00.000Z');
    expect(page).toContain('<h2>设备与访问 / Device and access</h2><p>应用数据库 / App database · 1.b</p>');
    expect(page).toContain('<thead><tr><th>at</th><th>page</th><th>category</th><th>n</th></tr></thead>');
    expect(page).toContain('<td>/a?x=1&amp;y=&lt;2&gt;</td><td>a row may have any key</td><td>1</td>');
    expect(page).toContain('<td>=HYPERLINK(&quot;x&quot;)</td><td></td><td>{&quot;nested&quot;:[&quot;数据&quot;,true]}</td>');
    expect(page).toContain('<p>2 条记录 / 2 records</p></section>');
    expect(page).toContain('<h2>搜索 / Searches</h2><p>应用数据库 / App database · </p><p>0 条记录 / 0 records</p></section>');
    expect(page).toContain('<li>violations: PIPL.18, 1.excl.a</li>');
    expect(page).toMatch(/<\/body><\/html>$/);
    expect(page).not.toContain('<2>');
  });

  it('renders one category as CSV, safe for spreadsheets, and nothing for a category without rows', async () => {
    const sheet = await all(copyCsv(readCopy(linesOf(partsOf(COPY, 3))), 'device_access'));
    expect(sheet.split('\r\n')).toEqual([
      'at,page,category,n',
      '2026-11-30T10:00:00.000Z,/a?x=1&y=<2>,a row may have any key,1',
      `2026-11-30T11:00:00.000Z,"'=HYPERLINK(""x"")",,"{""nested"":[""数据"",true]}"`,
      '',
    ]);
    expect(await all(copyCsv(readCopy(linesOf(partsOf(COPY, 3))), 'search_keywords'))).toBe('');
  });
});
