import type { LightMyRequestResponse } from 'fastify';
import { makeProject, makeTasks, makeUser, treeProblems } from '../../factories/task.factory';
import { spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { expectTodoError, listOf, todoClient, WireTask } from './todo-client';

// Concurrent clones into one project run together in one transaction on MySQL/MariaDB (CloneEngine):
// each keeps its own outcome and the list ends as if they had run one after the other.
describeEachDialect(
  'POST /todo/clone, many at once into one list',
  (t) => {
    let account: TestAccount;
    const api = todoClient(t, () => account);

    beforeEach(async () => {
      account = await t().newAccount();
    });

    it('places every clone as if alone, and a failing one writes nothing and stops no other', async () => {
      const p = await makeProject(t(), account);
      const originals = await makeTasks(
        t(),
        account,
        Array.from({ length: 8 }, (_, i) => ({ text: `o${i}` })),
        { project: p },
      );
      const user = await makeUser(t(), account);
      const clones = Array.from({ length: 30 }, (_, i) => ({
        i,
        target: originals[(i * 5) % originals.length],
        reverse: i % 3 === 0,
        // 17 fails its people check (before any lock), 23 its placement (under the lock).
        bad: i === 17 || i === 23,
      }));
      const statements = spyStatements(t());
      let results: Array<{ res: LightMyRequestResponse; map: Record<string, number> }> = [];
      let commits = 0;
      try {
        const sqls = await statements.matching(async () => {
          results = await Promise.all(
            clones.map(async (c) => {
              const batch = [
                { id: `r${c.i}`, text: `clone ${c.i}`, assigned: c.i === 17 ? [999999999] : [user] },
                { id: `k${c.i}`, parent: `r${c.i}`, text: `child ${c.i}` },
                { id: `s${c.i}`, text: `clone ${c.i} second` },
              ];
              const res = await api.post('/clone', {
                targetId: c.target,
                reverse: c.reverse,
                ...(c.i === 23 ? { parent: originals[0] } : {}),
                batch,
              });
              return { res, map: res.statusCode === 200 ? res.json() : {} };
            }),
          );
        }, ['COMMIT']);
        commits = sqls.length;
      } finally {
        statements.restore();
      }
      if (t().dialect === 'mysql') expect(commits).toBeLessThan(clones.length);

      expectTodoError(results[17].res, 404, 'NOT_FOUND');
      expectTodoError(results[23].res, 409, 'CONFLICT');
      const tasks = await api.json<WireTask[]>(`/tasks/projects/${p}`);
      expect(tasks.filter((x) => /^clone (17|23)\b/.test(x.text))).toEqual([]);
      expect(tasks).toHaveLength(originals.length + 28 * 3);
      expect(await treeProblems(t(), account.id)).toEqual([]);

      const roots = listOf(tasks, p, null);
      // The originals keep their order; every clone's two roots sit together, its child under the first.
      expect(roots.filter((id) => originals.includes(id))).toEqual(originals);
      const owner = new Map<number, number>();
      for (const c of clones) {
        if (c.bad) continue;
        expect(results[c.i].res.statusCode).toBe(200);
        const { [`r${c.i}`]: r, [`k${c.i}`]: k, [`s${c.i}`]: s } = results[c.i].map;
        expect(roots.indexOf(s)).toBe(roots.indexOf(r) + 1);
        expect(tasks.find((x) => x.id === k)!.parent).toBe(r);
        owner.set(r, c.i).set(s, c.i);
      }
      for (const c of clones) {
        if (c.bad) continue;
        const { [`r${c.i}`]: r, [`s${c.i}`]: s } = results[c.i].map;
        expectOnlyItsNeighboursBetween(roots, c, [r, s], (id) => clones[owner.get(id) ?? -1]);
      }
    });

    it('places each clone of a group spread over several sibling lists as if alone', async () => {
      const p = await makeProject(t(), account);
      const originals = await makeTasks(
        t(),
        account,
        Array.from({ length: 4 }, (_, i) => ({ text: `o${i}`, children: [{}, {}, {}] })),
        { project: p },
      );
      const clones = Array.from({ length: 24 }, (_, i) => ({
        i,
        target: originals[(i * 7) % originals.length],
        reverse: i % 2 === 0,
      }));
      const statements = spyStatements(t());
      let results: Array<{ a: number; b: number }> = [];
      let commits = 0;
      try {
        const sqls = await statements.matching(async () => {
          results = await Promise.all(
            clones.map(async (c) => {
              const res = await api.post('/clone', {
                targetId: c.target,
                reverse: c.reverse,
                batch: [
                  { id: 'a', text: `clone ${c.i}` },
                  { id: 'b', text: `clone ${c.i} second` },
                ],
              });
              expect(res.statusCode).toBe(200);
              return res.json() as { a: number; b: number };
            }),
          );
        }, ['COMMIT']);
        commits = sqls.length;
      } finally {
        statements.restore();
      }
      // Groups, none of which fell back to running its members one by one.
      if (t().dialect === 'mysql') expect(commits).toBeLessThan(clones.length / 2);
      const tasks = await api.json<WireTask[]>(`/tasks/projects/${p}`);
      expect(tasks).toHaveLength(originals.length + 2 * clones.length);
      expect(await treeProblems(t(), account.id)).toEqual([]);
      const parentOf = new Map(tasks.map((x) => [x.id, x.parent]));
      const owner = new Map(results.flatMap((r, i) => [[r.a, i] as const, [r.b, i] as const]));
      for (const c of clones) {
        const list = listOf(tasks, p, parentOf.get(c.target)!);
        expect(list.filter((id) => originals.includes(id))).toEqual(
          originals.filter((id) => parentOf.get(id) === parentOf.get(c.target)),
        );
        const { a, b } = results[c.i];
        expect(list.indexOf(b)).toBe(list.indexOf(a) + 1);
        expectOnlyItsNeighboursBetween(list, c, [a, b], (id) => clones[owner.get(id) ?? -1]);
      }
    });

    it('reads the place of creates placed alike once per group', async () => {
      const p = await makeProject(t(), account);
      const [old] = await makeTasks(t(), account, [{ text: 'old' }], { project: p });
      const statements = spyStatements(t());
      let ids: number[] = [];
      let sent: string[] = [];
      try {
        sent = await statements.matching(async () => {
          const results = await Promise.all(
            Array.from({ length: 12 }, (_, i) => api.post('/tasks', { text: `new ${i}`, project: p })),
          );
          ids = results.map((res) => {
            expect(res.statusCode).toBe(200);
            return res.json<{ id: number }>().id;
          });
        }, ['COMMIT', 'projects']);
      } finally {
        statements.restore();
      }
      const commits = sent.filter((sql) => /^\s*COMMIT/i.test(sql)).length;
      const placeReads = sent.filter((sql) => /\bprojects\b/.test(sql)).length;
      // Where creates run in groups, one read of the project and its list per group, not per create.
      if (t().dialect === 'mysql') expect(commits).toBeLessThan(ids.length);
      expect(placeReads).toBe(commits);
      // Each at the top, above the task that was there.
      const tasks = await api.json<WireTask[]>(`/tasks/projects/${p}`);
      const roots = listOf(tasks, p, null);
      expect(roots.slice(0, ids.length).sort()).toEqual([...ids].sort());
      expect(roots.slice(ids.length)).toEqual([old]);
      expect(await treeProblems(t(), account.id)).toEqual([]);
    });
  },
  // No timed job claims: their COMMITs would count among the clones' (work queued by a commit is
  // still claimed right after it).
  { JOBS_POLL_MS: '0' },
);

interface PlacedClone {
  target: number;
  reverse: boolean;
}

/**
 * Between a clone's roots (`first`..`last` in `list`) and its target, only roots of clones placed
 * against the same target and side: a group places each clone as if it ran alone.
 */
function expectOnlyItsNeighboursBetween(
  list: number[],
  clone: PlacedClone,
  [first, last]: [number, number],
  cloneOf: (id: number) => PlacedClone | undefined,
): void {
  const at = list.indexOf(clone.target);
  const between = clone.reverse
    ? list.slice(list.indexOf(last) + 1, at)
    : list.slice(at + 1, list.indexOf(first));
  for (const id of between) {
    const other = cloneOf(id);
    expect({ id, target: other?.target, reverse: other?.reverse }).toEqual({
      id,
      target: clone.target,
      reverse: clone.reverse,
    });
  }
}
