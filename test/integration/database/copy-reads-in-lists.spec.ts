import { copySourceRows } from '../../../src/tasks/details/copy-sources.table';
import { makeTasks, makeUser } from '../../factories/task.factory';
import { describeEachDialect } from '../../support/test-app';

// A copy reads the rows around its tasks 1,000 task ids at a time (copySourceRows, and the chunked
// reads of the clone engine), in the transaction that has just written rows of the same tables,
// whose statistics are then far behind. MariaDB estimated an IN list of 200 values or more from
// those statistics (eq_range_index_dive_limit), and turned one of 1,000 or more into a join with a
// table of the values (in_predicate_conversion_threshold): either way it scanned whole tables, so
// large copies grew slower as the database grew. Every connection of the pool now counts in the
// index and keeps IN lists as they are (src/database/bounded-mysql.ts); and ids that run
// consecutively, as a copy's do, are named as ranges, which the optimizer plans with one index dive
// each instead of one per value (amongIds, src/database/sql.ts).
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
          // A file on every 50th comment: `comment_id` is then mostly NULL, as in a real database.
          await m.query(
            `INSERT INTO attachments (account_id, comment_id, name, created_at) SELECT account_id, id, 'note.txt', ? FROM comments WHERE account_id = ? AND task_id IN (${part.map(() => '?').join(', ')}) AND MOD(task_id, 50) = 0`,
            [now, accountId, ...part],
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
        const commentFiles = taskIds.filter((id) => id % 50 === 0).length;
        expect(commentFiles).toBeGreaterThan(0);
        expect(read.attachments).toHaveLength(TASKS + commentFiles);
        expect(read.attachments.filter((a) => a.commentId !== null)).toHaveLength(commentFiles);
        expect(read.dependencies).toHaveLength(TASKS);
        expect([...read.subscribers.values()].every((people) => people.length === 1)).toBe(true);
        expect(statements).toHaveLength(1);

        // Ids that are not one run (every other task, then a run): the same rows, by index too.
        const scattered = [
          ...allIds.slice(0, 2 * TASKS).filter((_, k) => k % 2 === 0),
          ...taskIds.slice(0, 10),
        ];
        const some = await copySourceRows(recorded, db.sql, accountId, scattered, all);
        expect(some.todos).toHaveLength(2 * scattered.length);
        expect(some.comments).toHaveLength(scattered.length);
        expect(some.dependencies).toHaveLength(scattered.length);
        expect(new Set(some.todos.map((todo) => todo.taskId))).toEqual(new Set(scattered));
        expect(statements).toHaveLength(3);

        for (const { sql, params } of db.dialect === 'mysql' ? statements : []) {
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
          // The comments' files: the chunk's comments by index, then each one's files by
          // `comment_id`, never a read of every attachment.
          const files = plan.filter((r) => r.table === 'c' || r.table === 'a');
          expect(files.map((r) => ({ table: r.table, type: r.type, index: Boolean(r.key) }))).toEqual([
            { table: 'c', type: 'range', index: true },
            { table: 'a', type: 'ref', index: true },
          ]);
        }
        // The copy's own ids, one run, are one range per part: no list of 1,000 values to plan.
        expect(statements[0].params).toHaveLength(6 + 6 * 2 + 1);
      });
    });
  },
);
