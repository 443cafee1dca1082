import { DomainError } from '../../../src/common/domain-error';
import { ListPartFull, planForest, TaskForest } from '../../../src/tasks/store/task-tree';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).code;
  }
  return 'none';
};

describe('planForest', () => {
  it('orders parents first, keeps batch order among siblings, and treats unknown parents as roots', () => {
    const plan = planForest([
      { key: 'c', parentKey: 'b' },
      { key: 'a', parentKey: '12' },
      { key: 'b', parentKey: 'a' },
      { key: 'd', parentKey: null },
      { key: 'e', parentKey: 'a' },
    ]);
    expect(plan.rootCount).toBe(2);
    expect(plan.parent).toEqual([2, -1, 1, -1, 1]);
    expect(plan.position).toEqual([0, 0, 0, 1, 1]);
    const seen = new Set<number>();
    for (const i of plan.order) {
      if (plan.parent[i] >= 0) expect(seen.has(plan.parent[i])).toBe(true);
      seen.add(i);
    }
  });

  it('refuses duplicates, self-parents and cycles', () => {
    expect(
      code(() =>
        planForest([
          { key: 'a', parentKey: null },
          { key: 'a', parentKey: null },
        ]),
      ),
    ).toBe('TASK_DUPLICATE_ID');
    expect(code(() => planForest([{ key: 'a', parentKey: 'a' }]))).toBe('TASK_CYCLE');
    expect(
      code(() =>
        planForest([
          { key: 'r', parentKey: null },
          { key: 'a', parentKey: 'b' },
          { key: 'b', parentKey: 'a' },
        ]),
      ),
    ).toBe('TASK_CYCLE');
  });

  it('handles a 100,000-deep chain without recursion', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({
      key: `k${i}`,
      parentKey: i ? `k${i - 1}` : null,
    }));
    expect(planForest(items.reverse()).rootCount).toBe(1);
  });

  it('orders random forests breadth-first from the roots, siblings in batch order', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 50; round++) {
      const n = 1 + random(300);
      // Each item's parent is an earlier key, a key nobody has (a root) or none; then shuffled.
      const items = Array.from({ length: n }, (_, i) => ({
        key: `k${i}`,
        parentKey: i === 0 || random(4) === 0 ? (random(2) ? null : 'nobody') : `k${random(i)}`,
      }));
      for (let i = n - 1; i > 0; i--) {
        const j = random(i + 1);
        [items[i], items[j]] = [items[j], items[i]];
      }
      // The reference: an array of children per item, walked breadth-first.
      const index = new Map(items.map((item, i) => [item.key, i]));
      const children = items.map(() => [] as number[]);
      const roots: number[] = [];
      items.forEach((item, i) => {
        const p = item.parentKey === null ? undefined : index.get(item.parentKey);
        if (p === undefined) roots.push(i);
        else children[p].push(i);
      });
      const order = [...roots];
      for (let head = 0; head < order.length; head++) order.push(...children[order[head]]);
      const plan = planForest(items);
      expect(plan.order).toEqual(order);
      expect(plan.rootCount).toBe(roots.length);
      for (const [p, kids] of children.entries())
        kids.forEach((k, at) => expect([plan.parent[k], plan.position[k]]).toEqual([p, at]));
      roots.forEach((r, at) => expect([plan.parent[r], plan.position[r]]).toEqual([-1, at]));
    }
  });
});

describe('TaskForest', () => {
  const rows = [
    { id: 1, projectId: null, parentId: null, key: 0 },
    { id: 2, projectId: null, parentId: null, key: 65536 },
    { id: 3, projectId: null, parentId: 1, key: 5 },
    { id: 4, projectId: 7, parentId: null, key: 100 },
  ];

  it('moves a subtree across projects and reports only the rows it writes, at their dense positions', () => {
    const forest = new TaskForest(rows);
    forest.detach(1);
    forest.insert([1], 7, null, 1);
    // Task 2 moves up to position 0 without changing its list or its order: not told.
    expect(forest.changes().sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, projectId: 7, parentId: null, position: 1 },
      { id: 3, projectId: 7, parentId: 1, position: 0 },
    ]);
    expect(forest.isWithin(3, 1)).toBe(true);
    expect(forest.subtree(1)).toEqual([1, 3]);
  });

  it('removes whole subtrees and writes no other key', () => {
    const forest = new TaskForest(rows);
    expect(forest.remove([1]).sort()).toEqual([1, 3]);
    expect(forest.keyChanges()).toEqual([]);
    expect(forest.changes()).toEqual([]);
  });

  it('moves within a list loaded only in part around the moved task (its source)', () => {
    // Only task 2 of the root list is loaded; the destination (task 4's children) whole.
    const forest = new TaskForest([
      { id: 2, projectId: null, parentId: null, key: 65536 },
      { id: 4, projectId: null, parentId: null, key: 131072 },
      { id: 5, projectId: null, parentId: 4, key: 10 },
    ]);
    forest.detach(2);
    forest.insert([2], null, 4, 1);
    expect(forest.changes()).toEqual([{ id: 2, projectId: null, parentId: 4, position: 1 }]);
    expect(forest.keyChanges()).toEqual([{ id: 2, projectId: null, parentId: 4, key: 10 + 65536 }]);
  });

  it('moves into a part of a list: keys stay inside it, positions count from the tasks before it', () => {
    // Keys 100..500 step 100 are the part (bounds 50 and 550); task 9 is far down the same list.
    const part = { projectId: null, parentId: null, lo: 50, hi: 550 };
    const rows = [100, 200, 300, 400, 500].map((key) => ({
      id: key / 100,
      projectId: null,
      parentId: null,
      key,
    }));
    const forest = new TaskForest([...rows, { id: 9, projectId: null, parentId: null, key: 9000 }], [part]);
    forest.detach(9);
    forest.insert([9], null, null, forest.indexOf(2) + 1);
    const keyed = forest.keyChanges();
    expect(keyed).toEqual([{ id: 9, projectId: null, parentId: null, key: 250 }]);
    expect(forest.changes(keyed, new Map([[forest.partsOf(keyed)[0], 40]]))).toEqual([
      { id: 9, projectId: null, parentId: null, position: 42 },
    ]);
  });

  it('asks for the whole list when a part has no room left', () => {
    const part = { projectId: null, parentId: null, lo: 0, hi: 3 };
    const forest = new TaskForest(
      [
        { id: 1, projectId: null, parentId: null, key: 1 },
        { id: 2, projectId: null, parentId: null, key: 2 },
        { id: 9, projectId: null, parentId: 1, key: 0 },
      ],
      [part],
    );
    forest.detach(9);
    forest.insert([9], null, null, 1);
    expect(() => forest.keyChanges()).toThrow(ListPartFull);
  });
});
