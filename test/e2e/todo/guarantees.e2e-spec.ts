import {
  makeProject,
  makeTasks,
  makeUser,
  snapshotAccount,
  storedTasks,
  treeProblems,
} from '../../factories/task.factory';
import { spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { expectTodoError, listOf, todoClient, WireTask } from './todo-client';

// The guarantees not covered route by route elsewhere (docs/todo.md#concurrency): concurrency, statement counts,
// and cross-account isolation of the routes without a path id.
describeEachDialect(
  '/todo guarantees',
  (t) => {
    let account: TestAccount;
    const api = todoClient(t, () => account);

    beforeEach(async () => {
      account = await t().newAccount();
    });

    it('keeps every list dense and every returned id present under 20 concurrent clones, moves and inserts', async () => {
      const p = await makeProject(t(), account);
      const targets = await makeTasks(
        t(),
        account,
        Array.from({ length: 6 }, (_, i) => ({ text: `t${i}` })),
        {
          project: p,
        },
      );
      const movers = await makeTasks(t(), account, [{ children: [{}] }, {}, {}], { project: p });
      const moverRoots = [movers[0], movers[2], movers[3]];
      const requests: Array<
        Promise<{ kind: string; status: number; ids: number[]; target?: number; body: string }>
      > = [];
      for (let i = 0; i < 20; i++) {
        const target = targets[i % targets.length];
        if (i % 4 === 0) {
          const mover = moverRoots[(i / 4) % moverRoots.length];
          requests.push(
            api
              .put(`/move/${mover}`, { targetId: targets[(i + 3) % targets.length] })
              .then((res) => ({ kind: 'move', status: res.statusCode, ids: [], body: res.body })),
          );
        } else if (i % 4 === 1) {
          requests.push(
            api
              .post('/tasks', { targetId: target, project: p, task: { text: `insert ${i}` } })
              .then((res) => ({
                kind: 'insert',
                status: res.statusCode,
                ids: [res.json().id],
                target,
                body: res.body,
              })),
          );
        } else {
          const batch = [
            { id: `a${i}`, parent: null, text: `clone ${i}` },
            { id: `b${i}`, parent: `a${i}`, text: `child ${i}` },
            { id: `c${i}`, parent: null, text: `clone ${i} second` },
          ];
          requests.push(
            api.post('/clone', { targetId: target, batch }).then((res) => ({
              kind: 'clone',
              status: res.statusCode,
              ids:
                res.statusCode === 200
                  ? batch.map((item) => (res.json() as Record<string, number>)[item.id])
                  : [],
              target,
              body: res.body,
            })),
          );
        }
      }
      const results = await Promise.all(requests);
      for (const r of results)
        expect({ kind: r.kind, status: r.status, body: r.status === 200 ? '' : r.body }).toEqual({
          kind: r.kind,
          status: 200,
          body: '',
        });
      expect(await treeProblems(t(), account.id)).toEqual([]);
      const stored = new Set((await storedTasks(t(), account.id)).map((x) => x.id));
      const returned = results.flatMap((r) => r.ids);
      expect(returned.filter((id) => !stored.has(id))).toEqual([]);
      expect(stored.size).toBe(targets.length + movers.length + returned.length);
      expect(new Set(returned).size).toBe(returned.length);
      // Each clone's two roots stay consecutive, and its child sits under the first.
      const tasks = await api.json<WireTask[]>(`/tasks/projects/${p}`);
      const roots = listOf(tasks, p, null);
      for (const r of results.filter((x) => x.kind === 'clone')) {
        const [first, child, second] = r.ids;
        expect(roots.indexOf(second)).toBe(roots.indexOf(first) + 1);
        expect(listOf(tasks, p, first)).toEqual([child]);
      }
    });

    it('stays consistent under concurrent last-child inserts, project moves, deletes and project deletes', async () => {
      const [p1, p2, p3] = [
        await makeProject(t(), account),
        await makeProject(t(), account),
        await makeProject(t(), account),
      ];
      const [parent] = await makeTasks(t(), account, [{ children: [{}, {}] }], { project: p1 });
      const loose = await makeTasks(
        t(),
        account,
        Array.from({ length: 10 }, () => ({ children: [{}] })),
        { project: p2 },
      );
      const roots = loose.filter((_, i) => i % 2 === 0);
      const doomed = await makeTasks(t(), account, [{}, {}, {}], { project: p3 });
      const requests = [
        ...Array.from({ length: 10 }, (_, i) =>
          api.post('/tasks', { targetId: parent, parent, task: { text: `last ${i}` } }),
        ),
        ...roots.map((id, i) => api.put(`/move/${id}`, { operation: 'project', project: i % 2 ? p1 : null })),
        ...roots.map((id) =>
          api.post('/clone', { targetId: id, batch: [{ id: 'x' }, { id: 'y', parent: 'x' }] }),
        ),
        api.del(`/tasks/${doomed[0]}`),
        api.del(`/projects/${p3}`),
        api.put(`/sort/${p2}`, { by: 'text', dir: 'desc' }),
      ];
      const results = await Promise.all(requests);
      for (const res of results)
        expect({ status: res.statusCode, body: res.statusCode === 200 ? '' : res.body }).toEqual({
          status: 200,
          body: '',
        });
      expect(await treeProblems(t(), account.id)).toEqual([]);
      const tasks = await api.json<WireTask[]>('/tasks');
      expect(listOf(tasks, p1, parent)).toHaveLength(12);
      expect(tasks.filter((x) => x.project === p3)).toEqual([]);
      expect(
        tasks
          .filter((x) => doomed.includes(x.id))
          .map((x) => x.id)
          .sort(),
      ).toEqual(doomed.slice(1).sort());
    });

    it('uses a constant number of SQL statements per clone, beyond 1,000-row chunks', async () => {
      const [target] = await makeTasks(t(), account, [{}]);
      const user = await makeUser(t(), account);
      const statements = spyStatements(t());
      const count = (n: number) => {
        const batch = Array.from({ length: n }, (_, i) => ({
          id: `n${i}`,
          parent: i % 10 === 0 ? null : `n${i - 1}`,
          assigned: [user],
        }));
        return statements.count(async () => {
          const res = await api.post('/clone', { targetId: target, batch });
          expect(res.statusCode).toBe(200);
        }, ['tasks', 'task_list_locks', 'id_allocators', 'task_assignees']);
      };
      try {
        // Where rows lock, a clone of 100 tasks or more reserves its ids by a statement of its own;
        // a smaller one takes them from its process's block (now and then a statement to reserve
        // the next block), so it never sends more.
        const small = await count(100);
        expect(await count(999)).toBe(small);
        expect(await count(10)).toBeLessThanOrEqual(small);
        // 2,500 rows: two more task INSERTs and two more assignment INSERTs.
        expect(await count(2500)).toBe(small + 4);
        expect(small).toBeLessThanOrEqual(10);
        if (process.env.TODO_PRINT_STATEMENTS) console.log(`${t().dialect}: ${small} statements per clone`);
      } finally {
        statements.restore();
      }
    });

    it('creates into a project with one read of the project and its list, at the top', async () => {
      const p = await makeProject(t(), account);
      const [a, b] = await makeTasks(t(), account, [{ text: 'a' }, { text: 'b' }], { project: p });
      const statements = spyStatements(t());
      let created = 0;
      try {
        const sent = await statements.matching(async () => {
          const res = await api.post('/tasks', { text: 'new', project: p });
          expect(res.statusCode).toBe(200);
          created = res.json<{ id: number }>().id;
        }, ['projects', 'tasks']);
        // The project's existence and the list's first key together, locking neither: the write
        // holds the project's ordering lock, which a project delete takes too.
        expect(sent.filter((sql) => /\bprojects\b/.test(sql))).toHaveLength(1);
        expect(sent.filter((sql) => /^\s*SELECT/i.test(sql))).toHaveLength(1);
        expect(sent.filter((sql) => /FOR UPDATE/i.test(sql))).toEqual([]);
      } finally {
        statements.restore();
      }
      const tasks = await api.json<WireTask[]>(`/tasks/projects/${p}`);
      expect(listOf(tasks, p, null)).toEqual([created, a, b]);
      expect(await treeProblems(t(), account.id)).toEqual([]);
    });

    it('clears assignments only where a task has some, in a PUT without them', async () => {
      const user = await makeUser(t(), account);
      const [bare, assigned] = await makeTasks(t(), account, [{ text: 'bare' }, { text: 'assigned' }]);
      expect((await api.put(`/tasks/${assigned}`, { text: 'assigned', assigned: [user] })).statusCode).toBe(
        200,
      );
      const statements = spyStatements(t());
      try {
        const sent = await statements.matching(async () => {
          const res = await api.put(`/tasks/${bare}`, { text: 'still bare', assigned: [] });
          expect(res.statusCode).toBe(200);
        }, ['task_assignees']);
        expect(sent.filter((sql) => /^\s*DELETE/i.test(sql))).toEqual([]);
        const cleared = await statements.matching(async () => {
          const res = await api.put(`/tasks/${bare}`, {
            text: 'both',
            batch: [{ id: assigned, text: 'unassigned', assigned: [] }],
          });
          expect(res.statusCode).toBe(200);
        }, ['task_assignees']);
        expect(cleared.filter((sql) => /^\s*DELETE/i.test(sql))).toHaveLength(1);
      } finally {
        statements.restore();
      }
      const tasks = await api.json<WireTask[]>('/tasks');
      expect(tasks.map((x) => [x.text, x.assigned])).toEqual([
        ['both', []],
        ['unassigned', []],
      ]);
    });

    it('uses a constant number of SQL statements per batch update, beyond 250-task chunks', async () => {
      const user = await makeUser(t(), account);
      const ids = await makeTasks(
        t(),
        account,
        Array.from({ length: 1000 }, (_, i) => ({ text: `t${i}` })),
      );
      const statements = spyStatements(t());
      const put = (n: number, round: string) =>
        statements.count(async () => {
          const res = await api.put(`/tasks/${ids[0]}`, {
            text: `${round} 0`,
            batch: ids.slice(1, n).map((id, i) => ({
              id,
              text: `${round} ${i + 1}`,
              checked: i % 2 === 0,
              priority: i % 3,
              due_date: '2031-01-02T03:04:05.000Z',
              assigned: [user],
            })),
          });
          expect(res.statusCode).toBe(200);
        }, ['tasks', 'task_list_locks', 'task_assignees']);
      try {
        // Every measured round replaces assignments (the first gives them out): each clears some.
        await put(1000, 'z');
        const small = await put(10, 'a');
        expect(await put(250, 'b')).toBe(small);
        // 1,000 tasks: three more UPDATE chunks of 250.
        expect(await put(1000, 'c')).toBe(small + 3);
        expect(small).toBeLessThanOrEqual(9);
        if (process.env.TODO_PRINT_STATEMENTS) console.log(`${t().dialect}: ${small} statements per update`);
      } finally {
        statements.restore();
      }
      const tasks = await api.json<WireTask[]>('/tasks');
      expect(tasks).toHaveLength(1000);
      tasks.forEach((task, i) => {
        expect(task).toMatchObject({ id: ids[i], text: `c ${i}`, assigned: i === 0 ? [] : [user] });
        if (i > 0) {
          expect(task).toMatchObject({ checked: (i - 1) % 2 === 0, priority: (i - 1) % 3 });
          expect(task.due_date).toBe('2031-01-02T03:04:05.000Z');
        }
      });
    });

    it('never shows or touches another account’s tasks through the routes without a path id', async () => {
      const owner = await t().newAccount('owner');
      const p = await makeProject(t(), owner);
      const ownerUser = await makeUser(t(), owner);
      const [a] = await makeTasks(
        t(),
        owner,
        [{ text: 'secret', assigned: [ownerUser], children: [{}] }, {}],
        {
          project: p,
        },
      );
      await t().inject({
        method: 'PUT',
        url: '/todo/tags',
        headers: { 'remote-token': owner.token, 'content-type': 'application/json' },
        payload: '["owner-tag"]',
      });
      const before = await snapshotAccount(t(), owner.id);
      expect(await api.json('/tasks')).toEqual([]);
      expect(await api.json(`/tasks/projects/${p}`)).toEqual([]);
      expect(await api.json('/projects')).toEqual([{ id: null, label: 'No project' }]);
      expect(await api.json('/users')).toEqual([]);
      expect(await api.json('/tags')).toEqual([]);
      expectTodoError(await api.post('/tasks', { parent: a, task: {} }), 404, 'NOT_FOUND');
      expectTodoError(await api.post('/tasks', { targetId: a, task: {} }), 404, 'NOT_FOUND');
      expectTodoError(await api.post('/tasks', { project: p, task: {} }), 404, 'NOT_FOUND');
      expectTodoError(await api.post('/tasks', { task: { assigned: [ownerUser] } }), 404, 'NOT_FOUND');
      expectTodoError(await api.post('/clone', { targetId: a, batch: [{ id: 'x' }] }), 404, 'NOT_FOUND');
      expectTodoError(await api.post('/clone', { project: p, batch: [{ id: 'x' }] }), 404, 'NOT_FOUND');
      expectTodoError(await api.put('/move/0', { batch: [a], targetId: a }), 404, 'NOT_FOUND');
      expectTodoError(
        await api.put('/move/0', { opbatch: [{ id: a, operation: 'unindent' }] }),
        404,
        'NOT_FOUND',
      );
      expectTodoError(await api.put('/tasks/0', { batch: [{ id: a, text: 'x' }] }), 404, 'NOT_FOUND');
      expect((await api.del('/tasks', { batch: [a] })).statusCode).toBe(200);
      expect((await api.put('/sort', { by: 'text', dir: 'desc' })).statusCode).toBe(200);
      expect((await api.put('/tags', ['mine'])).statusCode).toBe(200);
      // The intruder's own objects never appear in the owner's lists either.
      const mine = (await api.post('/tasks', { task: { text: 'mine' } })).json().id;
      const ownerView = await t().inject({
        method: 'GET',
        url: '/todo/tasks',
        headers: { 'remote-token': owner.token },
      });
      expect((ownerView.json() as WireTask[]).map((x) => x.id)).not.toContain(mine);
      expect(await snapshotAccount(t(), owner.id)).toEqual(before);
    });

    it('answers faces errors as text/plain, never JSON, for a missing token too', async () => {
      const res = await t().inject({ method: 'GET', url: '/todo/tasks' });
      expectTodoError(res, 401, 'UNAUTHENTICATED');
      const malformed = await api.post('/clone', '{"batch": [');
      expectTodoError(malformed, 400, 'VALIDATION');
      const huge = await api.post('/clone', { batch: [{ id: 'x', text: 'y'.repeat(17 * 1024 * 1024) }] });
      expectTodoError(huge, 413, 'TOO_LARGE');
      expect(listOf([], null, null)).toEqual([]);
    });
  },
  // No timed job claims: on SQLite they would share the statement count of a request.
  { JOBS_POLL_MS: '0' },
);
