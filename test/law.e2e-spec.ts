import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createTestApp, TestApp } from './support/test-app';

/** The provision ids of the catalogue the code ships, in its order: what the routes must list, no more, no less. */
const CATALOGUE_IDS = Object.keys(
  (parse(readFileSync(join(__dirname, '../src/law/catalogue.yaml'), 'utf8'), { schema: 'failsafe' }) as { provisions: Record<string, unknown> }).provisions,
);
const STANDINGS = ['mechanism', 'rule', 'informational', 'superseded_by_law'];

interface ProvisionView {
  id: string;
  instrument: { id: string; title: string; titleEn: string; effective: string; source?: string };
  article: string;
  text: string;
  gloss: string;
}

interface ClauseStanding {
  id: string;
  standing: string;
  where?: string;
  justifies?: { requestType: string; outcome: string }[];
  recipientKinds?: string[];
  reason?: string;
  supersededBy?: string[];
}

/** The law a decision cites beside the policy, and how the product reads each clause (product.md, "The law above the policy"): public, like the policy. */
describe('the law catalogue and the standing of each clause (HTTP, anonymous)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('GET /api/v1/law', () => {
    it('lists every provision of the catalogue, in its order, with its instrument, article, published text and gloss', async () => {
      const res = await t.http.get('/api/v1/law');
      expect(res.status).toBe(200);
      const provisions = res.body as ProvisionView[];
      expect(provisions.map((p) => p.id)).toEqual(CATALOGUE_IDS);
      for (const p of provisions) {
        expect(Object.keys(p).sort()).toEqual(['article', 'gloss', 'id', 'instrument', 'text']);
        expect(p).toEqual({
          id: expect.stringMatching(/^[A-Z][A-Z0-9]*\.[0-9]+(\.[0-9]+)*$/),
          instrument: expect.objectContaining({
            id: p.id.split('.')[0],
            title: expect.any(String),
            titleEn: expect.any(String),
            effective: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          }),
          article: expect.stringMatching(/\S/),
          text: expect.stringMatching(/\S/),
          gloss: expect.stringMatching(/\S/),
        });
      }
      // The standard a refusal rests on, as the staff page and the subject's view quote it.
      expect(provisions.find((p) => p.id === 'GBT35273.8.7')).toMatchObject({
        instrument: { id: 'GBT35273', title: 'GB/T 35273-2020 信息安全技术 个人信息安全规范', effective: '2020-10-01' },
        article: '8.7',
        text: expect.stringContaining('在验证个人信息主体身份后'),
      });
    });
  });

  describe('GET /api/v1/law/:id', () => {
    it('returns one provision with its Chinese text as published (PIPL Art. 47), the same as in the list', async () => {
      const res = await t.http.get('/api/v1/law/PIPL.47');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: 'PIPL.47',
        instrument: { id: 'PIPL', title: '中华人民共和国个人信息保护法', titleEn: 'Personal Information Protection Law of the PRC', effective: '2021-11-01' },
        article: '第四十七条',
        gloss: expect.stringContaining('delete'),
      });
      expect(res.body.text).toContain('个人信息处理者应当主动删除个人信息');
      expect(res.body.text).toContain('（三）个人撤回同意；');
      const listed = (await t.http.get('/api/v1/law')).body as ProvisionView[];
      expect(res.body).toEqual(listed.find((p) => p.id === 'PIPL.47'));
    });

    it('returns NDSMR Art. 25, the conditions of a transfer to another handler, item by item as promulgated', async () => {
      const res = await t.http.get('/api/v1/law/NDSMR.25');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: 'NDSMR.25',
        instrument: { id: 'NDSMR', title: '网络数据安全管理条例', effective: '2025-01-01' },
        article: '第二十五条',
        gloss: expect.stringContaining('technically feasible'),
      });
      expect(res.body.text.split('\n')).toHaveLength(6);
      expect(res.body.text).toContain('（一）能够验证请求人的真实身份；');
    });

    it('answers 404 for a provision the catalogue does not have and 400 for an id that is not one', async () => {
      const missing = await t.http.get('/api/v1/law/PIPL.999');
      expect([missing.status, missing.body.code]).toEqual([404, 'provision_not_found']);
      for (const bad of ['bad%20id', 'pipl.47', 'PIPL-47', 'PIPL.47%00', `PIPL.${'4'.repeat(40)}`]) {
        const res = await t.http.get(`/api/v1/law/${bad}`);
        expect([bad, res.status, res.body.code]).toEqual([bad, 400, 'validation_failed']);
      }
    });
  });

  describe('GET /api/v1/policy/coverage', () => {
    let standings: ClauseStanding[];
    beforeAll(async () => {
      const res = await t.http.get('/api/v1/policy/coverage');
      expect(res.status).toBe(200);
      standings = res.body as ClauseStanding[];
    });
    const standingOf = (id: string) => standings.find((c) => c.id === id);

    it('gives each of the 64 clauses of the version in force exactly one standing, in the text’s order, with the fields that standing has', async () => {
      expect(standings).toHaveLength(64);
      const policy = await t.http.get('/api/v1/policy');
      expect(standings.map((c) => c.id)).toEqual(policy.body.clauses.map((c: { id: string }) => c.id));
      const lawIds = new Set(CATALOGUE_IDS);
      for (const c of standings) {
        expect([c.id, STANDINGS.includes(c.standing)]).toEqual([c.id, true]);
        // Only a mechanism says where it is enforced; only what is not a rule says why; only a superseded clause names the law.
        expect([c.id, c.where !== undefined]).toEqual([c.id, c.standing === 'mechanism']);
        expect([c.id, c.reason !== undefined]).toEqual([c.id, c.standing === 'informational' || c.standing === 'superseded_by_law']);
        expect([c.id, c.supersededBy !== undefined]).toEqual([c.id, c.standing === 'superseded_by_law']);
        for (const id of c.supersededBy ?? []) expect([c.id, lawIds.has(id)]).toEqual([c.id, true]);
      }
      expect(new Set(standings.map((c) => c.standing))).toEqual(new Set(STANDINGS));
    });

    it('reads the preamble as superseded by PIPL Arts. 14 and 29, 5.a as a mechanism, face.retain.2 as a rule that justifies deleting an account', () => {
      expect(standingOf('preamble')).toMatchObject({ standing: 'superseded_by_law', supersededBy: expect.arrayContaining(['PIPL.14', 'PIPL.29']) });
      expect(standingOf('preamble')?.reason).toContain('即视为您已经同意');
      expect(standingOf('5.a')).toMatchObject({ standing: 'mechanism', where: expect.stringContaining('argon2id') });
      expect(standingOf('face.retain.2')).toMatchObject({ standing: 'rule' });
      expect(standingOf('face.retain.2')?.justifies).toContainEqual({ requestType: 'delete_account', outcome: 'approve' });
      // 3.c still says what an authority may be told, but no longer justifies keeping an account open.
      expect(standingOf('3.c')?.justifies).toContainEqual({ requestType: 'disclosure_log', outcome: 'approve' });
      expect(standingOf('3.c')?.justifies).not.toContainEqual({ requestType: 'delete_account', outcome: 'reject' });
    });

    it('answers for a version named in the query: the one in force alike, 404 for one that does not exist, 400 for one that is no number', async () => {
      const first = await t.http.get('/api/v1/policy/coverage?version=1');
      expect(first.status).toBe(200);
      expect(first.body).toEqual(standings);
      const missing = await t.http.get('/api/v1/policy/coverage?version=99');
      expect([missing.status, missing.body.code]).toEqual([404, 'policy_version_not_found']);
      const notANumber = await t.http.get('/api/v1/policy/coverage?version=abc');
      expect([notANumber.status, notANumber.body.code]).toEqual([400, 'validation_failed']);
    });
  });
});
