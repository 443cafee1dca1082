import { makeProject, makeTasks, treeProblems } from '../../factories/task.factory';
import { TaskChange, TaskChangeFeed } from '../../../src/tasks/store/task-changes.service';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';
import { spyQueryCalls } from '../../support/statement-spy';
import { listOf, todoClient, WireTask } from './todo-client';

/** Counts the rows that SELECTs answer while `work` runs (every statement through TypeORM). */
function rowsRead(t: TestApp) {
  const spy = spyQueryCalls(t);
  return {
    async during(work: () => Promise<unknown>): Promise<number> {
      spy.mockClear();
      await work();
      let rows = 0;
      for (const result of spy.mock.results) {
        const value: unknown = await (result.value as Promise<unknown>).catch(() => null);
        if (Array.isArray(value)) rows += value.length;
      }
      return rows;
    },
    restore: () => spy.mockRestore(),
  };
}

// Moves and deletes read the tasks they name with their ancestors, the sibling lists they put
// tasks into and the subtrees they delete or move to another project, not whole projects
// (docs/architecture.md#sibling-order).
describeEachDialect('moves and deletes read only what they change', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  jest.setTimeout(120_000);

  it('moves, indents, unindents, deletes and moves to a project in a 2,500-task project', async () => {
    const p = await makeProject(t(), account, 'P');
    const q = await makeProject(t(), account, 'Q');
    // 2,000 roots, the first 5 with 100 children each; in pre-order each root's children follow it.
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: 2000 }, (_, i) => ({
        text: `r${i}`,
        children: i < 5 ? Array.from({ length: 100 }, (_, j) => ({ text: `c${i}.${j}` })) : [],
      })),
      { project: p },
    );
    const root = (i: number) => ids[i < 5 ? i * 101 : 505 + (i - 5)];
    const child = (i: number, j: number) => ids[i * 101 + 1 + j];
    const children = (i: number) => Array.from({ length: 100 }, (_, j) => child(i, j));
    const roots = Array.from({ length: 2000 }, (_, i) => root(i));
    const rows = rowsRead(t());
    const write = async (method: 'PUT' | 'DELETE', url: string, body: unknown) => {
      const read = await rows.during(async () => {
        const res = await api.send(method, url, body);
        expect(res.statusCode).toBe(200);
      });
      // The project is 2,500 rows and its root list 2,000: each write reads the part of a list
      // it puts tasks into (33 tasks), the tasks it names with their ancestors, and a deleted or
      // re-projected subtree (101 tasks).
      expect(read).toBeLessThan(150);
    };
    try {
      await write('PUT', `/move/${root(1500)}`, { targetId: root(10) });
      await write('PUT', `/move/${child(3, 50)}`, { targetId: child(3, 10) });
      await write('PUT', `/move/${child(4, 5)}`, { operation: 'indent', parent: child(4, 4) });
      await write('PUT', `/move/${child(2, 0)}`, { operation: 'unindent', parent: null });
      await write('DELETE', `/tasks/${root(1)}`, {});
      await write('PUT', `/move/${root(0)}`, { operation: 'project', project: q });
      await write('PUT', `/move/${child(3, 99)}`, { targetId: child(3, 0), reverse: true });
      await write('PUT', `/move/${root(1999)}`, { parent: null });
      await write('PUT', `/move/${root(20)}`, { targetId: child(4, 4), parent: child(4, 4) });
    } finally {
      rows.restore();
    }

    const tasks = await api.json<WireTask[]>('/tasks');
    const expectedRoots = roots.filter(
      (id) => ![root(1500), root(1), root(0), root(1999), root(20)].includes(id),
    );
    expectedRoots.splice(expectedRoots.indexOf(root(10)) + 1, 0, root(1500));
    expectedRoots.splice(expectedRoots.indexOf(root(2)) + 1, 0, child(2, 0));
    expectedRoots.unshift(root(1999));
    expect(listOf(tasks, p, null)).toEqual(expectedRoots);
    const moved3 = children(3).filter((id) => id !== child(3, 50) && id !== child(3, 99));
    moved3.splice(moved3.indexOf(child(3, 10)) + 1, 0, child(3, 50));
    moved3.unshift(child(3, 99));
    expect(listOf(tasks, p, root(3))).toEqual(moved3);
    expect(listOf(tasks, p, root(4))).toEqual(children(4).filter((id) => id !== child(4, 5)));
    expect(listOf(tasks, p, child(4, 4))).toEqual([child(4, 5), root(20)]);
    expect(listOf(tasks, p, root(2))).toEqual(children(2).slice(1));
    expect(tasks.some((x) => x.id === root(1) || x.id === child(1, 0))).toBe(false);
    expect(listOf(tasks, q, null)).toEqual([root(0)]);
    expect(listOf(tasks, q, root(0))).toEqual(children(0));
    expect(await treeProblems(t(), account.id)).toEqual([]);
  });

  it('tells each moved task after the task it now follows in a list loaded in part', async () => {
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: 300 }, (_, i) => ({ text: `r${i}` })),
    );
    const changes: TaskChange[] = [];
    t()
      .get(TaskChangeFeed)
      .subscribe({
        interested: (accountId) => accountId === account.id,
        changed: (change) => changes.push(change),
      });
    const res = await api.put(`/move/${ids[10]}`, { targetId: ids[200] });
    expect(res.statusCode).toBe(200);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      kind: 'moved',
      placements: [{ id: ids[10], projectId: null, parentId: null, after: ids[200] }],
    });
  });
});
