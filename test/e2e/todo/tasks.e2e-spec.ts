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

describeEachDialect('/todo/tasks', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);
  const newId = async (body: unknown): Promise<number> => {
    const res = await api.post('/tasks', body);
    if (res.statusCode !== 200) throw new Error(`POST /tasks ${JSON.stringify(body)}: ${res.body}`);
    return res.json().id;
  };

  beforeEach(async () => {
    account = await t().newAccount();
  });

  describe('GET', () => {
    it('returns every task in pre-order: No project first, then by project id', async () => {
      const p1 = await makeProject(t(), account);
      const p2 = await makeProject(t(), account);
      const inP2 = await makeTasks(t(), account, [{ text: 'p2' }], { project: p2 });
      const inP1 = await makeTasks(
        t(),
        account,
        [{ text: 'r1', children: [{ text: 'c1', children: [{}] }, {}] }, {}],
        {
          project: p1,
        },
      );
      const none = await makeTasks(t(), account, [{ text: 'n1' }, { text: 'n2', children: [{}] }]);
      const tasks = await api.json<WireTask[]>('/tasks');
      expect(tasks.map((x) => x.id)).toEqual([...none, ...inP1, ...inP2]);
      const parents = new Set<number | null>([null]);
      for (const task of tasks) {
        expect(parents.has(task.parent)).toBe(true);
        parents.add(task.id);
      }
    });

    it('returns one project; 0, null, undefined select No project; unknown gives []', async () => {
      const p = await makeProject(t(), account);
      const inP = await makeTasks(t(), account, [{ children: [{}] }], { project: p });
      const none = await makeTasks(t(), account, [{}]);
      expect((await api.json<WireTask[]>(`/tasks/projects/${p}`)).map((x) => x.id)).toEqual(inP);
      for (const spelling of ['0', 'null', 'undefined']) {
        expect((await api.json<WireTask[]>(`/tasks/projects/${spelling}`)).map((x) => x.id)).toEqual(none);
      }
      expect(await api.json(`/tasks/projects/99999`)).toEqual([]);
      expectTodoError(await api.get('/tasks/projects/abc'), 400, 'VALIDATION');
    });
  });

  describe('POST', () => {
    it('places as documented: top of root list, first child, last child, after/before a target', async () => {
      const [a, a1, a2, b] = await makeTasks(t(), account, [{ children: [{}, {}] }, {}]);
      const top = await newId({ task: { text: 'top' } });
      const firstChild = await newId({ parent: a, text: 'first child' });
      const lastChild = (await api.post('/tasks', { targetId: a, parent: a, task: { text: 'last' } })).json()
        .id;
      const firstRev = (await api.post('/tasks', { targetId: a, parent: a, reverse: true, task: {} })).json()
        .id;
      const afterA1 = await newId({ targetId: a1, parent: a, task: {} });
      const beforeB = await newId({ targetId: b, reverse: true, task: {} });
      const tasks = await api.json<WireTask[]>('/tasks');
      expect(listOf(tasks, null, null)).toEqual([top, a, beforeB, b]);
      expect(listOf(tasks, null, a)).toEqual([firstRev, firstChild, a1, afterA1, a2, lastChild]);
      expect(await treeProblems(t(), account.id)).toEqual([]);
    });

    it('takes the project from the parent or target and stores every field', async () => {
      const project = await makeProject(t(), account);
      const user = await makeUser(t(), account);
      const [parent] = await makeTasks(t(), account, [{}], { project });
      const res = await api.post('/tasks', {
        id: 'temp://1700000000123',
        parent: String(parent),
        task: {
          text: 'Renew passport #admin',
          checked: true,
          assigned: [user, String(user)],
          due_date: '2031-05-01',
          creation_date: '2030-11-02T09:15:00+01:00',
          completion_date: '2030-11-03T08:00:00',
          priority: 2,
          custom: { x: 1 },
        },
      });
      expect(res.statusCode).toBe(200);
      const [, task] = await api.json<WireTask[]>(`/tasks/projects/${project}`);
      expect(task).toEqual({
        id: res.json().id,
        text: 'Renew passport #admin',
        checked: true,
        collapsed: false,
        parent,
        project,
        assigned: [user],
        due_date: '2031-05-01T00:00:00.000Z',
        creation_date: '2030-11-02T08:15:00.000Z',
        completion_date: '2030-11-03T08:00:00.000Z',
        edited_date: null,
        priority: 2,
        custom: { x: 1 },
      });
    });

    it('honours a free requested id, refuses a taken one, and never hands it out again', async () => {
      const wanted = 700_000;
      expect((await api.post('/tasks', { id: wanted, task: {} })).json()).toEqual({ id: wanted });
      expectTodoError(await api.post('/tasks', { id: wanted, task: {} }), 409, 'CONFLICT');
      const next = await newId({ task: {} });
      expect(next).not.toBe(wanted);
      // The counter moved past it, so no range reserved from now on holds it; where rows lock, a
      // create may still take an older id from the block its process reserved before the claim.
      const [{ next_id: counter }] = (await t().dataSource.query(
        "SELECT next_id FROM id_allocators WHERE name = 'tasks'",
      )) as Array<{ next_id: number | string }>;
      expect(Number(counter)).toBeGreaterThan(wanted);
      if (t().dialect === 'sqlite') expect(next).toBeGreaterThan(wanted);
      await api.del(`/tasks/${wanted}`);
      expect((await api.post('/tasks', { id: wanted, task: {} })).json()).toEqual({ id: wanted });
    });

    it('refuses requested task and project ids that would use up the id space for every account', async () => {
      const top = 2_147_483_647;
      expectTodoError(await api.post('/tasks', { id: top, task: {} }), 409, 'CONFLICT');
      expectTodoError(await api.post('/tasks', { id: 100_000_000, task: {} }), 409, 'CONFLICT');
      expectTodoError(await api.post('/projects', { id: top, label: 'x' }), 409, 'CONFLICT');
      const other = await t().newAccount();
      const otherApi = todoClient(t, () => other);
      const task = await otherApi.post('/tasks', { task: { text: 'still fine' } });
      expect(task.statusCode).toBe(200);
      expect(task.json().id).toBeLessThan(100_000_000);
      const project = await otherApi.post('/projects', { label: 'still fine' });
      expect(project.statusCode).toBe(200);
      expect(project.json().id).toBeLessThan(100_000_000);
    });

    it('refuses bad placements and references without writing (nothing resolves to zero)', async () => {
      const p = await makeProject(t(), account);
      const [root] = await makeTasks(t(), account, [{ children: [{}] }], { project: p });
      const [, child] = (await storedTasks(t(), account.id)).map((x) => x.id);
      const other = await t().newAccount();
      const [foreign] = await makeTasks(t(), other, [{}]);
      const before = await snapshotAccount(t(), account.id);
      const cases: Array<[unknown, number, string]> = [
        [{ parent: 999999, task: {} }, 404, 'NOT_FOUND'],
        [{ parent: foreign, task: {} }, 404, 'NOT_FOUND'],
        [{ targetId: 999999, task: {} }, 404, 'NOT_FOUND'],
        [{ project: 999999, task: {} }, 404, 'NOT_FOUND'],
        [{ task: { assigned: [999999] } }, 404, 'NOT_FOUND'],
        [{ targetId: child, task: {} }, 409, 'CONFLICT'], // child is not a root
        [{ targetId: root, project: null, task: {} }, 409, 'CONFLICT'],
        [{ parent: root, project: null, task: {} }, 409, 'CONFLICT'],
        [{ parent: 'abc', task: {} }, 400, 'VALIDATION'],
        [{ parent: -3, task: {} }, 400, 'VALIDATION'],
        [{ parent: 1.5, task: {} }, 400, 'VALIDATION'],
        [{ task: { checked: 'yes' } }, 400, 'VALIDATION'],
        [{ task: { priority: -1 } }, 400, 'VALIDATION'],
        [{ task: { assigned: 'x' } }, 400, 'VALIDATION'],
        [{ task: { assigned: Array.from({ length: 201 }, (_, i) => i + 1) } }, 413, 'TOO_LARGE'],
        [{ task: { extra: 'x'.repeat(17_000) } }, 400, 'VALIDATION'],
        [[1, 2], 400, 'VALIDATION'],
        ['{"task": ', 400, 'VALIDATION'],
      ];
      for (const [body, status, code] of cases) {
        expectTodoError(await api.post('/tasks', body), status, code);
      }
      expectTodoError(await api.post('/tasks', { text: 'x'.repeat(1024 * 1024 + 10) }), 413, 'TOO_LARGE');
      expect(await snapshotAccount(t(), account.id)).toEqual(before);
    });

    it('refuses impossible dates and keeps custom keys named like Object methods', async () => {
      for (const due of [
        '2020-02-31',
        '2021-02-29T10:00:00Z',
        '2020-13-01',
        '2020-01-01T24:00:00Z',
        '2020-01-01T10:60Z',
      ]) {
        expectTodoError(await api.post('/tasks', { task: { text: 'x', due_date: due } }), 400, 'VALIDATION');
      }
      expect(await api.json('/tasks')).toEqual([]);
      const { id } = (
        await api.post('/tasks', {
          task: { text: 'x', due_date: '2024-02-29', constructor: 1, toString: 'two' },
        })
      ).json();
      const [task] = await api.json<WireTask[]>('/tasks');
      expect(task).toMatchObject({
        id,
        due_date: '2024-02-29T00:00:00.000Z',
        constructor: 1,
        toString: 'two',
      });
    });

    it('reads an empty JSON body as {} (a task at the top)', async () => {
      const res = await t().inject({
        method: 'POST',
        url: '/todo/tasks',
        headers: { 'remote-token': account.token, 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(200);
      expect(await api.json('/tasks')).toHaveLength(1);
    });
  });

  describe('PUT', () => {
    it('replaces content fully, ignores structure fields, applies the batch with later entries winning', async () => {
      const user = await makeUser(t(), account);
      const [a, b] = await makeTasks(t(), account, [
        { text: 'a', priority: 1, assigned: [user], collapsed: true },
        { text: 'b' },
      ]);
      const created = (await api.json<WireTask[]>('/tasks'))[0].creation_date;
      const res = await api.put(`/tasks/${a}`, {
        text: 'Pack bags',
        checked: true,
        completion_date: '2030-12-01T10:00:00.000Z',
        parent: b,
        project: 5,
        creation_date: '2000-01-01T00:00:00Z',
        index: 9,
        batch: [
          { id: b, text: 'first' },
          { id: b, text: 'Pack charger', assigned: [user], flag: true },
        ],
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({});
      const tasks = await api.json<WireTask[]>('/tasks');
      expect(tasks.map((x) => x.id)).toEqual([a, b]);
      expect(tasks[0]).toMatchObject({
        text: 'Pack bags',
        checked: true,
        collapsed: false,
        priority: null,
        assigned: [],
        parent: null,
        project: null,
        creation_date: created,
        completion_date: '2030-12-01T10:00:00.000Z',
      });
      expect(tasks[0]).not.toHaveProperty('index');
      expect(tasks[1]).toMatchObject({ text: 'Pack charger', assigned: [user], flag: true });
    });

    it('changes nothing when one task is missing or one item is invalid', async () => {
      const [a, b] = await makeTasks(t(), account, [{ text: 'a' }, { text: 'b' }]);
      const before = await snapshotAccount(t(), account.id);
      expectTodoError(
        await api.put(`/tasks/${a}`, { text: 'x', batch: [{ id: 999999, text: 'y' }] }),
        404,
        'NOT_FOUND',
      );
      expectTodoError(
        await api.put(`/tasks/${a}`, { text: 'x', batch: [{ text: 'no id' }] }),
        400,
        'VALIDATION',
      );
      expectTodoError(
        await api.put(`/tasks/${a}`, { text: 'x', batch: [{ id: b, checked: 1 }] }),
        400,
        'VALIDATION',
      );
      expectTodoError(await api.put('/tasks/999999', { text: 'x' }), 404, 'NOT_FOUND');
      expectTodoError(await api.put('/tasks/abc', { text: 'x' }), 400, 'VALIDATION');
      expectTodoError(await api.put(`/tasks/${a}`, { id: b, text: 'x' }), 400, 'VALIDATION');
      expect(await snapshotAccount(t(), account.id)).toEqual(before);
    });
  });

  describe('DELETE', () => {
    it('removes whole subtrees with their assignments and compacts the list', async () => {
      const user = await makeUser(t(), account);
      const [a, , , b, c] = await makeTasks(t(), account, [
        { assigned: [user], children: [{ assigned: [user], children: [{}] }] },
        {},
        {},
      ]);
      const res = await api.del(`/tasks/${a}`);
      expect(res.statusCode).toBe(200);
      expect((await storedTasks(t(), account.id)).map((x) => [x.id, x.position])).toEqual([
        [b, 0],
        [c, 1],
      ]);
      const assignees = await t().dataSource.query('SELECT * FROM task_assignees WHERE account_id = ?', [
        account.id,
      ]);
      expect(assignees).toEqual([]);
    });

    it('deletes the URL id plus a batch, skips unknown ids, and refuses an empty set', async () => {
      const [a, b, c, d] = await makeTasks(t(), account, [{}, {}, {}, {}]);
      expect((await api.del(`/tasks/${a}`, { batch: [c, 999999] })).statusCode).toBe(200);
      expect((await storedTasks(t(), account.id)).map((x) => [x.id, x.position])).toEqual([
        [b, 0],
        [d, 1],
      ]);
      expect((await api.del('/tasks', { batch: [String(b)] })).statusCode).toBe(200);
      expect((await api.del(`/tasks/${a}`)).statusCode).toBe(200);
      expectTodoError(await api.del('/tasks/0'), 400, 'VALIDATION');
      expectTodoError(await api.del('/tasks', { batch: [] }), 400, 'VALIDATION');
      expectTodoError(await api.del('/tasks', { batch: ['x'] }), 400, 'VALIDATION');
      expect((await storedTasks(t(), account.id)).map((x) => [x.id, x.position])).toEqual([[d, 0]]);
    });
  });
});
