import SwaggerParser from '@apidevtools/swagger-parser';
import { DomainError } from '../../../src/common/domain-error';
import { FaceErrorMapper, KnownError, UnexpectedError } from '../../../src/common/face-error';
import { RequestValidationError } from '../../../src/common/request-validation.error';
import { toJsonApiError } from '../../../src/faces/jsonapi/jsonapi-error.mapper';
import { toTodoError } from '../../../src/faces/todo/todo-error.mapper';
import { toTolokaError } from '../../../src/faces/toloka/toloka-error.mapper';
import { ALL_ERROR_CODES } from '../../support/error-codes';
import { authorizationHeaders, OpenApiDocument, operationsOf } from '../../support/swagger-ui';
import { describeEachDialect } from '../../support/test-app';

const TOKEN_SCHEMES = ['Authorization', 'RemoteToken', 'XAuthToken'];

type Face = 'todo' | 'v1' | 'v2';

function faceOf(path: string): Face | null {
  if (path.startsWith('/todo')) return 'todo';
  if (path.startsWith('/api/v1')) return 'v1';
  if (path.startsWith('/api/v2')) return 'v2';
  return null;
}

/** `status code` of each error in a face's body: its status and the codes the body names. */
function errorPairs(face: Face, status: number, body: unknown): string[] {
  switch (face) {
    case 'todo':
      return [`${status} ${String(body).split(':')[0]}`];
    case 'v1':
      return [`${status} ${(body as { code: string }).code}`];
    case 'v2':
      return (body as { errors: Array<{ status: string; code: string }> }).errors.map(
        (e) => `${e.status} ${e.code}`,
      );
  }
}

/** Every `status code` a face can answer: each domain code, a validation failure and a fault, mapped. */
function answers(face: Face, toError: FaceErrorMapper): Set<string> {
  const errors: KnownError[] = [
    ...ALL_ERROR_CODES.map((code) => new DomainError(code, 'example')),
    new RequestValidationError([
      { path: 'title', constraint: 'isDefined', message: 'required', missing: true },
    ]),
    ...['whitelistValidation', 'isNotEmpty', 'isInt', 'matches'].map(
      (constraint) => new RequestValidationError([{ path: 'title', constraint, message: 'invalid' }]),
    ),
    new UnexpectedError(new Error('example')),
  ];
  return new Set(
    errors.flatMap((error) => {
      const rendered = toError(error, 'request-id');
      return errorPairs(face, rendered.status, rendered.body);
    }),
  );
}

