import { makeResource, makeWorkflow, postCopy, WorkflowFixture } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// skip_weekends, assignee_map and title_prefix, through task_lists/copy (and tasks/copy, which
// takes the same options). 2031-01-06 is a Monday.
describeEachDialect('v2 copy options: skip_weekends, assignee_map, title_prefix', (t) => {
  let a: TestAccount;
  let w: WorkflowFixture;
  let projectId: string;
  let listId: string;
  let people: { ann: string; bo: string; cy: string };
  let personField: string;
  let ids: { span: string; due: string; child: string };

  beforeAll(async () => {
    a = await t().newAccount();
    w = await makeWorkflow(t(), a);
    projectId = await makeResource(t(), a, 'projects', { name: 'Plans', workflow_id: w.workflowId });
    listId = await makeResource(t(), a, 'task_lists', { name: 'Plan', project_id: projectId });
    people = {
      ann: await makeResource(t(), a, 'people', { first_name: 'Ann' }),
      bo: await makeResource(t(), a, 'people', { first_name: 'Bo' }),
      cy: await makeResource(t(), a, 'people', { first_name: 'Cy' }),
    };
    personField = await makeResource(t(), a, 'custom_fields', {
      name: 'Reviewer',
      customizable_type: 'tasks',
      data_type_id: 5,
    });
    const base = { project_id: projectId, task_list_id: listId, workflow_status_id: w.openStatusId };
    // Monday to Friday: four working days after its start.
    const span = await makeResource(t(), a, 'tasks', {
      ...base,
      title: 'Span',
      start_date: '2031-01-06',
      due_date: '2031-01-10',
      assignee_id: people.ann,
      subscriber_ids: [people.ann, people.bo],
      custom_fields: { [personField]: Number(people.ann) },
    });
    const due = await makeResource(t(), a, 'tasks', { ...base, title: 'Due only', due_date: '2031-01-07' });
    const child = await makeResource(t(), a, 'tasks', {
      ...base,
      title: 'Child',
      parent_task_id: span,
      start_date: '2031-01-08',
      assignee_id: people.cy,
    });
    await makeResource(t(), a, 'todos', {
      task_id: span,
      description: 'Todo',
      due_date: '2031-01-09',
      assignee_id: people.ann,
    });
    ids = { span, due, child };
  });

  const copyList = (attributes: Record<string, unknown>) =>
    postCopy(t(), a, 'task_lists', {
      name: 'Copy',
      template_id: Number(listId),
      project_id: Number(projectId),
      copy_open_tasks: true,
      copy_open_subtasks: true,
      ...attributes,
    });
  const task = async (id: string) =>
    (
      await t().inject({
        method: 'GET',
        url: `/api/v2/tasks/${id}?include=todos,subscribers`,
        headers: faceHeaders('jsonapi', a),
      })
    ).json();
  const dates = async (map: Record<string, string>, source: string) => {
    const { data } = await task(map[source]);
    return [data.attributes.start_date, data.attributes.due_date];
  };

  it('without skip_weekends shifts every date by one delta, weekends included', async () => {
    const res = await copyList({ copy_date: true, shift_dates_to: '2031-01-11' });
    expect(res.statusCode).toBe(201);
    const map = res.json().meta.copy.task_id_map;
    expect(await dates(map, ids.span)).toEqual(['2031-01-11', '2031-01-15']);
    expect(await dates(map, ids.due)).toEqual([null, '2031-01-12']);
  });

  it('with skip_weekends moves Saturday and Sunday to Monday and keeps a task’s working days', async () => {
    const res = await copyList({
      copy_date: true,
      copy_open_todos: true,
      shift_dates_to: '2031-01-11',
      skip_weekends: true,
    });
    expect(res.statusCode).toBe(201);
    const map = res.json().meta.copy.task_id_map;
    // Saturday start → Monday; four working days later → Friday.
    expect(await dates(map, ids.span)).toEqual(['2031-01-13', '2031-01-17']);
    // A lone due date on a Sunday → Monday.
    expect(await dates(map, ids.due)).toEqual([null, '2031-01-13']);
    // A lone start on a Monday stays.
    expect(await dates(map, ids.child)).toEqual(['2031-01-13', null]);
    // A todo's Tuesday stays a Tuesday.
    const todo = (await task(map[ids.span])).included.find((r: { type: string }) => r.type === 'todos');
    expect(todo.attributes.due_date).toBe('2031-01-14');
  });

  it('with skip_weekends and shift_mode end lands the latest due date and keeps lengths', async () => {
    const res = await copyList({
      copy_date: true,
      shift_dates_to: '2031-01-18',
      shift_mode: 'end',
      skip_weekends: true,
    });
    const map = res.json().meta.copy.task_id_map;
    // Delta +8: Monday → Tuesday; four working days later → Monday.
    expect(await dates(map, ids.span)).toEqual(['2031-01-14', '2031-01-20']);
    expect(await dates(map, ids.due)).toEqual([null, '2031-01-15']);
  });

  it('assignee_map replaces assignees, subscribers, todo assignees and person fields', async () => {
    const res = await copyList({
      copy_assignee: true,
      copy_subscribers: true,
      copy_open_todos: true,
      copy_custom_fields: true,
      assignee_map: { [people.ann]: Number(people.bo), [people.cy]: people.ann },
    });
    expect(res.statusCode).toBe(201);
    const map = res.json().meta.copy.task_id_map;
    const span = await task(map[ids.span]);
    expect(span.data.relationships.assignee.data.id).toBe(people.bo);
    // Ann → Bo, and Bo was there already: one subscriber.
    expect(span.data.relationships.subscribers.data).toEqual([{ type: 'people', id: people.bo }]);
    expect(span.data.attributes.custom_fields).toEqual({ [personField]: Number(people.bo) });
    const todo = span.included.find((r: { type: string }) => r.type === 'todos');
    expect(todo.relationships.assignee.data.id).toBe(people.bo);
    // Not chained: Cy → Ann stays Ann.
    expect((await task(map[ids.child])).data.relationships.assignee.data.id).toBe(people.ann);
    // The source is untouched.
    expect((await task(ids.span)).data.relationships.assignee.data.id).toBe(people.ann);
  });

  it('refuses an assignee_map that is not person ids to person ids of the organization', async () => {
    for (const bad of [{ abc: 1 }, { [people.ann]: 'x' }, { [people.ann]: 0 }, []]) {
      const res = await copyList({ assignee_map: bad });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0].source).toEqual({ pointer: '/data/attributes/assignee_map' });
    }
    const unknown = await copyList({ assignee_map: { '999999': Number(people.ann) } });
    expect(unknown.json().errors[0]).toMatchObject({ code: 'person_not_found' });
    const other = await t().newAccount();
    const stranger = await makeResource(t(), other, 'people', { first_name: 'Stranger' });
    const foreign = await copyList({ assignee_map: { [people.ann]: Number(stranger) } });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0]).toMatchObject({
      code: 'person_not_found',
      source: { pointer: '/data/attributes/assignee_map' },
    });
  });

  it('title_prefix goes before every copied title, bounded in length, on task copies too', async () => {
    const res = await copyList({ title_prefix: '[Acme] ' });
    const map = res.json().meta.copy.task_id_map;
    expect((await task(map[ids.span])).data.attributes.title).toBe('[Acme] Span');
    expect((await task(map[ids.child])).data.attributes.title).toBe('[Acme] Child');
    const long = await copyList({ title_prefix: 'x'.repeat(101) });
    expect(long.statusCode).toBe(422);
    expect(long.json().errors[0].source).toEqual({ pointer: '/data/attributes/title_prefix' });

    const copied = await postCopy(t(), a, 'tasks', {
      title: 'y'.repeat(250),
      template_id: Number(ids.span),
      project_id: Number(projectId),
      task_list_id: Number(listId),
      workflow_status_id: Number(w.openStatusId),
      private: false,
      copy_open_subtasks: true,
      copy_assignee: true,
      title_prefix: '[Acme] ',
      assignee_map: { [people.cy]: Number(people.bo) },
    });
    expect(copied.statusCode).toBe(201);
    // Cut to 255 characters with the prefix.
    expect(copied.json().data.attributes.title).toBe(`[Acme] ${'y'.repeat(248)}`);
    const child = await task(copied.json().meta.copy.task_id_map[ids.child]);
    expect(child.data.attributes.title).toBe('[Acme] Child');
    expect(child.data.relationships.assignee.data.id).toBe(people.bo);
  });
});
