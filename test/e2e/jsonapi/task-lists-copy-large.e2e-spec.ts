import { OperationRunner } from '../../../src/operations/operation-runner';
import { makeResource, makeWorkflow, postCopy } from '../../factories/jsonapi.factory';
import { LargeSource, LargeTree, makeLargeSource } from '../../factories/task-tree.factory';
import { faceHeaders } from '../../support/face-requests';
import { spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount } from '../../support/test-app';

const TASKS = 2000;

// A list of 2,001 tasks (a 2,000-task tree and the task outside it that its root waits on): over
// COPY_SYNC_MAX_TASKS, so its copy runs as a TASK_LIST.COPY operation, polled to SUCCESS.
describeEachDialect(
  'POST /api/v2/task_lists/copy: a 2,000-task list, copied asynchronously',
  (t) => {
    let a: TestAccount;
    let tree: LargeTree;
    let source: LargeSource['source'];

    beforeAll(async () => {
      a = await t().newAccount();
      ({ tree, source } = await makeLargeSource(t(), a, { tasks: TASKS }));
    }, 60_000);

    const get = (url: string) => t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', a) });

    it('answers 202 without asking, runs to SUCCESS, and the new list holds a copy of every task', async () => {
      const res = await postCopy(t(), a, 'task_lists', {
        name: 'Big copy',
        template_id: Number(source.taskListId),
        project_id: Number(source.projectId),
        copy_open_tasks: true,
        copy_closed_tasks: true,
        copy_open_subtasks: true,
        copy_closed_subtasks: true,
        copy_open_todos: true,
        copy_closed_todos: true,
        copy_task_dependencies: true,
      });
      expect(res.statusCode).toBe(202);
      const id: string = res.json().data.id;
      await t().get(OperationRunner).tick();
      let done = await get(`/api/v2/operations/${id}`);
      for (let i = 0; i < 50 && done.statusCode === 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        done = await get(`/api/v2/operations/${id}`);
      }
      expect(done.statusCode).toBe(303);
      const operation = done.json().data;
      const all = TASKS + 1;
      expect(operation.attributes).toMatchObject({ status: 'SUCCESS', progress: 100, total_count: all });
      const map: Record<string, string> = operation.meta.copy.task_id_map;
      expect(Object.keys(map)).toHaveLength(all);
      expect(operation.meta.copy.counts).toMatchObject({
        task_lists: 1,
        tasks: all,
        todos: TASKS * tree.todosPerTask,
        task_dependencies: tree.dependencyPairs,
      });
      const listId = operation.relationships.task_list.data.id;
      const rows = (await t().dataSource.query(
        'SELECT id, parent_id FROM tasks WHERE account_id = ? AND task_list_id = ? AND deleted_at IS NULL',
        [a.id, Number(listId)],
      )) as Array<{ id: number; parent_id: number | null }>;
      expect(rows).toHaveLength(all);
      const parentOf = new Map(
        rows.map((r) => [Number(r.id), r.parent_id === null ? null : Number(r.parent_id)]),
      );
      const problems = tree.ids.flatMap((sourceId, i) => {
        const parent = tree.parents[i];
        const expected = parent === null ? null : Number(map[String(tree.ids[parent])]);
        return parentOf.get(Number(map[String(sourceId)])) === expected ? [] : [sourceId];
      });
      expect(problems).toEqual([]);
      expect(parentOf.get(Number(map[String(tree.externalId)]))).toBeNull();
    }, 120_000);
  },
  { JOBS_CONCURRENCY: '0' },
);

// The statements of a list's copy grow with the tables touched and the chunks, not with its tasks.
describeEachDialect(
  'POST /api/v2/task_lists/copy statement count',
  (t) => {
    it('is the same for a list of 3 tasks and one of 60', async () => {
      const a = await t().newAccount();
      const workflow = await makeWorkflow(t(), a);
      const projectId = await makeResource(t(), a, 'projects', {
        name: 'P',
        workflow_id: workflow.workflowId,
      });
      const person = await makeResource(t(), a, 'people', { first_name: 'Ann' });
      const makeList = async (size: number) => {
        const listId = await makeResource(t(), a, 'task_lists', { name: `L${size}`, project_id: projectId });
        const base = {
          project_id: projectId,
          task_list_id: listId,
          workflow_status_id: workflow.openStatusId,
        };
        const top = await makeResource(t(), a, 'tasks', { ...base, title: 'top', assignee_id: person });
        const data = Array.from({ length: size - 1 }, (_, i) => ({
          type: 'tasks',
          attributes: {
            ...base,
            title: `t${i}`,
            parent_task_id: i % 2 ? top : undefined,
            subscriber_ids: [person],
          },
        }));
        const res = await t().inject({
          method: 'POST',
          url: '/api/v2/tasks',
          headers: faceHeaders('jsonapi', a, true),
          payload: JSON.stringify({ data }),
        });
        expect(res.statusCode).toBe(201);
        for (const task of [top, ...res.json().data.map((d: { id: string }) => d.id)]) {
          await makeResource(t(), a, 'todos', { task_id: task, description: 'todo' });
        }
        return listId;
      };
      const small = await makeList(3);
      const large = await makeList(60);
      const spy = spyStatements(t());
      const count = async (listId: string) => {
        const { statements } = await spy.all(async () => {
          const res = await postCopy(t(), a, 'task_lists', {
            name: 'Copy',
            template_id: listId,
            project_id: projectId,
            copy_open_tasks: true,
            copy_open_subtasks: true,
            copy_open_todos: true,
            copy_subscribers: true,
            copy_assignee: true,
            copy_date: true,
            shift_dates_to: '2031-01-04',
            skip_weekends: true,
            assignee_map: { [person]: Number(person) },
          });
          expect(res.statusCode).toBe(201);
          expect(res.json().meta.copy.counts.tasks).toBeGreaterThan(0);
        });
        return statements.length;
      };
      try {
        const forSmall = await count(small);
        const forLarge = await count(large);
        expect(forLarge).toBe(forSmall);
      } finally {
        spy.restore();
      }
    });
  },
  { JOBS_CONCURRENCY: '0' },
);
