import { makeResource, makeTodoProject, makeTodoTask, makeTodoUser } from '../../factories/jsonapi.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// One task store, two faces: tasks made through /todo read correctly through /api/v2.
describeEachDialect('GET /api/v2/tasks', (t) => {
  let a: TestAccount;
  let project: number;
  let root: number;
  let child: number;
  let grandchild: number;
  let person: number;

  beforeAll(async () => {
    a = await t().newAccount();
    project = await makeTodoProject(t(), a, 'Launch');
    person = await makeTodoUser(t(), a, 'Ann Lee');
    const created = await t().inject({
      method: 'POST',
      url: '/todo/tasks',
      headers: faceHeaders('todo', a, true),
      payload: JSON.stringify({
        project,
        task: { text: 'Plan launch', assigned: [person], due_date: '2031-05-01T00:00:00.000Z' },
      }),
    });
    root = created.json().id;
    child = await makeTodoTask(t(), a, { text: 'Book venue', project, parent: root });
    grandchild = await makeTodoTask(t(), a, { text: 'Compare prices', project, parent: child });
    await makeResource(t(), a, 'todos', { task_id: root, description: 'Call', position: 2 });
    await makeResource(t(), a, 'todos', { task_id: root, description: 'Email', position: 1, closed: true });
    await makeResource(t(), a, 'task_dependencies', {
      task_id: child,
      dependent_task_id: grandchild,
      type_id: 1,
    });
  });

  const get = (url: string) => t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', a) });

  it('reads a /todo task as a v2 task', async () => {
    const res = await get(`/api/v2/tasks/${root}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.api+json');
    const { data } = res.json();
    expect(data).toMatchObject({
      type: 'tasks',
      id: String(root),
      attributes: {
        title: 'Plan launch',
        closed: false,
        due_date: '2031-05-01',
        todo_count: 2,
        open_todo_count: 1,
        subtask_count: 1,
        open_subtask_count: 1,
      },
      relationships: {
        project: { data: { type: 'projects', id: String(project) } },
        parent_task: { data: null },
        assignee: { data: { type: 'people', id: String(person) } },
        subtasks: { meta: { included: false } },
      },
    });
  });

  it('includes the subtree, todos in order, dependencies and related people/projects', async () => {
    const res = await get(
      `/api/v2/tasks/${root}?include=subtasks.subtasks,subtasks.task_dependencies,todos,assignee,project`,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data.relationships.subtasks.data).toEqual([{ type: 'tasks', id: String(child) }]);
    expect(body.data.relationships.todos.data.map((d: { id: string }) => d.id)).toHaveLength(2);
    const included = new Map<
      string,
      { attributes: Record<string, unknown>; relationships?: Record<string, { data: unknown }> }
    >(body.included.map((r: { type: string; id: string }) => [`${r.type}:${r.id}`, r]));
    expect(included.get(`tasks:${child}`)?.relationships?.subtasks.data).toEqual([
      { type: 'tasks', id: String(grandchild) },
    ]);
    expect(included.get(`tasks:${grandchild}`)?.attributes.title).toBe('Compare prices');
    expect(included.get(`people:${person}`)?.attributes).toMatchObject({
      first_name: 'Ann',
      last_name: 'Lee',
    });
    expect(included.get(`projects:${project}`)?.attributes.name).toBe('Launch');
    const todoDescriptions = body.data.relationships.todos.data.map(
      (d: { id: string }) => included.get(`todos:${d.id}`)?.attributes.description,
    );
    expect(todoDescriptions).toEqual(['Email', 'Call']);
    const dependencies = [...included.values()].filter(
      (r) => (r as unknown as { type: string }).type === 'task_dependencies',
    );
    expect(dependencies).toHaveLength(1);
  });

  it('keeps full linkage when a resource is reached by two include paths', async () => {
    const res = await get(`/api/v2/tasks/${child}?include=parent_task.subtasks.todos`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // The child comes back as the parent's subtask; it is the primary data, and the linkage the
    // second path found (its own todos, none) lands on it.
    expect(body.data.relationships.todos).toEqual({ data: [] });
    const keys = body.included.map((r: { type: string; id: string }) => `${r.type}:${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain(`tasks:${child}`);
  });

  it('lists with filters and paging', async () => {
    const res = await get(`/api/v2/tasks?filter[parent_task_id]=${root}`);
    expect(res.json().data.map((d: { id: string }) => d.id)).toEqual([String(child)]);
    const roots = await get(
      `/api/v2/tasks?filter[project_id]=${project}&filter[parent_task_id]=null&sort=title`,
    );
    expect(roots.json().data.map((d: { id: string }) => d.id)).toEqual([String(root)]);
    expect(roots.json().meta.total_count).toBe(1);
  });

  it('matches `contains` literally, wildcards and escape characters included', async () => {
    await makeTodoTask(t(), a, { text: 'Sale: 50%_off! now', project });
    await makeTodoTask(t(), a, { text: 'Sale: 50 percent off', project });
    const res = await get(`/api/v2/tasks?filter[title][contains]=${encodeURIComponent('50%_off!')}`);
    expect(res.json().data.map((d: { attributes: { title: string } }) => d.attributes.title)).toEqual([
      'Sale: 50%_off! now',
    ]);
  });

  it('takes and/or groups of filters', async () => {
    const res = await get(
      `/api/v2/tasks?filter[project_id]=${project}&filter[1][$op]=or&filter[1][0][title]=Book%20venue&filter[1][1][title]=Compare%20prices&sort=title`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((d: { id: string }) => d.id)).toEqual([String(child), String(grandchild)]);
  });

  it('refuses unknown include paths and answers 404 for unknown ids', async () => {
    const include = await get(`/api/v2/tasks/${root}?include=owner`);
    expect(include.statusCode).toBe(400);
    expect(include.json().errors[0].source).toEqual({ parameter: 'include' });
    const missing = await get('/api/v2/tasks/999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errors[0].code).toBe('record_not_found');
  });
});
