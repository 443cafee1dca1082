import { postCopy } from '../../factories/jsonapi.factory';
import { largeCopyAttributes, LargeSource, makeLargeSource } from '../../factories/task-tree.factory';
import { faceHeaders } from '../../support/face-requests';
import { spyStatements } from '../../support/statement-spy';
import { describeEachDialect, TestAccount } from '../../support/test-app';

interface DependencyRow {
  id: number;
  task_id: number;
  dependent_task_id: number;
  type_id: number;
  reverse_id: number | null;
}

const REVERSE_TYPE: Record<number, number> = { 1: 2, 2: 1, 3: 3 };

// Dependency pairs take their ids from their counter before they are written, so each row names
// its reverse in its INSERT (src/tasks/details/dependencies.table.ts): copies, one at a time or
// several at once, in their request or as a job, and dependencies created one by one, share the
// counter without giving an id out twice.
describeEachDialect('task dependency pairs: each row names its reverse', (t) => {
  let a: TestAccount;
  let small: LargeSource;
  let chunked: LargeSource;

  beforeAll(async () => {
    a = await t().newAccount();
    small = await makeLargeSource(t(), a, { tasks: 300 });
    // More than one chunk of a copy (COPY_CHUNK_TASKS): its pairs are written after the last one.
    chunked = await makeLargeSource(t(), a, { tasks: 1500 });
  }, 60_000);

  const rows = async (): Promise<DependencyRow[]> =>
    (
      (await t().dataSource.query(
        'SELECT id, task_id, dependent_task_id, type_id, reverse_id FROM task_dependencies WHERE account_id = ?',
        [a.id],
      )) as DependencyRow[]
    ).map((r) => ({
      id: Number(r.id),
      task_id: Number(r.task_id),
      dependent_task_id: Number(r.dependent_task_id),
      type_id: Number(r.type_id),
      reverse_id: r.reverse_id === null ? null : Number(r.reverse_id),
    }));

  /** Every row whose reverse is missing, or does not name it back with its ends swapped and its type reversed. */
  const unpaired = (all: DependencyRow[]): DependencyRow[] => {
    const byId = new Map(all.map((r) => [r.id, r]));
    return all.filter((row) => {
      const reverse = row.reverse_id === null ? undefined : byId.get(row.reverse_id);
      return (
        !reverse ||
        reverse.reverse_id !== row.id ||
        reverse.task_id !== row.dependent_task_id ||
        reverse.dependent_task_id !== row.task_id ||
        reverse.type_id !== REVERSE_TYPE[row.type_id]
      );
    });
  };

  const copy = (source: LargeSource, title: string) =>
    postCopy(
      t(),
      a,
      'tasks',
      largeCopyAttributes(source.tree, source.target, title, {
        copy_open_subtasks: true,
        copy_closed_subtasks: true,
        copy_task_dependencies: true,
      }),
    );

  const createDependency = (taskId: number, dependentTaskId: number) =>
    t().inject({
      method: 'POST',
      url: '/api/v2/task_dependencies',
      headers: faceHeaders('jsonapi', a, true),
      payload: JSON.stringify({
        data: {
          type: 'task_dependencies',
          attributes: { task_id: taskId, dependent_task_id: dependentTaskId, type_id: 3 },
        },
      }),
    });

  /** Polls an asynchronous copy's operation (bounded) until it has ended. */
  const finished = async (operationId: string) => {
    const url = `/api/v2/operations/${operationId}`;
    let res = await t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', a) });
    for (let i = 0; i < 300 && res.statusCode === 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await t().inject({ method: 'GET', url, headers: faceHeaders('jsonapi', a) });
    }
    return res;
  };

  it('writes a copy’s pairs in one INSERT, every row naming its reverse, nothing updated after', async () => {
    const before = new Set((await rows()).map((r) => r.id));
    const spy = spyStatements(t());
    try {
      const statements = await spy.matching(async () => {
        const res = await copy(small, 'Copy one');
        expect(res.statusCode).toBe(201);
        expect(res.json().meta.copy.counts.task_dependencies).toBe(small.tree.dependencyPairs);
      }, ['task_dependencies']);
      const writes = statements.filter((s) =>
        /^(INSERT INTO|UPDATE|DELETE FROM) task_dependencies\b/.test(s),
      );
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(/^INSERT INTO task_dependencies \(id, [^)]*reverse_id/);
    } finally {
      spy.restore();
    }
    const all = await rows();
    const added = all.filter((r) => !before.has(r.id));
    expect(added).toHaveLength(2 * small.tree.dependencyPairs);
    expect(unpaired(all)).toEqual([]);
    // The pair's rows hold consecutive ids, the first one's the forward row as in the source.
    for (const row of added) expect(Math.abs(row.reverse_id! - row.id)).toBe(1);
  });

  it('keeps ids apart and every pair linked under copies and single creates at once', async () => {
    const before = await rows();
    const [first, second, job, ...singles] = await Promise.all([
      copy(small, 'Copy two'),
      copy(small, 'Copy three'),
      copy(chunked, 'Copy of the large tree'),
      ...small.tree.ids.slice(0, 6).map((id, i) => createDependency(id, small.tree.ids[i + 10])),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    for (const single of singles) expect(single.statusCode).toBe(201);
    expect(job.statusCode).toBe(202);
    const done = await finished(job.json().data.id);
    expect(done.statusCode).toBe(303);
    expect(done.json().data.meta.copy.counts.task_dependencies).toBe(chunked.tree.dependencyPairs);

    // A copy of the small tree that reads its source after a single create has committed copies
    // that pair too (both ends are in its subtree): its own count says how many it wrote.
    const copied = [first, second].map((res) => Number(res.json().meta.copy.counts.task_dependencies));
    for (const count of copied) {
      expect(count).toBeGreaterThanOrEqual(small.tree.dependencyPairs);
      expect(count).toBeLessThanOrEqual(small.tree.dependencyPairs + singles.length);
    }
    const all = await rows();
    expect(all).toHaveLength(
      before.length + 2 * (copied[0] + copied[1] + chunked.tree.dependencyPairs + singles.length),
    );
    expect(unpaired(all)).toEqual([]);
    // A single create answers with the pair it wrote.
    for (const single of singles) {
      const data = single.json().data;
      expect(data.relationships.reverse_dependency.data.id).toBe(String(Number(data.id) + 1));
    }
    // The counter stands past every id given out, so that the next pair cannot meet one.
    const [counter] = (await t().dataSource.query(
      "SELECT next_id FROM id_allocators WHERE name = 'task_dependencies'",
    )) as Array<{ next_id: number | string }>;
    expect(Number(counter.next_id)).toBeGreaterThan(Math.max(...all.map((r) => r.id)));
  }, 60_000);
});
