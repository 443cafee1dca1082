import { randomBytes } from 'node:crypto';
import { AccountsService } from '../../../src/accounts/accounts.service';
import { faceHeaders } from '../../support/face-requests';
import { createTestApp, describeEachDialect, TestApp } from '../../support/test-app';

describeEachDialect(
  'v2 request limits per token',
  (t) => {
    it('answers 429 over the limit, per token, until the window moves on', async () => {
      const a = await t().newAccount();
      const b = await t().newAccount();
      const get = (account: typeof a) =>
        t().inject({ method: 'GET', url: '/api/v2/workflows', headers: faceHeaders('jsonapi', account) });
      for (let i = 0; i < 3; i++) expect((await get(a)).statusCode).toBe(200);
      const limited = await get(a);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().errors[0]).toMatchObject({ status: '429', code: 'rate_limited' });
      expect((await get(b)).statusCode).toBe(200);
      // Retry-After is when the window has room again: still limited a second before, not after
      // (half a second off the second before, for the real time that passes between requests).
      const wait = Number(limited.headers['retry-after']);
      expect(wait).toBeGreaterThanOrEqual(9);
      expect(wait).toBeLessThanOrEqual(10);
      t().clock.advance((wait - 1) * 1000 - 500);
      expect((await get(a)).statusCode).toBe(429);
      t().clock.advance(1500);
      expect((await get(a)).statusCode).toBe(200);
    });
  },
  { JSONAPI_RATE_LIMIT_PER_10S: '3', JSONAPI_RATE_LIMIT_PER_30MIN: '100' },
);

describeEachDialect(
  'v2 request limits per token, both windows',
  (t) => {
    it('gives the longest wait of the full windows in Retry-After', async () => {
      const a = await t().newAccount();
      const get = () =>
        t().inject({ method: 'GET', url: '/api/v2/workflows', headers: faceHeaders('jsonapi', a) });
      for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
      t().clock.advance(11_000);
      for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
      // Both windows are full: the 10-second one for ten seconds, the 30-minute one for almost 30.
      const limited = await get();
      expect(limited.statusCode).toBe(429);
      const wait = Number(limited.headers['retry-after']);
      expect(wait).toBeGreaterThan(1_700);
      expect(wait).toBeLessThanOrEqual(1_800);
      t().clock.advance((wait - 1) * 1000 - 500);
      expect((await get()).statusCode).toBe(429);
      t().clock.advance(1500);
      expect((await get()).statusCode).toBe(200);
    });
  },
  { JSONAPI_RATE_LIMIT_PER_10S: '3', JSONAPI_RATE_LIMIT_PER_30MIN: '6' },
);

// Services of two databases sharing one Redis (a staging and a production, parallel test runs)
// may hold the same token: each counts its own requests, never the other's.
const redisUrl = process.env.TEST_REDIS_URL;
describeEachDialect(
  'v2 request limits in a Redis that another database shares',
  (t) => {
    (redisUrl ? it : it.skip)('counts a token once per database, not across both', async () => {
      const token = `shared-token-${randomBytes(12).toString('hex')}`;
      const other = await createTestApp(t().dialect, {
        REDIS_URL: redisUrl!,
        JSONAPI_RATE_LIMIT_PER_10S: '3',
        JSONAPI_RATE_LIMIT_PER_30MIN: '100',
      });
      try {
        const here = await t().get(AccountsService).createAccount('here', token);
        const there = await other.get(AccountsService).createAccount('there', token);
        const get = (app: TestApp, accountId: number) =>
          app.inject({
            method: 'GET',
            url: '/api/v2/workflows',
            headers: faceHeaders('jsonapi', { id: accountId, token }),
          });
        for (let i = 0; i < 3; i++) expect((await get(other, there.accountId)).statusCode).toBe(200);
        expect((await get(other, there.accountId)).statusCode).toBe(429);
        // The other database's requests took nothing from this one's limit.
        for (let i = 0; i < 3; i++) expect((await get(t(), here.accountId)).statusCode).toBe(200);
        expect((await get(t(), here.accountId)).statusCode).toBe(429);
      } finally {
        await other.close();
      }
    });
  },
  // createTestApp counts in TEST_REDIS_URL's Redis, as REDIS_URL does.
  { JSONAPI_RATE_LIMIT_PER_10S: '3', JSONAPI_RATE_LIMIT_PER_30MIN: '100' },
);
