import { OperationRunner } from '../../../src/operations/operation-runner';
import { makeCrowdProject, makePool, poolBody, projectBody } from '../../factories/pool.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

function post(
  t: TestApp,
  account: TestAccount,
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
) {
  return t.inject({
    method: 'POST',
    url,
    headers: { authorization: `OAuth ${account.token}`, ...headers },
    ...(payload ? { payload } : {}),
  });
}

const MINUTE = 60_000;

describeEachDialect(
  'v1 rate limits',
  (t) => {
    it('refuses the 21st clone in a minute with a client-safe 429; other accounts are unaffected', async () => {
      const a = await t().newAccount();
      const b = await t().newAccount();
      const pool = await makePool(t(), a);
      for (let i = 0; i < 20; i++)
        expect((await post(t(), a, `/api/v1/pools/${pool.id}/clone`)).statusCode).toBe(202);

      const limited = await post(t(), a, `/api/v1/pools/${pool.id}/clone`);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBeUndefined();
      const body = limited.json();
      expect(body).toEqual({
        request_id: expect.any(String),
        code: 'TOO_MANY_REQUESTS',
        message: 'Pool clone limit exceeded: 20 requests per minute',
        payload: { limit: 20, period: 'MINUTE', scope: 'POOL_CLONE' },
      });
      expect(body.payload).not.toHaveProperty('interval');

      // A refused request does not count: a minute later the window has room for 20 again.
      expect((await post(t(), b, `/api/v1/pools/${(await makePool(t(), b)).id}/clone`)).statusCode).toBe(202);
      t().clock.advance(MINUTE + 1);
      expect((await post(t(), a, `/api/v1/pools/${pool.id}/clone`)).statusCode).toBe(202);
      await t().get(OperationRunner).tick();
    });

    it('refuses the 101st clone in a day', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      for (let minute = 0; minute < 5; minute++) {
        for (let i = 0; i < 20; i++)
          expect((await post(t(), a, `/api/v1/pools/${pool.id}/clone`)).statusCode).toBe(202);
        t().clock.advance(MINUTE + 1);
      }
      const limited = await post(t(), a, `/api/v1/pools/${pool.id}/clone`);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().payload).toEqual({ limit: 100, period: 'DAY', scope: 'POOL_CLONE' });
      const other = await t().newAccount();
      expect(
        (await post(t(), other, `/api/v1/pools/${(await makePool(t(), other)).id}/clone`)).statusCode,
      ).toBe(202);
      t().clock.advance(24 * 60 * MINUTE);
      expect((await post(t(), a, `/api/v1/pools/${pool.id}/clone`)).statusCode).toBe(202);
      await t().get(OperationRunner).tick();
    });

    it('a replayed Idempotency-Key does not count; 404/409 refusals do not count', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const locked = await makePool(t(), a, { status: 'LOCKED' });
      for (let i = 0; i < 5; i++) {
        expect((await post(t(), a, `/api/v1/pools/${locked.id}/clone`)).statusCode).toBe(409);
        expect((await post(t(), a, `/api/v1/pools/99999999/clone`)).statusCode).toBe(404);
      }
      for (let i = 0; i < 19; i++)
        expect((await post(t(), a, `/api/v1/pools/${pool.id}/clone`)).statusCode).toBe(202);
      const keyed = await post(t(), a, `/api/v1/pools/${pool.id}/clone`, undefined, {
        'idempotency-key': 'k1',
      });
      expect(keyed.statusCode).toBe(202);
      for (let i = 0; i < 3; i++) {
        const replay = await post(t(), a, `/api/v1/pools/${pool.id}/clone`, undefined, {
          'idempotency-key': 'k1',
        });
        expect(replay.statusCode).toBe(202);
        expect(replay.json().id).toBe(keyed.json().id);
      }
      expect((await post(t(), a, `/api/v1/pools/${pool.id}/clone`)).statusCode).toBe(429);
      t().clock.advance(MINUTE + 1);
      await t().get(OperationRunner).tick();
    });

    it('limits pool and project creation at 20 a minute, with Idempotency-Key replays returning the same object', async () => {
      const a = await t().newAccount();
      const projectId = await makeCrowdProject(t(), a);
      const first = await post(t(), a, '/api/v1/pools', poolBody(projectId), { 'idempotency-key': 'pool-1' });
      expect(first.statusCode).toBe(201);
      const replay = await post(t(), a, '/api/v1/pools', poolBody(projectId), {
        'idempotency-key': 'pool-1',
      });
      expect(replay.statusCode).toBe(201);
      expect(replay.json()).toEqual(first.json());
      const changed = await post(t(), a, '/api/v1/pools', poolBody(projectId, { private_name: 'x' }), {
        'idempotency-key': 'pool-1',
      });
      expect(changed.statusCode).toBe(409);
      expect(changed.json().code).toBe('CONFLICT_STATE');
      for (let i = 0; i < 19; i++)
        expect((await post(t(), a, '/api/v1/pools', poolBody(projectId))).statusCode).toBe(201);
      const pools = await post(t(), a, '/api/v1/pools', poolBody(projectId));
      expect(pools.statusCode).toBe(429);
      expect(pools.json().payload).toEqual({ limit: 20, period: 'MINUTE', scope: 'POOL_CREATE' });

      const p1 = await post(t(), a, '/api/v1/projects', projectBody(), { 'idempotency-key': 'project-1' });
      expect(p1.statusCode).toBe(201);
      expect(
        (await post(t(), a, '/api/v1/projects', projectBody(), { 'idempotency-key': 'project-1' })).json(),
      ).toEqual(p1.json());
      for (let i = 0; i < 19; i++)
        expect((await post(t(), a, '/api/v1/projects', projectBody())).statusCode).toBe(201);
      const projects = await post(t(), a, '/api/v1/projects', projectBody());
      expect(projects.statusCode).toBe(429);
      expect(projects.json().payload).toEqual({ limit: 20, period: 'MINUTE', scope: 'PROJECT_CREATE' });
      t().clock.advance(MINUTE + 1);
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0' },
);
