import { makeProject, makeTasks, storedTasks, treeProblems } from '../../factories/task.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { expectTodoError, listOf, todoClient, WireTask } from './todo-client';

describeEachDialect('/todo/projects', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('lists No project first, creates (flat, nested, requested id), renames', async () => {
    expect(await api.json('/projects')).toEqual([{ id: null, label: 'No project' }]);
    const a = (await api.post('/projects', { id: 'temp://1', label: ' Holidays ' })).json().id;
    const b = (await api.post('/projects', { project: { label: 'Work' } })).json().id;
    const wanted = 900_000 + account.id;
    expect((await api.post('/projects', { id: wanted, label: 'Undo' })).json()).toEqual({ id: wanted });
    expectTodoError(await api.post('/projects', { id: wanted, label: 'Again' }), 409, 'CONFLICT');
    expect((await api.put(`/projects/${a}`, { label: 'Trips', id: 5 })).statusCode).toBe(200);
    expect(await api.json('/projects')).toEqual([
      { id: null, label: 'No project' },
      { id: a, label: 'Trips' },
      { id: b, label: 'Work' },
      { id: wanted, label: 'Undo' },
    ]);
    for (const body of [{}, { label: '   ' }, { label: 5 }, { label: 'x'.repeat(256) }]) {
      expectTodoError(await api.post('/projects', body), 400, 'VALIDATION');
      expectTodoError(await api.put(`/projects/${a}`, body), 400, 'VALIDATION');
    }
    expectTodoError(await api.put('/projects/999999', { label: 'x' }), 404, 'NOT_FOUND');
    expectTodoError(await api.put('/projects/0', { label: 'x' }), 400, 'VALIDATION');
  });

  it('answers 409 to all but one of concurrent creates with the same requested id', async () => {
    const wanted = 950_000 + account.id;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => api.post('/projects', { id: wanted, label: `race ${i}` })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
  });

  it('deletes a project, moving its tasks to No project with their hierarchy, roots appended in order', async () => {
    const p = await makeProject(t(), account);
    const [n] = await makeTasks(t(), account, [{}]);
    const [a, a1, b] = await makeTasks(t(), account, [{ children: [{}] }, {}], { project: p });
    expect((await api.del(`/projects/${p}`)).statusCode).toBe(200);
    const tasks = await api.json<WireTask[]>('/tasks');
    expect(listOf(tasks, null, null)).toEqual([n, a, b]);
    expect(listOf(tasks, null, a)).toEqual([a1]);
    expect((await storedTasks(t(), account.id)).every((x) => x.project === null)).toBe(true);
    expect(await api.json('/projects')).toEqual([{ id: null, label: 'No project' }]);
    expectTodoError(await api.del(`/projects/${p}`), 404, 'NOT_FOUND');
    expectTodoError(await api.del('/projects/0'), 400, 'VALIDATION');
    expect(await treeProblems(t(), account.id)).toEqual([]);
  });
});
