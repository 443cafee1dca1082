import { DropDependenciesByReverseIndex1763801650000 } from '../../../src/database/migrations/1763801650000-drop-dependencies-by-reverse-index';
import { useMigratedDatabase } from '../../support/migrated-database';
import { testDialects } from '../../support/test-database';

// No statement finds a dependency row by `reverse_id` any more: its index goes, and comes back on
// revert; the indexes the copy's links go through stay.
describe.each(testDialects())('the indexes of task_dependencies [%s]', (dialect) => {
  const { source } = useMigratedDatabase(dialect);

  const indexed = async () => {
    const runner = source().createQueryRunner();
    try {
      const table = await runner.getTable('task_dependencies');
      return table!.indices.map((i) => i.columnNames.join(',')).sort();
    } finally {
      await runner.release();
    }
  };

  it('has none by reverse_id after the migrations, and gets it back on revert', async () => {
    expect(await indexed()).toEqual(expect.arrayContaining(['dependent_task_id', 'task_id']));
    expect(await indexed()).not.toContain('reverse_id');
    const runner = source().createQueryRunner();
    try {
      await new DropDependenciesByReverseIndex1763801650000().down(runner);
      expect(await indexed()).toContain('reverse_id');
      await new DropDependenciesByReverseIndex1763801650000().up(runner);
      expect(await indexed()).not.toContain('reverse_id');
    } finally {
      await runner.release();
    }
  });
});
