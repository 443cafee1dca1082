import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect } from '../../support/test-app';

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
