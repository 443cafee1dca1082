import { makeProject, makeTasks } from '../../factories/task.factory';
import { rootListEnd } from '../../../src/tasks/store/tasks.table';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// A copy into a project's root list reads, under the project's ordering lock, the project, the
// list's last order key and the task list's last v2 placement in one statement (rootListEnd).
// Its transaction's snapshot may be older than the lock: what committed in between must be seen,
// or two copies would take the same key or place.
describeEachDialect('rootListEnd', (t) => {
  let account: TestAccount;

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('sees the last key and placement committed after its snapshot, and a missing project', async () => {
    const { db } = t();
    const project = await makeProject(t(), account);
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: 3 }, () => ({})),
      { project },
    );
    const listId = 77;
    await db.dataSource.query('UPDATE tasks SET task_list_id = ?, placement = id - ? WHERE account_id = ?', [
      listId,
      ids[0],
      account.id,
    ]);
    const [{ top }] = (await db.dataSource.query(
      'SELECT MAX(sort_key) AS top FROM tasks WHERE account_id = ?',
      [account.id],
    )) as Array<{ top: number | string }>;
    await db.transaction(async (m) => {
      // The snapshot (MySQL/MariaDB: REPEATABLE READ, taken by the first read).
      await m.query('SELECT COUNT(*) AS n FROM tasks WHERE account_id = ?', [account.id]);
      // Committed meanwhile, on another connection where there is one (SQLite has one).
      await db.dataSource.query(
        'UPDATE tasks SET sort_key = ?, placement = 41 WHERE account_id = ? AND id = ?',
        [Number(top) + 1000, account.id, ids[0]],
      );
      await expect(rootListEnd(m, db.sql, account.id, project, listId)).resolves.toEqual({
        lastKey: Number(top) + 1000,
        placement: 42,
      });
      await expect(rootListEnd(m, db.sql, account.id, project + 1000, listId)).resolves.toBeUndefined();
    });
  });
});
