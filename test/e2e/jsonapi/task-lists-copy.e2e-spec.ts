import { OperationRunner } from '../../../src/operations/operation-runner';
import {
  CopyFixture,
  everyCopyFlag,
  makeCopyFixture,
  makeResource,
  postCopy,
  TASK_COPY_FLAGS,
} from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// The copy fixture's "Templates" list holds two top-level tasks: the root (open, with an open
// child → grandchild and a closed child) and an external task the root waits on.
describeEachDialect(
  'POST /api/v2/task_lists/copy',
  (t) => {
    let a: TestAccount;
    let f: CopyFixture;

    beforeAll(async () => {
      a = await t().newAccount();
      f = await makeCopyFixture(t(), a);
    });

    const copy = (attributes: Record<string, unknown>, account = a, query = '') =>
      postCopy(t(), account, 'task_lists', attributes, { query });
    const get = (url: string, account = a) =>
      t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', account) });
    const base = (extra: Record<string, unknown> = {}) => ({
      name: 'Copied list',
      template_id: Number(f.taskListId),
      project_id: Number(f.targetProjectId),
      ...extra,
    });
    const counts = async () => ({
      lists: (await get('/api/v2/task_lists?page[size]=1')).json().meta.total_count,
      tasks: (await get('/api/v2/tasks?page[size]=1')).json().meta.total_count,
    });

    it('copies the list with every task and subtask, and maps list and task ids (201)', async () => {
      const res = await copy(
        base({
          copy_open_tasks: true,
          copy_closed_tasks: true,
          copy_open_subtasks: true,
          copy_closed_subtasks: true,
          copy_open_todos: true,
          copy_task_dependencies: true,
          copy_description: true,
        }),
      );
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.data).toMatchObject({
        type: 'task_lists',
        attributes: { name: 'Copied list' },
        relationships: { project: { data: { type: 'projects', id: f.targetProjectId } } },
      });
      expect(res.headers.location).toBe(`/api/v2/task_lists/${body.data.id}`);
      const meta = body.meta.copy;
      expect(meta.source_task_list_id).toBe(f.taskListId);
      expect(meta.task_list_id_map).toEqual({ [f.taskListId]: body.data.id });
      const sources = [
        f.tasks.root,
        f.tasks.openChild,
        f.tasks.grandchild,
        f.tasks.closedChild,
        f.tasks.external,
      ];
      expect(Object.keys(meta.task_id_map).sort()).toEqual([...sources].sort());
      expect(meta.counts).toMatchObject({ task_lists: 1, tasks: 5, todos: 4 });

      const listed = (await get(`/api/v2/tasks?filter[task_list_id]=${body.data.id}&page[size]=50`)).json();
      expect(listed.data.map((d: { id: string }) => d.id).sort()).toEqual(
        Object.values(meta.task_id_map).sort(),
      );
      const rootCopy = listed.data.find((d: { id: string }) => d.id === meta.task_id_map[f.tasks.root]);
      // Each task keeps its own title and description; the copies hang together as the sources did.
      expect(rootCopy.attributes).toMatchObject({ title: 'Template root', description: '<p>Steps</p>' });
      const child = (await get(`/api/v2/tasks/${meta.task_id_map[f.tasks.grandchild]}`)).json().data;
      expect(child.relationships.parent_task.data.id).toBe(meta.task_id_map[f.tasks.openChild]);
      // "root waits on external": both copied, so the copies depend on each other, not on the originals.
      const deps = (await get(`/api/v2/tasks/${rootCopy.id}?include=task_dependencies`)).json().included;
      expect(deps).toEqual([
        expect.objectContaining({
          relationships: expect.objectContaining({
            dependent_task: { data: { type: 'tasks', id: meta.task_id_map[f.tasks.external] } },
          }),
        }),
      ]);
    });

    it('selects open or closed top-level tasks, and copies an empty list without either', async () => {
      const open = await copy(base({ copy_open_tasks: true }));
      expect(Object.keys(open.json().meta.copy.task_id_map).sort()).toEqual(
        [f.tasks.external, f.tasks.root].sort(),
      );
      const none = await copy(base());
      expect(none.statusCode).toBe(201);
      expect(none.json().meta.copy).toMatchObject({ task_id_map: {}, counts: { task_lists: 1, tasks: 0 } });
    });

    it('refuses each task flag without a task selection with tasks_required, writing nothing', async () => {
      const before = await counts();
      for (const flag of TASK_COPY_FLAGS) {
        const res = await copy(base({ [flag]: true }));
        expect(res.statusCode).toBe(422);
        expect(res.json().errors).toEqual([
          expect.objectContaining({
            status: '422',
            code: 'tasks_required',
            title: 'Invalid Attribute',
            source: { pointer: `/data/attributes/${flag}` },
          }),
        ]);
      }
      const all = await copy(base(everyCopyFlag(true)));
      expect(all.json().errors.map((e: { source: { pointer: string } }) => e.source.pointer)).toEqual(
        TASK_COPY_FLAGS.map((flag) => `/data/attributes/${flag}`),
      );
      // Either selection flag lifts the refusal.
      for (const selection of ['copy_open_tasks', 'copy_closed_tasks']) {
        expect((await copy(base({ [selection]: true, copy_open_todos: true }))).statusCode).toBe(201);
      }
      const after = await counts();
      expect(after.lists).toBe(before.lists + 2);
    });

    it('answers the documented refusals in order and writes nothing', async () => {
      const before = await counts();
      const missing = await copy(base({ template_id: 999999, project_id: 999998, copy_open_todos: true }));
      expect(missing.json().errors[0]).toMatchObject({ code: 'tasks_required' });
      const noList = await copy(base({ template_id: 999999, project_id: 999998 }));
      expect(noList.statusCode).toBe(404);
      expect(noList.json().errors[0]).toMatchObject({
        code: 'record_not_found',
        source: { pointer: '/data/attributes/template_id' },
      });
      const target = await copy(base({ project_id: 999998, assignee_map: { [f.people.member]: 999997 } }));
      expect(target.statusCode).toBe(422);
      expect(target.json().errors.map((e: { code: string }) => e.code)).toEqual([
        'project_not_found',
        'person_not_found',
      ]);
      const template = await copy(base({ copy_open_tasks: true, copy_as_task_template: true }));
      expect(template.statusCode).toBe(422);
      expect(template.json().errors[0]).toMatchObject({ code: 'unknown_attribute' });
      const shift = await copy(base({ copy_open_tasks: true, shift_dates_to: '2031-01-05' }));
      expect(shift.json().errors[0]).toMatchObject({
        source: { pointer: '/data/attributes/shift_dates_to' },
      });
      const weekends = await copy(base({ copy_open_tasks: true, copy_date: true, skip_weekends: true }));
      expect(weekends.statusCode).toBe(422);
      expect(weekends.json().errors[0]).toMatchObject({
        source: { pointer: '/data/attributes/skip_weekends' },
      });
      const blank = await copy(base({ name: '  ' }));
      expect(blank.json().errors[0]).toMatchObject({
        code: 'blank',
        source: { pointer: '/data/attributes/name' },
      });
      const wrongType = await t().inject({
        method: 'POST',
        url: '/api/v2/task_lists/copy',
        headers: faceHeaders('jsonapi', a, true),
        payload: JSON.stringify({ data: { type: 'tasks', attributes: base() } }),
      });
      expect(wrongType.statusCode).toBe(409);
      expect(await counts()).toEqual(before);
    });

    it('queues on ?async=true and the operation answers 303 to the new list through v2, 200 through v1', async () => {
      const res = await copy(base({ copy_open_tasks: true, copy_open_subtasks: true }), a, '?async=true');
      expect(res.statusCode).toBe(202);
      const id = res.json().data.id;
      expect(res.json().data.attributes).toMatchObject({
        operation_type: 'TASK_LIST.COPY',
        status: 'PENDING',
      });
      expect(res.headers['content-location']).toBe(`/api/v2/operations/${id}`);
      await t().get(OperationRunner).tick();
      const done = await get(`/api/v2/operations/${id}`);
      expect(done.statusCode).toBe(303);
      const operation = done.json().data;
      expect(operation.attributes).toMatchObject({ status: 'SUCCESS', progress: 100, total_count: 4 });
      const listId = operation.relationships.task_list.data.id;
      expect(done.headers.location).toBe(`/api/v2/task_lists/${listId}`);
      expect(operation.meta.copy).toMatchObject({
        source_task_list_id: f.taskListId,
        task_list_id_map: { [f.taskListId]: listId },
        counts: { task_lists: 1, tasks: 4 },
      });
      const v1 = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${id}`,
        headers: faceHeaders('toloka', a),
      });
      expect(v1.statusCode).toBe(200);
      expect(v1.json()).toMatchObject({ id, type: 'TASK_LIST.COPY', status: 'SUCCESS' });
      const tasks = (await get(`/api/v2/tasks?filter[task_list_id]=${listId}`)).json();
      expect(tasks.meta.total_count).toBe(4);
    });

    it('keeps accounts apart: another account sees neither the list nor the project', async () => {
      const b = await t().newAccount();
      const ownProject = await makeResource(t(), b, 'projects', { name: 'Mine', workflow_id: null });
      const foreignList = await copy(base({ project_id: Number(ownProject) }), b);
      expect(foreignList.statusCode).toBe(404);
      const ownList = await makeResource(t(), b, 'task_lists', { name: 'Own', project_id: ownProject });
      const foreignProject = await copy(
        { name: 'X', template_id: Number(ownList), project_id: Number(f.targetProjectId) },
        b,
      );
      expect(foreignProject.statusCode).toBe(422);
      expect(foreignProject.json().errors[0]).toMatchObject({ code: 'project_not_found' });
      const foreignPerson = await copy(
        {
          name: 'X',
          template_id: Number(ownList),
          project_id: Number(ownProject),
          assignee_map: { [f.people.member]: Number(f.people.member) },
        },
        b,
      );
      expect(foreignPerson.json().errors[0]).toMatchObject({ code: 'person_not_found' });
      // An operation of one account is not found through another.
      const queued = await copy(base({ copy_open_tasks: true }), a, '?async=true');
      expect((await get(`/api/v2/operations/${queued.json().data.id}`, b)).statusCode).toBe(404);
      await t().get(OperationRunner).tick();
    });
  },
  { JOBS_CONCURRENCY: '0' },
);
