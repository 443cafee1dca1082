import { OperationRunner } from '../../../src/operations/operation-runner';
import { COPY_CHUNK_TASKS } from '../../../src/tasks/copy/task-copy-types';
import { makeResource, makeWorkflow, postCopy } from '../../factories/jsonapi.factory';
import { LargeTree, makeLargeTree } from '../../factories/task-tree.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { spyQueryCalls } from '../../support/statement-spy';
import { LiveClient } from '../todo/live-client';
import { todoClient } from '../todo/todo-client';

const TASKS = 2500;

// A copy of more than one chunk of tasks (COPY_CHUNK_TASKS) is written a chunk at a time and
// holds nothing per task to its commit: the full source rows of each chunk are read after the
// chunk before it is inserted, and its change event names only the project (live sockets reload, the
// To Do list is read again). The tree stays whole across the chunk borders: every parent and every
// dependency between copied tasks points at the right copy.
describeEachDialect(
  'POST /api/v2/tasks/copy: a copy of several chunks of tasks',
  (t) => {
    let a: TestAccount;
    let tree: LargeTree;
    let target: { projectId: string; taskListId: string; statusId: string };
    let baseUrl: string;
    const todo = todoClient(t, () => a);

    beforeAll(async () => {
      await t().app.listen(0, '127.0.0.1');
      baseUrl = (await t().app.getUrl()).replace('[::1]', '127.0.0.1');
      a = await t().newAccount();
      const workflow = await makeWorkflow(t(), a);
      const projectId = await makeResource(t(), a, 'projects', {
        name: 'Templates',
        workflow_id: workflow.workflowId,
      });
      const taskListId = await makeResource(t(), a, 'task_lists', { name: 'T', project_id: projectId });
      const targetProjectId = await makeResource(t(), a, 'projects', {
        name: 'Copies',
        workflow_id: workflow.workflowId,
      });
      const targetListId = await makeResource(t(), a, 'task_lists', {
        name: 'C',
        project_id: targetProjectId,
      });
      target = { projectId: targetProjectId, taskListId: targetListId, statusId: workflow.openStatusId };
      tree = await makeLargeTree(
        t().dataSource.manager,
        t().dialect,
        {
          accountId: a.id,
          projectId: Number(projectId),
          taskListId: Number(taskListId),
          openStatusId: Number(workflow.openStatusId),
          closedStatusId: Number(workflow.closedStatusId),
        },
        { tasks: TASKS },
      );
    }, 120_000);

    const statements = () => spyQueryCalls(t());

    const isFullRead = (s: { sql: string }) =>
      s.sql.includes('SELECT id, project_id, parent_id, project_key, parent_key, sort_key, title');
    const isShapeRead = (sql: string) =>
      sql.includes('SELECT id, parent_id, project_key, parent_key, sort_key, closed, start_date');
    // A large source's shape comes with its walk, in one statement, whatever its size.
    const expectShapeWithWalk = (sqls: string[]) => {
      const shapeReads = sqls.filter(isShapeRead);
      expect(shapeReads).toHaveLength(1);
      expect(shapeReads[0]).toMatch(/^WITH RECURSIVE subtree/);
    };

    it('reads, plans and writes a chunk of tasks at a time and keeps the tree, its order and its dependencies', async () => {
      expect(TASKS).toBeGreaterThan(2 * COPY_CHUNK_TASKS);
      // A To Do list of the target project read (and cached) before, and a live socket open.
      expect(await todo.json<unknown[]>(`/tasks/projects/${target.projectId}`)).toEqual([]);
      const key = (await todo.json<{ key: string }>('/api/v1')).key;
      const live = await LiveClient.open(baseUrl, key);

      const submitSpy = statements();
      const res = await postCopy(t(), a, 'tasks', {
        title: 'Chunked copy',
        template_id: tree.rootId,
        project_id: Number(target.projectId),
        task_list_id: Number(target.taskListId),
        workflow_status_id: Number(target.statusId),
        private: false,
        copy_open_subtasks: true,
        copy_closed_subtasks: true,
        copy_open_todos: true,
        copy_task_dependencies: true,
      });
      expect(res.statusCode).toBe(202);
      const submitted = await Promise.allSettled(
        submitSpy.mock.results.map((r) => r.value as Promise<unknown>),
      );
      const submitFullReads = submitSpy.mock.calls
        .map((call, i) => ({ sql: String(call[0]), result: submitted[i] }))
        .filter((s) => isFullRead(s))
        .map(({ result }) =>
          result.status === 'fulfilled' && Array.isArray(result.value) ? result.value.length : 0,
        );
      expectShapeWithWalk(submitSpy.mock.calls.map((call) => String(call[0])));
      submitSpy.mockRestore();
      // The submit learns the size of a large source from its walk: no full row of it is read.
      expect(submitFullReads.length).toBeGreaterThan(0);
      expect(submitFullReads.every((rows) => rows === 0)).toBe(true);
      const spy = statements();
      let seen: Array<{ sql: string; params: unknown[]; rows: number }>;
      try {
        await t().get(OperationRunner).tick();
        const results = await Promise.allSettled(spy.mock.results.map((r) => r.value as Promise<unknown>));
        seen = spy.mock.calls.map((call, i) => {
          const result = results[i];
          const rows = result.status === 'fulfilled' && Array.isArray(result.value) ? result.value.length : 0;
          return { sql: String(call[0]), params: (call[1] as unknown[] | undefined) ?? [], rows };
        });
      } finally {
        spy.mockRestore();
      }
      // Nothing per task beyond a chunk or two at a time: the full source rows of a chunk are read
      // only once the chunks before the one before it are inserted (one chunk is read ahead while
      // the service builds the INSERT of the one before; a read of them all before any insert
      // would hold every task until the commit), each statement reads or inserts at most a chunk.
      const isInsert = (s: { sql: string }) => s.sql.startsWith('INSERT INTO tasks ');
      const rowsOf = (s: { sql: string }) => s.sql.split('), (').length;
      const chunkCount = Math.ceil(TASKS / COPY_CHUNK_TASKS);
      let inserted = 0;
      const readAfter: number[] = [];
      for (const s of seen) {
        if (isInsert(s)) inserted += rowsOf(s);
        if (isFullRead(s)) {
          expect(s.rows).toBeLessThanOrEqual(COPY_CHUNK_TASKS);
          readAfter.push(inserted);
        }
        if (isInsert(s)) expect(rowsOf(s)).toBeLessThanOrEqual(COPY_CHUNK_TASKS);
      }
      expect(inserted).toBe(TASKS);
      expect(readAfter).toHaveLength(chunkCount);
      expectShapeWithWalk(seen.map((s) => s.sql));
      readAfter.forEach((n, i) => {
        expect(n).toBeGreaterThanOrEqual(Math.max(0, i - 1) * COPY_CHUNK_TASKS);
        expect(n).toBeLessThanOrEqual(i * COPY_CHUNK_TASKS);
      });

      const op = await t().inject({
        method: 'GET',
        url: `/api/v2/operations/${res.json().data.id}`,
        headers: faceHeaders('jsonapi', a),
      });
      expect(op.statusCode).toBe(303);
      const map: Record<string, string> = op.json().data.meta.copy.task_id_map;
      expect(Object.keys(map)).toHaveLength(TASKS);
      const copyOf = (sourceId: number) => Number(map[String(sourceId)]);

      const rows = (await t().dataSource.query(
        'SELECT id, parent_id FROM tasks WHERE account_id = ? AND project_id = ?',
        [a.id, Number(target.projectId)],
      )) as Array<{ id: number; parent_id: number | null }>;
      expect(rows).toHaveLength(TASKS);
      const parentOf = new Map(
        rows.map((r) => [Number(r.id), r.parent_id === null ? null : Number(r.parent_id)]),
      );
      const wrongParents = tree.ids.filter((id, i) => {
        const parent = tree.parents[i];
        return parentOf.get(copyOf(id)) !== (parent === null ? null : copyOf(tree.ids[parent]));
      });
      expect(wrongParents).toEqual([]);
      // Task i waits on task i − 1 in the source: the copies do the same, wherever the chunks split.
      const deps = (await t().dataSource.query(
        'SELECT task_id, dependent_task_id FROM task_dependencies WHERE account_id = ? AND type_id = 1',
        [a.id],
      )) as Array<{ task_id: number; dependent_task_id: number }>;
      const pairs = new Set(deps.map((d) => `${Number(d.task_id)}>${Number(d.dependent_task_id)}`));
      const missing = tree.ids.slice(1).filter((id, i) => !pairs.has(`${copyOf(tree.ids[i])}>${copyOf(id)}`));
      expect(missing).toEqual([]);

      // The change event names the project only: the socket is told to reload, and the cached
      // To Do list is read again.
      const events = await live.eventCount(2, 10_000);
      expect(events.map((e) => e.value)).toEqual([
        { type: 'resync', id: null },
        { type: 'resync', id: null },
      ]);
      const list = await todo.json<Array<{ id: number }>>(`/tasks/projects/${target.projectId}`);
      expect(list).toHaveLength(TASKS);
      // In step again: the next write is an event as usual.
      expect((await todo.post('/tasks', { text: 'next' })).statusCode).toBe(200);
      const after = await live.eventCount(3);
      expect(after[2].value).toMatchObject({ type: 'add-task' });
      live.close();
    }, 180_000);
  },
  { JOBS_CONCURRENCY: '0' },
);
