import { declaredRoutes, routeKey } from './support/route-walk';
import { createTestApp, TestApp } from './support/test-app';

interface SchemaProperty {
  type?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: string[];
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; responses?: Record<string, unknown> }>>;
  components: {
    schemas: Record<
      string,
      { properties?: Record<string, SchemaProperty & { items?: unknown; $ref?: string; allOf?: unknown[] }>; required?: string[]; allOf?: unknown[] }
    >;
  };
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** `/api/v1/accounts/{id}/role` → `/api/v1/accounts/:id/role`, the form the route walk uses. */
const expressPath = (openApiPath: string): string => openApiPath.replace(/\{([^}]+)\}/g, ':$1');

describe('the OpenAPI document (/api/docs)', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as OpenApiDocument;
  });
  afterAll(() => t.close());

  it('is served as JSON and describes exactly the routes the application has', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => HTTP_METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${expressPath(path)}`),
      )
      .sort();
    // The web portal's pages are HTML, left out of the document on purpose (@ApiExcludeController).
    const walked = [
      ...new Set(
        declaredRoutes(t.app)
          .filter((r) => r.documented)
          .map(routeKey),
      ),
    ].sort();
    expect(walked).toEqual(expect.arrayContaining(['POST /api/v1/auth/register', 'PATCH /api/v1/accounts/:id/role']));
    expect(documented).toEqual(walked);
  });

  it('marks the signed-in routes as needing a bearer token', () => {
    const undocumentedAuth = declaredRoutes(t.app)
      .filter((r) => !r.isPublic && r.documented)
      .filter((r) => {
        const op = doc.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
        return !op?.security?.some((s) => Object.keys(s as object).includes('bearer'));
      })
      .map(routeKey);
    expect(undocumentedAuth).toEqual([]);
  });

  it('gives the register body its fields and their constraints', () => {
    const schema = doc.components.schemas.RegisterDto;
    expect(schema).toBeDefined();
    expect(schema.required?.sort()).toEqual(['email', 'password']);
    expect(schema.properties).toMatchObject({
      email: { type: 'string', format: 'email', maxLength: 254 },
      password: { type: 'string', minLength: 10, maxLength: 200 },
      displayName: { type: 'string', minLength: 1, maxLength: 100 },
      phone: { type: 'string', pattern: expect.any(String) },
      locale: { enum: ['zh-CN', 'en'] },
    });
    const register = doc.paths['/api/v1/auth/register'].post;
    expect(JSON.stringify(register.requestBody)).toContain('#/components/schemas/RegisterDto');
  });

  it('describes what the request and review routes answer, down to the timeline and the masked subject', () => {
    const answers = (method: string, path: string, status: string) => JSON.stringify(doc.paths[path][method].responses?.[status] ?? null);
    expect(answers('post', '/api/v1/requests', '201')).toContain('#/components/schemas/RequestView');
    expect(answers('post', '/api/v1/requests', '200')).toContain('#/components/schemas/RequestView');
    expect(answers('get', '/api/v1/requests', '200')).toContain('#/components/schemas/RequestSummary');
    for (const action of ['cancel', 'reply', 'appeal'])
      expect(answers('post', `/api/v1/requests/{id}/${action}`, '200')).toContain('#/components/schemas/RequestView');
    expect(answers('get', '/api/v1/staff/requests', '200')).toContain('#/components/schemas/QueuePage');
    expect(answers('get', '/api/v1/staff/requests/{id}', '200')).toContain('#/components/schemas/StaffRequestPage');
    for (const action of ['claim', 'assign', 'decision', 'extend', 'ask', 'appeal/decision'])
      expect(answers('post', `/api/v1/staff/requests/{id}/${action}`, '200')).toContain('#/components/schemas/StaffRequestView');
    // Four eyes: legal's confirmation or replacement answers the request as staff see it.
    for (const action of ['confirm', 'replace'])
      expect(answers('post', `/api/v1/legal/requests/{id}/${action}`, '200')).toContain('#/components/schemas/StaffRequestView');

    const schemas = doc.components.schemas;
    const props = (name: string) => JSON.stringify(schemas[name]);
    expect(props('RequestView')).toContain('#/components/schemas/TimelineEntry');
    expect(props('RequestView')).toContain('#/components/schemas/DecisionView');
    expect(props('TimelineEntry')).toContain('#/components/schemas/ClauseView');
    expect(schemas.RequestSummary.properties?.status.enum).toEqual(
      expect.arrayContaining(['submitted', 'in_review', 'awaiting_legal', 'under_appeal', 'completed', 'lapsed']),
    );
    // Staff see a refusal awaiting legal as proposed; a decision says what it withheld and on which ground.
    expect(props('StaffRequestView')).toContain('proposedDecision');
    expect(Object.keys(schemas.DecisionView.properties ?? {})).toEqual(expect.arrayContaining(['withheld', 'ground']));
    expect(props('StaffRequestPage')).toContain('#/components/schemas/MaskedSubjectDto');
    expect(props('StaffRequestPage')).toContain('#/components/schemas/DecisionOptions');
    expect(props('QueuePage')).toContain('#/components/schemas/QueueItem');
    expect(Object.keys(schemas.QueueItem.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'type', 'status', 'dueAt', 'clockPaused', 'extended', 'version', 'assigneeId', 'overdue', 'overdueFlaggedAt']),
    );
  });

  it('serves the interactive page, whose scripts and styles all come from this origin (the CSP allows only that)', async () => {
    for (const pageUrl of ['/api/docs', '/api/docs/']) {
      const page = await t.http.get(pageUrl);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self'/);

      // No inline script: `script-src 'self'` would block it.
      const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/src=/);
        expect(body.trim()).toBe('');
      }
      const assetUrls = [...page.text.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(assetUrls.length).toBeGreaterThanOrEqual(3);
      for (const asset of assetUrls) {
        const url = new URL(asset, `http://portal.test${pageUrl}`);
        expect(url.origin).toBe('http://portal.test');
        const res = await t.http.get(url.pathname);
        expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      }
    }
  });

  it('the page initialiser points at this document', async () => {
    const init = await t.http.get('/api/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('"/api/v1/auth/register"');
  });
});
