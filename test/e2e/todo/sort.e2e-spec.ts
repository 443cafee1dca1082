import { makeProject, makeTasks, snapshotAccount, treeProblems } from '../../factories/task.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { expectTodoError, listOf, todoClient, WireTask } from './todo-client';

describeEachDialect('PUT /todo/sort', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);
  const texts = (tasks: WireTask[], ids: number[]) => ids.map((id) => tasks.find((x) => x.id === id)!.text);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('sorts every list of one project at every depth, case-insensitively and stably', async () => {
    const p = await makeProject(t(), account);
    const [b] = await makeTasks(
      t(),
      account,
      [{ text: 'b', children: [{ text: 'Z' }, { text: 'y' }, { text: 'Y' }] }, { text: 'A' }, { text: 'c' }],
      { project: p },
    );
    const untouched = await makeTasks(t(), account, [{ text: 'z' }, { text: 'a' }]);
    expect((await api.put(`/sort/${p}`, { by: 'text', dir: 'asc' })).statusCode).toBe(200);
    let tasks = await api.json<WireTask[]>('/tasks');
    expect(texts(tasks, listOf(tasks, p, null))).toEqual(['A', 'b', 'c']);
    expect(texts(tasks, listOf(tasks, p, b))).toEqual(['y', 'Y', 'Z']);
    expect(listOf(tasks, null, null)).toEqual(untouched);
    await api.put(`/sort/${p}`, { by: 'text', dir: 'desc' });
    tasks = await api.json<WireTask[]>('/tasks');
    expect(texts(tasks, listOf(tasks, p, b))).toEqual(['Z', 'y', 'Y']);
    expect(await treeProblems(t(), account.id)).toEqual([]);
  });

  it('puts nulls last in both directions and sorts dates and priority by value; /sort covers all projects', async () => {
    const p = await makeProject(t(), account);
    const dated = (text: string, due: string | null, priority: number | null) => ({
      text,
      dueDate: due ? new Date(due) : null,
      priority,
    });
    const specs = [
      dated('n', null, null),
      dated('late', '2031-01-02T00:00:00Z', 10),
      dated('early', '2030-01-01T00:00:00Z', 2),
    ];
    await makeTasks(t(), account, specs, { project: p });
    await makeTasks(t(), account, specs);
    for (const [by, dir, expected] of [
      ['due_date', 'asc', ['early', 'late', 'n']],
      ['due_date', 'desc', ['late', 'early', 'n']],
      ['priority', 'asc', ['early', 'late', 'n']],
      ['priority', 'desc', ['late', 'early', 'n']],
    ] as const) {
      expect((await api.put('/sort', { by, dir })).statusCode).toBe(200);
      const tasks = await api.json<WireTask[]>('/tasks');
      expect({ by, dir, p: texts(tasks, listOf(tasks, p, null)) }).toEqual({ by, dir, p: expected });
      expect({ by, dir, none: texts(tasks, listOf(tasks, null, null)) }).toEqual({ by, dir, none: expected });
    }
    await api.put('/sort/0', { by: 'text', dir: 'asc' });
    const tasks = await api.json<WireTask[]>('/tasks');
    expect(texts(tasks, listOf(tasks, null, null))).toEqual(['early', 'late', 'n']);
  });

  it('whitelists by and dir, so no input reaches SQL', async () => {
    await makeTasks(t(), account, [{ text: 'b' }, { text: 'a' }]);
    const before = await snapshotAccount(t(), account.id);
    for (const body of [
      { by: 'title', dir: 'asc' },
      { by: 'text; DROP TABLE tasks', dir: 'asc' },
      { by: 'text', dir: 'up' },
      { by: 'text' },
      {},
    ]) {
      expectTodoError(await api.put('/sort', body), 400, 'VALIDATION');
    }
    expect(await snapshotAccount(t(), account.id)).toEqual(before);
  });

  it('refuses to sort a project that does not exist or is another account’s (404)', async () => {
    const stranger = await t().newAccount();
    const theirs = await makeProject(t(), stranger);
    await makeTasks(t(), stranger, [{ text: 'b' }, { text: 'a' }], { project: theirs });
    const before = await snapshotAccount(t(), stranger.id);
    expectTodoError(await api.put('/sort/999999', { by: 'text', dir: 'asc' }), 404, 'NOT_FOUND');
    expectTodoError(await api.put(`/sort/${theirs}`, { by: 'text', dir: 'asc' }), 404, 'NOT_FOUND');
    expect(await snapshotAccount(t(), stranger.id)).toEqual(before);
    // No project always exists.
    expect((await api.put('/sort/0', { by: 'text', dir: 'asc' })).statusCode).toBe(200);
  });
});
