import { createTestApp, TestApp } from './support/test-app';

describe('policy (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ OPERATOR_NAME: '示例科技' });
  });
  afterAll(() => t.close());

  it('puts version 1 in force on first start, publicly readable', async () => {
    const res = await t.http.get('/api/v1/policy');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, major: true });
    expect(res.body.clauses.map((c: { id: string }) => c.id)).toContain('face.retain.2');
    const retain2 = res.body.clauses.find((c: { id: string }) => c.id === 'face.retain.2');
    expect(retain2.text).toContain('示例科技');
    expect(retain2.text).not.toMatch(/ {2,}/);
  });

  it('answers one clause with what it justifies', async () => {
    const res = await t.http.get('/api/v1/policy/clauses/face.retain.2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'face.retain.2', version: 1 });
    expect(res.body.justifies).toContainEqual({ requestType: 'delete_account', outcome: 'approve' });
  });
});
