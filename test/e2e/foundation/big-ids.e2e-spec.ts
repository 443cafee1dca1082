import {
  copyAttributes,
  CopyFixture,
  makeCopyFixture,
  makeTodoProject,
  makeTodoTask,
  makeTodoUser,
} from '../../factories/jsonapi.factory';
import { makeCrowdProject, poolBody } from '../../factories/pool.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// Ids are BIGINTs on the wire: any positive integer up to 2^63 - 1 is well formed, and one that no
// object has (every id above what a column stores) gets the answer of any missing id.
const BIG = 987654321987;
const MAX = '9223372036854775807';
const OVER = '9223372036854775808';

describeEachDialect('ids up to the BIGINT range on every face', (t) => {
  let a: TestAccount;
  let f: CopyFixture;
  beforeAll(async () => {
    a = await t().newAccount();
    f = await makeCopyFixture(t(), a);
  });

  const v2 = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    t().inject({
      method,
      url,
      headers: faceHeaders('jsonapi', a, body !== undefined),
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  const errors = (res: { json(): { errors: Array<{ code: string; source?: { pointer?: string } }> } }) =>
    res.json().errors.map((e) => `${e.code} ${e.source?.pointer ?? ''}`);

  describe('v2', () => {
    const copy = (extra: Record<string, unknown>) =>
      v2('POST', '/api/v2/tasks/copy', { data: { type: 'tasks', attributes: copyAttributes(f, extra) } });

    it.each([BIG, String(BIG), MAX])(
      'answers a copy from or into id %s as for any missing one',
      async (id) => {
        const source = await copy({ template_id: id });
        expect(source.statusCode).toBe(404);
        expect(errors(source)).toEqual(['record_not_found /data/attributes/template_id']);
        const project = await copy({ project_id: id });
        expect(project.statusCode).toBe(422);
        expect(errors(project)).toEqual(['project_not_found /data/attributes/project_id']);
        const parent = await copy({ parent_task_id: id });
        expect(parent.statusCode).toBe(422);
        expect(errors(parent)).toEqual(['parent_task_invalid /data/attributes/parent_task_id']);
        const list = await copy({ task_list_id: id });
        expect(list.statusCode).toBe(422);
        expect(errors(list)).toEqual(['task_list_not_in_project /data/attributes/task_list_id']);
      },
    );

    it('refuses an id beyond BIGINT as malformed (422 on its attribute)', async () => {
      const res = await copy({ template_id: OVER, project_id: `${OVER}0` });
      expect(res.statusCode).toBe(422);
      expect(errors(res)).toEqual([
        'invalid_type /data/attributes/template_id',
        'invalid_type /data/attributes/project_id',
      ]);
    });

    it('answers big references of task writes as invalid references (422)', async () => {
      const base = {
        title: 'T',
        project_id: Number(f.projectId),
        task_list_id: Number(f.taskListId),
        workflow_status_id: Number(f.openStatusId),
      };
      for (const [attribute, value] of [
        ['project_id', BIG],
        ['parent_task_id', MAX],
        ['assignee_id', BIG],
        ['subscriber_ids', [BIG]],
        ['custom_fields', { [MAX]: 'x' }],
      ] as const) {
        const res = await v2('POST', '/api/v2/tasks', {
          data: { type: 'tasks', attributes: { ...base, [attribute]: value } },
        });
        expect([attribute, res.statusCode]).toEqual([attribute, 422]);
        expect(errors(res)).toEqual([`invalid_reference /data/attributes/${attribute}`]);
      }
    });

    it('answers big references of the other resources as invalid references (422)', async () => {
      const taskId = await makeTodoTask(t(), a);
      const projectId = await makeTodoProject(t(), a);
      const personId = await makeTodoUser(t(), a);
      for (const [type, attributes, attribute] of [
        ['todos', { task_id: BIG, description: 'd' }, 'task_id'],
        ['todos', { task_id: taskId, description: 'd', assignee_id: MAX }, 'assignee_id'],
        ['comments', { task_id: taskId, body: 'b', creator_id: BIG }, 'creator_id'],
        ['attachments', { task_id: BIG, name: 'n' }, 'task_id'],
        ['memberships', { project_id: BIG, person_id: personId }, 'project_id'],
        ['memberships', { project_id: projectId, person_id: MAX }, 'person_id'],
        ['task_lists', { name: 'n', project_id: BIG }, 'project_id'],
        ['workflow_statuses', { name: 'n', category_id: 1, workflow_id: BIG }, 'workflow_id'],
        ['projects', { name: 'n', workflow_id: BIG }, 'workflow_id'],
        ['projects', { name: 'n', task_custom_fields_ids: [MAX] }, 'task_custom_fields_ids'],
      ] as const) {
        const res = await v2('POST', `/api/v2/${type}`, { data: { type, attributes } });
        expect([type, attribute, res.statusCode]).toEqual([type, attribute, 422]);
        expect(errors(res)).toEqual([`invalid_reference /data/attributes/${attribute}`]);
      }
    });

    it('filters by big ids (nothing matches) and answers big path ids with 404', async () => {
      for (const url of [
        `/api/v2/tasks?filter[project_id]=${BIG}`,
        `/api/v2/tasks?filter[parent_task_id]=${MAX}`,
        `/api/v2/todos?filter[task_id]=${MAX}`,
        `/api/v2/comments?filter[task_id]=${BIG}`,
      ]) {
        const res = await v2('GET', url);
        expect([url, res.statusCode]).toEqual([url, 200]);
        expect(res.json().data).toEqual([]);
      }
      for (const url of [
        `/api/v2/tasks?filter[project_id]=${OVER}`,
        `/api/v2/todos?filter[task_id]=${OVER}`,
      ]) {
        expect([url, (await v2('GET', url)).statusCode]).toEqual([url, 400]);
      }
      for (const url of [`/api/v2/tasks/${MAX}`, `/api/v2/todos/${BIG}`, `/api/v2/projects/${MAX}`]) {
        const res = await v2('GET', url);
        expect([url, res.statusCode]).toEqual([url, 404]);
        expect(res.json().errors[0].code).toBe('record_not_found');
      }
    });
  });

  describe('v1', () => {
    const v1 = (method: 'GET' | 'POST', url: string, body?: unknown) =>
      t().inject({
        method,
        url,
        headers: faceHeaders('toloka', a, body !== undefined),
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });

    it('takes BIGINT ids in paths, bodies and id ranges', async () => {
      expect((await v1('GET', `/api/v1/pools/${MAX}`)).json().code).toBe('DOES_NOT_EXIST');
      expect((await v1('GET', `/api/v1/projects/${MAX}`)).json().code).toBe('DOES_NOT_EXIST');
      await makeCrowdProject(t(), a);
      for (const url of [
        `/api/v1/pools?id_gt=${MAX}`,
        `/api/v1/projects?id_lt=${MAX}`,
        '/api/v1/projects?id_gte=0',
        `/api/v1/pools?project_id=${MAX}`,
      ]) {
        const res = await v1('GET', url);
        expect([url, res.statusCode]).toEqual([url, 200]);
      }
      expect((await v1('GET', `/api/v1/projects?id_lt=${MAX}`)).json().items).not.toEqual([]);
      expect((await v1('GET', `/api/v1/pools?id_gt=${OVER}`)).statusCode).toBe(400);
      const pool = await v1('POST', '/api/v1/pools', poolBody(MAX));
      expect(pool.statusCode).toBe(400);
      expect(pool.json().payload.project_id.code).toBe('ENTITY_DOES_NOT_EXIST');
    });
  });

  describe('To Do', () => {
    const todo = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
      t().inject({
        method,
        url,
        headers: faceHeaders('todo', a, body !== undefined),
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });

    it.each([BIG, MAX])('answers id %s as any id that no object has', async (id) => {
      const project = await makeTodoProject(t(), a);
      const task = await makeTodoTask(t(), a, { project });
      const cases: Array<[string, Promise<{ statusCode: number; body: string }>, number]> = [
        ['POST project', todo('POST', '/todo/tasks', { project: id, task: { text: 'x' } }), 404],
        ['POST parent', todo('POST', '/todo/tasks', { project, parent: id, task: { text: 'x' } }), 404],
        // A string id is a temporary one (docs/todo.md#creating-a-task): only a number asks for an id.
        ['POST id', todo('POST', '/todo/tasks', { id: Number(id), project, task: { text: 'x' } }), 409],
        ['PUT assigned', todo('PUT', `/todo/tasks/${task}`, { text: 'x', assigned: [id] }), 404],
        ['PUT task', todo('PUT', `/todo/tasks/${id}`, { text: 'x' }), 404],
        ['PUT project', todo('PUT', `/todo/projects/${id}`, { label: 'x' }), 404],
        ['PUT move', todo('PUT', `/todo/move/${task}`, { project: id, operation: 'project' }), 404],
        [
          'POST clone',
          todo('POST', '/todo/clone', { project, parent: id, batch: [{ id: 'temp://1', text: 'x' }] }),
          404,
        ],
        ['GET list', todo('GET', `/todo/tasks/projects/${id}`), 200],
        ['DELETE task', todo('DELETE', `/todo/tasks/${id}`), 200],
      ];
      for (const [name, pending, status] of cases) {
        const res = await pending;
        expect([name, res.statusCode, res.body]).toEqual([name, status, expect.any(String)]);
      }
      expect((await todo('PUT', `/todo/tasks/${OVER}`, { text: 'x' })).statusCode).toBe(400);
    });
  });
});
