import {
  copyAttributes,
  CopyFixture,
  makeCopyFixture,
  makeResource,
  makeTodoProject,
  makeTodoTask,
} from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

type Resource = {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, { data: unknown }>;
};

describeEachDialect('POST /api/v2/tasks/copy: every flag, and the refusal order', (t) => {
  let a: TestAccount;
  let f: CopyFixture;

  beforeAll(async () => {
    a = await t().newAccount();
    f = await makeCopyFixture(t(), a);
  });

  const target = (extra: Record<string, unknown> = {}) => copyAttributes(f, extra);
  const post = (
    payload: unknown,
    headers: Record<string, string> = faceHeaders('jsonapi', a, true),
    query = '',
  ) =>
    t().inject({
      method: 'POST',
      url: `/api/v2/tasks/copy${query}`,
      headers,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const copy = (attributes: Record<string, unknown>) =>
    post(
      { data: { type: 'tasks', attributes } },
      faceHeaders('jsonapi', a, true),
      '?include=subtasks,subtasks.subtasks',
    );

  describe('each flag on its own brings exactly its data, on every level', () => {
    const both = { copy_open_subtasks: true, copy_closed_subtasks: true };
    const baseline = {
      description: null,
      tag_list: [],
      start_date: null,
      due_date: null,
      due_time: null,
      repeat_schedule_id: null,
      repeat_on_interval: null,
      initial_estimate: null,
      remaining_time: null,
      custom_fields: null,
    };
    const noRows = { todos: 0, comments: 0, attachments: 0, task_dependencies: 0, subscribers: 0 };

    const tasksOf = (body: { data: Resource; included?: Resource[] }) => [
      body.data,
      ...(body.included ?? []).filter((r) => r.type === 'tasks'),
    ];

    it.each([
      ['none (subtasks only)', {}, {}, {}],
      ['copy_description', { copy_description: true }, { description: '<p>Steps</p>' }, {}],
      ['copy_tags', { copy_tags: true }, { tag_list: ['onboarding'] }, {}],
      [
        'copy_date',
        { copy_date: true },
        { start_date: '2030-03-01', due_date: '2030-03-10', due_time: '17:00' },
        {},
      ],
      ['copy_repeat', { copy_repeat: true }, { repeat_schedule_id: 2, repeat_on_interval: 1 }, {}],
      ['copy_estimate', { copy_estimate: true }, { initial_estimate: 120, remaining_time: 120 }, {}],
      ['copy_custom_fields', { copy_custom_fields: true }, 'custom', {}],
      ['copy_open_todos', { copy_open_todos: true }, {}, { todos: 4 }],
      ['copy_closed_todos', { copy_closed_todos: true }, {}, { todos: 4 }],
      ['copy_comments', { copy_comments: true }, {}, { comments: 4 }],
      ['copy_attachments', { copy_attachments: true }, {}, { attachments: 4 }],
      ['copy_subscribers', { copy_subscribers: true }, {}, { subscribers: 4 }],
      ['copy_task_dependencies', { copy_task_dependencies: true }, {}, { task_dependencies: 3 }],
      ['copy_assignee', { copy_assignee: true }, {}, {}],
    ])('%s', async (name, flags, attributes, counts) => {
      const res = await copy(target({ title: `Flag ${name}`, ...both, ...flags }));
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.meta.copy.counts).toMatchObject({ tasks: 4, ...noRows, ...counts });
      const expected =
        attributes === 'custom'
          ? { ...baseline, custom_fields: { [f.customFieldId]: 'Gold' } }
          : { ...baseline, ...(attributes as Record<string, unknown>) };
      const copies = tasksOf(body);
      expect(copies).toHaveLength(4);
      for (const task of copies) {
        expect(task.attributes).toMatchObject(expected);
        expect(task.relationships.assignee.data).toEqual(
          name === 'copy_assignee' ? { type: 'people', id: f.people.member } : null,
        );
        expect(task.relationships.project.data).toEqual({ type: 'projects', id: f.targetProjectId });
      }
      // The closed subtask stays closed, the open ones open.
      const closed = copies.filter((c) => c.attributes.closed).map((c) => c.attributes.title);
      expect(closed).toEqual(['Closed child']);
    });
  });

  describe('validation, in the refusal order', () => {
    it('1: a body that is not JSON:API is 415', async () => {
      const res = await post(
        { data: { type: 'tasks', attributes: target() } },
        { ...faceHeaders('jsonapi', a), 'content-type': 'application/json' },
      );
      expect(res.statusCode).toBe(415);
    });

    it('2: no token 401, no organization 400, another organization 403', async () => {
      const body = { data: { type: 'tasks', attributes: target() } };
      expect((await post(body, { 'content-type': 'application/vnd.api+json' })).statusCode).toBe(401);
      expect(
        (await post(body, { 'content-type': 'application/vnd.api+json', 'x-auth-token': a.token }))
          .statusCode,
      ).toBe(400);
      const other = await t().newAccount();
      const res = await post(body, {
        ...faceHeaders('jsonapi', a, true),
        'x-organization-id': String(other.id),
      });
      expect(res.statusCode).toBe(403);
    });

    it.each([
      ['an array', '[]', ''],
      ['no data', '{}', '/data'],
      ['data as a string', '{"data":"tasks"}', '/data'],
    ])('3: %s is 400 invalid_document', async (_case, payload, pointer) => {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ code: 'invalid_document', source: { pointer } });
    });

    it('4: another type is 409, a client id 403', async () => {
      expect(
        (await post({ data: { type: 'projects', attributes: target() } })).json().errors[0],
      ).toMatchObject({ status: '409', code: 'type_mismatch' });
      expect(
        (await post({ data: { type: 'tasks', id: '1', attributes: target() } })).json().errors[0],
      ).toMatchObject({
        status: '403',
        code: 'client_id_not_allowed',
      });
    });

    it('5: every attribute problem at once, each with its pointer', async () => {
      const res = await post({
        data: { type: 'tasks', attributes: { title: '   ', private: 'false', colour: 'red' } },
      });
      expect(res.statusCode).toBe(422);
      const found = res
        .json()
        .errors.map((e: { code: string; source: { pointer: string } }) => `${e.source.pointer} ${e.code}`)
        .sort();
      expect(found).toEqual(
        [
          '/data/attributes/colour unknown_attribute',
          '/data/attributes/private invalid_type',
          '/data/attributes/project_id required',
          '/data/attributes/task_list_id required',
          '/data/attributes/template_id required',
          '/data/attributes/title blank',
          '/data/attributes/workflow_status_id required',
        ].sort(),
      );
    });

    it('6 before 7: incompatible flags answer before a missing source', async () => {
      const res = await post({
        data: {
          type: 'tasks',
          attributes: target({ template_id: 999999, private: true, copy_closed_subtasks: true }),
        },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([
        expect.objectContaining({
          code: 'task_private_not_allowed',
          source: { pointer: '/data/attributes/copy_closed_subtasks' },
        }),
      ]);
    });

    it('7: a missing source, or one of another account, is 404 on template_id', async () => {
      const foreign = await makeTodoTask(t(), await t().newAccount());
      for (const id of [999999, foreign]) {
        const res = await post({ data: { type: 'tasks', attributes: target({ template_id: id }) } });
        expect(res.statusCode).toBe(404);
        expect(res.json().errors[0]).toMatchObject({
          code: 'record_not_found',
          source: { pointer: '/data/attributes/template_id' },
        });
      }
    });

    it('8: every problem with the destination, each with its code and pointer', async () => {
      const archived = await makeResource(t(), a, 'task_lists', {
        name: 'Old',
        project_id: f.targetProjectId,
      });
      await t().inject({
        method: 'PATCH',
        url: `/api/v2/task_lists/${archived}`,
        headers: faceHeaders('jsonapi', a, true),
        payload: JSON.stringify({ data: { type: 'task_lists', attributes: { archived: true } } }),
      });
      const otherWorkflowStatus = await makeResource(t(), a, 'workflow_statuses', {
        name: 'Elsewhere',
        category_id: 1,
        workflow_id: await makeResource(t(), a, 'workflows', { name: 'Other' }),
      });
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ project_id: 999999 }, 'project_not_found', 'project_id'],
        [{ task_list_id: Number(f.taskListId) }, 'task_list_not_in_project', 'task_list_id'],
        [{ task_list_id: Number(archived) }, 'task_list_archived', 'task_list_id'],
        [
          { workflow_status_id: Number(otherWorkflowStatus) },
          'workflow_status_not_in_workflow',
          'workflow_status_id',
        ],
        [{ parent_task_id: Number(f.tasks.external) }, 'parent_task_invalid', 'parent_task_id'],
      ];
      for (const [change, code, attribute] of cases) {
        const res = await post({ data: { type: 'tasks', attributes: target(change) } });
        expect({ code, status: res.statusCode }).toEqual({ code, status: 422 });
        expect(res.json().errors).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ code, source: { pointer: `/data/attributes/${attribute}` } }),
          ]),
        );
      }
    });

    it('8: a parent inside the copied tree is refused', async () => {
      const project = await makeTodoProject(t(), a);
      expect(project).toBeGreaterThan(0);
      const res = await post({
        data: {
          type: 'tasks',
          attributes: target({
            project_id: Number(f.projectId),
            task_list_id: Number(f.taskListId),
            parent_task_id: Number(f.tasks.openChild),
            copy_open_subtasks: true,
          }),
        },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0]).toMatchObject({ code: 'parent_task_invalid' });
    });

    it('writes nothing when it refuses', async () => {
      const count = async () =>
        (
          await t().inject({
            method: 'GET',
            url: `/api/v2/tasks?filter[project_id]=${f.targetProjectId}&page[size]=1`,
            headers: faceHeaders('jsonapi', a),
          })
        ).json().meta.total_count;
      const before = await count();
      await post({
        data: { type: 'tasks', attributes: target({ workflow_status_id: 999999, copy_open_subtasks: true }) },
      });
      expect(await count()).toBe(before);
    });
  });

  it('refuses shift_dates_to without copy_date', async () => {
    const res = await copy(target({ shift_dates_to: '2031-01-01' }));
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].source).toEqual({ pointer: '/data/attributes/shift_dates_to' });
  });

  it('shifts every copied date by one delta with shift_dates_to', async () => {
    const res = await copy(
      target({
        copy_date: true,
        copy_open_subtasks: true,
        copy_open_todos: true,
        shift_dates_to: '2031-01-01',
        shift_mode: 'start',
      }),
    );
    expect(res.statusCode).toBe(201);
    const body = res.json();
    // The earliest start of the copied set (2030-03-01) lands on 2031-01-01: every date moves +306 days.
    expect(body.data.attributes).toMatchObject({ start_date: '2031-01-01', due_date: '2031-01-10' });
    const todos = await t().inject({
      method: 'GET',
      url: `/api/v2/todos?filter[task_id]=${body.data.id}`,
      headers: faceHeaders('jsonapi', a),
    });
    expect(todos.json().data[0].attributes.due_date).toBe('2031-01-05');
  });
});
