import SwaggerParser from '@apidevtools/swagger-parser';
import { describeEachDialect } from '../../support/test-app';

interface OpenApiOperation {
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
}

describeEachDialect('OpenAPI document', (t) => {
  let document: {
    paths: Record<string, Record<string, OpenApiOperation>>;
    components: { securitySchemes: object };
  };

  beforeAll(async () => {
    const res = await t().inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    document = res.json();
  });

  it('is a valid OpenAPI document', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('serves Swagger UI', async () => {
    const res = await t().inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });

  it('offers every auth scheme in "Authorize"', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(
      ['ApiKey', 'Bearer', 'OAuth', 'OrganizationId', 'RemoteToken', 'XAuthToken'].sort(),
    );
  });

  it('tags every face route, and documents its auth and its error responses', () => {
    const faceRoutes = Object.entries(document.paths).filter(([path]) =>
      /^\/(todo|api\/v1|api\/v2)\b/.test(path),
    );
    expect(faceRoutes.length).toBeGreaterThan(0);
    for (const [path, methods] of faceRoutes) {
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, tags: operation.tags?.length ?? 0 }).toEqual({ where, tags: 1 });
        expect({ where, secured: (operation.security?.length ?? 0) > 0 }).toEqual({ where, secured: true });
        for (const status of ['401', '500']) {
          expect({ where, status, documented: status in operation.responses }).toEqual({
            where,
            status,
            documented: true,
          });
        }
      }
    }
  });
});
