import { FULL_COPY } from '../../../src/faces/jsonapi/jsonapi.examples';
import {
  copyAttributes,
  CopyFixture,
  makeCopyFixture,
  makeResource,
  postCopy,
} from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

describeEachDialect('POST /api/v2/tasks/copy', (t) => {
  let a: TestAccount;
  let f: CopyFixture;

  beforeAll(async () => {
    a = await t().newAccount();
    f = await makeCopyFixture(t(), a);
  });

  const copy = (attributes: Record<string, unknown>, query = '') =>
    postCopy(t(), a, 'tasks', attributes, { query });
  const target = () => copyAttributes(f);

  interface DependencyRow {
    id: string;
    attributes: { type_id: number };
    relationships: {
      task: { data: { id: string } };
      dependent_task: { data: { id: string } };
      reverse_dependency: { data: { id: string } | null };
    };
  }
  /** The task_dependencies rows of one task, as GET /api/v2/task_dependencies lists them. */
  const dependenciesOf = async (taskId: string): Promise<DependencyRow[]> =>
    (
      await t().inject({
        method: 'GET',
        url: `/api/v2/task_dependencies?filter[task_id]=${taskId}`,
        headers: faceHeaders('jsonapi', a),
      })
    ).json().data;

  it('copies the shell only by default', async () => {
    const res = await copy({ ...target(), title: 'Shell' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(res.headers.location).toBe(`/api/v2/tasks/${body.data.id}`);
    expect(body.data.attributes).toMatchObject({
      title: 'Shell',
      description: null,
      tag_list: [],
      start_date: null,
      due_date: null,
      initial_estimate: null,
      todo_count: 0,
      subtask_count: 0,
      task_dependency_count: 0,
    });
    expect(body.data.relationships.assignee.data).toBeNull();
    expect(body.meta.copy).toMatchObject({
      source_task_id: f.tasks.root,
      task_id_map: { [f.tasks.root]: body.data.id },
      counts: { tasks: 1, todos: 0, comments: 0, attachments: 0, task_dependencies: 0 },
    });
  });

  it('copies everything the full seed body selects, on every level', async () => {
    // The documented full copy (the Swagger example), aimed at the fixture's tree and list.
    const res = await copy(
      { ...FULL_COPY.data.attributes, ...target() },
      '?include=subtasks,subtasks.subtasks,todos,subscribers,attachments',
    );
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const map = body.meta.copy.task_id_map as Record<string, string>;
    expect(Object.keys(map).sort()).toEqual([f.tasks.root, f.tasks.openChild, f.tasks.grandchild].sort());
    expect(body.meta.copy.counts).toMatchObject({
      tasks: 3,
      todos: 3,
      comments: 3,
      attachments: 3,
      task_dependencies: 2,
    });
    expect(body.meta.copy.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'subscriber',
          source_id: f.people.outsider,
          reason: 'not_project_member',
        }),
        expect.objectContaining({ kind: 'task_dependency', reason: 'target_not_copied' }),
      ]),
    );
    const copyOfGrandchild = body.included.find(
      (r: { id: string; type: string }) => r.type === 'tasks' && r.id === map[f.tasks.grandchild],
    );
    expect(copyOfGrandchild.attributes).toMatchObject({
      title: 'Grandchild',
      description: '<p>Steps</p>',
      tag_list: ['onboarding'],
      start_date: '2030-03-01',
      due_date: '2030-03-10',
      due_time: '17:00',
      repeat_schedule_id: 2,
      initial_estimate: 120,
      remaining_time: 120,
      custom_fields: { [f.customFieldId]: 'Gold' },
      open_todo_count: 1,
      todo_count: 1,
    });
    expect(copyOfGrandchild.relationships.assignee.data).toEqual({ type: 'people', id: f.people.member });
    expect(copyOfGrandchild.relationships.project.data).toEqual({ type: 'projects', id: f.targetProjectId });
    expect(copyOfGrandchild.relationships.parent_task.data).toEqual({
      type: 'tasks',
      id: map[f.tasks.openChild],
    });
    expect(body.data.relationships.subscribers.data).toEqual([{ type: 'people', id: f.people.member }]);
  });

  it('remaps dependencies inside the copy and keeps the ones to outside tasks', async () => {
    const res = await copy({
      ...target(),
      title: 'Deps',
      copy_open_subtasks: true,
      copy_task_dependencies: true,
    });
    const map = res.json().meta.copy.task_id_map as Record<string, string>;
    const fromOpenChild = await dependenciesOf(map[f.tasks.openChild]);
    expect(fromOpenChild.map((d) => [d.attributes.type_id, d.relationships.dependent_task.data.id])).toEqual([
      [1, map[f.tasks.grandchild]],
    ]);
    const fromRoot = await dependenciesOf(map[f.tasks.root]);
    expect(fromRoot.map((d) => [d.attributes.type_id, d.relationships.dependent_task.data.id])).toEqual([
      [2, f.tasks.external],
    ]);
    // The external task gains the reverse row: it now blocks the copy too.
    const external = await dependenciesOf(f.tasks.external);
    expect(external.map((d) => d.relationships.dependent_task.data.id)).toContain(map[f.tasks.root]);
  });

  it('links every copied dependency row to its reverse, inside the copy and to outside tasks', async () => {
    const res = await copy({
      ...target(),
      title: 'Deps linked',
      copy_open_subtasks: true,
      copy_task_dependencies: true,
    });
    const map = res.json().meta.copy.task_id_map as Record<string, string>;
    const rows: DependencyRow[] = [];
    for (const taskId of [...Object.values(map), f.tasks.external])
      rows.push(...(await dependenciesOf(taskId)));
    const copies = new Set(Object.values(map));
    const mine = rows.filter(
      (r) => copies.has(r.relationships.task.data.id) || copies.has(r.relationships.dependent_task.data.id),
    );
    // openChild → grandchild inside the copy, root → external: two pairs, four rows.
    expect(mine).toHaveLength(4);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const reverseType: Record<number, number> = { 1: 2, 2: 1, 3: 3 };
    for (const row of mine) {
      const reverse = byId.get(row.relationships.reverse_dependency.data!.id)!;
      expect(reverse.relationships.task.data.id).toBe(row.relationships.dependent_task.data.id);
      expect(reverse.relationships.dependent_task.data.id).toBe(row.relationships.task.data.id);
      expect(reverse.attributes.type_id).toBe(reverseType[row.attributes.type_id]);
      expect(reverse.relationships.reverse_dependency.data!.id).toBe(row.id);
    }
  });

  it('refuses the documented combinations with one error per offending flag', async () => {
    const res = await copy({
      ...target(),
      title: 'T',
      private: true,
      copy_open_subtasks: true,
      copy_as_task_template: true,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      expect.objectContaining({
        status: '422',
        code: 'task_private_not_allowed',
        source: { pointer: '/data/attributes/copy_open_subtasks' },
      }),
      expect.objectContaining({
        status: '422',
        code: 'task_private_not_allowed',
        source: { pointer: '/data/attributes/copy_as_task_template' },
      }),
    ]);
    const template = await copy({
      ...target(),
      title: 'T',
      copy_as_task_template: true,
      copy_task_dependencies: true,
    });
    expect(template.statusCode).toBe(422);
    expect(template.json().errors).toEqual([
      expect.objectContaining({
        code: 'task_dependencies_not_allowed_on_template',
        source: { pointer: '/data/attributes/copy_task_dependencies' },
      }),
    ]);
  });

  it('registers a template in template mode and hides it from ordinary listings', async () => {
    const res = await copy({
      ...target(),
      title: 'Reusable',
      copy_as_task_template: true,
      template_description: 'For new customers',
      copy_open_subtasks: true,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const templateId = body.meta.copy.template_id;
    expect(body.data.relationships.template_object.data).toEqual({ type: 'templates', id: templateId });
    const template = await t().inject({
      method: 'GET',
      url: `/api/v2/templates/${templateId}`,
      headers: faceHeaders('jsonapi', a),
    });
    expect(template.json().data.attributes).toMatchObject({
      name: 'Reusable',
      description: 'For new customers',
      target_type: 'task',
      target_id: Number(body.data.id),
    });
    const listed = await t().inject({
      method: 'GET',
      url: `/api/v2/tasks?filter[task_list_id]=${f.targetTaskListId}`,
      headers: faceHeaders('jsonapi', a),
    });
    const listedIds = listed.json().data.map((d: { id: string }) => d.id);
    for (const copyId of Object.values(body.meta.copy.task_id_map as Record<string, string>)) {
      expect(listedIds).not.toContain(copyId);
    }
    const templates = await t().inject({
      method: 'GET',
      url: `/api/v2/tasks?filter[template]=true&filter[task_list_id]=${f.targetTaskListId}`,
      headers: faceHeaders('jsonapi', a),
    });
    expect(templates.json().data.map((d: { id: string }) => d.id)).toContain(body.data.id);

    // The template goes with its task.
    const deleted = await t().inject({
      method: 'DELETE',
      url: `/api/v2/tasks/${body.data.id}`,
      headers: faceHeaders('jsonapi', a),
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await t().inject({
      method: 'GET',
      url: `/api/v2/templates/${templateId}`,
      headers: faceHeaders('jsonapi', a),
    });
    expect(gone.statusCode).toBe(404);
  });

  it('refuses to delete a task list, status or workflow still in use (409)', async () => {
    const headers = faceHeaders('jsonapi', a);
    for (const url of [
      `/api/v2/task_lists/${f.taskListId}`,
      `/api/v2/workflow_statuses/${f.openStatusId}`,
      `/api/v2/workflows/${f.workflowId}`,
    ]) {
      const res = await t().inject({ method: 'DELETE', url, headers });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 409 });
    }
  });

  it('leaves the source unchanged', async () => {
    const before = await t().inject({
      method: 'GET',
      url: `/api/v2/tasks/${f.tasks.root}?include=subtasks,todos`,
      headers: faceHeaders('jsonapi', a),
    });
    await copy({
      ...target(),
      title: 'Again',
      copy_open_subtasks: true,
      copy_closed_subtasks: true,
      copy_open_todos: true,
      copy_closed_todos: true,
    });
    const after = await t().inject({
      method: 'GET',
      url: `/api/v2/tasks/${f.tasks.root}?include=subtasks,todos`,
      headers: faceHeaders('jsonapi', a),
    });
    expect(after.json()).toEqual(before.json());
  });
});

