import { DomainError } from '../../../src/common/domain-error';
import { Operation } from '../../../src/operations/operation.entity';
import {
  OperationHandlers,
  OperationsRefused,
  PermanentOperationError,
  RunningOperation,
} from '../../../src/operations/operation-handlers';
import { OperationsService } from '../../../src/operations/operations.service';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { CrowdProject } from '../../../src/pools/crowd-project.entity';
import { Pool } from '../../../src/pools/pool.entity';
import { countPools, makeCrowdProject, makePool } from '../../factories/pool.factory';
import { spyQueryCalls, spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

const NO_RATE_LIMITS = { RATE_LIMIT_POOL_CLONE_PER_MINUTE: '0', RATE_LIMIT_POOL_CLONE_PER_DAY: '0' };

async function submitClone(t: TestApp, a: TestAccount, poolId: string): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/pools/${poolId}/clone`,
    headers: { authorization: `OAuth ${a.token}` },
  });
  expect(res.statusCode).toBe(202);
  return String(res.json().id);
}

async function operations(t: TestApp, ids: string[]): Promise<Operation[]> {
  const rows = await t.db.read((m) =>
    m.findBy(
      Operation,
      ids.map((id) => ({ id })),
    ),
  );
  return ids.map((id) => rows.find((row) => row.id === id)!);
}

async function poolBodies(t: TestApp, ids: string[]): Promise<Array<Record<string, unknown>>> {
  const rows = await t.db.read((m) =>
    m.findBy(
      Pool,
      ids.map((id) => ({ id })),
    ),
  );
  return ids.map((id) => {
    const row = rows.find((r) => String(r.id) === id);
    return row ? (JSON.parse(row.body) as Record<string, unknown>) : {};
  });
}

// JOBS_CONCURRENCY=0: operations stay PENDING until tick(), which claims them all in one claim
// and, POOL.CLONE having a batch handler, runs them in one transaction.
describeEachDialect(
  'POOL.CLONE in batches',
  (t) => {
    let a: TestAccount;
    beforeAll(async () => {
      a = await t().newAccount();
    });

    it('runs a batch in one transaction: every clone SUCCESS with a pool of its own source', async () => {
      const sources = await Promise.all(
        [1, 2, 3].map((n) => makePool(t(), a, { fields: { private_name: `source ${n}` } })),
      );
      const ids = [];
      for (const source of [...sources, sources[0]]) ids.push(await submitClone(t(), a, source.id));
      const before = await countPools(t(), a);
      await t().get(OperationRunner).tick();
      const rows = await operations(t(), ids);
      expect(rows.map((row) => row.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
      // One transaction: one finish time for all.
      expect(new Set(rows.map((row) => row.finished!.getTime())).size).toBe(1);
      const created = rows.map((row) => String(JSON.parse(row.details!).pool_id));
      expect(new Set(created).size).toBe(4);
      expect((await poolBodies(t(), created)).map((body) => body.private_name)).toEqual([
        'source 1',
        'source 2',
        'source 3',
        'source 1',
      ]);
      expect(await countPools(t(), a)).toBe(before + 4);
    });

    it('a clone whose source was deleted after submit FAILs alone; the others SUCCEED', async () => {
      const keep = await makePool(t(), a, { fields: { private_name: 'kept' } });
      const doomed = await makePool(t(), a, { fields: { private_name: 'doomed' } });
      const ids = [
        await submitClone(t(), a, keep.id),
        await submitClone(t(), a, doomed.id),
        await submitClone(t(), a, keep.id),
      ];
      await t().db.transaction((m) => m.delete(Pool, { id: doomed.id }));
      const before = await countPools(t(), a);
      await t().get(OperationRunner).tick();
      const rows = await operations(t(), ids);
      expect(rows.map((row) => row.status)).toEqual(['SUCCESS', 'FAIL', 'SUCCESS']);
      expect(rows[1]).toMatchObject({ details: null, progress: 100, leaseOwner: null, attempts: 1 });
      expect(JSON.parse(rows[1].log!)).toEqual([
        {
          type: 'POOL.CLONE',
          success: false,
          input: { pool_id: doomed.id },
          output: { code: 'POOL_NOT_FOUND', message: `Pool ${doomed.id} does not exist` },
        },
      ]);
      // Nothing half-written: exactly the two good clones' pools, each a copy of its source.
      expect(await countPools(t(), a)).toBe(before + 2);
      const created = [rows[0], rows[2]].map((row) => String(JSON.parse(row.details!).pool_id));
      expect((await poolBodies(t(), created)).map((body) => body.private_name)).toEqual(['kept', 'kept']);
    });

    it('bad clones fail alone and the good ones go in one batch again', async () => {
      const keep = await makePool(t(), a);
      const doomed = await makePool(t(), a);
      const project = await makeCrowdProject(t(), a);
      const archived = await makePool(t(), a, { projectId: project });
      const bad = new Map([
        [3, doomed.id],
        [10, archived.id],
      ]);
      const ids = [];
      for (let i = 0; i < 16; i++) ids.push(await submitClone(t(), a, bad.get(i) ?? keep.id));
      await t().db.transaction((m) => m.delete(Pool, { id: doomed.id }));
      await t().db.transaction((m) => m.update(CrowdProject, { id: project }, { status: 'ARCHIVED' }));
      const before = await countPools(t(), a);
      const calls = spyQueryCalls(t());
      let inserts: number;
      try {
        await t().get(OperationRunner).tick();
        inserts = calls.mock.calls.filter(([sql]) => /^INSERT INTO [`"]?pools\b/i.test(String(sql))).length;
      } finally {
        calls.mockRestore();
      }
      const rows = await operations(t(), ids);
      expect(rows.map((row) => row.status)).toEqual(ids.map((_, i) => (bad.has(i) ? 'FAIL' : 'SUCCESS')));
      expect(JSON.parse(rows[3].log!)[0].output.code).toBe('POOL_NOT_FOUND');
      expect(JSON.parse(rows[10].log!)[0].output.code).toBe('PROJECT_INAPPROPRIATE_STATUS');
      expect(await countPools(t(), a)).toBe(before + 14);
      // The batch of 16 names its two bad clones and writes nothing; each then fails alone, and the
      // other 14 go in one batch: one INSERT, where one clone at a time made fourteen.
      expect(inserts).toBe(1);
    });

    it('a clone whose project was archived after submit FAILs alone', async () => {
      const good = await makePool(t(), a);
      const project = await makeCrowdProject(t(), a);
      const archived = await makePool(t(), a, { projectId: project });
      const ids = [await submitClone(t(), a, archived.id), await submitClone(t(), a, good.id)];
      await t().db.transaction((m) => m.update(CrowdProject, { id: project }, { status: 'ARCHIVED' }));
      await t().get(OperationRunner).tick();
      const rows = await operations(t(), ids);
      expect(rows.map((row) => row.status)).toEqual(['FAIL', 'SUCCESS']);
      expect(JSON.parse(rows[0].log!)[0].output.code).toBe('PROJECT_INAPPROPRIATE_STATUS');
    });

    it('sends as many statements for a batch of 12 as for a batch of 2', async () => {
      const source = await makePool(t(), a);
      const spy = spyStatements(t());
      try {
        const counts: number[] = [];
        for (const size of [2, 12]) {
          const ids = [];
          for (let i = 0; i < size; i++) ids.push(await submitClone(t(), a, source.id));
          counts.push(await spy.count(() => t().get(OperationRunner).tick(), ['operations', 'pools']));
          const rows = await operations(t(), ids);
          expect(rows.every((row) => row.status === 'SUCCESS')).toBe(true);
        }
        expect(counts[0]).toBeGreaterThan(0);
        expect(counts[1]).toBe(counts[0]);
      } finally {
        spy.restore();
      }
    });
  },
  // No lease renewal within a tick, however slow the machine: its statements would be counted.
  {
    JOBS_CONCURRENCY: '0',
    JOBS_POLL_MS: '0',
    JOBS_HEARTBEAT_MS: '60000',
    JOBS_LEASE_MS: '120000',
    ...NO_RATE_LIMITS,
  },
);

