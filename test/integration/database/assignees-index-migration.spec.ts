import { DropAssigneesByAccountIndex1763801740000 } from '../../../src/database/migrations/1763801740000-drop-assignees-by-account-index';
import { useMigratedDatabase } from '../../support/migrated-database';
import { testDialects } from '../../support/test-database';

// `task_assignees` is read by task through its primary key (task_id, person_id) and by person
// through the index by `person_id`; the index by (account_id, task_id) served no read and cost
// every assignment an index entry. Its migration drops it, and its revert puts it back.
describe.each(testDialects())('the assignments without their index by account [%s]', (dialect) => {
  const { source } = useMigratedDatabase(dialect);
  const mysql = dialect === 'mysql';
  const TASKS = 1000;

  const indexes = async (): Promise<string[]> => {
    const rows = (await source().query(
      mysql
        ? "SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'task_assignees'"
        : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'task_assignees'",
    )) as Array<{ name: string }>;
    return rows.map((r) => r.name).sort();
  };

  /** The index each read of assignments by task uses, as the plan names it. */
  const planOf = async (statement: string, params: unknown[]): Promise<string> => {
    if (mysql) {
      const rows = (await source().query(`EXPLAIN ${statement}`, params)) as Array<{
        table: string;
        key: string | null;
      }>;
      return rows
        .filter((r) => r.table === 'a' || r.table === 'task_assignees')
        .map((r) => r.key ?? 'none')
        .join(',');
    }
    const rows = (await source().query(`EXPLAIN QUERY PLAN ${statement}`, params)) as Array<{
      detail: string;
    }>;
    return rows
      .map((r) => r.detail)
      .filter((d) => /task_assignees|\ba\b/.test(d))
      .join(',');
  };

  beforeAll(async () => {
    const now = '2030-01-01 00:00:00.000';
    for (const account of [1, 2]) {
      await source().query('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)', [
        account,
        'a',
        now,
      ]);
      await source().query(
        'INSERT INTO people (id, account_id, first_name, created_at) VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
        [2 * account - 1, account, 'p', now, 2 * account, account, 'q', now],
      );
    }
    // Two accounts' tasks, each with both of its account's people assigned.
    const tasks = Array.from({ length: 2 * TASKS }, (_, i) => ({ id: i + 1, account: i < TASKS ? 1 : 2 }));
    for (let i = 0; i < tasks.length; i += 500) {
      const part = tasks.slice(i, i + 500);
      await source().query(
        `INSERT INTO tasks (id, account_id, sort_key, title, updated_at) VALUES ${part.map(() => "(?, ?, ?, 't', ?)").join(', ')}`,
        part.flatMap((t) => [t.id, t.account, t.id, now]),
      );
      await source().query(
        `INSERT INTO task_assignees (task_id, person_id, account_id, position) VALUES ${part.map(() => '(?, ?, ?, 0), (?, ?, ?, 1)').join(', ')}`,
        part.flatMap((t) => [t.id, 2 * t.account - 1, t.account, t.id, 2 * t.account, t.account]),
      );
    }
    await source().query(mysql ? 'ANALYZE TABLE task_assignees, tasks' : 'ANALYZE');
  });

  it('drops the index, reads assignments by task through the primary key, and puts it back on revert', async () => {
    const byAccount = 'IDX_8c6803d27c2e0efefa603dcb84';
    expect(await indexes()).not.toContain(byAccount);
    const ids = [3, 4, 5, 400, 999];
    const marks = ids.map(() => '?').join(', ');
    // The reads of src/tasks/store (task-reads.table.ts, task-assignees.table.ts) that name tasks.
    const reads: Array<[string, unknown[]]> = [
      [
        `SELECT task_id, person_id FROM task_assignees WHERE account_id = ? AND task_id IN (${marks}) ORDER BY task_id, position`,
        [1, ...ids],
      ],
      [
        `SELECT t.id, a.person_id FROM tasks t LEFT JOIN task_assignees a ON a.task_id = t.id AND a.account_id = t.account_id WHERE t.account_id = ? AND t.id IN (${marks}) ORDER BY t.id, a.position`,
        [1, ...ids],
      ],
      [
        `SELECT r.id, a.person_id FROM (SELECT id FROM tasks WHERE account_id = ? AND id BETWEEN ? AND ? LIMIT 1001) r LEFT JOIN task_assignees a ON a.account_id = ? AND a.task_id = r.id AND a.position = 0 ORDER BY r.id, a.position`,
        [1, 1, 1000, 1],
      ],
      [`DELETE FROM task_assignees WHERE account_id = ? AND task_id IN (${marks})`, [1, ...ids]],
    ];
    for (const [statement, params] of reads) {
      const plan = await planOf(statement, params);
      if (mysql) expect(plan).toBe('PRIMARY');
      else expect(plan).toMatch(/USING (INDEX sqlite_autoindex_task_assignees_1|PRIMARY KEY) \(task_id=\?/);
    }
    // One assignment by task and person: either index whose keys are both columns.
    expect(
      await planOf(
        'DELETE FROM task_assignees WHERE account_id = ? AND task_id = ? AND person_id = ?',
        [1, 5, 2],
      ),
    ).toMatch(
      mysql
        ? /^(PRIMARY|IDX_b51cda844a527f2d6ddd96233b)$/
        : /USING (INDEX sqlite_autoindex_task_assignees_1|PRIMARY KEY) \(task_id=\? AND person_id=\?\)/,
    );

    const runner = source().createQueryRunner();
    try {
      await new DropAssigneesByAccountIndex1763801740000().down(runner);
      expect(await indexes()).toContain(byAccount);
      await new DropAssigneesByAccountIndex1763801740000().up(runner);
      expect(await indexes()).not.toContain(byAccount);
    } finally {
      await runner.release();
    }
    const [{ n }] = (await source().query('SELECT COUNT(*) AS n FROM task_assignees')) as Array<{
      n: number;
    }>;
    expect(Number(n)).toBe(4 * TASKS);
  });
});
