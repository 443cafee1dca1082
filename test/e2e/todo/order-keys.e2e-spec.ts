import { makeProject, makeTasks, storedTasks, treeProblems } from '../../factories/task.factory';
import { spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { listOf, todoClient, WireTask } from './todo-client';

// Sparse order keys (docs/architecture.md#sibling-order): pastes into a long list take keys in
// their gap, renumber a neighbourhood when the gap is full, and never shift the rest of the list.
describeEachDialect(
  'sibling order keys',
  (t) => {
    let account: TestAccount;
    const api = todoClient(t, () => account);

    beforeEach(async () => {
      account = await t().newAccount();
    });

    const paste = async (body: Record<string, unknown>, label: string): Promise<number[]> => {
      const batch = [0, 1, 2].map((k) => ({ id: `${label}.${k}`, text: `${label}.${k}` }));
      const res = await api.post('/clone', { ...body, batch });
      expect(res.statusCode).toBe(200);
      const answer = res.json() as Record<string, number>;
      return batch.map((b) => answer[b.id]);
    };

    jest.setTimeout(240_000);

    it('keeps a 5,000-task list in order while pastes at one spot exhaust its gaps', async () => {
      const p = await makeProject(t(), account);
      const ids = await makeTasks(
        t(),
        account,
        Array.from({ length: 5000 }, (_, i) => ({ text: `o${i}` })),
        { project: p },
      );
      const keysBefore = new Map((await storedTasks(t(), account.id)).map((x) => [x.id, x.key]));
      const expected = [...ids];
      // 24 pastes of 3 right after the first task, then 24 right before the first task (the top
      // of the list): each halves its gap, so both run out many times over.
      for (let i = 0; i < 24; i++) {
        const added = await paste({ targetId: ids[0] }, `a${i}`);
        expected.splice(1, 0, ...added);
      }
      for (let i = 0; i < 24; i++) {
        const added = await paste({ targetId: ids[0], reverse: true }, `b${i}`);
        expected.splice(expected.indexOf(ids[0]), 0, ...added);
      }
      const tasks = await api.json<WireTask[]>('/tasks');
      expect(listOf(tasks, p, null)).toEqual(expected);
      expect(await treeProblems(t(), account.id)).toEqual([]);
      const stored = await storedTasks(t(), account.id);
      const byId = new Map(stored.map((x) => [x.id, x]));
      expect(expected.map((id) => byId.get(id)!.position)).toEqual(expected.map((_, i) => i));
      // Renumbering happened, but only near the spot: the far end of the list kept its keys.
      const moved = ids.filter((id) => byId.get(id)!.key !== keysBefore.get(id));
      expect(moved.length).toBeGreaterThan(0);
      expect(moved.length).toBeLessThan(1000);
      expect(ids.slice(-1000).every((id) => byId.get(id)!.key === keysBefore.get(id))).toBe(true);
    });

    it('orders concurrent pastes into one gap as if one after the other, through renumbering', async () => {
      const p = await makeProject(t(), account);
      const ids = await makeTasks(
        t(),
        account,
        Array.from({ length: 50 }, (_, i) => ({ text: `o${i}` })),
        {
          project: p,
        },
      );
      // Exhaust the gap after the first task first, so that the concurrent ones renumber.
      for (let i = 0; i < 12; i++) await paste({ targetId: ids[0] }, `w${i}`);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          paste({ targetId: i % 2 ? ids[1] : ids[0], reverse: i % 2 === 1 }, `c${i}`),
        ),
      );
      const list = listOf(await api.json<WireTask[]>('/tasks'), p, null);
      // Every paste's three tasks stay together, in their batch order, between the two targets.
      for (const added of results) {
        const at = list.indexOf(added[0]);
        expect(list.slice(at, at + 3)).toEqual(added);
        expect(at).toBeGreaterThan(list.indexOf(ids[0]));
        expect(at).toBeLessThan(list.indexOf(ids[1]));
      }
      expect(await treeProblems(t(), account.id)).toEqual([]);
    });

    it('pastes into a list with the same number of statements whatever its length', async () => {
      const statements = spyStatements(t());
      const count = async (length: number) => {
        const p = await makeProject(t(), account);
        const ids = await makeTasks(
          t(),
          account,
          Array.from({ length }, (_, i) => ({ text: `o${i}` })),
          {
            project: p,
          },
        );
        // Where rows lock, the paste's ids come from the process's block before its transaction
        // (now and then one statement to reserve the next block, whatever the list): not counted.
        return statements.count(
          () => paste({ targetId: ids[0] }, `n${length}`),
          ['tasks', 'task_list_locks', 'id_allocators'],
          /^UPDATE id_allocators\b.*LAST_INSERT_ID/,
        );
      };
      try {
        const short = await count(10);
        expect(await count(3000)).toBe(short);
        expect(await count(100)).toBe(short);
      } finally {
        statements.restore();
      }
    });
  },
  // No timed job claims: on SQLite they would share the statement count of a request.
  { JOBS_POLL_MS: '0' },
);
