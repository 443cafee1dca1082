import type { LightMyRequestResponse } from 'fastify';
import { parseDatabaseUrl } from '../../../src/config/database.options';
import { DatabaseProxy } from '../../support/db-proxy';
import { Face, faceHeaders } from '../../support/face-requests';
import { createTestApp, TestAccount, TestApp } from '../../support/test-app';
import { describeOnMariaDb } from '../../support/test-database';

// The database behind a loopback proxy the test controls: refused (unreachable) or frozen (a hung
// server that accepts connections and never answers). Every face answers 503 in its own format,
// within the configured bounds, and works again once the database is back.
const ROUTES: Array<{ face: Face; url: string }> = [
  { face: 'toloka', url: '/api/v1/pools' },
  { face: 'jsonapi', url: '/api/v2/workflows' },
  { face: 'todo', url: '/todo/tasks' },
];

function expect503(face: Face, res: LightMyRequestResponse) {
  expect({ face, status: res.statusCode }).toEqual({ face, status: 503 });
  const requestId = res.headers['x-request-id'];
  expect(requestId).toBeDefined();
  switch (face) {
    case 'toloka':
      // toloka-kit raises RemoteServiceUnavailableApiError and retries; a Retry-After would crash it.
      expect(res.json()).toEqual({
        request_id: requestId,
        code: 'REMOTE_SERVICE_UNAVAILABLE',
        message: 'The database is unavailable; retry later',
      });
      expect(res.headers['retry-after']).toBeUndefined();
      break;
    case 'jsonapi':
      expect(res.headers['content-type']).toContain('application/vnd.api+json');
      expect(res.json().errors).toEqual([
        {
          status: '503',
          code: 'service_unavailable',
          title: 'Service Unavailable',
          detail: 'The database is unavailable; retry later',
        },
      ]);
      expect(res.headers['retry-after']).toBe('2');
      break;
    case 'todo':
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['x-todo-error']).toBe('UNAVAILABLE');
      expect(res.body).toBe('UNAVAILABLE: The database is unavailable; retry later');
      break;
  }
}

// How long one request took to answer.
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

describeOnMariaDb('database outages (MariaDB behind a loopback proxy)', () => {
  let proxy: DatabaseProxy;
  let t: TestApp;
  let warm: TestAccount;
  let cold: TestAccount;

  const get = (face: Face, url: string, account: TestAccount) =>
    t.inject({ method: 'GET', url, headers: faceHeaders(face, account) });

  beforeAll(async () => {
    const server = parseDatabaseUrl(process.env.TEST_DATABASE_URL!);
    proxy = await DatabaseProxy.start({ host: server.host!, port: server.port! });
    t = await createTestApp(
      'mysql',
      {
        // A token seen once is cached: its requests fail in their handlers, a new token's in
        // authentication. Both must be 503.
        AUTH_CACHE_TTL_MS: '600000',
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
        DATABASE_ACQUIRE_TIMEOUT_MS: '1000',
        DATABASE_QUERY_TIMEOUT_MS: '1000',
        JOBS_CONCURRENCY: '0',
        JOBS_POLL_MS: '0',
      },
      { connectThrough: (url) => proxy.url(url) },
    );
    warm = await t.newAccount('warm');
    cold = await t.newAccount('cold');
  });

  afterEach(async () => {
    await proxy.restore();
  });

  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  const warmUp = async () => {
    for (const { face, url } of ROUTES) expect((await get(face, url, warm)).statusCode).toBe(200);
  };

  it('answers 503 in each face format while the database refuses connections, at once', async () => {
    await warmUp();
    await proxy.refuse();
    for (const { face, url } of ROUTES) {
      for (const account of [warm, cold]) {
        const { result, ms } = await timed(() => get(face, url, account));
        expect503(face, result);
        expect(ms).toBeLessThan(1000);
      }
    }
    const ready = await t.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);

    await proxy.restore();
    for (const { face, url } of ROUTES) {
      expect((await get(face, url, warm)).statusCode).toBe(200);
      expect((await get(face, url, cold)).statusCode).toBe(200);
    }
    expect((await t.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });

  it('answers 503 within the bounds while the database hangs, then recovers', async () => {
    await warmUp();
    proxy.freeze();
    // More requests than the pool has connections: some wait for one, some for an answer, some
    // for a new connection's handshake. Each is bounded by about a second here.
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => {
        const { face, url } = ROUTES[i % ROUTES.length];
        return timed(() => get(face, url, i % 2 ? warm : cold)).then((r) => ({ face, ...r }));
      }),
    );
    for (const { face, result, ms } of results) {
      expect503(face, result);
      expect(ms).toBeLessThan(3500);
    }
    const ready = await timed(() => t.inject({ method: 'GET', url: '/health/ready' }));
    expect(ready.result.statusCode).toBe(503);
    expect(ready.ms).toBeLessThan(3500);

    await proxy.restore();
    for (const { face, url } of ROUTES) expect((await get(face, url, warm)).statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });
});
