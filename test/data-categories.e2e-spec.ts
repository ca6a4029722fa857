import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DATA_CATEGORIES } from '../src/policy/domain/policy.types';
import { createTestApp, TestApp } from './support/test-app';

/** The rules of version 1 as written: the clauses each category is held under. */
const RULES = parse(readFileSync(join(__dirname, '../src/policy/versions/v1/rules.yaml'), 'utf8'), { schema: 'failsafe' }) as {
  dataCategories: Record<string, string[]>;
};

interface CategoryBody {
  id: string;
  clauses: string[];
  label: { 'zh-CN': string; en: string };
  correctableFields: { id: string; label: { 'zh-CN': string; en: string } }[];
  correctionNote?: { 'zh-CN': string; en: string };
}

describe('GET /api/v1/data-categories (public)', () => {
  let t: TestApp;
  let body: CategoryBody[];
  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http.get('/api/v1/data-categories');
    expect(res.status).toBe(200);
    body = res.body;
  });
  afterAll(() => t.close());

  it('lists every DataCategory once, in the enum’s order, each labelled in Chinese and English', () => {
    expect(body.map((c) => c.id)).toEqual([...DATA_CATEGORIES]);
    for (const c of body) expect(Object.keys(c.label).sort()).toEqual(['en', 'zh-CN']);
  });

  it('gives each category the clauses the rules of the version in force hold it under', () => {
    expect(Object.fromEntries(body.map((c) => [c.id, c.clauses]))).toEqual(RULES.dataCategories);
    expect(body.find((c) => c.id === 'transactions')?.clauses).toEqual(['1.excl.b', '3.f']);
  });

  it('lets the account’s display name, e-mail, phone, gender and date of birth be corrected, with their labels, and says nothing needs a note there', () => {
    const account = body.find((c) => c.id === 'account');
    expect(account).toEqual({
      id: 'account',
      clauses: ['1.a'],
      label: { 'zh-CN': '帐号注册信息', en: 'Account registration information' },
      correctableFields: [
        { id: 'display_name', label: { 'zh-CN': '昵称', en: 'Display name' } },
        { id: 'email', label: { 'zh-CN': '电子邮箱', en: 'E-mail address' } },
        { id: 'phone', label: { 'zh-CN': '手机号码', en: 'Phone number' } },
        { id: 'gender', label: { 'zh-CN': '性别', en: 'Gender' } },
        { id: 'birthday', label: { 'zh-CN': '生日', en: 'Date of birth' } },
      ],
    });
  });

  it('has no correctable field for facial data or device access, and a note in both languages saying why', () => {
    for (const id of ['face_basic', 'face_additional', 'device_access']) {
      const c = body.find((x) => x.id === id)!;
      expect({ id, fields: c.correctableFields, zh: (c.correctionNote?.['zh-CN'].length ?? 0) > 0 }).toEqual({ id, fields: [], zh: true });
    }
    expect(body.find((c) => c.id === 'face_basic')?.correctionNote).toMatchObject({
      'zh-CN': expect.stringContaining('重新录入'),
      en: expect.stringContaining('enrol'),
    });
    expect(body.find((c) => c.id === 'device_access')?.correctionNote?.en).toContain('recorded automatically');
  });

  it('is described in the OpenAPI document with its response type', async () => {
    const res = await t.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    const op = res.body.paths['/api/v1/data-categories'].get;
    expect(JSON.stringify(op.responses['200'])).toContain('DataCategoryView');
    expect(Object.keys(res.body.components.schemas.DataCategoryView.properties).sort()).toEqual([
      'clauses',
      'correctableFields',
      'correctionNote',
      'id',
      'label',
    ]);
  });
});