// A handler of the test's own (registered as the Pools module registers POOL.CLONE) whose batches
// fail in a way chosen per test: which batches the runner tries next tells how it split them.
describeEachDialect(
  'a batch that fails',
  (t) => {
    let a: TestAccount;
    let failure: (batch: RunningOperation[]) => Error;
    const batchSizes: number[] = [];
    beforeAll(async () => {
      a = await t().newAccount();
      t()
        .get(OperationHandlers)
        .register({
          type: 'TEST.BATCHED',
          run: async ({ operation }) => {
            if (operation.parameters.bad) throw new PermanentOperationError('TEST_BAD', 'bad');
            return { alone: true };
          },
          runBatch: async (operations) => {
            batchSizes.push(operations.length);
            if (operations.some((op) => op.parameters.bad)) throw failure(operations);
            return operations.map(() => ({ alone: false }));
          },
        });
    });

    async function runEight(bad: number): Promise<Operation[]> {
      const ids = [];
      for (let i = 0; i < 8; i++) {
        const op = await t().db.transaction((m) =>
          t()
            .get(OperationsService)
            .enqueue(m, { accountId: a.id, type: 'TEST.BATCHED', parameters: { bad: i === bad } }),
        );
        ids.push(op.id);
      }
      batchSizes.length = 0;
      await t().get(OperationRunner).tick();
      return operations(t(), ids);
    }

    /** The bad one (index 5) FAILed, the other seven SUCCEEDed with `details`. */
    function expectOnlyTheBadFailed(rows: Operation[], details: { alone: boolean }): void {
      expect(rows.map((row) => row.status)).toEqual(rows.map((_, i) => (i === 5 ? 'FAIL' : 'SUCCESS')));
      expect(rows.filter((row) => row.details).map((row) => JSON.parse(row.details!))).toEqual(
        Array(7).fill(details),
      );
    }

    it('that names its refused operations, runs those alone and the rest as a batch again', async () => {
      // By its index in the batch, which the claim ordered as it found them.
      failure = (batch) => new OperationsRefused(batch.flatMap((op, i) => (op.parameters.bad ? [i] : [])));
      const rows = await runEight(5);
      expect(batchSizes).toEqual([8, 7]);
      expectOnlyTheBadFailed(rows, { alone: false });
    });

    it.each([
      ['a domain error', () => new DomainError('POOL_NOT_FOUND', 'gone')],
      ['an error of the database', () => new Error('connection reset')],
    ])('after any other failure (%s), one by one', async (_, error) => {
      failure = error;
      const rows = await runEight(5);
      expect(batchSizes).toEqual([8]);
      expectOnlyTheBadFailed(rows, { alone: true });
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0', JOBS_HEARTBEAT_MS: '60000', JOBS_LEASE_MS: '120000' },
);

describeEachDialect(
  'POOL.CLONE with JOBS_BATCH_SIZE=1',
  (t) => {
    it('runs each clone in a transaction of its own', async () => {
      const a = await t().newAccount();
      const source = await makePool(t(), a);
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await submitClone(t(), a, source.id));
      await t().get(OperationRunner).tick();
      const rows = await operations(t(), ids);
      expect(rows.map((row) => row.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0', JOBS_BATCH_SIZE: '1', ...NO_RATE_LIMITS },
);