describeEachDialect('OpenAPI document', (t) => {
  let document: OpenApiDocument;

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

  it('offers one "Authorize" field per header the service reads a token from, and the organization', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(
      [...TOKEN_SCHEMES, 'OrganizationId'].sort(),
    );
    expect(
      Object.fromEntries(
        Object.entries(document.components.securitySchemes).map(([name, s]) => [
          name,
          `${s.type} ${s.in} ${s.name}`,
        ]),
      ),
    ).toEqual({
      Authorization: 'apiKey header Authorization',
      RemoteToken: 'apiKey header Remote-Token',
      XAuthToken: 'apiKey header X-Auth-Token',
      OrganizationId: 'apiKey header X-Organization-Id',
    });
  });

  it('lists every token header on To Do and v1 operations, and the token with the organization on v2', () => {
    const faces = { todo: new Set<string>(), v1: new Set<string>(), v2: new Set<string>() };
    for (const { path, operation } of operationsOf(document)) {
      const face = path.startsWith('/todo')
        ? 'todo'
        : path.startsWith('/api/v1')
          ? 'v1'
          : path.startsWith('/api/v2')
            ? 'v2'
            : null;
      if (!face) continue;
      for (const requirement of operation.security ?? []) {
        for (const name of Object.keys(requirement))
          expect(document.components.securitySchemes).toHaveProperty(name);
      }
      faces[face].add(JSON.stringify(operation.security));
    }
    const anyToken = JSON.stringify([{ XAuthToken: [] }, { Authorization: [] }, { RemoteToken: [] }]);
    expect([...faces.todo]).toEqual([anyToken]);
    expect([...faces.v1]).toEqual([anyToken]);
    expect([...faces.v2]).toEqual([JSON.stringify([{ XAuthToken: [], OrganizationId: [] }])]);
  });

  describe('a bare token pasted into "Authorize"', () => {
    const call = async (path: string, method: string, authorized: Record<string, string>) => {
      const operation = document.paths[path][method];
      return t().inject({
        method: method.toUpperCase() as 'GET',
        url: path,
        headers: authorizationHeaders(document, operation, authorized),
      });
    };

    it.each(TOKEN_SCHEMES)(
      'into %s alone authorizes To Do and v1 calls as Swagger UI sends them',
      async (scheme) => {
        const account = await t().newAccount(`swagger ${scheme}`);
        const todo = await call('/todo/users', 'get', { [scheme]: account.token });
        expect(todo.statusCode).toBe(200);
        const v1 = await call('/api/v1/requester', 'get', { [scheme]: account.token });
        expect(v1.statusCode).toBe(200);
        expect(v1.json().id).toBe(String(account.id));
      },
    );

    it('into X-Auth-Token with the account id authorizes v2 calls', async () => {
      const account = await t().newAccount('swagger v2');
      const v2 = await call('/api/v2/organizations', 'get', {
        XAuthToken: account.token,
        OrganizationId: String(account.id),
      });
      expect(v2.statusCode).toBe(200);
      expect(v2.json().data[0].id).toBe(String(account.id));
    });

    it('into every field at once authorizes every face', async () => {
      const account = await t().newAccount('swagger all');
      const all = {
        ...Object.fromEntries(TOKEN_SCHEMES.map((scheme) => [scheme, account.token])),
        OrganizationId: String(account.id),
      };
      for (const [path, method] of [
        ['/todo/users', 'get'],
        ['/api/v1/requester', 'get'],
        ['/api/v2/organizations', 'get'],
      ]) {
        expect({ path, status: (await call(path, method, all)).statusCode }).toEqual({ path, status: 200 });
      }
    });
  });

  it('shows with every error response of a face an example body that its status really carries', () => {
    const possible: Record<Face, Set<string>> = {
      todo: answers('todo', toTodoError),
      v1: answers('v1', toTolokaError),
      v2: answers('v2', toJsonApiError),
    };
    const wrong: string[] = [];
    let checked = 0;
    for (const { path, method, operation } of operationsOf(document)) {
      const face = faceOf(path);
      if (!face) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const where = `${method.toUpperCase()} ${path} ${status}`;
        const media = Object.values(response.content ?? {})[0];
        const examples =
          media?.example !== undefined
            ? [media.example]
            : Object.values(media?.examples ?? {}).map((e) => (e as { value: unknown }).value);
        if (examples.length === 0 || examples.includes(undefined)) {
          wrong.push(`${where}: no example`);
          continue;
        }
        for (const pair of examples.flatMap((example) => errorPairs(face, Number(status), example))) {
          checked++;
          if (!possible[face].has(pair) || !pair.startsWith(`${status} `)) wrong.push(`${where}: ${pair}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
  });

  it('shows the copy limit beside the request limit on every route that may queue a copy', () => {
    for (const path of ['/api/v2/tasks/copy', '/api/v2/task_lists/copy', '/api/v2/projects/copy']) {
      const media = Object.values(document.paths[path].post.responses['429'].content ?? {})[0];
      const codes = Object.values(media?.examples ?? {}).flatMap((e) =>
        errorPairs('v2', 429, (e as { value: unknown }).value),
      );
      expect({ path, codes }).toEqual({ path, codes: ['429 rate_limited', '429 copy_limit_reached'] });
    }
  });

  it('shows a queued copy (202) as an operations document', () => {
    const accepted = document.paths['/api/v2/tasks/copy'].post.responses['202'];
    const example = Object.values(accepted.content ?? {})[0]?.example as { data: { type: string } };
    expect(example.data).toMatchObject({
      type: 'operations',
      attributes: { operation_type: 'TASK.COPY', status: 'PENDING' },
    });
  });

  it('refers to nothing outside the repository, in plain words', () => {
    const text = JSON.stringify(document);
    for (const outside of [/§/, /shared\//i, /\bseeds?\s*\/?\s*0\d\d/i, /\b[\w-]+\.md\b/, /\bspec\s+§/i]) {
      expect({ outside: String(outside), found: text.match(outside)?.[0] ?? null }).toEqual({
        outside: String(outside),
        found: null,
      });
    }
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
