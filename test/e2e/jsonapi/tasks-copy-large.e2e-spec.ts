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

const TASKS = 5000;

interface Row {
  id: number;
  parent_id: number | null;
  title: string;
  position: number;
  closed: number | boolean;
}

// A 5,000-task template (six levels, open and closed subtasks, todos and dependencies on every
// task) copied through the job service and compared with its source task by task.
describeEachDialect(
  'POST /api/v2/tasks/copy: an asynchronous copy of a 5,000-task tree',
  (t) => {
    let a: TestAccount;
    let tree: LargeTree;
    let target: LargeSource['target'];

    beforeAll(async () => {
      a = await t().newAccount();
      ({ tree, target } = await makeLargeSource(t(), a, { tasks: TASKS }));
    }, 60_000);

    const get = (url: string) => t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', a) });

    it('answers 202, runs to SUCCESS, and the copy has the shape, titles, order, todos and dependencies of the source', async () => {
      const res = await postCopy(
        t(),
        a,
        'tasks',
        largeCopyAttributes(tree, target, 'Large copy', {
          copy_open_subtasks: true,
          copy_closed_subtasks: true,
          copy_open_todos: true,
          copy_closed_todos: true,
          copy_description: true,
          copy_task_dependencies: true,
        }),
      );
      expect(res.statusCode).toBe(202);
      const operationId: string = res.json().data.id;
      expect(res.json().data.attributes).toMatchObject({ operation_type: 'TASK.COPY', status: 'PENDING' });

      // JOBS_CONCURRENCY=0: nothing runs until the test ticks; a bounded poll then sees the 303.
      expect((await get(`/api/v2/operations/${operationId}`)).statusCode).toBe(200);
      await t().get(OperationRunner).tick();
      let done = await get(`/api/v2/operations/${operationId}`);
      for (let i = 0; i < 50 && done.statusCode === 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        done = await get(`/api/v2/operations/${operationId}`);
      }
      expect({ status: done.statusCode, body: done.statusCode === 303 ? null : done.json() }).toEqual({
        status: 303,
        body: null,
      });
      const operation = done.json().data;
      expect(operation.attributes).toMatchObject({
        status: 'SUCCESS',
        total_count: TASKS,
        processed_count: TASKS,
      });
      const map: Record<string, string> = operation.meta.copy.task_id_map;
      expect(Object.keys(map)).toHaveLength(TASKS);
      expect(operation.meta.copy.counts).toMatchObject({
        tasks: TASKS,
        todos: TASKS * tree.todosPerTask,
        task_dependencies: tree.dependencyPairs,
      });
      const copyOf = (sourceId: number) => Number(map[String(sourceId)]);
      const rootCopy = copyOf(tree.rootId);
      expect(done.headers.location).toBe(`/api/v2/tasks/${rootCopy}`);

      const db = t().dataSource;
      const copied = (await db.query(
        // The dense sibling position, counted from the sparse order keys.
        `SELECT id, parent_id, title, closed, (SELECT COUNT(*) FROM tasks s${t().dialect === 'mysql' ? ' FORCE INDEX (uq_tasks_sibling_key)' : ''} WHERE s.account_id = tasks.account_id ` +
          'AND s.project_key = tasks.project_key AND s.parent_key = tasks.parent_key AND s.sort_key < tasks.sort_key) AS position ' +
          'FROM tasks WHERE account_id = ? AND project_id = ?',
        [a.id, Number(target.projectId)],
      )) as Row[];
      expect(copied).toHaveLength(TASKS);
      const byId = new Map(copied.map((r) => [Number(r.id), r]));
      const todoCounts = new Map<number, number>();
      for (const r of (await db.query(
        'SELECT task_id, COUNT(*) AS n FROM todos WHERE account_id = ? GROUP BY task_id',
        [a.id],
      )) as Array<{ task_id: number; n: number | string }>)
        todoCounts.set(Number(r.task_id), Number(r.n));

      // Task by task: parent is the copy of the source's parent, same title (the root takes the
      // request's), same sibling position, same open/closed state, same number of todos.
      const problems: string[] = [];
      tree.ids.forEach((sourceId, i) => {
        const copy = byId.get(copyOf(sourceId));
        if (!copy) return problems.push(`no copy of ${sourceId}`);
        const parent = tree.parents[i];
        const wantParent = parent === null ? null : copyOf(tree.ids[parent]);
        const gotParent = copy.parent_id === null ? null : Number(copy.parent_id);
        if (gotParent !== wantParent) problems.push(`${sourceId}: parent ${gotParent} ≠ ${wantParent}`);
        const wantTitle = i === 0 ? 'Large copy' : `Task ${i}`;
        if (copy.title !== wantTitle) problems.push(`${sourceId}: title ${copy.title}`);
        if (i > 0 && Number(copy.position) !== (i - 1) % 8)
          problems.push(`${sourceId}: position ${copy.position}`);
        if (Boolean(Number(copy.closed)) !== tree.closed[i])
          problems.push(`${sourceId}: closed ${copy.closed}`);
        if (todoCounts.get(copy.id) !== todoCounts.get(sourceId))
          problems.push(`${sourceId}: ${todoCounts.get(copy.id)} todos ≠ ${todoCounts.get(sourceId)}`);
        return undefined;
      });
      expect(problems.slice(0, 10)).toEqual([]);

      // Dependencies: each source pair inside the tree became one pair between the copies (with
      // its reverse row); the root's pair with the outside task points at that same task.
      const copyIds = new Set(copied.map((r) => Number(r.id)));
      const deps = (
        (await db.query(
          'SELECT task_id, dependent_task_id, type_id, reverse_id FROM task_dependencies WHERE account_id = ?',
          [a.id],
        )) as Array<{
          task_id: number;
          dependent_task_id: number;
          type_id: number;
          reverse_id: number | null;
        }>
      ).filter((d) => copyIds.has(Number(d.task_id)));
      const key = (from: number, to: number, type: number) => `${from}>${to}:${type}`;
      const got = new Set(
        deps.map((d) => key(Number(d.task_id), Number(d.dependent_task_id), Number(d.type_id))),
      );
      const want = new Set<string>();
      for (let i = 1; i < TASKS; i++) {
        want.add(key(copyOf(tree.ids[i - 1]), copyOf(tree.ids[i]), 1));
        want.add(key(copyOf(tree.ids[i]), copyOf(tree.ids[i - 1]), 2));
      }
      want.add(key(rootCopy, tree.externalId, 2));
      expect(deps).toHaveLength(want.size);
      expect([...want].filter((k) => !got.has(k))).toEqual([]);
      expect(deps.every((d) => d.reverse_id !== null)).toBe(true);
      const sourceIds = new Set(tree.ids);
      expect(deps.some((d) => sourceIds.has(Number(d.dependent_task_id)))).toBe(false);

      // The face serves the copy: the root and its first level in the source's order.
      const root = await get(`/api/v2/tasks/${rootCopy}?include=subtasks`);
      expect(root.statusCode).toBe(200);
      expect(root.json().data.attributes.title).toBe('Large copy');
      const firstLevel = (root.json().included as Array<{ attributes: { title: string } }>).map(
        (s) => s.attributes.title,
      );
      expect(firstLevel.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `Task ${i + 1}`).sort());

      // The source is unchanged.
      const source = (await db.query(
        'SELECT COUNT(*) AS n FROM tasks WHERE account_id = ? AND project_id <> ?',
        [a.id, Number(target.projectId)],
      )) as Array<{ n: number | string }>;
      expect(Number(source[0].n)).toBe(TASKS + 1);
    }, 60_000);
  },
  { JOBS_CONCURRENCY: '0' },
);
