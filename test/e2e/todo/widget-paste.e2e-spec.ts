import { describeEachDialect, TestAccount } from '../../support/test-app';
import { listOf, todoClient, WIDGET_PASTE_BODY, WIDGET_PASTE_IDS, WireTask } from './todo-client';

// A fresh database per file: the body's literal ids (project 1, user 4, target 18) are made here.
describeEachDialect('POST /todo/clone with the widget’s paste body verbatim', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeAll(async () => {
    account = await t().newAccount('seed');
  });

  it('maps every client id and places the copies right after task 18', async () => {
    expect((await api.post('/projects', { id: 1, label: 'Introduction' })).json()).toEqual({ id: 1 });
    for (let i = 1; i <= 4; i++)
      expect((await api.post('/users', { label: `User ${i}` })).json()).toEqual({ id: i });
    const before = (await api.post('/tasks', { project: 1, task: { text: 'before' } })).json().id;
    expect(
      (await api.post('/tasks', { id: 18, targetId: before, project: 1, task: { text: 'target' } })).json(),
    ).toEqual({
      id: 18,
    });
    const after = (await api.post('/tasks', { targetId: 18, project: 1, task: { text: 'after' } })).json().id;

    const res = await api.post('/clone', WIDGET_PASTE_BODY);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    const map = res.json() as Record<string, number>;
    expect(Object.keys(map).sort()).toEqual(['0', '1', '2', ...WIDGET_PASTE_IDS]);
    expect(new Set(Object.values(map)).size).toBe(3);
    expect([map[0], map[1], map[2]]).toEqual([
      map['temp://1667215197027'],
      map['temp://1667215197028'],
      map['temp://1667215197029'],
    ]);
    for (const id of Object.values(map)) expect(Number.isInteger(id) && id > 0).toBe(true);

    const tasks = await api.json<WireTask[]>('/tasks/projects/1');
    const c27 = map['temp://1667215197027'];
    const c28 = map['temp://1667215197028'];
    const c29 = map['temp://1667215197029'];
    expect(listOf(tasks, 1, null)).toEqual([before, 18, c27, c28, after]);
    expect(listOf(tasks, 1, c28)).toEqual([c29]);
    expect(tasks.find((x) => x.id === c27)).toEqual({
      id: c27,
      text: 'If you press Tab, this task will become a subtask. To edit it, press Ctrl (Cmd) + Enter.',
      checked: false,
      collapsed: false,
      parent: null,
      project: 1,
      assigned: [4],
      due_date: '2022-10-07T21:00:00.000Z',
      creation_date: '2022-10-31T11:20:04.171Z',
      completion_date: null,
      edited_date: null,
      priority: null,
    });
    expect(tasks.find((x) => x.id === c29)).toMatchObject({
      text: 'Use the Tab and Shift + Tab keys for this.',
      parent: c28,
      project: 1,
      assigned: [],
      creation_date: '2022-10-31T11:20:04.174Z',
    });
  });
});
