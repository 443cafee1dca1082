import { CopyFixture, copyAttributes, makeCopyFixture, makeResource } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// POST and PATCH /api/v2/tasks and POST /api/v2/tasks/copy: names and references that must be
// refused with 422 before anything is written (docs/v2.md#refusal-order).
describeEachDialect('v2 task writes: attribute names and references', (t) => {
  let a: TestAccount;
  let f: CopyFixture;
  let foreignField: string;

  beforeAll(async () => {
    a = await t().newAccount();
    f = await makeCopyFixture(t(), a);
    const b = await t().newAccount();
    foreignField = await makeResource(t(), b, 'custom_fields', {
      name: 'Theirs',
      customizable_type: 'tasks',
      data_type_id: 1,
    });
  });

  const send = (method: 'POST' | 'PATCH', url: string, attributes: Record<string, unknown>, id?: string) =>
    t().inject({
      method,
      url,
      headers: faceHeaders('jsonapi', a, true),
      payload: JSON.stringify({ data: { type: 'tasks', ...(id ? { id } : {}), attributes } }),
    });
  const taskAttributes = (extra: Record<string, unknown> = {}) => ({
    title: 'New',
    project_id: Number(f.projectId),
    task_list_id: Number(f.taskListId),
    workflow_status_id: Number(f.openStatusId),
    ...extra,
  });
  const errorsOf = (res: {
    json: () => { errors: Array<{ code: string; source?: { pointer?: string } }> };
  }) => res.json().errors.map((e) => `${e.source?.pointer} ${e.code}`);
  const taskCount = async () =>
    (await t().inject({ method: 'GET', url: '/api/v2/tasks', headers: faceHeaders('jsonapi', a) })).json()
      .meta.total_count as number;

  it('refuses attribute names that every object has, on create, update and copy', async () => {
    const before = await taskCount();
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const created = await send('POST', '/api/v2/tasks', taskAttributes({ [name]: { a: 1 } }));
      expect(created.statusCode).toBe(422);
      expect(errorsOf(created)).toEqual([`/data/attributes/${name} unknown_attribute`]);
      const patched = await send('PATCH', `/api/v2/tasks/${f.tasks.root}`, { [name]: 'x' }, f.tasks.root);
      expect(patched.statusCode).toBe(422);
      const copied = await send('POST', '/api/v2/tasks/copy', copyAttributes(f, { [name]: 1 }));
      expect(copied.statusCode).toBe(422);
      expect(errorsOf(copied)).toContain(`/data/attributes/${name} unknown_attribute`);
    }
    expect(await taskCount()).toBe(before);
  });

  it('refuses custom_fields keyed by anything but a task custom field of the organization', async () => {
    const before = await taskCount();
    for (const customFields of [
      { constructor: 1 },
      { abc: 'x' },
      { '99999': 'x' },
      { [foreignField]: 'x' },
    ]) {
      const created = await send('POST', '/api/v2/tasks', taskAttributes({ custom_fields: customFields }));
      expect(created.statusCode).toBe(422);
      expect(errorsOf(created)).toEqual([expect.stringMatching(/^\/data\/attributes\/custom_fields /)]);
      const patched = await send(
        'PATCH',
        `/api/v2/tasks/${f.tasks.root}`,
        { custom_fields: customFields },
        f.tasks.root,
      );
      expect(patched.statusCode).toBe(422);
      expect(errorsOf(patched)).toEqual([expect.stringMatching(/^\/data\/attributes\/custom_fields /)]);
    }
    expect(await taskCount()).toBe(before);
    const ok = await send(
      'POST',
      '/api/v2/tasks',
      taskAttributes({ custom_fields: { [f.customFieldId]: 'Gold' } }),
    );
    expect(ok.statusCode).toBe(201);
    expect(ok.json().data.attributes.custom_fields).toEqual({ [f.customFieldId]: 'Gold' });
  });

  it('keeps Object member names inside attribute values as data, and refuses them where they are unknown', async () => {
    const value = { constructor: { a: 1 }, toString: 'x', nested: [{ hasOwnProperty: null }] };
    const created = await send(
      'POST',
      '/api/v2/tasks',
      taskAttributes({ custom_fields: { [f.customFieldId]: value } }),
    );
    expect(created.statusCode).toBe(201);
    expect(created.json().data.attributes.custom_fields).toEqual({ [f.customFieldId]: value });
    const id = created.json().data.id as string;
    const read = await t().inject({
      method: 'GET',
      url: `/api/v2/tasks/${id}`,
      headers: faceHeaders('jsonapi', a),
    });
    expect(read.json().data.attributes.custom_fields).toEqual({ [f.customFieldId]: value });

    const unknown = await send('PATCH', `/api/v2/tasks/${id}`, { notes: { constructor: {} } }, id);
    expect(unknown.statusCode).toBe(422);
    expect(errorsOf(unknown)).toEqual(['/data/attributes/notes unknown_attribute']);
    const list = await t().inject({
      method: 'POST',
      url: '/api/v2/task_lists',
      headers: faceHeaders('jsonapi', a, true),
      payload: JSON.stringify({
        data: {
          type: 'task_lists',
          attributes: { name: 'L', project_id: f.projectId, x: { constructor: 1 } },
        },
      }),
    });
    expect(list.statusCode).toBe(422);
    expect(errorsOf(list)).toEqual(['/data/attributes/x unknown_attribute']);
  });

  it('refuses a parent task of another project, or of another organization, at parent_task_id (422)', async () => {
    const before = await taskCount();
    const other = await send('POST', '/api/v2/tasks', taskAttributes({ title: 'Elsewhere' }));
    expect(other.statusCode).toBe(201);
    const b = await t().newAccount();
    const theirs = await makeCopyFixture(t(), b);
    for (const parent of [f.tasks.external, theirs.tasks.root, '999999']) {
      const res = await send(
        'POST',
        '/api/v2/tasks',
        taskAttributes({
          project_id: Number(f.targetProjectId),
          task_list_id: Number(f.targetTaskListId),
          parent_task_id: Number(parent),
        }),
      );
      expect(res.statusCode).toBe(422);
      expect(errorsOf(res)).toEqual(['/data/attributes/parent_task_id invalid_reference']);
    }
    expect(await taskCount()).toBe(before + 1);
    const child = await send(
      'POST',
      '/api/v2/tasks',
      taskAttributes({ parent_task_id: Number(other.json().data.id) }),
    );
    expect(child.statusCode).toBe(201);
    expect(child.json().data.relationships.parent_task.data).toEqual({
      type: 'tasks',
      id: other.json().data.id,
    });
  });

  it('points at the attribute that names a missing person', async () => {
    const subscribers = await send('POST', '/api/v2/tasks', taskAttributes({ subscriber_ids: [999999] }));
    expect(subscribers.statusCode).toBe(422);
    expect(errorsOf(subscribers)).toEqual(['/data/attributes/subscriber_ids invalid_reference']);
    const assignee = await send('POST', '/api/v2/tasks', taskAttributes({ assignee_id: 999999 }));
    expect(errorsOf(assignee)).toEqual(['/data/attributes/assignee_id invalid_reference']);
  });
});
