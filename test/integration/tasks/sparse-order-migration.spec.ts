import { SparseTaskOrder1763801400000 } from '../../../src/database/migrations/1763801400000-sparse-task-order';
import { useMigratedDatabase } from '../../support/migrated-database';
import { testDialects } from '../../support/test-database';

// The migration to sparse order keys converts lists stored as dense positions, and back.
describe.each(testDialects())('the sparse order key migration [%s]', (dialect) => {
  const { source } = useMigratedDatabase(dialect, [SparseTaskOrder1763801400000]);

  const migration = () => new SparseTaskOrder1763801400000();

  it('turns each dense position p into (p + 1) × 65,536 and ranks the keys back on revert', async () => {
    await source().query(
      "INSERT INTO accounts (id, name, created_at) VALUES (1, 'a', '2030-01-01 00:00:00.000')",
    );
    // Two lists of one account: five roots (stored out of id order) and three children of root 11.
    const rows: Array<[id: number, parent: number | null, position: number]> = [
      [11, null, 4],
      [12, null, 0],
      [13, null, 3],
      [14, null, 1],
      [15, null, 2],
      [21, 11, 2],
      [22, 11, 0],
      [23, 11, 1],
    ];
    for (const [id, parent, position] of rows) {
      await source().query(
        'INSERT INTO tasks (id, account_id, project_id, parent_id, position, title, closed, collapsed, updated_at, private) ' +
          "VALUES (?, 1, NULL, ?, ?, 't', 0, 0, '2030-01-01 00:00:00.000', 0)",
        [id, parent, position],
      );
    }
    const read = async (column: string) =>
      (
        (await source().query(`SELECT id, ${column} AS k FROM tasks ORDER BY id`)) as Array<{
          id: number;
          k: number | string;
        }>
      ).map((r) => [Number(r.id), Number(r.k)]);
    const runner = source().createQueryRunner();
    try {
      await migration().up(runner);
      expect(await read('sort_key')).toEqual(rows.map(([id, , p]) => [id, (p + 1) * 65_536]));
      // Keys as inserts leave them (sparse, not multiples of the gap) rank back to 0..n-1.
      await source().query('UPDATE tasks SET sort_key = 7 WHERE id = 12');
      await source().query('UPDATE tasks SET sort_key = 100000 WHERE id = 14');
      await migration().down(runner);
    } finally {
      await runner.release();
    }
    expect(await read('position')).toEqual(rows.map(([id, , p]) => [id, p]));
  });
});
