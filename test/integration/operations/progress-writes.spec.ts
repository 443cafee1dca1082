import { Operation } from '../../../src/operations/operation.entity';
import { OperationHandlers } from '../../../src/operations/operation-handlers';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { OperationsService } from '../../../src/operations/operations.service';
import { describeEachDialect } from '../../support/test-app';

// On MySQL/MariaDB a handler's progress is written on another connection while its transaction
// goes on, and the handler does not wait for it: here the operation's row is locked by another
// transaction when the handler reports, so the write waits for that lock, and the handler still
// goes on at once. Its SUCCESS (in its own transaction) then waits for the lock, and the progress
// written meanwhile is there once it is released. SQLite writes progress in the handler's own
// transaction (one connection): not this case.
describeEachDialect(
  'OperationRunner: progress writes do not hold up the handler',
  (t) => {
    it('goes on while a progress write waits for a lock, and ends SUCCESS with it written', async () => {
      if (t().dialect !== 'mysql') return;
      const a = await t().newAccount();
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      let reported = false;
      t()
        .get(OperationHandlers)
        .register({
          type: 'TEST.PROGRESS',
          run: async ({ reportProgress }) => {
            await gate;
            await reportProgress(40);
            reported = true;
            return { done: true };
          },
        });
      const op = await t().db.transaction((m) =>
        t().get(OperationsService).enqueue(m, { accountId: a.id, type: 'TEST.PROGRESS', parameters: {} }),
      );
      const running = t().get(OperationRunner).tick();
      const read = () => t().db.read((m) => m.findOneByOrFail(Operation, { id: op.id }));
      for (let i = 0; i < 500 && (await read()).status !== 'RUNNING'; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const locker = t().dataSource.createQueryRunner();
      try {
        await locker.startTransaction();
        await locker.query('SELECT id FROM operations WHERE id = ? FOR UPDATE', [op.id]);
        open();
        for (let i = 0; i < 200 && !reported; i++) await new Promise((r) => setTimeout(r, 10));
        expect(reported).toBe(true);
        await locker.commitTransaction();
      } finally {
        await locker.release();
      }
      await running;
      expect(await read()).toMatchObject({ status: 'SUCCESS', progress: 100, leaseOwner: null });
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0' },
);
