import { OperationRunner } from '../../../src/operations/operation-runner';
import { TaskDetailsService } from '../../../src/tasks/details/task-details.service';
import {
  makeCopyFixture,
  makeResource,
  makeTodoProject,
  makeTodoTask,
  makeTodoUser,
  postCopy,
} from '../../factories/jsonapi.factory';
import { faceHeaders } from '../face-requests';
import type { IsolationCase } from '../isolation-fixtures';
import type { TestAccount, TestApp } from '../test-app';

async function readAs(t: TestApp, owner: TestAccount, url: string): Promise<unknown> {
  const res = await t.inject({ method: 'GET', url, headers: faceHeaders('jsonapi', owner) });
  return { status: res.statusCode, body: res.body };
}

/** A v2 resource owned by A, with a PATCH body that would be valid for A. */
function resourceCase(
  type: string,
  arrange: (t: TestApp, owner: TestAccount) => Promise<string>,
  patch?: Record<string, unknown>,
): IsolationCase {
  return {
    path: `/api/v2/${type}/{id}`,
    arrange: async (t, owner) => ({ id: await arrange(t, owner) }),
    snapshot: (t, owner, { id }) => readAs(t, owner, `/api/v2/${type}/${id}`),
    bodies: patch ? { patch: { data: { type, attributes: patch } } } : {},
  };
}

const task = (t: TestApp, owner: TestAccount) => makeTodoTask(t, owner, { text: 'Owned by A' });

/** Isolation cases for the routes of this face that name an object (see isolation-fixtures.ts). */
export const JSONAPI_ISOLATION_CASES: IsolationCase[] = [
  resourceCase('workflows', (t, a) => makeResource(t, a, 'workflows', { name: 'A flow' }), {
    name: 'B was here',
  }),
  resourceCase(
    'workflow_statuses',
    async (t, a) =>
      makeResource(t, a, 'workflow_statuses', {
        name: 'Open',
        category_id: 1,
        workflow_id: await makeResource(t, a, 'workflows', { name: 'A flow' }),
      }),
    { name: 'B was here' },
  ),
  resourceCase(
    'task_lists',
    async (t, a) =>
      makeResource(t, a, 'task_lists', { name: 'A list', project_id: await makeTodoProject(t, a) }),
    { name: 'B was here' },
  ),
  resourceCase('memberships', async (t, a) =>
    makeResource(t, a, 'memberships', {
      project_id: await makeTodoProject(t, a),
      person_id: await makeTodoUser(t, a),
    }),
  ),
  resourceCase(
    'custom_fields',
    (t, a) =>
      makeResource(t, a, 'custom_fields', { name: 'Tier', customizable_type: 'tasks', data_type_id: 1 }),
    { name: 'B was here' },
  ),
  resourceCase(
    'todos',
    async (t, a) => makeResource(t, a, 'todos', { task_id: await task(t, a), description: 'A todo' }),
    {
      description: 'B was here',
    },
  ),
  resourceCase(
    'comments',
    async (t, a) => makeResource(t, a, 'comments', { task_id: await task(t, a), body: 'A comment' }),
    {
      body: 'B was here',
    },
  ),
  resourceCase(
    'attachments',
    async (t, a) => makeResource(t, a, 'attachments', { task_id: await task(t, a), name: 'a.txt' }),
    {
      name: 'b.txt',
    },
  ),
  {
    path: '/api/v2/attachments/{id}/content',
    arrange: async (t, owner) => {
      const id = await makeResource(t, owner, 'attachments', {
        task_id: await task(t, owner),
        name: 'a.txt',
      });
      await t.inject({
        method: 'PUT',
        url: `/api/v2/attachments/${id}/content`,
        headers: { ...faceHeaders('jsonapi', owner), 'content-type': 'text/plain' },
        payload: 'secret of A',
      });
      return { id };
    },
    snapshot: (t, owner, { id }) => readAs(t, owner, `/api/v2/attachments/${id}/content`),
    bodies: { put: 'overwritten by B' },
  },
  resourceCase(
    'task_dependencies',
    async (t, a) =>
      makeResource(t, a, 'task_dependencies', {
        task_id: await task(t, a),
        dependent_task_id: await task(t, a),
        type_id: 1,
      }),
    { type_id: 3 },
  ),
  {
    path: '/api/v2/tasks/{id}',
    arrange: async (t, owner) => ({ id: String(await task(t, owner)) }),
    snapshot: (t, owner, { id }) => readAs(t, owner, `/api/v2/tasks/${id}?include=subtasks,todos`),
    bodies: { patch: { data: { type: 'tasks', attributes: { title: 'B was here' } } } },
  },
  resourceCase('projects', async (t, a) => String(await makeTodoProject(t, a)), { name: 'B was here' }),
  resourceCase('people', async (t, a) => String(await makeTodoUser(t, a)), { first_name: 'B' }),
  {
    path: '/api/v2/operations/{id}',
    arrange: async (t, owner) => {
      const fixture = await makeCopyFixture(t, owner);
      const res = await postCopy(
        t,
        owner,
        'tasks',
        {
          title: 'A copy',
          template_id: fixture.tasks.root,
          project_id: fixture.targetProjectId,
          task_list_id: fixture.targetTaskListId,
          workflow_status_id: fixture.openStatusId,
          private: false,
        },
        { query: '?async=true' },
      );
      // Let the copy finish, so that A's view of the operation is stable: the runner woken by the
      // request may hold it, so poll (bounded) rather than trust one tick.
      const id = res.json().data.id as string;
      for (let i = 0; i < 200; i++) {
        await t.get(OperationRunner).tick();
        const poll = await t.inject({
          method: 'GET',
          url: `/api/v2/operations/${id}`,
          headers: faceHeaders('jsonapi', owner),
        });
        if (poll.statusCode === 303) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { id };
    },
    snapshot: (t, owner, { id }) => readAs(t, owner, `/api/v2/operations/${id}`),
  },
  // Templates are made by POST /api/v2/tasks/copy only; here the store makes one directly.
  resourceCase('templates', async (t, a) => {
    const template = await t.get(TaskDetailsService).create('templates', a.id, {
      name: 'A template',
      targetType: 'task',
      targetId: await task(t, a),
    });
    return String(template.id);
  }),
];
