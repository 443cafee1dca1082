import { DEMO } from '../../../src/demo/demo-ids';
import { DemoSeeder, DemoSummary } from '../../../src/demo/demo-seed';
import { Dialect } from '../../../src/config/database.options';
import { databaseCopies } from '../../support/database-copies';
import { createTestApp, TestAccount, TestApp } from '../../support/test-app';
import { testDialects } from '../../support/test-database';
import {
  bodyExamples,
  isBinaryBody,
  OpenApiDocument,
  operationsOf,
  SwaggerRequest,
  swaggerRequests,
} from '../../support/swagger-ui';

// "Try it out" → "Execute" of every example in /docs, unedited, as a newcomer does after the first
// start and `npm run seed:demo`: the account made at first start (1) on a fresh database, with
// the demo in it. Reads share one such database; every other example gets its own app, on its own
// copy of one such database, so that no example depends on another having run (or not) before it.

interface Seeded {
  t: TestApp;
  account: TestAccount;
  summary: DemoSummary;
}

/** The first account, with the demo in it: what a first start and `npm run seed:demo` leave. */
async function seed(t: TestApp): Promise<Omit<Seeded, 't'>> {
  const account = await t.newAccount('default');
  const summary = await t.get(DemoSeeder).seed(account.id);
  return { account, summary };
}

async function seededApp(dialect: Dialect): Promise<Seeded> {
  const t = await createTestApp(dialect);
  try {
    return { t, ...(await seed(t)) };
  } catch (error) {
    await t.close();
    throw error;
  }
}

async function execute(t: TestApp, request: SwaggerRequest): Promise<string | null> {
  const res = await t.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: request.headers,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  if (request.expected.includes(res.statusCode)) return null;
  return `${request.label} ${request.url} → ${res.statusCode} (documented ${request.expected.join('/')}): ${res.body.slice(0, 300)}`;
}

describe.each(testDialects())('Swagger UI examples on a freshly seeded database [%s]', (dialect) => {
  let reads: Seeded;
  let document: OpenApiDocument;
  let authorized: Record<string, string>;

  beforeAll(async () => {
    reads = await seededApp(dialect);
    document = (await reads.t.inject({ method: 'GET', url: '/docs-json' })).json();
    // The bare token in its field, and the account id for v2 (the pair the docs tell to fill).
    authorized = { XAuthToken: reads.account.token, OrganizationId: String(reads.account.id) };
  });

  afterAll(async () => {
    await reads?.t.close();
  });

  it('the demo gives the account made at first start exactly the ids the examples name', () => {
    expect(reads.account.id).toBe(DEMO.accountId);
    expect(reads.summary.ids).toEqual(DEMO);
  });

  it('every request body has an explicit example, without placeholders', () => {
    const missing: string[] = [];
    for (const documented of operationsOf(document)) {
      const body = bodyExamples(documented.operation);
      const where = `${documented.method.toUpperCase()} ${documented.path}`;
      if (!body || isBinaryBody(documented.operation)) continue;
      if (body.examples.length === 0) missing.push(`${where}: no example`);
      for (const example of body.examples) {
        if (JSON.stringify(example.value).includes('additionalProp'))
          missing.push(`${where} [${example.name}]: additionalProp placeholder`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every free-form object of a request body schema has an example (no placeholders in the model either)', () => {
    const bare: string[] = [];
    const seen = new Set<unknown>();
    const walk = (schema: Record<string, unknown> | undefined, where: string): void => {
      if (!schema || seen.has(schema)) return;
      seen.add(schema);
      const ref = schema.$ref as string | undefined;
      if (ref)
        return walk(document.components.schemas[ref.split('/').pop()!] as Record<string, unknown>, where);
      if (schema.additionalProperties !== undefined && schema.example === undefined) bare.push(where);
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, never>)) {
        walk(property, `${where}.${name}`);
      }
      walk(schema.items as Record<string, unknown> | undefined, `${where}[]`);
    };
    for (const { path, method, operation } of operationsOf(document)) {
      const media = Object.values(operation.requestBody?.content ?? {})[0];
      walk(media?.schema as Record<string, unknown> | undefined, `${method.toUpperCase()} ${path} body`);
    }
    expect(bare).toEqual([]);
  });

  it('every path parameter has an example, so Try it out needs no typing', () => {
    const missing = operationsOf(document).flatMap(({ path, method, operation }) =>
      (operation.parameters ?? [])
        .filter((p) => p.in === 'path')
        .filter((p) =>
          [p.example, p.schema?.example, ...Object.values(p.examples ?? {})].every((v) => v === undefined),
        )
        .map((p) => `${method.toUpperCase()} ${path}: {${p.name}}`),
    );
    expect(missing).toEqual([]);
  });

  it('runs every read example, as Swagger UI sends it, with its documented 2xx', async () => {
    const failures: string[] = [];
    for (const documented of operationsOf(document).filter((o) => o.method === 'get')) {
      for (const request of swaggerRequests(document, documented, authorized)) {
        const failure = await execute(reads.t, request);
        if (failure) failures.push(failure);
      }
    }
    expect(failures).toEqual([]);
  });

  it('runs every other example on its own copy of a freshly seeded database, with its documented 2xx', async () => {
    // One job per body example of every operation that is not a read.
    const jobs = operationsOf(document)
      .filter((o) => o.method !== 'get')
      .flatMap((documented) =>
        swaggerRequests(document, documented, authorized).map((_request, index) => ({ documented, index })),
      );
    expect(jobs.length).toBeGreaterThan(50);
    let account: TestAccount | undefined;
    const copies = await databaseCopies(dialect, async (t) => {
      ({ account } = await seed(t));
    });
    const own = { XAuthToken: account!.token, OrganizationId: String(account!.id) };
    const failures: string[] = [];
    // A few apps at a time keep the walk short without crowding the machine.
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const fresh = await createTestApp(dialect, {}, { database: await copies.copy() });
        try {
          const failure = await execute(fresh, swaggerRequests(document, job.documented, own)[job.index]);
          if (failure) failures.push(failure);
        } finally {
          await fresh.close();
        }
      }
    };
    try {
      await Promise.all([worker(), worker(), worker()]);
    } finally {
      await copies.close();
    }
    expect(failures.sort()).toEqual([]);
  }, 600_000);
});
