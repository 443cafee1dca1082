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
      // Retry-After is when the window has room again: still limited a second before, not after.
      const wait = Number(limited.headers['retry-after']);
      expect(wait).toBeGreaterThanOrEqual(9);
      expect(wait).toBeLessThanOrEqual(10);
      t().clock.advance((wait - 1) * 1000);
      expect((await get(a)).statusCode).toBe(429);
      t().clock.advance(1000);
      expect((await get(a)).statusCode).toBe(200);
    });
  },
  { JSONAPI_RATE_LIMIT_PER_10S: '3', JSONAPI_RATE_LIMIT_PER_30MIN: '100' },
);
