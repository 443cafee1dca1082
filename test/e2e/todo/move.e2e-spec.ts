import {
  makeProject,
  makeTasks,
  snapshotAccount,
  storedTasks,
  treeProblems,
} from '../../factories/task.factory';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { expectTodoError, listOf, todoClient, WireTask } from './todo-client';

describeEachDialect('PUT /todo/move', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);
  const ok = async (url: string, body: unknown) => {
    const res = await api.put(url, body);
    if (res.statusCode !== 200) throw new Error(`PUT ${url} ${JSON.stringify(body)}: ${res.body}`);
  };
  const all = () => api.json<WireTask[]>('/tasks');

  beforeEach(async () => {
    account = await t().newAccount();
  });

  afterEach(async () => {
    expect(await treeProblems(t(), account.id)).toEqual([]);
  });

  it('moves one task with its subtree after or before a target (parent omitted = target’s parent)', async () => {
    const [a, a1, b, c] = await makeTasks(t(), account, [{ children: [{}] }, {}, {}]);
    await ok(`/move/${a}`, { targetId: c });
    let tasks = await all();
    expect(listOf(tasks, null, null)).toEqual([b, c, a]);
    expect(listOf(tasks, null, a)).toEqual([a1]);
    await ok(`/move/${a}`, { targetId: b, reverse: true, parent: null });
    tasks = await all();
    expect(listOf(tasks, null, null)).toEqual([a, b, c]);
  });

  it('moves a batch consecutively into the target’s list, in batch order (spec example)', async () => {
    const [p5, x, t12, y] = await makeTasks(t(), account, [{ children: [{}, {}, {}] }]);
    const [t21, t21c, t8] = await makeTasks(t(), account, [{ children: [{}] }, {}]);
    await ok('/move/0', { targetId: t12, reverse: true, parent: p5, batch: [t21, t8] });
    const tasks = await all();
    expect(listOf(tasks, null, p5)).toEqual([x, t21, t8, t12, y]);
    expect(listOf(tasks, null, t21)).toEqual([t21c]);
  });

  it('moves into the target when parent = targetId (last child, first with reverse), and to the top without a target', async () => {
    const [a, a1, b, c] = await makeTasks(t(), account, [{ children: [{}] }, {}, {}]);
    await ok(`/move/${b}`, { targetId: a, parent: a });
    await ok(`/move/${c}`, { targetId: a, parent: a, reverse: true });
    expect(listOf(await all(), null, a)).toEqual([c, a1, b]);
    await ok(`/move/${b}`, { parent: null });
    expect(listOf(await all(), null, null)).toEqual([b, a]);
  });

  it('indents under a task (last child) and unindents after the old parent', async () => {
    const [a, a1, b, c] = await makeTasks(t(), account, [{ children: [{}] }, {}, {}]);
    await ok(`/move/${b}`, { operation: 'indent', parent: a, targetId: a });
    let tasks = await all();
    expect(listOf(tasks, null, a)).toEqual([a1, b]);
    await ok(`/move/${a1}`, { operation: 'unindent', parent: null });
    tasks = await all();
    expect(listOf(tasks, null, null)).toEqual([a, a1, c]);
    expect(listOf(tasks, null, a)).toEqual([b]);
  });

  it('applies an opbatch in order; unindented siblings keep their original order after the parent', async () => {
    const [q, x, y, z, r] = await makeTasks(t(), account, [{ children: [{}, {}, {}] }, {}]);
    await ok('/move/0', {
      opbatch: [
        { id: y, operation: 'unindent', parent: null },
        { id: x, operation: 'unindent', parent: null },
      ],
    });
    let tasks = await all();
    expect(listOf(tasks, null, null)).toEqual([q, x, y, r]);
    expect(listOf(tasks, null, q)).toEqual([z]);
    await ok('/move/0', {
      opbatch: [
        { id: x, operation: 'indent', parent: q, targetId: q },
        { id: y, operation: 'indent', parent: q, targetId: q },
      ],
    });
    tasks = await all();
    expect(listOf(tasks, null, q)).toEqual([z, x, y]);
  });

  it('moves tasks to another project as roots at the end, whole subtrees included', async () => {
    const p = await makeProject(t(), account);
    const [d] = await makeTasks(t(), account, [{}], { project: p });
    const [a, a1, a11, b] = await makeTasks(t(), account, [{ children: [{ children: [{}] }] }, {}]);
    await ok('/move/0', { operation: 'project', project: p, batch: [a, b] });
    const tasks = await all();
    expect(listOf(tasks, p, null)).toEqual([d, a, b]);
    expect(tasks.filter((x) => x.project === p).map((x) => x.id)).toEqual([d, a, a1, a11, b]);
    await ok(`/move/${a1}`, { operation: 'project', project: 0 });
    expect(listOf(await all(), null, null)).toEqual([a1]);
  });

  it('refuses cycles, overlaps, mismatches and missing tasks, and changes nothing', async () => {
    const p = await makeProject(t(), account);
    const [other] = await makeTasks(t(), account, [{}], { project: p });
    const [a, a1, a11, b] = await makeTasks(t(), account, [{ children: [{ children: [{}] }] }, {}]);
    const stranger = await t().newAccount();
    const [foreign] = await makeTasks(t(), stranger, [{}]);
    const before = await snapshotAccount(t(), account.id);
    const cases: Array<[string, unknown, number, string]> = [
      [`/move/${a}`, { operation: 'indent', parent: a11 }, 409, 'CONFLICT'],
      [`/move/${a}`, { operation: 'indent', parent: a }, 409, 'CONFLICT'],
      [`/move/${a}`, { targetId: a11, parent: a11 }, 409, 'CONFLICT'],
      [`/move/${a}`, { targetId: a1 }, 409, 'CONFLICT'],
      [`/move/${a}`, { parent: a1 }, 409, 'CONFLICT'],
      ['/move/0', { targetId: b, batch: [a, a1] }, 409, 'CONFLICT'],
      ['/move/0', { targetId: b, batch: [a, a] }, 400, 'VALIDATION'],
      [`/move/${a}`, { targetId: other }, 409, 'CONFLICT'],
      [`/move/${a}`, { targetId: b, parent: a }, 409, 'CONFLICT'],
      [`/move/${a}`, { operation: 'unindent' }, 409, 'CONFLICT'],
      [`/move/${a1}`, { operation: 'unindent', parent: b }, 409, 'CONFLICT'],
      [`/move/${a}`, { targetId: 999999 }, 404, 'NOT_FOUND'],
      [`/move/${a}`, { targetId: foreign }, 404, 'NOT_FOUND'],
      [`/move/${foreign}`, { targetId: b }, 404, 'NOT_FOUND'],
      [`/move/${a}`, { operation: 'project', project: 999999 }, 404, 'NOT_FOUND'],
      ['/move/0', { operation: 'project', project: p, batch: [a1, a] }, 409, 'CONFLICT'],
      ['/move/0', { operation: 'project', project: p, batch: [a, a11] }, 409, 'CONFLICT'],
      ['/move/0', { operation: 'project', project: p, batch: [b, b] }, 400, 'VALIDATION'],
      [`/move/${a}`, { operation: 'jump' }, 400, 'VALIDATION'],
      ['/move/0', {}, 400, 'VALIDATION'],
      ['/move/0', { batch: [] }, 400, 'VALIDATION'],
      ['/move/x', { targetId: b }, 400, 'VALIDATION'],
      [`/move/${a}`, { id: b, targetId: b }, 400, 'VALIDATION'],
      ['/move/0', { opbatch: [{ id: a, operation: 'project' }] }, 400, 'VALIDATION'],
      // Atomic: the first step is valid, the second fails; neither is applied.
      [
        '/move/0',
        {
          opbatch: [
            { id: b, operation: 'indent', parent: a },
            { id: a, operation: 'indent', parent: b },
          ],
        },
        409,
        'CONFLICT',
      ],
    ];
    for (const [url, body, status, code] of cases) {
      const res = await api.put(url, body);
      expect({ url, body, status: res.statusCode }).toEqual({ url, body, status });
      expectTodoError(res, status, code);
    }
    expect(await snapshotAccount(t(), account.id)).toEqual(before);
  });

  it('keeps positions dense after many moves', async () => {
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: 12 }, () => ({ children: [{}] })),
    );
    const roots = ids.filter((_, i) => i % 2 === 0);
    for (let i = 0; i < roots.length; i++) {
      await ok(`/move/${roots[i]}`, { targetId: roots[(i * 5 + 3) % roots.length], reverse: i % 2 === 0 });
      if (i % 3 === 0)
        await ok(`/move/${roots[i]}`, { operation: 'indent', parent: roots[(i + 1) % roots.length] });
    }
    expect((await storedTasks(t(), account.id)).length).toBe(24);
  });
});
