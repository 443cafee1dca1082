import { copyAttributes, makeCopyFixture } from '../../factories/jsonapi.factory';
import { makeProject, makeTasks, makeUser } from '../../factories/task.factory';
import { faceHeaders } from '../../support/face-requests';
import { FeedWrite } from '../../../src/tasks/store/task-changes.service';
import { spyStatements } from '../../support/statement-spy';
import { everyRevisionMoves } from '../../support/revisions';
import { clonesQueued, holdNextTransaction } from '../../support/clone-groups';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';
import { listOf, todoClient, WireTask } from './todo-client';

// The task list cache (TodoTaskListCache): a list read right after any write, through either
// face, shows that write; an unchanged list is served from the cache with one lookup.
// The job runner makes no timed claims here (JOBS_POLL_MS=0; it still claims after a commit that
// enqueued work): each claim is a transaction, whose COMMIT would count among a test's commits
// and which holdNextTransaction could hold instead of the clone it means to.
describeEachDialect('/todo task lists after every kind of write', listsAfterWrites, { JOBS_POLL_MS: '0' });

function listsAfterWrites(t: () => TestApp): void {
  let account: TestAccount;
  const api = todoClient(t, () => account);
  const tasks = (project?: number | null) =>
    api.json<WireTask[]>(project === undefined ? '/tasks' : `/tasks/projects/${project ?? 0}`);
  const byId = async (id: number, project?: number | null) => (await tasks(project)).find((x) => x.id === id);
  const v2 = (method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    t().inject({
      method,
      url,
      headers: faceHeaders('jsonapi', account, body !== undefined),
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  beforeEach(async () => {
    account = await t().newAccount();
  });

  // The list at `url`, served from the cache: the read runs no statement on the tasks.
  const servedFromCache = async (url: string) => {
    const statements = spyStatements(t());
    try {
      let body = '';
      const sqls = await statements.matching(async () => {
        body = (await api.get(url)).body;
      }, ['tasks', 'task_assignees']);
      expect(sqls).toEqual([]);
      return body;
    } finally {
      statements.restore();
    }
  };
  // The list at `url`, read afresh as if another instance had written, is `applied` byte for byte.
  const expectRebuiltAs = async (url: string, applied: string) => {
    await everyRevisionMoves(t(), account.id);
    expect((await api.get(url)).body).toEqual(applied);
  };

  it('serves an unchanged list with one lookup of its revision, and the same body', async () => {
    const project = await makeProject(t(), account);
    await makeTasks(t(), account, [{ children: [{}, {}] }, {}], { project });
    const first = await api.get(`/tasks/projects/${project}`);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const statements = spyStatements(t());
    try {
      let again = first;
      const sqls = await statements.matching(async () => {
        again = await api.get(`/tasks/projects/${project}`);
      }, ['tasks', 'task_list_locks', 'task_content_revisions', 'task_assignees']);
      expect(sqls).toEqual([
        expect.stringMatching(/^SELECT 's' AS kind, project_key, revision FROM task_list_locks /),
      ]);
      expect(again.body).toBe(first.body);
      expect(again.json()).toHaveLength(4);
    } finally {
      statements.restore();
    }
  });

  it('lets concurrent readers of a list share one revision lookup sent after they arrived', async () => {
    const project = await makeProject(t(), account);
    await makeTasks(t(), account, [{}, {}], { project });
    const first = await api.get(`/tasks/projects/${project}`);
    const statements = spyStatements(t());
    try {
      let bodies: string[] = [];
      const sqls = await statements.matching(async () => {
        bodies = (
          await Promise.all(Array.from({ length: 16 }, () => api.get(`/tasks/projects/${project}`)))
        ).map((res) => res.body);
      }, ['task_list_locks']);
      // Readers that arrive while a lookup runs share the next one: the 16 arrive in a few
      // waves, each served by one lookup (not one each).
      expect(sqls.length).toBeLessThanOrEqual(8);
      expect(bodies.every((body) => body === first.body)).toBe(true);
      // A write committed before a reader arrives is never missed by the shared lookup.
      const [x] = await makeTasks(t(), account, [{}], { project });
      const after = await Promise.all(Array.from({ length: 4 }, () => tasks(project)));
      expect(after.every((list) => list.some((task) => task.id === x))).toBe(true);
    } finally {
      statements.restore();
    }
  });

  it('applies its own clones and updates to built lists exactly as a rebuild would read them', async () => {
    const p = await makeProject(t(), account);
    const ann = await makeUser(t(), account, 'Ann');
    const bo = await makeUser(t(), account, 'Bo');
    const [a, , b] = await makeTasks(
      t(),
      account,
      [{ text: 'a', children: [{ text: 'a1' }] }, { text: 'b' }],
      {
        project: p,
      },
    );
    const [loose] = await makeTasks(t(), account, [{ text: 'no project' }]);
    await tasks(p);
    await tasks();
    const statements = spyStatements(t());
    try {
      const clone = async (body: unknown) => {
        const res = await api.post('/clone', body);
        expect(res.statusCode).toBe(200);
        return res.json() as Record<string, number>;
      };
      await Promise.all([
        clone({
          targetId: a,
          batch: [
            { id: 'x', text: 'x', assigned: [bo, ann], due_date: '2031-05-01T10:20:30.456Z', checked: true },
            { id: 'x1', parent: 'x', text: 'x1 ✓ “quoted” \\ ', priority: 3, custom: { deep: [1, 'two'] } },
            { id: 'y', text: 'y', creation_date: '2020-01-02T03:04:05.006Z', collapsed: true },
            { id: 'lone', parent: 'y', text: 'half a pair: \ud800' },
          ],
        }),
        clone({ targetId: b, reverse: true, batch: [{ id: 'z', text: 'z', completion_date: '2030-01-01' }] }),
        clone({ targetId: loose, batch: [{ id: 'w', text: 'w in no project' }] }),
      ]);
      await api.put(`/tasks/${a}`, {
        text: 'a, edited',
        assigned: [ann],
        edited_date: '2032-02-02T02:02:02.002Z',
        tag: 't',
      });
      await api.put(`/tasks/${b}`, { text: 'b', checked: true, completion_date: '2033-03-03T03:03:03.333Z' });
      const sqls = await statements.matching(async () => {
        await tasks(p);
        await tasks();
      }, ['tasks', 'task_assignees']);
      // Both lists came from the applied writes, not from a rebuild.
      expect(sqls).toEqual([]);
    } finally {
      statements.restore();
    }
    const applied = [(await api.get(`/tasks/projects/${p}`)).body, (await api.get('/tasks')).body];
    await everyRevisionMoves(t(), account.id);
    const rebuilt = [(await api.get(`/tasks/projects/${p}`)).body, (await api.get('/tasks')).body];
    expect(applied).toEqual(rebuilt);
    expect(JSON.parse(rebuilt[0]).map((x: WireTask) => x.text)).toEqual([
      'a, edited',
      'a1',
      'x',
      'x1 ✓ “quoted” \\ ',
      'y',
      'half a pair: \ufffd',
      'z',
      'b',
    ]);
  });

  it('patches its lists for random clones, creates and edits exactly as a rebuild reads them', async () => {
    let seed = 7;
    // A linear congruential generator's high bits (its low bits repeat with short periods).
    const random = (m: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * m);
    };
    const p1 = await makeProject(t(), account, 'one');
    const p2 = await makeProject(t(), account, 'two');
    const empty = await makeProject(t(), account, 'empty at first');
    const shape = [{ children: [{ children: [{}] }, {}] }, {}, { children: [{}] }];
    const known = [
      ...(await makeTasks(t(), account, shape, { project: p1 })),
      ...(await makeTasks(t(), account, shape, { project: p2 })),
      ...(await makeTasks(t(), account, shape)),
    ];
    // Every list the widget reads: all tasks, each project, No project.
    const bodies = async () =>
      (
        await Promise.all(
          [
            '/tasks',
            `/tasks/projects/${p1}`,
            `/tasks/projects/${p2}`,
            `/tasks/projects/${empty}`,
            '/tasks/projects/0',
          ].map((url) => api.get(url)),
        )
      ).map((res) => res.body);
    // Tasks where a subtree ends a project's list, and what follows has to start the next one.
    let lastOfEachList: number[] = [];
    const read = async () => {
      const lists = await bodies();
      lastOfEachList = lists.flatMap((body) => {
        const list = JSON.parse(body) as WireTask[];
        const roots = list.filter((x) => x.parent === null);
        return list.length === 0 ? [] : [list[list.length - 1].id, roots[roots.length - 1].id];
      });
      return lists;
    };
    // The random choices are all made before the first await, so concurrent rounds stay reproducible.
    const write = async (n: number) => {
      const kind = random(6);
      const target =
        random(3) === 0 ? lastOfEachList[random(lastOfEachList.length)] : known[random(known.length)];
      if (kind <= 2) {
        const batch = Array.from({ length: 1 + random(4) }, (_, i) => ({
          id: `n${n}-${i}`,
          text: `clone ${n}.${i}`,
          ...(i > 0 && random(2) === 0 ? { parent: `n${n}-${random(i)}` } : {}),
        }));
        const res = await api.post('/clone', { targetId: target, reverse: random(2) === 0, batch });
        expect(res.statusCode).toBe(200);
        const answer = res.json() as Record<string, number>;
        known.push(...batch.map((item) => answer[item.id]));
      } else if (kind === 3) {
        // The first or last child of a task, or the top of a project's root list.
        const place =
          random(3) === 0
            ? { project: [p1, p2, empty, null][random(4)] }
            : { targetId: target, parent: target, reverse: random(2) === 0 };
        const res = await api.post('/tasks', { ...place, text: `created ${n}` });
        expect(res.statusCode).toBe(200);
        known.push(res.json().id as number);
      } else {
        const res = await api.put(`/tasks/${target}`, { text: `edited ${n}`, checked: random(2) === 0 });
        expect(res.statusCode).toBe(200);
      }
    };
    await read();
    const statements = spyStatements(t());
    try {
      for (let round = 0; round < 6; round++) {
        if (round % 2 === 0) {
          for (let k = 0; k < 10; k++) {
            await write(100 * round + k);
            // Each write was applied to every list: none is read from the tasks again.
            expect(await statements.matching(read, ['tasks', 'task_assignees'])).toEqual([]);
          }
        } else {
          await Promise.all(Array.from({ length: 8 }, (_, k) => write(100 * round + k)));
        }
        const applied = await bodies();
        await everyRevisionMoves(t(), account.id);
        expect(await read()).toEqual(applied);
      }
    } finally {
      statements.restore();
    }
    expect(JSON.parse((await bodies())[0])).toHaveLength(known.length);
  });

  const commitsOf = async (work: () => Promise<unknown>) => {
    const statements = spyStatements(t());
    try {
      return (await statements.matching(work, ['COMMIT'])).length;
    } finally {
      statements.restore();
    }
  };

  it('patches one group of clones whose new subtrees meet at one place', async () => {
    const p = await makeProject(t(), account);
    const [a, a1, b] = await makeTasks(
      t(),
      account,
      [{ text: 'a', children: [{ text: 'a1' }] }, { text: 'b' }],
      {
        project: p,
      },
    );
    await tasks(p);
    let ids: number[] = [];
    const commits = await commitsOf(async () => {
      const { entered, release } = holdNextTransaction(t());
      const first = api.post('/clone', { targetId: b, batch: [{ id: 'first', text: 'first' }] });
      await entered;
      const lastChild = api.post('/tasks', { targetId: a, parent: a, text: 'last child of a' });
      const next = api.post('/clone', { targetId: a, batch: [{ id: 'next', text: 'after a' }] });
      await clonesQueued(t(), 2);
      release();
      const created = await Promise.all([first, lastChild, next]);
      ids = [created[1].json().id, created[2].json().next];
    });
    if (t().dialect === 'mysql') expect(commits).toBe(2);
    const applied = await servedFromCache(`/tasks/projects/${p}`);
    expect((JSON.parse(applied) as WireTask[]).map((x) => x.id).slice(0, 5)).toEqual([
      a,
      a1,
      ids[0],
      ids[1],
      b,
    ]);
    await expectRebuiltAs(`/tasks/projects/${p}`, applied);
  });

  it('patches one group whose clones land in two projects, at the place where one meets the other', async () => {
    const p = await makeProject(t(), account);
    const [p1, moving] = await makeTasks(t(), account, [{ text: 'p1' }, { text: 'moves to No project' }], {
      project: p,
    });
    await tasks();
    let ids: number[] = [];
    const commits = await commitsOf(async () => {
      const { entered, release } = holdNextTransaction(t());
      const first = api.post('/clone', { targetId: p1, batch: [{ id: 'first', text: 'first' }] });
      await entered;
      // Both guess project p; the first finds its target in No project once it holds the locks.
      const afterMoved = api.post('/clone', {
        targetId: moving,
        batch: [{ id: 'c', text: 'after the moved task' }],
      });
      const top = api.post('/tasks', { project: p, text: 'top of p' });
      await clonesQueued(t(), 2);
      expect((await api.put(`/move/${moving}`, { operation: 'project', project: null })).statusCode).toBe(
        200,
      );
      await tasks();
      release();
      const created = await Promise.all([first, afterMoved, top]);
      ids = [created[1].json().c, created[2].json().id];
    });
    // The first clone, the move, the read that rebuilds the list, and one group for the other two.
    if (t().dialect === 'mysql') expect(commits).toBe(4);
    const applied = await servedFromCache('/tasks');
    // On SQLite each clone ran alone, before the move.
    if (t().dialect === 'mysql') {
      expect((JSON.parse(applied) as WireTask[]).map((x) => x.id).slice(0, 4)).toEqual([
        moving,
        ids[0],
        ids[1],
        p1,
      ]);
    }
    await expectRebuiltAs('/tasks', applied);
  });

  it('applies writes heard out of their commit order once the one they follow on from comes', async () => {
    const p = await makeProject(t(), account);
    const [a, b] = await makeTasks(t(), account, [{ text: 'a' }, { text: 'b' }], { project: p });
    await tasks(p);
    // Each write stays announced until it is told, as when its commit reply is still on its way.
    const writes: FeedWrite[] = [];
    const tell = jest.spyOn(FeedWrite.prototype, 'tell').mockImplementation(function (this: FeedWrite) {
      writes.push(this);
    });
    const end = jest.spyOn(FeedWrite.prototype, 'end').mockImplementation(() => undefined);
    let x: number;
    try {
      await api.put(`/tasks/${a}`, { text: 'a, first edit' });
      await api.put(`/tasks/${b}`, { text: 'b, second edit' });
      x = (await api.post('/clone', { targetId: a, batch: [{ id: 'x', text: 'x' }] })).json().x;
      // An update of a task whose clone is heard after it.
      await api.put(`/tasks/${x}`, { text: 'x, edited' });
      await api.put(`/tasks/${a}`, { text: 'a, third edit' });
    } finally {
      tell.mockRestore();
      end.mockRestore();
    }
    // Heard: the second edit before the first, and the edit of x before the clone that made x.
    for (const k of [1, 0, 3, 2, 4]) writes[k].tell();
    const applied = await servedFromCache(`/tasks/projects/${p}`);
    expect((JSON.parse(applied) as WireTask[]).map((t) => t.text)).toEqual([
      'a, third edit',
      'x, edited',
      'b, second edit',
    ]);
    await expectRebuiltAs(`/tasks/projects/${p}`, applied);
  });

  it('serves a write of this process that follows one of another instance', async () => {
    const p = await makeProject(t(), account);
    const [a] = await makeTasks(t(), account, [{ text: 'a' }], { project: p });
    await tasks(p);
    // Another instance's edit: the content revision moves on without this process hearing of it.
    await t().dataSource.query(
      'UPDATE task_content_revisions SET revision = revision + 1 WHERE account_id = ?',
      [account.id],
    );
    await t().dataSource.query(
      "UPDATE tasks SET title = 'a, elsewhere', revision = revision + 1 WHERE id = ?",
      [a],
    );
    await api.put(`/tasks/${a}`, { text: 'a, here' });
    expect(await byId(a, p)).toMatchObject({ text: 'a, here' });
  });

  it('waits for a write of this process that committed and is not told yet, instead of reading again', async () => {
    const p = await makeProject(t(), account);
    const [a] = await makeTasks(t(), account, [{ text: 'a' }], { project: p });
    await tasks(p);
    const statements = spyStatements(t());
    const db = t().db;
    const transaction = db.transaction.bind(db);
    let read: Promise<string[]> | undefined;
    jest.spyOn(db, 'transaction').mockImplementationOnce(async (work, options) => {
      const result = await transaction(work, options);
      // Committed, not yet told: a list read now finds the database ahead of its list.
      read = statements.matching(() => tasks(p), ['tasks', 'task_assignees']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return result;
    });
    try {
      await api.put(`/tasks/${a}`, { text: 'edited' });
      expect(await read).toEqual([]);
    } finally {
      jest.restoreAllMocks();
    }
    expect(await byId(a, p)).toMatchObject({ text: 'edited' });
  });

  it('shows PUT /tasks/:id, POST /clone, PUT /move, PUT /sort and DELETE /tasks/:id at once', async () => {
    const project = await makeProject(t(), account);
    const [a, a1, b] = await makeTasks(t(), account, [{ text: 'b', children: [{}] }, { text: 'a' }], {
      project,
    });
    await tasks(project);
    await tasks();

    await api.put(`/tasks/${a}`, { text: 'renamed', checked: true, priority: 2 });
    expect(await byId(a, project)).toMatchObject({ text: 'renamed', checked: true, priority: 2 });
    expect(await byId(a)).toMatchObject({ text: 'renamed' });

    const clone = (await api.post('/clone', { targetId: a, batch: [{ id: 'x', text: 'copy' }] })).json();
    expect(listOf(await tasks(project), project, null)).toEqual([a, clone.x, b]);

    await api.put(`/move/${b}`, { targetId: a, reverse: true });
    expect(listOf(await tasks(project), project, null)).toEqual([b, a, clone.x]);

    await api.put('/sort', { by: 'text', dir: 'asc' });
    expect(listOf(await tasks(project), project, null)).toEqual([b, clone.x, a]);

    await api.del(`/tasks/${a}`);
    const after = await tasks(project);
    expect(after.map((x) => x.id)).not.toContain(a1);
    expect(listOf(after, project, null)).toEqual([b, clone.x]);
    expect((await tasks()).map((x) => x.id)).toEqual([b, clone.x]);
  });

  it('shows moves between projects and a deleted project’s tasks in No project', async () => {
    const p1 = await makeProject(t(), account, 'one');
    const p2 = await makeProject(t(), account, 'two');
    const [x] = await makeTasks(t(), account, [{ text: 'x' }], { project: p1 });
    const [y] = await makeTasks(t(), account, [{ text: 'y' }], { project: p2 });
    await Promise.all([tasks(p1), tasks(p2), tasks(null), tasks()]);

    await api.put(`/move/${x}`, { operation: 'project', project: p2 });
    expect((await tasks(p1)).map((r) => r.id)).toEqual([]);
    expect((await tasks(p2)).map((r) => [r.id, r.project])).toEqual([
      [y, p2],
      [x, p2],
    ]);

    await api.del(`/projects/${p2}`);
    expect(await tasks(p2)).toEqual([]);
    expect((await tasks(null)).map((r) => [r.id, r.project])).toEqual([
      [y, null],
      [x, null],
    ]);
    expect((await tasks()).map((r) => r.id)).toEqual([y, x]);
  });

  it('shows a task edited in another project after it moves back', async () => {
    const p1 = await makeProject(t(), account, 'one');
    const p2 = await makeProject(t(), account, 'two');
    const [x] = await makeTasks(t(), account, [{ text: 'before' }], { project: p1 });
    expect(await byId(x, p1)).toMatchObject({ text: 'before' });
    await api.put(`/move/${x}`, { operation: 'project', project: p2 });
    await api.put(`/tasks/${x}`, { text: 'edited in two' });
    await api.put(`/move/${x}`, { operation: 'project', project: p1 });
    expect(await byId(x, p1)).toMatchObject({ text: 'edited in two', project: p1 });
  });

  it('shows a deleted user leaving `assigned`', async () => {
    const ann = await makeUser(t(), account, 'Ann');
    const bo = await makeUser(t(), account, 'Bo');
    const [task] = await makeTasks(t(), account, [{ assigned: [ann, bo] }]);
    expect((await byId(task, null))!.assigned).toEqual([ann, bo]);
    await api.del(`/users/${ann}`);
    expect((await byId(task, null))!.assigned).toEqual([bo]);
  });

  it('never serves a deleted task’s JSON for a new task that takes its id', async () => {
    const [old] = await makeTasks(t(), account, [{ text: 'old', priority: 1 }]);
    expect(await byId(old, null)).toMatchObject({ text: 'old', priority: 1 });
    await api.del(`/tasks/${old}`);
    const res = await api.post('/tasks', { id: old, text: 'new' });
    expect(res.json().id).toBe(old);
    expect(await byId(old, null)).toMatchObject({ text: 'new', priority: null });
  });

  it('shows v2 edits, copies and deletes of the same tasks', async () => {
    const f = await makeCopyFixture(t(), account);
    const project = Number(f.projectId);
    const root = Number(f.tasks.root);
    const before = await tasks(project);
    expect(before.find((x) => x.id === root)).toBeDefined();
    await tasks(Number(f.targetProjectId));

    const patch = await v2('PATCH', `/api/v2/tasks/${root}`, {
      data: { type: 'tasks', id: String(root), attributes: { title: 'Edited in v2' } },
    });
    expect(patch.statusCode).toBe(200);
    expect(await byId(root, project)).toMatchObject({ text: 'Edited in v2' });

    const copy = await v2('POST', '/api/v2/tasks/copy', {
      data: { type: 'tasks', attributes: copyAttributes(f, { title: 'Copied' }) },
    });
    expect(copy.statusCode).toBe(201);
    const copied = (await tasks(Number(f.targetProjectId))).find((x) => x.id === Number(copy.json().data.id));
    expect(copied).toMatchObject({ text: 'Copied', parent: null });

    expect((await v2('DELETE', `/api/v2/tasks/${root}`)).statusCode).toBe(204);
    expect((await tasks(project)).map((x) => x.id)).not.toContain(root);
  });

  it('applies a v2 bulk create to the lists it holds, as one write, exactly as a rebuild reads it', async () => {
    const f = await makeCopyFixture(t(), account);
    const project = Number(f.targetProjectId);
    const attributes = (title: string) => ({
      title,
      project_id: f.targetProjectId,
      task_list_id: f.targetTaskListId,
      workflow_status_id: f.openStatusId,
    });
    await tasks(project);
    const created = await v2('POST', '/api/v2/tasks', {
      data: ['first', 'second', 'third'].map((title) => ({ type: 'tasks', attributes: attributes(title) })),
    });
    expect(created.statusCode).toBe(201);
    const applied = await servedFromCache(`/tasks/projects/${project}`);
    expect((JSON.parse(applied) as WireTask[]).map((x) => x.text).slice(-3)).toEqual([
      'first',
      'second',
      'third',
    ]);
    await expectRebuiltAs(`/tasks/projects/${project}`, applied);
  });
}

describeEachDialect(
  '/todo task lists with a cache smaller than the lists read',
  (t) => {
    let account: TestAccount;
    const api = todoClient(t, () => account);

    it('evicts lists and still answers every read right', async () => {
      account = await t().newAccount();
      // Three projects of 1,500 tasks: each list with its per-task JSON needs over 1 MiB alone.
      const projects = [];
      for (const label of ['one', 'two', 'three']) {
        const project = await makeProject(t(), account, label);
        const specs = Array.from({ length: 300 }, (_, i) => ({
          text: `${label} ${i} ${'x'.repeat(200)}`,
          children: [{}, {}, {}, {}],
        }));
        await makeTasks(t(), account, specs, { project });
        projects.push(project);
      }
      for (let round = 0; round < 3; round++) {
        for (const project of projects) {
          const list = await api.json<WireTask[]>(`/tasks/projects/${project}`);
          expect(list).toHaveLength(1500 + round);
          expect(list[0].text).toEqual(round === 0 ? expect.any(String) : `round ${round}`);
          await api.put(`/tasks/${list[0].id}`, { text: `round ${round + 1}` });
          await api.post('/clone', { targetId: list[0].id, batch: [{ id: 'n', text: 'new' }] });
        }
      }
    });
  },
  { TODO_LIST_CACHE_MB: '1' },
);

describeEachDialect(
  '/todo task lists with the cache off',
  (t) => {
    let account: TestAccount;
    const api = todoClient(t, () => account);

    it('builds every list afresh and gives the same answers', async () => {
      account = await t().newAccount();
      const [a] = await makeTasks(t(), account, [{ text: 'a', children: [{ text: 'a1' }] }]);
      expect((await api.json<WireTask[]>('/tasks')).map((x) => x.text)).toEqual(['a', 'a1']);
      await api.put(`/tasks/${a}`, { text: 'A' });
      expect((await api.json<WireTask[]>('/tasks/projects/0')).map((x) => x.text)).toEqual(['A', 'a1']);
    });
  },
  { TODO_LIST_CACHE_MB: '0' },
);
