import type { EntityManager } from 'typeorm';
import { insertDependencyPairs } from '../../../src/tasks/details/dependencies.table';
import { makeTasks } from '../../factories/task.factory';
import { describeEachDialect } from '../../support/test-app';

// A copy links each new dependency row to its reverse with UPDATEs of the table from itself
// (SqlDialect.setFromSameTable), in the transaction that has just inserted the rows. There the
// table's statistics are stale: left to them, MariaDB read both sides whole, a nested loop of the
// table by itself (over 5 s for 1,000 pairs in bench/tasks-copy; before that, with a join on
// reverse_id, most of a 100,000-task copy's database time). So the links name their indexes.
describeEachDialect('dependency pairs linked inside the transaction that just inserted them', (t) => {
  const TASKS = 999;

  it('links every row to its reverse, on MySQL/MariaDB through the indexes of the new tasks', async () => {
    const { db } = t();
    const account = await t().newAccount();
    const accountId = account.id;
    const [outside, ...tasks] = await makeTasks(
      t(),
      account,
      Array.from({ length: TASKS + 1 }, () => ({})),
    );
    // A chain through the new tasks (each waits on the one before), and the first waits on an
    // older task: the pairs of a copy of a chain with a dependency outside the copy.
    const pairs = [
      { taskId: tasks[0], dependentTaskId: outside, typeId: 2, outside: true },
      ...tasks.slice(1).map((id, i) => ({ taskId: id, dependentTaskId: tasks[i], typeId: 2 })),
    ];
    await db.transaction(async (m) => {
      const sent: Array<[string, unknown[]]> = [];
      const recording = {
        query: (sql: string, params: unknown[]) => {
          sent.push([sql, params]);
          return m.query(sql, params);
        },
      } as unknown as EntityManager;
      await insertDependencyPairs(recording, db.sql, accountId, pairs, new Date('2030-01-01T00:00:00Z'));
      const links = sent.filter(([sql]) => sql.startsWith('UPDATE'));
      expect(links).toHaveLength(2);
      if (db.dialect === 'mysql') {
        for (const [sql, params] of links) {
          const plan = (await m.query(`EXPLAIN ${sql}`, params)) as Array<Record<string, unknown>>;
          for (const side of ['t', 'r'])
            expect(plan.find((row) => row.table === side)).toMatchObject({
              type: expect.stringMatching(/^(ref|range)$/),
            });
        }
      }
      const rows = (await m.query(
        'SELECT id, task_id, dependent_task_id, type_id, reverse_id FROM task_dependencies WHERE account_id = ?',
        [accountId],
      )) as Array<Record<string, number | string | null>>;
      expect(rows).toHaveLength(2 * pairs.length);
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      for (const row of rows) {
        const reverse = byId.get(Number(row.reverse_id));
        expect(reverse).toBeDefined();
        expect(Number(reverse!.task_id)).toBe(Number(row.dependent_task_id));
        expect(Number(reverse!.dependent_task_id)).toBe(Number(row.task_id));
        expect(Number(reverse!.reverse_id)).toBe(Number(row.id));
        expect(Number(reverse!.type_id)).toBe(Number(row.type_id) === 2 ? 1 : 2);
      }
    });
  });
});
