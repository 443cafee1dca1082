import {
  makeProject,
  makeTasks,
  makeUser,
  snapshotAccount,
  storedTasks,
  treeProblems,
} from '../../factories/task.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import {
  expectTodoError,
  listOf,
  todoClient,
  WIDGET_PASTE_BODY,
  WIDGET_PASTE_IDS,
  WireTask,
} from './todo-client';

describeEachDialect('POST /todo/clone', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('accepts the widget’s paste body with this account’s project and user ids', async () => {
    // The widget’s paste names project 1, target 18 and user 4: make exactly those ids in a fresh account.
    const project = await makeProject(t(), account, 'Seed');
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await makeUser(t(), account, `User ${i}`));
    const [a, b] = await makeTasks(t(), account, [{ text: 'a' }, { text: 'b' }], { project });
    const target = 18;
    await api.post('/tasks', { id: target, targetId: a, project, task: { text: 'target' } });
    // The seed's ids are literal: rewrite only project 1 and user 4 to this account's ids.
    const res = await api.post(
      '/clone',
      WIDGET_PASTE_BODY.replace(/"project": 1/g, `"project": ${project}`).replace(/\[4\]/g, `[${users[3]}]`),
    );
    expect(res.statusCode).toBe(200);
    const map = res.json() as Record<string, number>;
    expect(Object.keys(map).sort()).toEqual(['0', '1', '2', ...WIDGET_PASTE_IDS]);
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

  it('runs the documented example: items in any order, foreign parents become roots', async () => {
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

  it('answers so that the shipped widget maps every copy, by batch position and by temp id (nested batches)', async () => {
    const project = await makeProject(t(), account);
    const [target, after] = await makeTasks(t(), account, [{ text: 'target' }, { text: 'after' }], {
      project,
    });
    // A paste of three roots: the first with a child and a grandchild, the third with a child
    // that the batch lists before its parent. Sources' ids (5, 6, 9) are outside the batch.
    const batch = [
      { id: 'temp://1700000000201', parent: 5, text: 'root A' },
      { id: 'temp://1700000000202', parent: 'temp://1700000000201', text: 'child of A' },
      { id: 'temp://1700000000203', parent: 'temp://1700000000202', text: 'grandchild of A' },
      { id: 'temp://1700000000204', parent: 6, text: 'root B' },
      { id: 'temp://1700000000206', parent: 'temp://1700000000205', text: 'child of C' },
      { id: 'temp://1700000000205', parent: 9, text: 'root C' },
    ];
    const res = await api.post('/clone', { targetId: target, project, batch });
    expect(res.statusCode).toBe(200);
    const answer = JSON.parse(res.body) as Record<string, number>;

    // RestDataProvider (trial 1.2.8), its clone-task handler: setID(batch[i].id, answer[i]).
    const byPosition = new Map<string, number>();
    for (let i = 0; i < batch.length; i++) byPosition.set(batch[i].id, answer[i]);
    // The documented reading: the id under each item's client id.
    const byTempId = new Map(batch.map((item) => [item.id, answer[item.id]]));
    expect(byPosition).toEqual(byTempId);
    expect(Object.keys(answer)).toHaveLength(2 * batch.length);
    const id = (n: number) => byPosition.get(`temp://170000000020${n}`)!;

    // The mapped ids are the server's rows, in the pasted shape.
    let tasks = await api.json<WireTask[]>(`/tasks/projects/${project}`);
    expect(listOf(tasks, project, null)).toEqual([target, id(1), id(4), id(5), after]);
    expect(listOf(tasks, project, id(1))).toEqual([id(2)]);
    expect(listOf(tasks, project, id(2))).toEqual([id(3)]);
    expect(listOf(tasks, project, id(5))).toEqual([id(6)]);
    expect(tasks.find((x) => x.id === id(3))!.text).toBe('grandchild of A');

    // What the widget then sends for the copies, with the ids it learnt: a rename and a delete.
    expect((await api.put(`/tasks/${id(3)}`, { id: id(3), text: 'renamed grandchild' })).statusCode).toBe(
      200,
    );
    expect((await api.del(`/tasks/${id(4)}`)).statusCode).toBe(200);
    expect(
      (await api.put(`/tasks/${id(6)}`, { id: id(6), text: 'renamed child', checked: true })).statusCode,
    ).toBe(200);
    tasks = await api.json<WireTask[]>('/tasks');
    expect(listOf(tasks, project, null)).toEqual([target, id(1), id(5), after]);
    expect(tasks.find((x) => x.id === id(3))).toMatchObject({ text: 'renamed grandchild', parent: id(2) });
    expect(tasks.find((x) => x.id === id(6))).toMatchObject({ text: 'renamed child', checked: true });
    expect(tasks.some((x) => x.id === id(4))).toBe(false);
    expect(await treeProblems(t(), account.id)).toEqual([]);
  });

  it('refuses a client id that is another item’s batch position, and accepts one at its own position', async () => {
    const before = await snapshotAccount(t(), account.id);
    for (const batch of [
      [{ id: 1 }, { id: 0 }],
      [{ id: 'a' }, { id: '0' }],
      [{ id: 1 }, { id: 2 }, { id: 3 }],
      [{ id: 'a' }, { id: 'b', parent: 'a' }, { id: 0 }, { id: 'c' }],
    ]) {
      const res = await api.post('/clone', { batch });
      expectTodoError(res, 400, 'VALIDATION');
      expect(res.body).toContain('batch position');
    }
    expect(await snapshotAccount(t(), account.id)).toEqual(before);

    // Ids at their own position, and numbers past the batch's end, give every key one meaning.
    const own = (
      await api.post('/clone', { batch: [{ id: 0 }, { id: '1', parent: 0 }, { id: 'x' }] })
    ).json();
    const tasks = await api.json<WireTask[]>('/tasks');
    expect(Object.keys(own).sort()).toEqual(['0', '1', '2', 'x']);
    expect(own[2]).toBe(own.x);
    expect(tasks.find((x) => x.id === own[1])!.parent).toBe(own[0]);
    const past = (await api.post('/clone', { batch: [{ id: 7 }, { id: '01' }] })).json();
    expect(past).toEqual({ 0: past[7], 1: past['01'], 7: expect.any(Number), '01': expect.any(Number) });
    expect(past[7]).not.toBe(past['01']);
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

  it('refuses duplicates, self-parents, cycles and missing or foreign references, writing nothing', async () => {
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

  it('leaves the database unchanged when one item in the middle of 500 is bad', async () => {
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

  it('copies a 10,000-deep chain in any order, and refuses over the batch limit', async () => {
    const depth = 10_000;
    const batch = Array.from({ length: depth }, (_, i) => ({
      id: `n${i}`,
      parent: i === 0 ? null : `n${i - 1}`,
    }));
    batch.reverse();
    const res = await api.post('/clone', { batch });
    expect(res.statusCode).toBe(200);
    const map = res.json() as Record<string, number>;
    expect(Object.keys(map)).toHaveLength(2 * depth);
    // Reversed batch: position 0 is n9999.
    expect(map[0]).toBe(map.n9999);
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
