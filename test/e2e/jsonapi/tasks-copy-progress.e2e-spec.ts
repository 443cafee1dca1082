import { OperationRunner } from '../../../src/operations/operation-runner';
import { postCopy } from '../../factories/jsonapi.factory';
import {
  largeCopyAttributes,
  LargeSource,
  LargeTree,
  makeLargeSource,
} from '../../factories/task-tree.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

const TASKS = 20_000;

// A 20,000-task copy on the job service: its progress is written as it goes (outside the copy's
// transaction where rows lock, so that both operation routes show it while the copy runs), and
// a failure late in the copy leaves nothing of it. A trigger logs every value the operations row
// takes, so the test sees each progress write, not only those a poller happens to catch.
describeEachDialect(
  'POST /api/v2/tasks/copy: a 20,000-task copy reports its progress and is all-or-nothing',
  (t) => {
    let a: TestAccount;
    let tree: LargeTree;
    let target: LargeSource['target'];

    const sql = (query: string, params: unknown[] = []) => t().dataSource.query(query, params);

    // MySQL/MariaDB only: on SQLite a 20,000-task copy takes minutes on a loaded machine, and a
    // poller there sees no progress before the end anyway (docs/operations.md#copy-progress).
    const skip = () => t().dialect !== 'mysql';

    beforeAll(async () => {
      if (skip()) return;
      a = await t().newAccount();
      ({ tree, target } = await makeLargeSource(t(), a, { tasks: TASKS }));
      if (t().dialect === 'mysql') {
        await sql(
          'CREATE TABLE progress_seen (id INT AUTO_INCREMENT PRIMARY KEY, operation_id VARCHAR(64), progress INT)',
        );
        await sql(
          'CREATE TRIGGER progress_log AFTER UPDATE ON operations FOR EACH ROW INSERT INTO progress_seen (operation_id, progress) VALUES (NEW.id, NEW.progress)',
        );
      } else {
        await sql(
          'CREATE TABLE progress_seen (id INTEGER PRIMARY KEY AUTOINCREMENT, operation_id TEXT, progress INTEGER)',
        );
        await sql(
          'CREATE TRIGGER progress_log AFTER UPDATE ON operations BEGIN INSERT INTO progress_seen (operation_id, progress) VALUES (NEW.id, NEW.progress); END',
        );
      }
    }, 120_000);

    const submit = async (title: string) => {
      const res = await postCopy(
        t(),
        a,
        'tasks',
        largeCopyAttributes(tree, target, title, {
          copy_open_subtasks: true,
          copy_closed_subtasks: true,
          copy_open_todos: true,
        }),
      );
      expect(res.statusCode).toBe(202);
      return res.json().data.id as string;
    };
    const readBoth = async (id: string) => {
      const v2 = await t().inject({
        method: 'GET',
        url: `/api/v2/operations/${id}`,
        headers: faceHeaders('jsonapi', a),
      });
      const v1 = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${id}`,
        headers: faceHeaders('toloka', a),
      });
      const attributes = v2.json().data.attributes as { status: string; progress: number };
      return { v2: attributes, v1: v1.json() as { status: string; progress: number } };
    };
    /** Runs the queued copy while polling both routes; what the polls saw, in order. */
    const runWatching = async (id: string) => {
      let finished = false;
      const running = t()
        .get(OperationRunner)
        .tick()
        .finally(() => (finished = true));
      const polled: Array<Awaited<ReturnType<typeof readBoth>>> = [];
      for (let i = 0; i < 3000 && !finished; i++) {
        polled.push(await readBoth(id));
        await new Promise((r) => setTimeout(r, 20));
      }
      await running;
      polled.push(await readBoth(id));
      return polled;
    };
    const written = async (id: string) =>
      (
        (await sql('SELECT progress FROM progress_seen WHERE operation_id = ? ORDER BY id', [id])) as Array<{
          progress: number | string;
        }>
      )
        .map((r) => Number(r.progress))
        .filter((p, i, all) => i === 0 || p !== all[i - 1]);
    const tasksInTarget = async () =>
      Number(
        (
          (await sql('SELECT COUNT(*) AS n FROM tasks WHERE account_id = ? AND project_id = ?', [
            a.id,
            Number(target.projectId),
          ])) as Array<{ n: number | string }>
        )[0].n,
      );

    it('advances in steps of at most 5 %, is readable through both operation routes while the copy runs, and ends at 100 with SUCCESS', async () => {
      if (skip()) return;
      const id = await submit('Progress');
      const polled = await runWatching(id);
      const last = polled[polled.length - 1];
      expect(last.v2).toMatchObject({ status: 'SUCCESS', progress: 100 });
      expect(last.v1).toMatchObject({ status: 'SUCCESS', progress: 100 });
      expect(await tasksInTarget()).toBe(TASKS);

      const values = await written(id);
      const steps = values.slice(1).map((p, i) => p - values[i]);
      expect(values[values.length - 1]).toBe(100);
      expect(Math.min(...steps)).toBeGreaterThan(0);
      expect(Math.max(...steps)).toBeLessThanOrEqual(5);

      const seen = (route: 'v1' | 'v2') => polled.map((p) => p[route].progress);
      const running = (route: 'v1' | 'v2') => seen(route).filter((p) => p > 0 && p < 100);
      for (const route of ['v1', 'v2'] as const) {
        const mono = seen(route);
        expect(mono.every((p, i) => i === 0 || p >= mono[i - 1])).toBe(true);
      }
      if (t().dialect === 'mysql') {
        // Progress commits on its own connection: a poller sees it climb while the copy runs.
        expect(new Set(running('v1')).size).toBeGreaterThanOrEqual(3);
        expect(new Set(running('v2')).size).toBeGreaterThanOrEqual(3);
      } else {
        // One writer: a read waits for the copy's transaction, so it sees the start or the end.
        expect(running('v1')).toEqual([]);
        expect(running('v2')).toEqual([]);
      }
    }, 180_000);

    it('a failure late in the copy leaves no task of it, and the operation FAIL', async () => {
      if (skip()) return;
      const before = await tasksInTarget();
      const last = tree.ids[tree.ids.length - 1];
      await sql(
        "UPDATE todos SET description = 'Boom' WHERE account_id = ? AND task_id = ? AND closed_at IS NULL",
        [a.id, last],
      );
      if (t().dialect === 'mysql') {
        await sql(
          "CREATE TRIGGER boom BEFORE INSERT ON todos FOR EACH ROW BEGIN IF NEW.description = 'Boom' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF; END",
        );
      } else {
        await sql(
          "CREATE TRIGGER boom BEFORE INSERT ON todos WHEN NEW.description = 'Boom' BEGIN SELECT RAISE(ABORT, 'boom'); END",
        );
      }
      try {
        const todosBefore = await sql('SELECT COUNT(*) AS n FROM todos WHERE account_id = ?', [a.id]);
        const id = await submit('Fails late');
        const polled = await runWatching(id);
        const end = polled[polled.length - 1];
        expect(end.v2.status).toBe('FAIL');
        expect(end.v1.status).toBe('FAIL');
        expect(await tasksInTarget()).toBe(before);
        expect(await sql('SELECT COUNT(*) AS n FROM todos WHERE account_id = ?', [a.id])).toEqual(
          todosBefore,
        );
        // Before the FAIL (which finishes the operation), it had written every task and some of
        // their todos: over half way, not done.
        const values = (await written(id)).slice(0, -1);
        expect(Math.max(...values)).toBeGreaterThan(50);
        expect(Math.max(...values)).toBeLessThan(100);
      } finally {
        await sql('DROP TRIGGER boom');
      }
    }, 180_000);
  },
  { JOBS_CONCURRENCY: '0', JOBS_MAX_ATTEMPTS: '1' },
);