describeEachDialect('copied attachments keep their bytes', (t) => {
  it('survive deletion of the source attachment and of the source task', async () => {
    const a = await t().newAccount();
    const f = await makeCopyFixture(t(), a);
    const headers = faceHeaders('jsonapi', a);
    const res = await postCopy(
      t(),
      a,
      'tasks',
      {
        title: 'With files',
        template_id: f.tasks.grandchild,
        project_id: f.targetProjectId,
        task_list_id: f.targetTaskListId,
        workflow_status_id: f.openStatusId,
        private: false,
        copy_attachments: true,
      },
      { query: '?include=attachments' },
    );
    expect(res.statusCode).toBe(201);
    const [copied] = res.json().included as Array<{ id: string }>;
    const source = (
      await t().inject({
        method: 'GET',
        url: `/api/v2/attachments?filter[task_id]=${f.tasks.grandchild}`,
        headers,
      })
    ).json().data[0] as { id: string };
    expect(
      (await t().inject({ method: 'DELETE', url: `/api/v2/attachments/${source.id}`, headers })).statusCode,
    ).toBe(204);
    expect(
      (await t().inject({ method: 'DELETE', url: `/api/v2/tasks/${f.tasks.grandchild}`, headers }))
        .statusCode,
    ).toBe(204);
    const content = await t().inject({
      method: 'GET',
      url: `/api/v2/attachments/${copied.id}/content`,
      headers,
    });
    expect(content.statusCode).toBe(200);
    expect(content.body).toBe(`brief of ${f.tasks.grandchild}`);
  });
});

