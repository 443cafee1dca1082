import { Operation } from '../../../src/operations/operation.entity';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { CopyFixture, copyAttributes, makeCopyFixture, postCopy } from '../../factories/jsonapi.factory';
import { holdEveryWorker } from '../../support/job-workers';
import { spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

async function operation(t: TestApp, id: string): Promise<Operation> {
  return t.db.read((m) => m.findOneByOrFail(Operation, { id }));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// A queued copy is handed to a free worker of the instance that took the request: written
// RUNNING under that worker's lease in the request's transaction and run right after its commit,
// with no claim (no poll: JOBS_POLL_MS=0). With no worker free it is queued PENDING as before.
describeEachDialect(
  'POST /api/v2/tasks/copy?async=true: started at once by a free worker of this instance',
  (t) => {
    let a: TestAccount;
    let f: CopyFixture;

    // The start-up claim holds every worker while it looks for work: wait until one is free.
    const workerFree = () =>
      waitFor(async () => {
        const worker = t().get(OperationRunner).reserve();
        worker?.cancel();
        return worker !== null;
      });

    beforeAll(async () => {
      a = await t().newAccount();
      f = await makeCopyFixture(t(), a);
    });

    const submit = async (title: string) => {
      const res = await postCopy(
        t(),
        a,
        'tasks',
        copyAttributes(f, { title, copy_open_subtasks: true, copy_open_todos: true }),
        { query: '?async=true' },
      );
      expect(res.statusCode).toBe(202);
      return res.json().data as { id: string; attributes: { status: string } };
    };

    it('answers RUNNING, runs without a claim and ends SUCCESS after one attempt', async () => {
      await workerFree();
      const spy = spyStatements(t());
      let submitted: { id: string; attributes: { status: string } };
      try {
        const statements = await spy.matching(async () => {
          submitted = await submit('Started at once');
          await waitFor(async () => (await operation(t(), submitted.id)).status === 'SUCCESS');
        }, ['operations']);
        expect(submitted!.attributes.status).toBe('RUNNING');
        // A claim is the only statement that moves a row to RUNNING after its INSERT.
        expect(statements.filter((sql) => /SET\s+status\s*=\s*'RUNNING'/i.test(sql))).toEqual([]);
      } finally {
        spy.restore();
      }
      expect(await operation(t(), submitted!.id)).toMatchObject({
        status: 'SUCCESS',
        attempts: 1,
        progress: 100,
        leaseOwner: null,
      });
    });

    it('with every worker busy, answers PENDING and leaves the copy to a claim', async () => {
      const runner = t().get(OperationRunner);
      const busy = await holdEveryWorker(runner, 2);
      let id: string;
      try {
        expect(runner.reserve()).toBeNull();
        const submitted = await submit('Queued');
        expect(submitted.attributes.status).toBe('PENDING');
        id = submitted.id;
      } finally {
        for (const worker of busy) worker.cancel();
      }
      runner.wake();
      await waitFor(async () => (await operation(t(), id)).status === 'SUCCESS');
      expect(await operation(t(), id)).toMatchObject({ attempts: 1 });
    });
  },
  { JOBS_CONCURRENCY: '2', JOBS_POLL_MS: '0' },
);
