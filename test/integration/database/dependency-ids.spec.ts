import { AllocateDependencyIds1763801720000 } from '../../../src/database/migrations/1763801720000-allocate-dependency-ids';
import { useMigratedDatabase } from '../../support/migrated-database';
import { testDialects } from '../../support/test-database';

// Dependency ids come from a counter row of `id_allocators`, which the migration starts past every
// id in use (a database that has dependencies already), and which its revert removes.
describe.each(testDialects())('the counter of dependency ids [%s]', (dialect) => {
  const { source } = useMigratedDatabase(dialect);

  const counter = async (): Promise<number | undefined> => {
    const [row] = (await source().query(
      "SELECT next_id FROM id_allocators WHERE name = 'task_dependencies'",
    )) as Array<{
      next_id: number | string;
    }>;
    return row === undefined ? undefined : Number(row.next_id);
  };

  it('starts at 1 on an empty table, goes on revert, and starts past the largest id when applied to rows', async () => {
    expect(await counter()).toBe(1);
    const runner = source().createQueryRunner();
    try {
      await new AllocateDependencyIds1763801720000().down(runner);
      expect(await counter()).toBeUndefined();
      // Rows written before the counter (by auto-increment), the largest id 41.
      const now = '2030-01-01 00:00:00';
      await runner.query('INSERT INTO accounts (id, name, created_at) VALUES (1, ?, ?)', ['Acme', now]);
      for (const id of [7, 8]) {
        await runner.query(
          'INSERT INTO tasks (id, account_id, sort_key, title, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?)',
          [id, id, `Task ${id}`, now, now],
        );
      }
      await runner.query(
        'INSERT INTO task_dependencies (id, account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES (40, 1, 7, 8, 1, 41, ?), (41, 1, 8, 7, 2, 40, ?)',
        [now, now],
      );
      await new AllocateDependencyIds1763801720000().up(runner);
      expect(await counter()).toBe(42);
    } finally {
      await runner.release();
    }
  });
});
