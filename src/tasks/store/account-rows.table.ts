import type { EntityManager } from 'typeorm';
import type { SqlDialect } from '../../database/sql-dialect';

// What `people` and `projects` answer alike: both are keyed by id within an account.

/** Whether the account has row `id` in `table`; `lock`: a locking read (the latest committed row, held). */
export async function accountRowExists(
  m: EntityManager,
  sql: SqlDialect,
  table: 'people' | 'projects',
  accountId: number,
  id: number,
  lock = false,
): Promise<boolean> {
  const rows = await m.query(
    `SELECT id FROM ${table} WHERE account_id = ? AND id = ?${lock ? sql.forUpdate : ''}`,
    [accountId, id],
  );
  return rows.length > 0;
}
