import {
  makeResource,
  makeTodoProject,
  makeTodoTask,
  makeTodoUser,
  makeWorkflow,
} from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

describeEachDialect('v2 resources around tasks', (t) => {
  let a: TestAccount;
  let b: TestAccount;

  beforeAll(async () => {
    a = await t().newAccount('a');
    b = await t().newAccount('b');
  });

  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    account = a,
  ) =>
    t().inject({
      method,
      url,
      headers: faceHeaders('jsonapi', account, payload !== undefined),
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });

  it('creates a resource: 201, Location, string ids, linkage, JSON:API media type', async () => {
    const { workflowId } = await makeWorkflow(t(), a);
    const res = await request('POST', '/api/v2/workflow_statuses', {
      data: {
        type: 'workflow_statuses',
        attributes: { name: 'Review', category_id: 2, workflow_id: Number(workflowId), position: 5 },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toBe('application/vnd.api+json');
    const { data } = res.json();
    expect(res.headers.location).toBe(`/api/v2/workflow_statuses/${data.id}`);
    expect(data).toMatchObject({
      type: 'workflow_statuses',
      id: expect.stringMatching(/^\d+$/),
      attributes: { name: 'Review', category_id: 2, position: 5, color_id: null },
      relationships: { workflow: { data: { type: 'workflows', id: workflowId } } },
    });
    const read = await request('GET', res.headers.location as string);
    expect(read.statusCode).toBe(200);
    expect(read.json().data).toEqual(data);
  });

  it('takes foreign keys from relationships as well as attributes', async () => {
    const project = await makeTodoProject(t(), a);
    const res = await request('POST', '/api/v2/task_lists', {
      data: {
        type: 'task_lists',
        attributes: { name: 'Backlog' },
        relationships: { project: { data: { type: 'projects', id: String(project) } } },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.relationships.project.data).toEqual({ type: 'projects', id: String(project) });
  });

  it('lists with filters, sort, paging meta and sparse fieldsets', async () => {
    const { workflowId } = await makeWorkflow(t(), a);
    for (const [name, position] of [
      ['C', 3],
      ['A', 9],
      ['B', 7],
    ] as const) {
      await makeResource(t(), a, 'workflow_statuses', {
        name,
        category_id: 2,
        workflow_id: workflowId,
        position,
      });
    }
    const res = await request(
      'GET',
      `/api/v2/workflow_statuses?filter[workflow_id]=${workflowId}&sort=-position&page[size]=2&page[number]=1&fields[workflow_statuses]=name`,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data.map((s: { attributes: { name: string } }) => s.attributes.name)).toEqual(['A', 'B']);
    expect(body.data[0]).toEqual({
      type: 'workflow_statuses',
      id: expect.any(String),
      attributes: { name: 'A' },
      links: expect.any(Object),
    });
    expect(body.meta).toEqual({
      current_page: 1,
      total_pages: 3,
      total_count: 5,
      page_size: 2,
      max_page_size: 200,
    });
    const page3 = await request(
      'GET',
      `/api/v2/workflow_statuses?filter[workflow_id]=${workflowId}&sort=-position&page[size]=2&page[number]=3`,
    );
    expect(page3.json().data).toHaveLength(1);
  });

  it('refuses a page number past the last one a list could have with 400 on page[number]', async () => {
    for (const url of ['/api/v2/workflows', '/api/v2/tasks', '/api/v2/projects', '/api/v2/people']) {
      for (const number of ['99999999999999999999', '9007199254740993', '2147483648']) {
        const res = await request('GET', `${url}?page[number]=${number}`);
        expect({ url, number, status: res.statusCode, error: res.json().errors?.[0] }).toEqual({
          url,
          number,
          status: 400,
          error: expect.objectContaining({
            code: 'invalid_query_parameter',
            source: { parameter: 'page[number]' },
          }),
        });
      }
      const last = await request('GET', `${url}?page[number]=2147483647&page[size]=200`);
      expect({ url, status: last.statusCode, data: last.json().data }).toEqual({
        url,
        status: 200,
        data: [],
      });
    }
  });

  it('refuses unsupported filters and sorts with 400 and the parameter', async () => {
    const filter = await request('GET', '/api/v2/todos?filter[secret]=1');
    expect(filter.statusCode).toBe(400);
    expect(filter.json().errors[0]).toMatchObject({
      code: 'unsupported_filter',
      title: 'Unsupported Filter',
      source: { parameter: 'filter[secret]' },
    });
    const sort = await request('GET', '/api/v2/todos?sort=password');
    expect(sort.statusCode).toBe(400);
    expect(sort.json().errors[0]).toMatchObject({ code: 'unsupported_sort', title: 'Unsupported Sort' });
  });

  it('reports every invalid attribute with its pointer (422) and writes nothing', async () => {
    const before = (await request('GET', '/api/v2/todos')).json().meta.total_count;
    const res = await request('POST', '/api/v2/todos', {
      data: {
        type: 'todos',
        attributes: { description: 42, closed: 'yes', due_date: '2026-13-01', colour: 'red' },
      },
    });
    expect(res.statusCode).toBe(422);
    const pointers = res
      .json()
      .errors.map((e: { source: { pointer: string }; code: string }) => `${e.source.pointer} ${e.code}`);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/data/attributes/task_id required',
        '/data/attributes/description invalid_type',
        '/data/attributes/closed invalid_type',
        '/data/attributes/due_date invalid',
        '/data/attributes/colour unknown_attribute',
      ]),
    );
    expect((await request('GET', '/api/v2/todos')).json().meta.total_count).toBe(before);
  });

  it('refuses null options of a custom field (they may be left out, not cleared) with 422', async () => {
    const before = (await request('GET', '/api/v2/custom_fields')).json().meta.total_count;
    const res = await request('POST', '/api/v2/custom_fields', {
      data: {
        type: 'custom_fields',
        attributes: { name: 'Tier', customizable_type: 'tasks', data_type_id: 3, options: null },
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      // null is "required" on every attribute that cannot be cleared.
      expect.objectContaining({ code: 'required', source: { pointer: '/data/attributes/options' } }),
    ]);
    expect((await request('GET', '/api/v2/custom_fields')).json().meta.total_count).toBe(before);
  });

  it('answers 422 invalid_reference for an id of another account, exactly as for a missing one', async () => {
    const foreignTask = await makeTodoTask(t(), b);
    for (const taskId of [foreignTask, 999999]) {
      const res = await request('POST', '/api/v2/todos', {
        data: { type: 'todos', attributes: { task_id: taskId, description: 'x' } },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([
        expect.objectContaining({
          code: 'invalid_reference',
          source: { pointer: '/data/attributes/task_id' },
        }),
      ]);
    }
  });

  it('closes and reopens a todo through `closed`', async () => {
    const taskId = await makeTodoTask(t(), a);
    const id = await makeResource(t(), a, 'todos', { task_id: taskId, description: 'Call', closed: true });
    const closed = (await request('GET', `/api/v2/todos/${id}`)).json().data.attributes;
    expect(closed.closed).toBe(true);
    expect(closed.closed_at).toMatch(/Z$/);
    const reopened = await request('PATCH', `/api/v2/todos/${id}`, {
      data: { type: 'todos', attributes: { closed: false } },
    });
    expect(reopened.json().data.attributes).toMatchObject({
      closed: false,
      closed_at: null,
      description: 'Call',
    });
  });

  it('keeps a dependency and its reverse row together through type changes and deletion', async () => {
    const [x, y] = [await makeTodoTask(t(), a), await makeTodoTask(t(), a)];
    const id = await makeResource(t(), a, 'task_dependencies', {
      task_id: x,
      dependent_task_id: y,
      type_id: 1,
    });
    const list = async () =>
      (await request('GET', `/api/v2/task_dependencies?filter[task_id]=${y}`)).json().data as Array<{
        attributes: { type_id: number };
      }>;
    expect((await list()).map((d) => d.attributes.type_id)).toEqual([2]);

    await request('PATCH', `/api/v2/task_dependencies/${id}`, {
      data: { type: 'task_dependencies', attributes: { type_id: 3 } },
    });
    expect((await list()).map((d) => d.attributes.type_id)).toEqual([3]);

    expect((await request('DELETE', `/api/v2/task_dependencies/${id}`)).statusCode).toBe(204);
    expect(await list()).toEqual([]);
  });

  it('refuses a dependency of a task on itself, and a second pair between the same tasks', async () => {
    const x = await makeTodoTask(t(), a);
    const y = await makeTodoTask(t(), a);
    const self = await request('POST', '/api/v2/task_dependencies', {
      data: { type: 'task_dependencies', attributes: { task_id: x, dependent_task_id: x, type_id: 1 } },
    });
    expect(self.statusCode).toBe(422);
    await makeResource(t(), a, 'task_dependencies', { task_id: x, dependent_task_id: y, type_id: 1 });
    const again = await request('POST', '/api/v2/task_dependencies', {
      data: { type: 'task_dependencies', attributes: { task_id: x, dependent_task_id: y, type_id: 3 } },
    });
    expect(again.statusCode).toBe(409);
  });

  it('refuses a second membership of the same person (409)', async () => {
    const project = await makeTodoProject(t(), a);
    const person = await makeTodoUser(t(), a);
    await makeResource(t(), a, 'memberships', { project_id: project, person_id: person });
    const again = await request('POST', '/api/v2/memberships', {
      data: { type: 'memberships', attributes: { project_id: project, person_id: person } },
    });
    expect(again.statusCode).toBe(409);
  });

  it('stores attachment bytes and serves them back with their media type', async () => {
    const id = await makeResource(t(), a, 'attachments', {
      task_id: await makeTodoTask(t(), a),
      name: 'notes.txt',
    });
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    const put = await t().inject({
      method: 'PUT',
      url: `/api/v2/attachments/${id}/content`,
      headers: { ...faceHeaders('jsonapi', a), 'content-type': 'image/png' },
      payload: bytes,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().data.attributes).toMatchObject({ size: 7, content_type: 'image/png' });
    const get = await t().inject({
      method: 'GET',
      url: `/api/v2/attachments/${id}/content`,
      headers: faceHeaders('jsonapi', a),
    });
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('image/png');
    expect(get.rawPayload.equals(bytes)).toBe(true);
  });

  it('serves templates read-only', async () => {
    expect(
      (await request('POST', '/api/v2/templates', { data: { type: 'templates', attributes: { name: 'x' } } }))
        .statusCode,
    ).toBe(404);
    expect((await request('GET', '/api/v2/templates?filter[target_type]=task')).statusCode).toBe(200);
  });

  it('checks data.type (409) and refuses client ids (403)', async () => {
    const mismatch = await request('POST', '/api/v2/workflows', {
      data: { type: 'tasks', attributes: { name: 'x' } },
    });
    expect(mismatch.statusCode).toBe(409);
    expect(mismatch.json().errors[0]).toMatchObject({
      code: 'type_mismatch',
      source: { pointer: '/data/type' },
    });
    const clientId = await request('POST', '/api/v2/workflows', {
      data: { type: 'workflows', id: '7', attributes: { name: 'x' } },
    });
    expect(clientId.statusCode).toBe(403);
  });

  it('takes data.id on PATCH when it is the URL id, and refuses another (409)', async () => {
    const id = await makeResource(t(), a, 'workflows', { name: 'Before' });
    const same = await request('PATCH', `/api/v2/workflows/${id}`, {
      data: { type: 'workflows', id, attributes: { name: 'After' } },
    });
    expect(same.statusCode).toBe(200);
    expect(same.json().data.attributes.name).toBe('After');
    const other = await request('PATCH', `/api/v2/workflows/${id}`, {
      data: { type: 'workflows', id: '999', attributes: { name: 'X' } },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().errors[0].source).toEqual({ pointer: '/data/id' });
  });

  it('refuses dates that do not exist', async () => {
    const taskId = await makeTodoTask(t(), a);
    const res = await request('POST', '/api/v2/todos', {
      data: { type: 'todos', attributes: { task_id: taskId, description: 'x', due_date: '2026-02-31' } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].source).toEqual({ pointer: '/data/attributes/due_date' });
  });

  it('answers a PATCH without attributes, or with none in them, with the unchanged resource', async () => {
    const taskId = await makeTodoTask(t(), a);
    const { workflowId, openStatusId } = await makeWorkflow(t(), a);
    const commentId = await makeResource(t(), a, 'comments', { task_id: taskId, body: 'Hi' });
    const ids: Record<string, string> = {
      workflows: workflowId,
      workflow_statuses: openStatusId,
      task_lists: await makeResource(t(), a, 'task_lists', {
        name: 'Backlog',
        project_id: await makeTodoProject(t(), a),
      }),
      custom_fields: await makeResource(t(), a, 'custom_fields', {
        name: 'Tier',
        customizable_type: 'tasks',
        data_type_id: 1,
      }),
      todos: await makeResource(t(), a, 'todos', { task_id: taskId, description: 'Call' }),
      attachments: await makeResource(t(), a, 'attachments', { task_id: taskId, name: 'a.txt' }),
      comments: commentId,
      projects: String(await makeTodoProject(t(), a)),
      people: String(await makeTodoUser(t(), a)),
    };
    for (const [type, id] of Object.entries(ids)) {
      const before = (await request('GET', `/api/v2/${type}/${id}`)).json();
      for (const data of [{ type }, { type, attributes: {} }, { type, id, attributes: {} }]) {
        const res = await request('PATCH', `/api/v2/${type}/${id}`, { data });
        expect([type, res.statusCode]).toEqual([type, 200]);
        expect(res.json()).toEqual(before);
      }
    }
  });

  it('enables only the organization’s own task custom fields on a project (422 with a pointer)', async () => {
    const field = { name: 'Tier', customizable_type: 'tasks', data_type_id: 1 };
    const own = await makeResource(t(), a, 'custom_fields', field);
    const foreign = await makeResource(t(), b, 'custom_fields', field);
    const created = await request('POST', '/api/v2/projects', {
      data: { type: 'projects', attributes: { name: 'P', task_custom_fields_ids: [own] } },
    });
    expect(created.statusCode).toBe(201);
    const project = created.json().data;
    expect(project.attributes.task_custom_fields_ids).toEqual([Number(own)]);

    for (const ids of [[foreign], [own, 99999999], [own, foreign]]) {
      const create = await request('POST', '/api/v2/projects', {
        data: { type: 'projects', attributes: { name: 'Q', task_custom_fields_ids: ids } },
      });
      const patch = await request('PATCH', `/api/v2/projects/${project.id}`, {
        data: { type: 'projects', attributes: { name: 'Changed', task_custom_fields_ids: ids } },
      });
      for (const res of [create, patch]) {
        expect(res.statusCode).toBe(422);
        expect(res.json().errors).toEqual([
          expect.objectContaining({
            code: 'invalid_reference',
            source: { pointer: '/data/attributes/task_custom_fields_ids' },
          }),
        ]);
      }
    }
    // Nothing was written by the refused requests.
    expect((await request('GET', `/api/v2/projects/${project.id}`)).json().data).toEqual(project);
    const names = (await request('GET', '/api/v2/projects?page[size]=200'))
      .json()
      .data.map((p: { attributes: { name: string } }) => p.attributes.name);
    expect(names).not.toContain('Q');

    const many = await request('POST', '/api/v2/projects', {
      data: {
        type: 'projects',
        attributes: { name: 'R', task_custom_fields_ids: new Array(1001).fill(Number(own)) },
      },
    });
    expect(many.statusCode).toBe(422);
    expect(many.json().errors[0].source).toEqual({ pointer: '/data/attributes/task_custom_fields_ids' });
  });

  it('answers 404 for ids that are not ids', async () => {
    for (const id of ['abc', '0', '-1', '99999999999']) {
      const res = await request('GET', `/api/v2/workflows/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().errors[0].code).toBe('record_not_found');
    }
  });
});
