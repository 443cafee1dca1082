import { DatabaseProxy } from '../../support/db-proxy';
import { faceHeaders } from '../../support/face-requests';
import { createTestApp, TestAccount, TestApp } from '../../support/test-app';

// With REDIS_URL, v2 requests need Redis to be counted: while it is gone they answer 503 in the
// JSON:API format (with Retry-After), and they are counted again once it is back.
const redis = process.env.TEST_REDIS_URL;
const describeRedis = redis ? describe : describe.skip;
if (!redis) {
  // Only when no server was asked for: with TEST_REDIS_URL set (CI sets it), this suite always runs.
  console.warn('Redis outage test skipped: TEST_REDIS_URL is not set');
}

describeRedis('v2 request limits while Redis is away (Redis behind a loopback proxy)', () => {
  let proxy: DatabaseProxy;
  let t: TestApp;
  let a: TestAccount;

  beforeAll(async () => {
    const url = new URL(redis!);
    proxy = await DatabaseProxy.start({ host: url.hostname, port: Number(url.port || 6379) }, false);
    t = await createTestApp('sqlite', {
      REDIS_URL: proxy.url(redis!),
      JSONAPI_RATE_LIMIT_PER_10S: '100',
      JSONAPI_RATE_LIMIT_PER_30MIN: '1000',
    });
    a = await t.newAccount();
  });

  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  const get = () => t.inject({ method: 'GET', url: '/api/v2/workflows', headers: faceHeaders('jsonapi', a) });

  it('answers 503 while Redis refuses connections, then counts again', async () => {
    expect((await get()).statusCode).toBe(200);
    await proxy.refuse();
    const refused = await get();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json().errors[0]).toMatchObject({ status: '503', code: 'service_unavailable' });

    await proxy.restore();
    const deadline = Date.now() + 5000;
    let status = (await get()).statusCode;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await get()).statusCode;
    }
    expect(status).toBe(200);
  });
});
