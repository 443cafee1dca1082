import { Operation } from '../../../src/operations/operation.entity';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { countPools, makePool } from '../../factories/pool.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

function clone(t: TestApp, account: TestAccount, poolId: string, headers: Record<string, string> = {}) {
  return t.inject({
    method: 'POST',
    url: `/api/v1/pools/${poolId}/clone`,
    headers: { authorization: `OAuth ${account.token}`, ...headers },
  });
}

// Concurrent requests of one account: on MySQL/MariaDB they really overlap (a pool of connections);
// on SQLite they are serialized by the Database wrapper.
describeEachDialect(
  'v1 clone under concurrent requests',
  (t) => {
    it('accepts exactly 20 of 30 simultaneous clones (the rate window is not raced)', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const results = await Promise.all(Array.from({ length: 30 }, () => clone(t(), a, pool.id)));
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses.filter((s) => s === 202)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
      await t().get(OperationRunner).tick();
      expect(await countPools(t(), a)).toBe(21);
    });

    it('makes one operation for simultaneous requests with the same Idempotency-Key', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => clone(t(), a, pool.id, { 'idempotency-key': 'same' })),
      );
      expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(202));
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
      expect(await t().db.read((m) => m.count(Operation, { where: { accountId: a.id } }))).toBe(1);
      await t().get(OperationRunner).tick();
      expect(await countPools(t(), a)).toBe(2);
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0' },
);
