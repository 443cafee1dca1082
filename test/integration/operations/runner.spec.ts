import { Operation } from '../../../src/operations/operation.entity';
import {
  OperationContext,
  OperationHandlers,
  PermanentOperationError,
} from '../../../src/operations/operation-handlers';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { OperationsService } from '../../../src/operations/operations.service';
import { PoolsService } from '../../../src/pools/pools.service';
import { countPools, makePool } from '../../factories/pool.factory';
import { holdEveryWorker } from '../../support/job-workers';
import { spyStatements } from '../../support/statement-spy';
import { createTestApp, describeEachDialect, TestAccount, TestApp } from '../../support/test-app';
import { testDialects } from '../../support/test-database';

async function enqueue(t: TestApp, account: TestAccount, type: string, parameters: Record<string, unknown>) {
  return t.db.transaction((m) =>
    t.get(OperationsService).enqueue(m, { accountId: account.id, type, parameters }),
  );
}

async function operation(t: TestApp, id: string): Promise<Operation> {
  return t.db.read((m) => m.findOneByOrFail(Operation, { id }));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachDialect(
  'OperationRunner (driven by tick)',
  (t) => {
    let a: TestAccount;
    const attemptsSeen: number[] = [];
    beforeAll(async () => {
      a = await t().newAccount();
      const handlers = t().get(OperationHandlers);
      const pools = t().get(PoolsService);
      // Handlers registered through the public registry, as the task-copy module will.
      handlers.register({
        type: 'TEST.WRITE_THEN_FAIL',
        run: async ({ manager, operation }: OperationContext) => {
          await pools.cloneInTransaction(manager, operation.accountId, String(operation.parameters.pool_id));
          throw new PermanentOperationError('TEST_BROKEN', 'the handler broke after writing a pool');
        },
      });
      handlers.register({
        type: 'TEST.FLAKY',
        run: async ({ manager, operation, reportProgress }: OperationContext) => {
          attemptsSeen.push(operation.attempt);
          reportProgress(50);
          await pools.cloneInTransaction(manager, operation.accountId, String(operation.parameters.pool_id));
          if (operation.attempt < Number(operation.parameters.succeed_on))
            throw new Error('connection reset');
          return { attempt: operation.attempt };
        },
      });
    });

    it('a handler error rolls its effect back: FAIL, a log entry, no pool', async () => {
      const pool = await makePool(t(), a);
      const before = await countPools(t(), a);
      const op = await enqueue(t(), a, 'TEST.WRITE_THEN_FAIL', { pool_id: pool.id });
      await t().get(OperationRunner).tick();
      const row = await operation(t(), op.id);
      expect(row).toMatchObject({ status: 'FAIL', progress: 100, details: null, leaseOwner: null });
      expect(row.finished).toBeInstanceOf(Date);
      expect(JSON.parse(row.log!)).toEqual([
        {
          type: 'TEST.WRITE_THEN_FAIL',
          success: false,
          input: { pool_id: pool.id },
          output: { code: 'TEST_BROKEN', message: 'the handler broke after writing a pool' },
        },
      ]);
      expect(await countPools(t(), a)).toBe(before);
    });

    it('retries a transient error with backoff, keeping exactly one effect', async () => {
      const pool = await makePool(t(), a);
      const before = await countPools(t(), a);
      attemptsSeen.length = 0;
      const op = await enqueue(t(), a, 'TEST.FLAKY', { pool_id: pool.id, succeed_on: 3 });
      const runner = t().get(OperationRunner);
      await runner.tick();
      expect(await operation(t(), op.id)).toMatchObject({ status: 'PENDING', attempts: 1, leaseOwner: null });
      t().clock.advance(60_000);
      await runner.tick();
      t().clock.advance(60_000);
      await runner.tick();
      const row = await operation(t(), op.id);
      expect(row).toMatchObject({ status: 'SUCCESS', attempts: 3, progress: 100 });
      expect(JSON.parse(row.details!)).toEqual({ attempt: 3 });
      expect(attemptsSeen).toEqual([1, 2, 3]);
      expect(await countPools(t(), a)).toBe(before + 1);
    });

    it('FAILs after JOBS_MAX_ATTEMPTS transient errors', async () => {
      const pool = await makePool(t(), a);
      const op = await enqueue(t(), a, 'TEST.FLAKY', { pool_id: pool.id, succeed_on: 99 });
      for (let i = 0; i < 3; i++) {
        await t().get(OperationRunner).tick();
        t().clock.advance(60_000);
      }
      const row = await operation(t(), op.id);
      expect(row).toMatchObject({ status: 'FAIL', attempts: 3 });
      // The driver's own words stay in the service log, out of what clients read.
      expect(JSON.parse(row.log!)[0].output).toEqual({
        code: 'OPERATION_ATTEMPTS_EXHAUSTED',
        message: `The operation failed 3 times on internal errors; see the service log for operation ${op.id}`,
      });
    });

    it('reclaims an expired lease of a dead instance; the dead one can no longer commit', async () => {
      const pool = await makePool(t(), a);
      const before = await countPools(t(), a);
      const op = await enqueue(t(), a, 'POOL.CLONE', { pool_id: pool.id });
      const operations = t().get(OperationsService);
      // Another instance claims it, then dies without a word.
      const [claimed] = await operations.claim('dead-instance', ['POOL.CLONE'], 10, 1000, 3);
      expect(claimed).toMatchObject({ id: op.id, status: 'RUNNING', leaseOwner: 'dead-instance' });

      await t().get(OperationRunner).tick();
      expect(await operation(t(), op.id)).toMatchObject({ status: 'RUNNING', leaseOwner: 'dead-instance' });

      t().clock.advance(1001);
      await t().get(OperationRunner).tick();
      const row = await operation(t(), op.id);
      expect(row).toMatchObject({ status: 'SUCCESS', attempts: 2 });
      expect(await countPools(t(), a)).toBe(before + 1);

      // Fencing: the dead instance's late commit matches no row and would be rolled back.
      const late = await t().db.transaction((m) => operations.markSucceeded(m, op.id, 'dead-instance', {}));
      expect(late).toBe(false);
      expect(await operation(t(), op.id)).toMatchObject({ status: 'SUCCESS', details: row.details });
    });

    it('claims again a clone written RUNNING for a worker whose instance died before running it', async () => {
      const pool = await makePool(t(), a);
      const before = await countPools(t(), a);
      // Another instance set a worker aside and committed the operation under its lease, then died.
      const dead = { owner: 'dead-instance', leaseMs: 1000, hold: () => undefined };
      const op = await t().db.transaction((m) =>
        t()
          .get(OperationsService)
          .enqueue(m, { accountId: a.id, type: 'POOL.CLONE', parameters: { pool_id: pool.id } }, dead),
      );
      expect(op).toMatchObject({ status: 'RUNNING', started: op.submitted });
      await t().get(OperationRunner).tick();
      expect(await operation(t(), op.id)).toMatchObject({ status: 'RUNNING', attempts: 1 });

      t().clock.advance(1001);
      await t().get(OperationRunner).tick();
      expect(await operation(t(), op.id)).toMatchObject({ status: 'SUCCESS', attempts: 2 });
      expect(await countPools(t(), a)).toBe(before + 1);
    });

    it('FAILs an operation whose lease expired on its last attempt', async () => {
      const pool = await makePool(t(), a);
      const op = await enqueue(t(), a, 'POOL.CLONE', { pool_id: pool.id });
      const operations = t().get(OperationsService);
      for (let i = 0; i < 3; i++) {
        await operations.claim(`dead-${i}`, ['POOL.CLONE'], 1, 1000, 3);
        t().clock.advance(1001);
      }
      await t().get(OperationRunner).tick();
      const row = await operation(t(), op.id);
      expect(row).toMatchObject({ status: 'FAIL', attempts: 3 });
      expect(JSON.parse(row.log!)[0].output.code).toBe('OPERATION_ATTEMPTS_EXHAUSTED');
    });

    it('never claims a type without a handler in this process', async () => {
      const op = await enqueue(t(), a, 'TEST.NOBODY', {});
      await t().get(OperationRunner).tick();
      expect(await operation(t(), op.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0', JOBS_MAX_ATTEMPTS: '3' },
);

describeEachDialect(
  'OperationRunner (automatic)',
  (t) => {
    it('runs a clone right after the enqueuing commit, without a poll timer', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const started = Date.now();
      const res = await t().inject({
        method: 'POST',
        url: `/api/v1/pools/${pool.id}/clone`,
        headers: { authorization: `OAuth ${a.token}` },
      });
      expect(res.statusCode).toBe(202);
      await waitFor(async () => (await operation(t(), res.json().id)).status === 'SUCCESS');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('with a worker free, answers the clone RUNNING under its lease and runs it without a claim', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const before = await countPools(t(), a);
      const res = await t().inject({
        method: 'POST',
        url: `/api/v1/pools/${pool.id}/clone`,
        headers: { authorization: `OAuth ${a.token}` },
      });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ status: 'RUNNING', started: res.json().submitted });
      await waitFor(async () => (await operation(t(), res.json().id)).status === 'SUCCESS');
      // One attempt: the request's own transaction was its claim.
      expect(await operation(t(), res.json().id)).toMatchObject({ attempts: 1, leaseOwner: null });
      expect(await countPools(t(), a)).toBe(before + 1);
    });

    it('writes the operation twice from submit to SUCCESS: its INSERT, then its SUCCESS (no claim)', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const spy = spyStatements(t());
      try {
        const statements = await spy.matching(async () => {
          const res = await t().inject({
            method: 'POST',
            url: `/api/v1/pools/${pool.id}/clone`,
            headers: { authorization: `OAuth ${a.token}` },
          });
          await waitFor(async () => (await operation(t(), res.json().id)).status === 'SUCCESS');
        }, ['operations']);
        // The test's own polling reads aside: every write, and every locking read, of the table.
        const writes = statements.filter(
          (sql) => !/^\s*SELECT/i.test(sql) || /FOR UPDATE|LOCK IN/i.test(sql),
        );
        expect(writes.map((sql) => sql.trim().split(/\s+/, 1)[0].toUpperCase())).toEqual([
          'INSERT',
          'UPDATE',
        ]);
      } finally {
        spy.restore();
      }
    });

    it('with every worker busy, answers PENDING and leaves the clone to a claim', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const runner = t().get(OperationRunner);
      const busy = await holdEveryWorker(runner, 2);
      expect(runner.reserve()).toBeNull();
      const res = await t().inject({
        method: 'POST',
        url: `/api/v1/pools/${pool.id}/clone`,
        headers: { authorization: `OAuth ${a.token}` },
      });
      expect(res.json()).toMatchObject({ status: 'PENDING' });
      for (const worker of busy) worker.cancel();
      runner.wake();
      await waitFor(async () => (await operation(t(), res.json().id)).status === 'SUCCESS');
      expect(await operation(t(), res.json().id)).toMatchObject({ attempts: 1 });
    });
  },
  // The answer does not wait for the worker here: these tests look at the hand-off itself.
  { JOBS_CONCURRENCY: '2', JOBS_POLL_MS: '0', POOL_CLONE_ANSWER_WAIT_MS: '0' },
);

describeEachDialect(
  'POST /pools/{id}/clone answered once its worker is done',
  (t) => {
    // The start-up claim holds every worker while it looks for work: wait until one is free.
    const workerFree = () =>
      waitFor(async () => {
        const worker = t().get(OperationRunner).reserve();
        worker?.cancel();
        return worker !== null;
      });
    const clone = (a: TestAccount, poolId: string) =>
      t().inject({
        method: 'POST',
        url: `/api/v1/pools/${poolId}/clone`,
        headers: { authorization: `OAuth ${a.token}` },
      });

    it('answers 202 with the operation SUCCESS and details.pool_id when its worker finished in time', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      await workerFree();
      const res = await clone(a, pool.id);
      expect(res.statusCode).toBe(202);
      const body = res.json();
      expect(body).toMatchObject({ type: 'POOL.CLONE', status: 'SUCCESS', progress: 100 });
      expect(body.details.pool_id).toEqual(expect.any(String));
      expect(body.details.pool_id).not.toBe(pool.id);
      // The job service ran it: one attempt under the worker's lease, the same row a GET reads.
      expect(await operation(t(), body.id)).toMatchObject({
        status: 'SUCCESS',
        attempts: 1,
        leaseOwner: null,
      });
      const read = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${body.id}`,
        headers: { authorization: `OAuth ${a.token}` },
      });
      expect(read.json()).toEqual(body);
    });

    it('with no worker free, answers PENDING at once and the job service runs it later', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const runner = t().get(OperationRunner);
      const busy = await holdEveryWorker(runner, 2);
      let id: string;
      try {
        expect(runner.reserve()).toBeNull();
        const started = Date.now();
        const res = await clone(a, pool.id);
        expect(res.statusCode).toBe(202);
        expect(res.json()).toMatchObject({ status: 'PENDING' });
        // It did not wait out the answer's 5 s.
        expect(Date.now() - started).toBeLessThan(4000);
        id = res.json().id;
      } finally {
        for (const worker of busy) worker.cancel();
      }
      // The request woke the job service; whichever of its claims takes the operation runs it.
      await runner.tick();
      await waitFor(async () => (await operation(t(), id)).status === 'SUCCESS');
    });
  },
  // Long enough for a loaded machine; a clone at rest takes a few ms.
  { JOBS_CONCURRENCY: '2', JOBS_POLL_MS: '0', POOL_CLONE_ANSWER_WAIT_MS: '5000' },
);

describeEachDialect(
  'OperationRunner (poll loop)',
  (t) => {
    it('picks up work enqueued without a local wake-up (another instance’s)', async () => {
      const a = await t().newAccount();
      const pool = await makePool(t(), a);
      const ops = await Promise.all([1, 2, 3].map(() => enqueue(t(), a, 'POOL.CLONE', { pool_id: pool.id })));
      for (const op of ops) await waitFor(async () => (await operation(t(), op.id)).status === 'SUCCESS');
    });
  },
  { JOBS_CONCURRENCY: '2', JOBS_POLL_MS: '50' },
);

describe.each(testDialects())('OperationRunner shutdown [%s]', (dialect) => {
  it('lets a running handler finish within the grace period, and releases one that does not', async () => {
    const t = await createTestApp(dialect, {
      JOBS_CONCURRENCY: '2',
      JOBS_POLL_MS: '0',
      JOBS_SHUTDOWN_GRACE_MS: '300',
    });
    const a = await t.newAccount();
    const handlers = t.get(OperationHandlers);
    let releaseSlow: () => void = () => undefined;
    handlers.register({
      type: 'TEST.QUICK',
      run: async () => {
        await new Promise((r) => setTimeout(r, 100));
        return { done: true };
      },
    });
    handlers.register({
      type: 'TEST.STUCK',
      run: () => new Promise((resolve) => (releaseSlow = () => resolve(undefined))),
    });
    const quick = await enqueue(t, a, 'TEST.QUICK', {});
    t.get(OperationRunner).wake();
    await waitFor(async () => (await operation(t, quick.id)).status === 'RUNNING');
    await t.app.get(OperationRunner).beforeApplicationShutdown();
    expect(await operation(t, quick.id)).toMatchObject({ status: 'SUCCESS' });
    await t.close();

    // On SQLite a handler holds the only connection: the stuck case needs row locks (MySQL/MariaDB).
    if (dialect !== 'mysql') {
      releaseSlow();
      return;
    }
    const t2 = await createTestApp(dialect, {
      JOBS_CONCURRENCY: '2',
      JOBS_POLL_MS: '0',
      JOBS_SHUTDOWN_GRACE_MS: '200',
    });
    const b = await t2.newAccount();
    t2.get(OperationHandlers).register({
      type: 'TEST.STUCK',
      run: () => new Promise((resolve) => (releaseSlow = () => resolve(undefined))),
    });
    const stuck = await enqueue(t2, b, 'TEST.STUCK', {});
    t2.get(OperationRunner).wake();
    await waitFor(async () => (await operation(t2, stuck.id)).status === 'RUNNING');
    await t2.get(OperationRunner).beforeApplicationShutdown();
    expect(await operation(t2, stuck.id)).toMatchObject({ status: 'PENDING', leaseOwner: null });
    releaseSlow();
    await new Promise((r) => setTimeout(r, 50));
    // The released handler's late commit is fenced off by the lease check.
    expect(await operation(t2, stuck.id)).toMatchObject({ status: 'PENDING' });
    await t2.close();
  });
});
