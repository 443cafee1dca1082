import { copySourceRows } from '../../../src/tasks/details/copy-sources.table';
import { makeTasks, makeUser } from '../../factories/task.factory';
import { describeEachDialect } from '../../support/test-app';

// A copy reads the rows around its tasks 1,000 task ids at a time (copySourceRows, and the chunked
// reads of the clone engine), in the transaction that has just written rows of the same tables,
// whose statistics are then far behind. MariaDB estimated an IN list of 200 values or more from
// those statistics (eq_range_index_dive_limit), and turned one of 1,000 or more into a join with a
// table of the values (in_predicate_conversion_threshold): either way it scanned whole tables, so
// large copies grew slower as the database grew. Every connection of the pool now counts in the
// index and keeps IN lists as they are (src/database/bounded-mysql.ts).
describeEachDialect(
  'A copy’s 1,000-id reads of related rows inside a transaction that just wrote them',
  (t) => {
    const TASKS = 1000;
    // The tables hold other tasks' rows too, as a database that has seen copies does.
    const ALL_TASKS = 10000;

    it('reads every part by index (MySQL/MariaDB plan) and answers the rows', async () => {
      const { db } = t();
      const account = await t().newAccount();
      const accountId = account.id;
      const person = await makeUser(t(), account);
      const allIds = await makeTasks(
        t(),
        account,
        Array.from({ length: ALL_TASKS }, () => ({})),
      );
      const taskIds = allIds.slice(ALL_TASKS - TASKS);
      await db.transaction(async (m) => {
        const now = '2030-01-01 00:00:00.000';
        for (let i = 0; i < allIds.length; i += 250) {
          const part = allIds.slice(i, i + 250);
          const rows = (n: number) =>
            part.map(() => `(${new Array<string>(n).fill('?').join(', ')})`).join(', ');
          await m.query(
            `INSERT INTO todos (account_id, task_id, description, position, created_at) VALUES ${rows(5)}, ${rows(5)}`,
            [...part, ...part].flatMap((id, k) => [accountId, id, `todo ${k}`, k, now]),
          );
          await m.query(
            `INSERT INTO comments (account_id, task_id, body, created_at, updated_at) VALUES ${rows(5)}`,
            part.flatMap((id) => [accountId, id, 'comment', now, now]),
          );
          await m.query(
            `INSERT INTO attachments (account_id, task_id, name, created_at) VALUES ${rows(4)}`,
            part.flatMap((id) => [accountId, id, 'file.txt', now]),
          );
          await m.query(
            `INSERT INTO task_subscribers (task_id, person_id, account_id) VALUES ${rows(3)}`,
            part.flatMap((id) => [id, person, accountId]),
          );
          await m.query(
            `INSERT INTO task_dependencies (account_id, task_id, dependent_task_id, type_id, created_at) VALUES ${rows(5)}`,
            part.flatMap((id) => [accountId, id, allIds[0], 3, now]),
          );
        }
        const statements: Array<{ sql: string; params: unknown[] }> = [];
        const recorded = {
          query: (sql: string, params: unknown[]) => {
            statements.push({ sql, params });
            return m.query(sql, params);
          },
        } as unknown as typeof m;
        const all = { todos: true, comments: true, attachments: true, dependencies: true, subscribers: true };
        const read = await copySourceRows(recorded, db.sql, accountId, taskIds, all);
        expect(read.todos).toHaveLength(2 * TASKS);
        expect(read.comments).toHaveLength(TASKS);
        expect(read.attachments).toHaveLength(TASKS);
        expect(read.dependencies).toHaveLength(TASKS);
        expect([...read.subscribers.values()].every((people) => people.length === 1)).toBe(true);
        expect(statements).toHaveLength(1);

        if (db.dialect === 'mysql') {
          const { sql, params } = statements[0];
          const plan = (await m.query(`EXPLAIN ${sql}`, params)) as Array<Record<string, unknown>>;
          // No part joins a table of the listed values (MariaDB's IN-list conversion) …
          expect(plan.filter((row) => /^<(derived|subquery)/.test(String(row.table)))).toEqual([]);
          // … and each reads its table by index: the first row of a table is its own part (the
          // comments' files come later, with their own plan).
          for (const table of ['todos', 'comments', 'attachments', 'd', 'task_subscribers']) {
            const row = plan.find((r) => r.table === table);
            expect({ table, type: row?.type, index: Boolean(row?.key) }).toEqual({
              table,
              type: 'range',
              index: true,
            });
          }
          // The comments' files: the listed tasks' comments first, then their files by comment id
          // (never a scan of every file: the comment_id index, mostly NULLs, looks poor to the
          // optimizer).
          expect(plan.filter((r) => r.table === 'f').map((r) => [r.type, Boolean(r.key)])).toEqual([
            ['ref', true],
          ]);
        }
      });
    });
  },
);
