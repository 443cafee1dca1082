import type { TestApp } from './test-app';

/**
 * As if another instance had written: every list revision, content revision and task stamp of the
 * account moves, so every cached list of it is read again.
 */
export async function everyRevisionMoves(t: TestApp, accountId: number): Promise<void> {
  await t.dataSource.query('UPDATE task_list_locks SET revision = revision + 1 WHERE account_id = ?', [
    accountId,
  ]);
  await t.dataSource.query('UPDATE task_content_revisions SET revision = revision + 1 WHERE account_id = ?', [
    accountId,
  ]);
  await t.dataSource.query('UPDATE tasks SET revision = revision + 1 WHERE account_id = ?', [accountId]);
}
