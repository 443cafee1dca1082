import type { QueryRunner } from 'typeorm';
import { SEND_TASKS_FIRST } from '../../../src/tasks/copy/task-copy-writer';
import { postCopy } from '../../factories/jsonapi.factory';
import { largeCopyAttributes, LargeSource, makeLargeSource } from '../../factories/task-tree.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Where rows lock, a copy of SEND_TASKS_FIRST tasks or more sends its tasks' INSERTs first and
// builds its related rows' INSERTs while the database writes the tasks; those go with the COMMIT,
// which is asked for only once the tasks have answered. Here the tasks' INSERT waits for a row the
// test holds uncommitted under the last id the copy takes (a copy of 100 or more tasks takes its
// ids from the allocator in its transaction), so the copy can be seen in between. MySQL/MariaDB
// only: SQLite has one writer and runs each statement as it is asked for.
describeEachDialect(
  'POST /api/v2/tasks/copy: the related rows built while the tasks are written',
  (t) => {
    let a: TestAccount;
    let large: LargeSource;

    beforeAll(async () => {
      a = await t().newAccount();
      large = await makeLargeSource(t(), a, { tasks: SEND_TASKS_FIRST, closedEvery: 1_000_000 });
      // The first copy of the process, which fills its block of ids.
      expect((await copy()).statusCode).toBe(201);
    });

    const copy = () =>
      postCopy(
        t(),
        a,
        'tasks',
        largeCopyAttributes(large.tree, large.target, 'Copy', {
          copy_open_subtasks: true,
          copy_open_todos: true,
          copy_task_dependencies: true,
        }),
      );
    const counts = async () => {
      const [row] = (await t().dataSource.query(
        'SELECT (SELECT COUNT(*) FROM tasks WHERE account_id = ? AND project_id = ?) AS tasks, ' +
          '(SELECT COUNT(*) FROM todos WHERE account_id = ?) AS todos, ' +
          '(SELECT COUNT(*) FROM task_dependencies WHERE account_id = ?) AS dependencies',
        [a.id, Number(large.target.projectId), a.id, a.id],
      )) as Array<Record<string, number | string>>;
      return { tasks: Number(row.tasks), todos: Number(row.todos), dependencies: Number(row.dependencies) };
    };
    /** The copy's tasks' INSERT, waiting for the lock: its connection's id. */
    const waitingInsert = async (): Promise<number | undefined> => {
      const rows = (await t().dataSource.query(
        "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO tasks (id,%' AND ID <> CONNECTION_ID()",
      )) as Array<{ id: number | string }>;
      return rows.length > 0 ? Number(rows[0].id) : undefined;
    };

    /**
     * Runs a copy while its last id is held: once its tasks' INSERT waits for that row and
     * its dependency pairs are asked for (or 2 s have passed), `meanwhile` gets the statements the
     * app has asked for so far and the waiting connection; then the lock goes. Returns the answer.
     */
    async function copyHeldAtTasks(meanwhile: (asked: string[], insertConnection: number) => Promise<void>) {
      const runner = t().dataSource.createQueryRunner();
      const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
      await runner.release();
      const spy = jest.spyOn(proto, 'query');
      const blocker: QueryRunner = t().dataSource.createQueryRunner();
      try {
        const [{ next }] = (await t().dataSource.query(
          "SELECT next_id AS next FROM id_allocators WHERE name = 'tasks'",
        )) as Array<{ next: number | string }>;
        await blocker.startTransaction();
        await blocker.query(
          "INSERT INTO tasks (id, account_id, sort_key, title, updated_at) VALUES (?, ?, ?, 'held', NOW())",
          [Number(next) + SEND_TASKS_FIRST - 1, a.id, 2_000_000_000],
        );
        spy.mockClear();
        const copied = copy();
        let insert: number | undefined;
        for (let i = 0; i < 250 && insert === undefined; i++) {
          await sleep(20);
          insert = await waitingInsert();
        }
        expect(insert).toBeDefined();
        const asked = () => spy.mock.calls.map(([sql]) => String(sql));
        // The copy goes on building while its tasks wait (bounded: 2 s).
        for (let i = 0; i < 100 && !asked().some((s) => /INSERT INTO task_dependencies/.test(s)); i++)
          await sleep(20);
        await meanwhile(asked(), insert!);
        await blocker.rollbackTransaction();
        return await copied;
      } finally {
        if (blocker.isTransactionActive) await blocker.rollbackTransaction();
        await blocker.release();
        spy.mockRestore();
      }
    }

    it('builds every related row while the tasks wait, and commits only once they are written', async () => {
      if (t().dialect !== 'mysql') return;
      const before = await counts();
      const res = await copyHeldAtTasks(async (asked, insert) => {
        // The tasks' INSERT still waits, the related rows (todos, dependency pairs) are built and
        // held for the COMMIT, which is not asked for yet.
        expect(await waitingInsert()).toBe(insert);
        expect(asked.some((s) => /INSERT INTO todos/.test(s))).toBe(true);
        expect(asked.some((s) => /INSERT INTO task_dependencies/.test(s))).toBe(true);
        expect(asked).not.toContain('COMMIT');
      });
      expect(res.statusCode).toBe(201);
      const after = await counts();
      expect(after.tasks - before.tasks).toBe(SEND_TASKS_FIRST);
      expect(after.todos - before.todos).toBe(res.json().meta.copy.counts.todos);
      expect(res.json().meta.copy.counts.todos).toBeGreaterThan(0);
    });

    it('keeps nothing of a copy whose tasks fail after its related rows were built', async () => {
      if (t().dialect !== 'mysql') return;
      const before = await counts();
      const res = await copyHeldAtTasks(async (_asked, insert) => {
        // The tasks' INSERT fails on its own: its transaction stays open, with the related rows
        // built and held, and must roll back with them.
        await t().dataSource.query(`KILL QUERY ${insert}`);
      });
      expect(res.statusCode).toBe(500);
      expect(await counts()).toEqual(before);
      // The connection and the ids are fine for the next copy.
      expect((await copy()).statusCode).toBe(201);
      const after = await counts();
      expect(after.tasks - before.tasks).toBe(SEND_TASKS_FIRST);
      expect(after.dependencies).toBeGreaterThan(before.dependencies);
    });
  },
  { JOBS_CONCURRENCY: '0' },
);
