import { faceErrorCode, faceHeaders, faceOfPath } from '../../support/face-requests';
import { HttpMethod, ISOLATION_CASES } from '../../support/isolation-fixtures';
import { describeEachDialect, TestAccount } from '../../support/test-app';

interface Route {
  method: HttpMethod;
  path: string;
}

const UNAUTHENTICATED: Record<string, string> = {
  todo: 'UNAUTHENTICATED',
  toloka: 'AUTHENTICATION_ERROR',
  jsonapi: 'unauthenticated',
};

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(params[name]);
  });
}

// Walks every protected route of the OpenAPI document: each refuses a request without a token
// in its face's format, and no route lets account B read or change account A's objects.
describeEachDialect('account isolation across every face route', (t) => {
  let routes: Route[];
  let a: TestAccount;
  let b: TestAccount;

  beforeAll(async () => {
    const document = (await t().inject({ method: 'GET', url: '/docs-json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(document.paths)
      .filter(([path]) => faceOfPath(path) !== null)
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({ method: method as HttpMethod, path })),
      );
    a = await t().newAccount('owner-a');
    b = await t().newAccount('intruder-b');
  });

  it('finds the face routes to walk', () => {
    expect(routes.length).toBeGreaterThan(0);
  });

  it('refuses every face route without a token, in the face’s format', async () => {
    for (const route of routes) {
      const face = faceOfPath(route.path)!;
      const url = route.path.replace(/\{\w+\}/g, '1');
      const res = await t().inject({ method: route.method.toUpperCase() as 'GET', url });
      expect({ route, status: res.statusCode }).toEqual({ route, status: 401 });
      expect({ route, code: faceErrorCode(face, res) }).toEqual({ route, code: UNAUTHENTICATED[face] });
    }
  });

  it('has an isolation case for every route that names an object', () => {
    const covered = new Set(ISOLATION_CASES.map((c) => c.path));
    const missing = routes.filter((r) => r.path.includes('{') && !covered.has(r.path)).map((r) => r.path);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('never lets account B read or change account A’s objects', async () => {
    for (const isolationCase of ISOLATION_CASES) {
      const params = await isolationCase.arrange(t(), a);
      const before = await isolationCase.snapshot(t(), a, params);
      const face = faceOfPath(isolationCase.path)!;
      for (const route of routes.filter((r) => r.path === isolationCase.path)) {
        const body = route.method === 'get' ? undefined : (isolationCase.bodies?.[route.method] ?? {});
        const res = await t().inject({
          method: route.method.toUpperCase() as 'GET',
          url: fill(route.path, params),
          headers: faceHeaders(face, b, body !== undefined),
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        });
        const allowed = isolationCase.statuses?.[route.method] ?? [404];
        expect({ route, status: res.statusCode, allowed: allowed.includes(res.statusCode) }).toEqual({
          route,
          status: res.statusCode,
          allowed: true,
        });
        if (res.statusCode >= 400) faceErrorCode(face, res);
      }
      expect(await isolationCase.snapshot(t(), a, params)).toEqual(before);
    }
  });
});
