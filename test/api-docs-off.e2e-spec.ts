import { createTestApp, TestApp } from './support/test-app';

/** With API_DOCS=false the documentation is not served at all: a plain 404 in the API's shape. */
describe('API documentation switched off (API_DOCS=false)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ API_DOCS: 'false' });
  });
  afterAll(() => t.close());

  it.each(['/api/docs', '/api/docs/', '/api/docs-json', '/api/docs/swagger-ui-init.js', '/api/docs/swagger-ui.css'])(
    'GET %s → 404 in the usual shape',
    async (path) => {
      const res = await t.http.get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), code: 'not_found' });
      expect(res.headers['content-type']).toMatch(/application\/json/);
    },
  );

  it('serves the API itself as before', async () => {
    expect((await t.http.get('/api/v1/policy')).status).toBe(200);
  });
});
