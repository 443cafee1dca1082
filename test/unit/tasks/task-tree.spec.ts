import { DomainError } from '../../../src/common/domain-error';
import { planForest, TaskForest } from '../../../src/tasks/store/task-tree';

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
});

describe('TaskForest', () => {
  const rows = [
    { id: 1, projectId: null, parentId: null, key: 0 },
    { id: 2, projectId: null, parentId: null, key: 65536 },
    { id: 3, projectId: null, parentId: 1, key: 5 },
    { id: 4, projectId: 7, parentId: null, key: 100 },
  ];

  it('moves a subtree across projects and reports only changed placements', () => {
    const forest = new TaskForest(rows);
    forest.detach(1);
    forest.insert([1], 7, null, 1);
    expect(forest.changes().sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, projectId: 7, parentId: null, position: 1 },
      { id: 2, projectId: null, parentId: null, position: 0 },
      { id: 3, projectId: 7, parentId: 1, position: 0 },
    ]);
    expect(forest.isWithin(3, 1)).toBe(true);
    expect(forest.subtree(1)).toEqual([1, 3]);
  });

  it('removes whole subtrees and compacts', () => {
    const forest = new TaskForest(rows);
    expect(forest.remove([1]).sort()).toEqual([1, 3]);
    expect(forest.changes()).toEqual([{ id: 2, projectId: null, parentId: null, position: 0 }]);
  });
});
