import { IndexClaimableOperationsByType1763801760000 } from '../../../src/database/migrations/1763801760000-index-claimable-operations-by-type';
import { useMigratedDatabase } from '../../support/migrated-database';
import { testDialects } from '../../support/test-database';

// A claim reads the due PENDING operations of the types it runs, oldest first
// (OperationsService.claim). Under a backlog of pool clones, the claim for the copies (which run
// one by one) must not walk past every waiting clone: by (status, available_at) it read them all
// and found none; by (status, type, available_at) it reads only its own types' rows.
describe.each(testDialects())('the claim reads only its own types [%s]', (dialect) => {
  const { source } = useMigratedDatabase(dialect);
  const mysql = dialect === 'mysql';
  const CLONES = 2000;
  const NEW_INDEX = 'IDX_operations_status_type_available';

  const indexes = async (): Promise<string[]> => {
    const rows = (await source().query(
      mysql
        ? "SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'operations'"
        : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'operations'",
    )) as Array<{ name: string }>;
    return rows.map((r) => r.name).sort();
  };

  // The claim's read of the copies' PENDING operations, as OperationsService.claim sends it (the
  // lock clause left out: EXPLAIN plans the read the same).
  const claimForCopies = [
    "SELECT o.id FROM operations o WHERE o.status = 'PENDING' AND o.available_at <= ? AND o.type IN (?, ?, ?) ORDER BY o.available_at ASC LIMIT 4",
    ['2030-01-01 00:00:00.000', 'TASK.COPY', 'TASK_LIST.COPY', 'PROJECT.COPY'],
  ] as const;

  beforeAll(async () => {
    const at = '2029-01-01 00:00:00.000';
    await source().query('INSERT INTO accounts (id, name, created_at) VALUES (1, ?, ?)', ['a', at]);
    const rows = Array.from({ length: CLONES + 3 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: i < CLONES ? 'POOL.CLONE' : 'TASK.COPY',
    }));
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      await source().query(
        `INSERT INTO operations (id, account_id, type, status, submitted, progress, parameters, attempts, available_at) VALUES ${part.map(() => "(?, 1, ?, 'PENDING', ?, 0, '{}', 0, ?)").join(', ')}`,
        part.flatMap((row) => [row.id, row.type, at, at]),
      );
    }
    await source().query(mysql ? 'ANALYZE TABLE operations' : 'ANALYZE');
  });

  it('reads the copies by (status, type, available_at) past 2,000 waiting clones; revert puts the old index back', async () => {
    expect(await indexes()).toContain(NEW_INDEX);
    const [statement, params] = claimForCopies;
    if (mysql) {
      const [plan] = (await source().query(`EXPLAIN ${statement}`, [...params])) as Array<{
        key: string | null;
        rows: number | string;
      }>;
      expect(plan.key).toBe(NEW_INDEX);
      // The optimizer's estimate of the rows it reads: the three copies, not the clones.
      expect(Number(plan.rows)).toBeLessThan(50);
    } else {
      const plan = (await source().query(`EXPLAIN QUERY PLAN ${statement}`, [...params])) as Array<{
        detail: string;
      }>;
      expect(plan.map((r) => r.detail).join(',')).toContain(
        `USING INDEX ${NEW_INDEX} (status=? AND type=? AND available_at<?)`,
      );
    }
    const found = (await source().query(statement, [...params])) as unknown[];
    expect(found).toHaveLength(3);

    const runner = source().createQueryRunner();
    try {
      await new IndexClaimableOperationsByType1763801760000().down(runner);
      expect(await indexes()).not.toContain(NEW_INDEX);
      await new IndexClaimableOperationsByType1763801760000().up(runner);
      expect(await indexes()).toContain(NEW_INDEX);
    } finally {
      await runner.release();
    }
  });
});
