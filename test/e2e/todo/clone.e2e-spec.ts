import {
  makeProject,
  makeTasks,
  makeUser,
  snapshotAccount,
  storedTasks,
  treeProblems,
} from '../../factories/task.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { expectTodoError, listOf, todoClient, WireTask } from './todo-client';

describeEachDialect('POST /todo/clone', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('accepts the seed 001 body with this account’s project and user ids', async () => {
    // Seed 001 names project 1, target 18 and user 4: make exactly those ids in a fresh account.
    const project = await makeProject(t(), account, 'Seed');
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await makeUser(t(), account, `User ${i}`));
    const [a, b] = await makeTasks(t(), account, [{ text: 'a' }, { text: 'b' }], { project });
    const target = 18;
    await api.post('/tasks', { id: target, targetId: a, project, task: { text: 'target' } });
    const body = `{
"parent": null,
"targetId": 18,
"batch": [
{
"text": "If you press Tab, this task will become a subtask. To edit it, press Ctrl (Cmd) + Enter.",
"checked": false,
"due_date": "2022-10-07T21:00:00Z",
"creation_date": "2022-10-31T11:20:04.171Z",
"project": 1,
"assigned": [4],
"id": "temp://1667215197027",
"parent": null
},
{
"text": "You can create tasks with an infinite number of subtasks.",
"checked": false,
"creation_date": "2022-10-31T11:20:04.173Z",
"project": 1,
"assigned": [4],
"id": "temp://1667215197028",
"parent": null
},
{
"text": "Use the Tab and Shift + Tab keys for this.",
"checked": false,
"creation_date": "2022-10-31T11:20:04.174Z",
"parent": "temp://1667215197028",
"project": 1,
"id": "temp://1667215197029"
}
]
}`;
    // The seed's ids are literal: rewrite only project 1 and user 4 to this account's ids.
    const res = await api.post(
      '/clone',
      body.replace(/"project": 1/g, `"project": ${project}`).replace(/\[4\]/g, `[${users[3]}]`),
    );
    expect(res.statusCode).toBe(200);
    const map = res.json() as Record<string, number>;
    expect(Object.keys(map).sort()).toEqual([
      'temp://1667215197027',
      'temp://1667215197028',
      'temp://1667215197029',
    ]);
    const tasks = await api.json<WireTask[]>(`/tasks/projects/${project}`);
    expect(listOf(tasks, project, null)).toEqual([
      a,
      target,
      map['temp://1667215197027'],
      map['temp://1667215197028'],
      b,
    ]);
    expect(listOf(tasks, project, map['temp://1667215197028'])).toEqual([map['temp://1667215197029']]);
    const first = tasks.find((x) => x.id === map['temp://1667215197027'])!;
    expect(first).toMatchObject({
      text: 'If you press Tab, this task will become a subtask. To edit it, press Ctrl (Cmd) + Enter.',
      checked: false,
      due_date: '2022-10-07T21:00:00.000Z',
      creation_date: '2022-10-31T11:20:04.171Z',
      assigned: [users[3]],
      project,
      parent: null,
    });
    expect(await treeProblems(t(), account.id)).toEqual([]);
  });

  it('runs the spec §5.7 example: items in any order, foreign parents become roots (§9.4)', async () => {
    const project = await makeProject(t(), account);
    const user = await makeUser(t(), account);
    const [p12] = await makeTasks(
      t(),
      account,
      [{ text: 'parent', children: [{ text: '40' }, { text: 'after' }] }],
      {
        project,
      },
    );
    const [, t40, after] = (await storedTasks(t(), account.id)).map((x) => x.id);
    const res = await api.post('/clone', {
      targetId: t40,
      parent: p12,
      batch: [
        { id: 'temp://1700000000101', parent: p12, text: 'Book venue', project: 3, assigned: [user] },
        { id: 'temp://1700000000103', parent: 'temp://1700000000102', text: 'Call three venues', project: 3 },
        { id: 'temp://1700000000102', parent: 'temp://1700000000101', text: 'Compare prices', project: 3 },
        { id: 'temp://1700000000104', parent: 7, text: 'Send invitations', project: 3 },
      ],
    });
    expect(res.statusCode).toBe(200);
    const map = res.json() as Record<string, number>;
    const tasks = await api.json<WireTask[]>(`/tasks/projects/${project}`);
    expect(listOf(tasks, project, p12)).toEqual([
      t40,
      map['temp://1700000000101'],
      map['temp://1700000000104'],
      after,
    ]);
    expect(listOf(tasks, project, map['temp://1700000000101'])).toEqual([map['temp://1700000000102']]);
    expect(listOf(tasks, project, map['temp://1700000000102'])).toEqual([map['temp://1700000000103']]);
    expect(tasks.find((x) => x.id === map['temp://1700000000101'])!.assigned).toEqual([user]);
    expect(await treeProblems(t(), account.id)).toEqual([]);
  });

  it('places roots before the target with reverse, and at the top without a target', async () => {
    const [x, y] = await makeTasks(t(), account, [{}, {}]);
    let res = await api.post('/clone', { targetId: y, reverse: true, batch: [{ id: 'a' }, { id: 'b' }] });
    const first = res.json() as Record<string, number>;
    res = await api.post('/clone', { batch: [{ id: 1, text: 'top' }] });
    const top = res.json() as Record<string, number>;
    const tasks = await api.json<WireTask[]>('/tasks');
    expect(listOf(tasks, null, null)).toEqual([top['1'], x, first.a, first.b, y]);
  });

  it('copies custom keys, dates, priority and collapsed', async () => {
    const res = await api.post('/clone', {
      batch: [
        {
          id: 'c',
          text: 'x',
          priority: 2,
          collapsed: true,
          color: 'red',
          meta: { a: [1] },
          $hidden: 1,
          index: 4,
        },
      ],
    });
    const id = (res.json() as Record<string, number>).c;
    const [task] = await api.json<WireTask[]>('/tasks');
    expect(task).toEqual({
      id,
      text: 'x',
      checked: false,
      collapsed: true,
      parent: null,
      project: null,
      assigned: [],
      due_date: null,
      creation_date: expect.any(String),
      completion_date: null,
      edited_date: null,
      priority: 2,
      color: 'red',
      meta: { a: [1] },
    });
  });

  it('refuses duplicates, self-parents, cycles and missing or foreign references, writing nothing (§9.3, §9.9)', async () => {
    const project = await makeProject(t(), account);
    const [root] = await makeTasks(t(), account, [{ children: [{}] }], { project });
    const other = await t().newAccount();
    const [foreign] = await makeTasks(t(), other, [{}]);
    const foreignUser = await makeUser(t(), other);
    const before = await snapshotAccount(t(), account.id);
    const cases: Array<[unknown, number, string]> = [
      [{ batch: [{ id: 'a' }, { id: 'a' }] }, 400, 'VALIDATION'],
      [{ batch: [{ id: 'a', parent: 'a' }] }, 409, 'CONFLICT'],
      [
        {
          batch: [
            { id: 'a', parent: 'b' },
            { id: 'b', parent: 'a' },
          ],
        },
        409,
        'CONFLICT',
      ],
      [{ targetId: 999999, batch: [{ id: 'a' }] }, 404, 'NOT_FOUND'],
      [{ targetId: foreign, batch: [{ id: 'a' }] }, 404, 'NOT_FOUND'],
      [{ parent: foreign, batch: [{ id: 'a' }] }, 404, 'NOT_FOUND'],
      [{ project: 999999, batch: [{ id: 'a' }] }, 404, 'NOT_FOUND'],
      [{ batch: [{ id: 'a', assigned: [foreignUser] }] }, 404, 'NOT_FOUND'],
      [{ targetId: root, parent: root, batch: [{ id: 'a' }] }, 409, 'CONFLICT'],
      [{ targetId: root, project: null, batch: [{ id: 'a' }] }, 409, 'CONFLICT'],
      [{ batch: [] }, 400, 'VALIDATION'],
      [{ batch: 'x' }, 400, 'VALIDATION'],
      [{ batch: [{ id: 'a', text: 5 }] }, 400, 'VALIDATION'],
      [{ batch: [{ id: 'a', due_date: 'tomorrow' }] }, 400, 'VALIDATION'],
      [{ targetId: 'abc', batch: [{ id: 'a' }] }, 400, 'VALIDATION'],
      [{ batch: [{ id: 'a', text: 'x'.repeat(70_000) }] }, 400, 'VALIDATION'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api.post('/clone', body);
      expectTodoError(res, status, code);
    }
    expect(await snapshotAccount(t(), account.id)).toEqual(before);
  });

  it('leaves the database unchanged when one item in the middle of 500 is bad (§9.1)', async () => {
    const user = await makeUser(t(), account);
    const [target] = await makeTasks(t(), account, [{}, {}]);
    const before = await snapshotAccount(t(), account.id);
    const batch = Array.from({ length: 500 }, (_, i) => ({
      id: `temp://${i}`,
      parent: i % 5 === 0 ? null : `temp://${i - 1}`,
      text: `item ${i}`,
      assigned: [user],
    }));
    batch[250] = { ...batch[250], assigned: [user, 987654] };
    expectTodoError(await api.post('/clone', { targetId: target, batch }), 404, 'NOT_FOUND');
    expect(await snapshotAccount(t(), account.id)).toEqual(before);
  });

  it('copies a 10,000-deep chain in any order, and refuses over the batch limit (§9.4, §9.7)', async () => {
    const depth = 10_000;
    const batch = Array.from({ length: depth }, (_, i) => ({
      id: `n${i}`,
      parent: i === 0 ? null : `n${i - 1}`,
    }));
    batch.reverse();
    const res = await api.post('/clone', { batch });
    expect(res.statusCode).toBe(200);
    const map = res.json() as Record<string, number>;
    expect(Object.keys(map)).toHaveLength(depth);
    const tasks = await storedTasks(t(), account.id);
    const byId = new Map(tasks.map((x) => [x.id, x]));
    expect(byId.get(map.n0)!.parent).toBeNull();
    expect(byId.get(map.n9999)!.parent).toBe(map.n9998);
    expect(await treeProblems(t(), account.id)).toEqual([]);
    const over = Array.from({ length: depth + 1 }, (_, i) => ({ id: i }));
    expectTodoError(await api.post('/clone', { batch: over }), 413, 'TOO_LARGE');
  });

  it('refuses a 10,000-long cycle without writing', async () => {
    const depth = 10_000;
    const batch = Array.from({ length: depth }, (_, i) => ({ id: `n${i}`, parent: `n${(i + 1) % depth}` }));
    const before = await snapshotAccount(t(), account.id);
    expectTodoError(await api.post('/clone', { batch }), 409, 'CONFLICT');
    expect(await snapshotAccount(t(), account.id)).toEqual(before);
  });
});
