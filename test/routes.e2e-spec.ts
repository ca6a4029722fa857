import { Role } from '../src/kernel/role';
import { concretePath, declaredRoutes, DeclaredRoute, mountedRoutes, routeKey } from './support/route-walk';
import { createTestApp, TestApp } from './support/test-app';

/** Routes the documentation library mounts itself; they are not the API's and carry no access rule. */
const isDocumentationRoute = (path: string): boolean => path === '/api/docs' || path.startsWith('/api/docs/') || path.startsWith('/api/docs-');
/** Where Nest mounts application-wide middleware (the request logger): a pass-through, not a route. */
const isGlobalMiddleware = (path: string): boolean => path === '/{*path}';

describe('every route declares who may call it (walk of the real application)', () => {
  let t: TestApp;
  let routes: DeclaredRoute[];
  beforeAll(async () => {
    t = await createTestApp();
    routes = declaredRoutes(t.app);
  });
  afterAll(() => t.close());

  it('finds the routes it is known to have, so the walk cannot pass by finding none', () => {
    const byKey = new Map(routes.map((r) => [routeKey(r), r]));
    expect(byKey.get('POST /api/v1/auth/login')).toMatchObject({ isPublic: true });
    expect(byKey.get('POST /api/v1/auth/register')).toMatchObject({ isPublic: true });
    expect(byKey.get('GET /health')).toMatchObject({ isPublic: true });
    expect(byKey.get('GET /api/v1/me')).toMatchObject({ isPublic: false, roles: expect.arrayContaining(Object.values(Role)) });
    expect(byKey.get('POST /api/v1/accounts')).toMatchObject({ isPublic: false, roles: [Role.Admin] });
    expect(byKey.get('PATCH /api/v1/accounts/:id/role')).toMatchObject({ isPublic: false, roles: [Role.Admin] });
    expect(byKey.get('GET /api/v1/audit/verify')).toMatchObject({ roles: [Role.Legal, Role.Admin] });
    // Evidence: a subject uploads it; the reviewers of the request it is filed with read it.
    expect(byKey.get('POST /api/v1/uploads')).toMatchObject({ isPublic: false, roles: [Role.Subject] });
    expect(byKey.get('GET /api/v1/staff/requests/:id/evidence/:uploadId')).toMatchObject({ isPublic: false, roles: [Role.Staff, Role.Legal] });
    // A manual step of a request in fulfilment: any reviewer confirms it.
    expect(byKey.get('POST /api/v1/staff/requests/:id/steps/confirm')).toMatchObject({ isPublic: false, roles: [Role.Staff, Role.Legal] });
    // The end of service: administrators alone schedule it, call it off and follow it.
    for (const key of ['GET /api/v1/admin/end-of-service', 'POST /api/v1/admin/end-of-service', 'POST /api/v1/admin/end-of-service/cancel'])
      expect([key, byKey.get(key)]).toEqual([key, expect.objectContaining({ isPublic: false, roles: [Role.Admin] })]);
    // The identity link: a subject proves their app account; nobody else has one to prove.
    for (const key of ['POST /api/v1/identity/link', 'POST /api/v1/identity/link/confirm'])
      expect([key, byKey.get(key)]).toEqual([key, expect.objectContaining({ isPublic: false, roles: [Role.Subject] })]);
    // Whoever receives a transferred copy checks its signature with the key the portal publishes.
    expect(byKey.get('GET /api/v1/transfers/signing-key')).toMatchObject({ isPublic: true, roles: undefined });
    // Public like the policy: anyone may read the law a decision cites, how each clause stands and the data categories.
    // The transparency page's aggregate figures (face.use.4) are for anyone, signed in or not.
    for (const key of ['GET /api/v1/law', 'GET /api/v1/law/:id', 'GET /api/v1/policy/coverage', 'GET /api/v1/data-categories', 'GET /api/v1/transparency'])
      expect([key, byKey.get(key)]).toEqual([key, expect.objectContaining({ isPublic: true, roles: undefined })]);
    expect(routes.length).toBeGreaterThanOrEqual(12);
  });

  it('fails for any route with neither @Public() nor a non-empty @Roles(), or with both', () => {
    const undeclared = routes.filter((r) => !r.isPublic && (r.roles === undefined || r.roles.length === 0)).map((r) => `${routeKey(r)} (${r.handler})`);
    const contradictory = routes.filter((r) => r.isPublic && r.roles !== undefined).map((r) => `${routeKey(r)} (${r.handler})`);
    expect(undeclared).toEqual([]);
    expect(contradictory).toEqual([]);
  });

  it('walks everything Express actually serves (apart from the API documentation pages)', () => {
    const mounted = mountedRoutes(t.app)
      .filter((r) => !isDocumentationRoute(r.path) && !isGlobalMiddleware(r.path))
      .map(routeKey)
      .sort();
    expect(mounted.length).toBeGreaterThan(0);
    expect(mounted).toEqual([...new Set(routes.map(routeKey))].sort());
  });

  it('answers 401 on every non-public route when no one is signed in (the guard really runs)', async () => {
    const guarded = routes.filter((r) => !r.isPublic);
    expect(guarded.length).toBeGreaterThan(0);
    const answers: string[] = [];
    for (const r of guarded) {
      const res = await t.http[r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](concretePath(r.path)).send({});
      answers.push(`${routeKey(r)} → ${res.status} ${res.body?.code}`);
    }
    expect(answers).toEqual(guarded.map((r) => `${routeKey(r)} → 401 not_authenticated`));
  });
});
