import { makeTasks } from '../../factories/task.factory';
import { describeEachDialect } from '../../support/test-app';

// The copy links each new dependency pair to its reverse with one UPDATE of the table from itself
// (SqlDialect.setFromSameTable), in the transaction that has just inserted the rows. There the
// table's statistics are stale, and MariaDB chose to scan every row of the table for each chunk of
// links: a 100,000-task copy spent most of its database time there.
describeEachDialect('SqlDialect.setFromSameTable inside a transaction that just inserted the rows', (t) => {
  const PAIRS = 3000;

  it('links every row to its match and, on MySQL/MariaDB, looks the matches up by index', async () => {
    const { db } = t();
    const account = await t().newAccount();
    const accountId = account.id;
    const [a, b] = await makeTasks(t(), account, [{}, {}]);
    await db.transaction(async (m) => {
      const now = '2030-01-01 00:00:00.000';
      const forward = Array.from({ length: PAIRS }, () => [accountId, a, b, 1, null, now]);
      for (let i = 0; i < forward.length; i += 500) {
        const part = forward.slice(i, i + 500);
        await m.query(
          `INSERT INTO task_dependencies (account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
          part.flat(),
        );
      }
      const ids = (
        (await m.query(
          'SELECT id FROM task_dependencies WHERE account_id = ? AND reverse_id IS NULL ORDER BY id',
          [accountId],
        )) as Array<{ id: number }>
      ).map((r) => Number(r.id));
      expect(ids).toHaveLength(PAIRS);
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500);
        await m.query(
          `INSERT INTO task_dependencies (account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
          part.flatMap((id) => [accountId, b, a, 2, id, now]),
        );
      }
      const someIds = ids.slice(0, 1000);
      const update = db.sql.setFromSameTable(
        'task_dependencies',
        { column: 'reverse_id', value: 'r.id' },
        'r.reverse_id = t.id',
        `t.id IN (${someIds.map(() => '?').join(', ')})`,
      );
      if (db.dialect === 'mysql') {
        const plan = (await m.query(`EXPLAIN ${update}`, someIds)) as Array<Record<string, unknown>>;
        const matches = plan.find((row) => row.table === 'r');
        expect(matches).toMatchObject({ type: 'ref', key: 'IDX_task_dependencies_reverse' });
      }
      await m.query(update, someIds);
      const linked = (await m.query(
        'SELECT COUNT(*) AS n FROM task_dependencies t JOIN task_dependencies r ON r.id = t.reverse_id AND r.reverse_id = t.id WHERE t.account_id = ? AND t.type_id = 1',
        [accountId],
      )) as Array<{ n: number | string }>;
      expect(Number(linked[0].n)).toBe(someIds.length);
    });
  });
});