describeEachDialect('concurrent copies into one task list', (t) => {
  it('each root gets its own place, after the ones before it', async () => {
    const a = await t().newAccount();
    const f = await makeCopyFixture(t(), a);
    const attributes = {
      template_id: f.tasks.root,
      project_id: f.targetProjectId,
      task_list_id: f.targetTaskListId,
      workflow_status_id: f.openStatusId,
      private: false,
      copy_open_subtasks: true,
    };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        postCopy(t(), a, 'tasks', { ...attributes, title: `Parallel ${i}` }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(new Array(8).fill(201));
    const listed = await t().inject({
      method: 'GET',
      url: `/api/v2/tasks?filter[task_list_id]=${f.targetTaskListId}&filter[parent_task_id]=null&sort=placement&page[size]=200`,
      headers: faceHeaders('jsonapi', a),
    });
    const placements = (listed.json().data as Array<{ attributes: { placement: number } }>).map(
      (d) => d.attributes.placement,
    );
    expect(new Set(placements).size).toBe(placements.length);
    expect(placements.length).toBeGreaterThanOrEqual(8);
  });
});

describeEachDialect('attachment-type custom field values', (t) => {
  it('are duplicated onto the copy, which keeps the file when the source is gone', async () => {
    const a = await t().newAccount();
    const f = await makeCopyFixture(t(), a);
    const headers = faceHeaders('jsonapi', a);
    const field = await makeResource(t(), a, 'custom_fields', {
      name: 'Contract',
      customizable_type: 'tasks',
      data_type_id: 6,
    });
    const source = (
      await t().inject({
        method: 'GET',
        url: `/api/v2/attachments?filter[task_id]=${f.tasks.grandchild}`,
        headers,
      })
    ).json().data[0] as { id: string };
    const patch = await t().inject({
      method: 'PATCH',
      url: `/api/v2/tasks/${f.tasks.grandchild}`,
      headers: faceHeaders('jsonapi', a, true),
      payload: JSON.stringify({
        data: {
          type: 'tasks',
          attributes: { custom_fields: { [field]: [Number(source.id)], [f.customFieldId]: 'Gold' } },
        },
      }),
    });
    expect(patch.statusCode).toBe(200);
    const res = await postCopy(t(), a, 'tasks', {
      title: 'With a contract',
      template_id: f.tasks.grandchild,
      project_id: f.targetProjectId,
      task_list_id: f.targetTaskListId,
      workflow_status_id: f.openStatusId,
      private: false,
      copy_custom_fields: true,
    });
    expect(res.statusCode).toBe(201);
    const values = res.json().data.attributes.custom_fields as Record<string, unknown>;
    expect(values[f.customFieldId]).toBe('Gold');
    const [copyId] = values[field] as number[];
    expect(String(copyId)).not.toBe(source.id);
    expect(
      (await t().inject({ method: 'DELETE', url: `/api/v2/attachments/${source.id}`, headers })).statusCode,
    ).toBe(204);
    const content = await t().inject({
      method: 'GET',
      url: `/api/v2/attachments/${copyId}/content`,
      headers,
    });
    expect(content.statusCode).toBe(200);
    expect(content.body).toBe(`brief of ${f.tasks.grandchild}`);
  });
});
