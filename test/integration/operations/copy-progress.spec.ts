import { OperationRunner } from '../../../src/operations/operation-runner';
import { copyAttributes, CopyFixture, makeCopyFixture, postCopy } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { RowGate } from '../../support/row-gate';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// A copy on the job service does not wait for its progress values (docs/operations.md#copy-progress):
// they are stored beside it, in order, and its outcome is written only once every one is. A
// trigger holds the progress writes from the gate's threshold on at a row lock this test holds
// (RowGate), so nothing here depends on timing.
describeEachDialect(
  'a copy on the job service and its progress writes',
  (t) => {
    let a: TestAccount;
    let f: CopyFixture;
    const gate = new RowGate(() => t().dataSource, 'progress_gate');

    // MySQL/MariaDB only: on SQLite the values are written inside the copy's transaction.
    const skip = () => t().dialect !== 'mysql';
    const sql = (query: string, params: unknown[] = []) => t().dataSource.query(query, params);

    beforeAll(async () => {
      if (skip()) return;
      a = await t().newAccount();
      f = await makeCopyFixture(t(), a);
      await gate.create();
      await sql(
        'CREATE TABLE progress_stored (n INT AUTO_INCREMENT PRIMARY KEY, operation_id VARCHAR(64), progress INT, status VARCHAR(16))',
      );
      await sql(
        // Progress values and outcomes only: a lease's renewal (the heartbeat, which comes
        // more often the longer a loaded machine makes the copy) changes neither.
        `CREATE TRIGGER progress_gate_wait AFTER UPDATE ON operations FOR EACH ROW BEGIN
           IF NEW.progress <> OLD.progress AND NEW.status = 'RUNNING'
             AND NEW.progress >= ${gate.threshold} THEN
             ${gate.wait};
           END IF;
           IF NEW.progress <> OLD.progress OR NEW.status <> OLD.status THEN
             INSERT INTO progress_stored (operation_id, progress, status) VALUES (NEW.id, NEW.progress, NEW.status);
           END IF;
         END`,
      );
    });

    afterEach(() => gate.reset());

    const reachedGate = () => gate.reached('no progress write reached the gate');
    /** Rows the copy's open transaction has written so far, read without waiting for it. */
    const uncommittedRows = async (query: string, params: unknown[]) => {
      const runner = t().dataSource.createQueryRunner();
      try {
        await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED');
        const [{ n }] = (await runner.query(query, params)) as Array<{ n: number | string }>;
        return Number(n);
      } finally {
        await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await runner.release();
      }
    };
    const uncommitted = () =>
      uncommittedRows(
        'SELECT COUNT(*) AS n FROM task_subscribers s JOIN tasks t ON t.id = s.task_id WHERE t.account_id = ? AND t.project_id = ?',
        [a.id, Number(f.targetProjectId)],
      );
    const uncommittedTasks = () =>
      uncommittedRows('SELECT COUNT(*) AS n FROM tasks WHERE account_id = ?', [a.id]);
    /** The values stored for the operation, in the order stored, with the status beside each. */
    const storedValues = async (id: string) =>
      (
        (await sql('SELECT progress, status FROM progress_stored WHERE operation_id = ? ORDER BY n', [
          id,
        ])) as Array<{ progress: number | string; status: string }>
      ).map((s) => ({ progress: Number(s.progress), status: s.status }));

    it('goes on while a value waits to be stored, and ends only once every value is', async () => {
      if (skip()) return;
      // Every progress value from 6 % on waits.
      await gate.close(6);

      const res = await postCopy(
        t(),
        a,
        'tasks',
        copyAttributes(f, { copy_open_subtasks: true, copy_subscribers: true }),
        { query: '?async=true' },
      );
      expect(res.statusCode).toBe(202);
      const id = res.json().data.id as string;
      await reachedGate();

      // The first value after the tasks' INSERT waits; the copy wrote its subscribers meanwhile,
      // the rows it writes after that INSERT, and has not ended.
      for (let i = 0; i < 200 && (await uncommitted()) === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await uncommitted()).toBeGreaterThan(0);
      const running = await t().inject({
        method: 'GET',
        url: `/api/v2/operations/${id}`,
        headers: faceHeaders('jsonapi', a),
      });
      expect(running.json().data.attributes.status).toBe('RUNNING');

      await gate.open();
      await t().get(OperationRunner).tick();
      const stored = await storedValues(id);
      const values = stored.map((s) => s.progress);
      // Every value stored, in order, and the outcome after them all.
      expect(values[values.length - 1]).toBe(100);
      expect(stored[stored.length - 1].status).toBe('SUCCESS');
      expect(values.filter((v) => v > 5 && v < 100).length).toBeGreaterThan(0);
      expect(values.every((v, i) => i === 0 || v > values[i - 1])).toBe(true);
    });

    it.each([
      [
        'a list copy',
        'task_lists',
        () => ({
          name: 'Gated list',
          template_id: Number(f.taskListId),
          project_id: Number(f.targetProjectId),
        }),
      ],
      ['a project copy', 'projects', () => ({ name: 'Gated project', template_id: Number(f.projectId) })],
    ] as const)('%s writes its tasks while its first value waits', async (_, type, attributes) => {
      if (skip()) return;
      const before = await uncommittedTasks();
      await gate.close(5);

      const res = await postCopy(
        t(),
        a,
        type,
        { ...attributes(), copy_open_tasks: true, copy_open_subtasks: true },
        { query: '?async=true' },
      );
      expect(res.statusCode).toBe(202);
      const id = res.json().data.id as string;
      await reachedGate();

      for (let i = 0; i < 200 && (await uncommittedTasks()) === before; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await uncommittedTasks()).toBeGreaterThan(before);
      // Not one value stored yet (a claim's UPDATE, if any, stores 0).
      expect((await storedValues(id)).filter((s) => s.progress > 0)).toEqual([]);

      await gate.open();
      await t().get(OperationRunner).tick();
      const stored = (await storedValues(id)).filter((s) => s.progress > 0);
      expect(stored[0].progress).toBe(5);
      expect(stored[stored.length - 1]).toEqual({ progress: 100, status: 'SUCCESS' });
    });
  },
  { JOBS_POLL_MS: '0' },
);
