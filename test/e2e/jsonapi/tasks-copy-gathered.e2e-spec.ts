import { OperationRunner } from '../../../src/operations/operation-runner';
import { COPY_CHUNK_TASKS } from '../../../src/tasks/copy/task-copy-types';
import { postCopy } from '../../factories/jsonapi.factory';
import { largeCopyAttributes, LargeSource, makeLargeSource } from '../../factories/task-tree.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { spyQueryCalls } from '../../support/statement-spy';

const TASKS = COPY_CHUNK_TASKS + 200;

// A copy of several chunks writes each chunk's related rows (todos, comments, their files) in one
// text once it has built them all (MySQL/MariaDB), instead of one statement after another, each
// waiting for the event loop to read the answer ahead of it. The copied comments' ids, which their
// files name, are read back in the text that carries the chunk's comments. Its dependency pairs,
// written after every chunk, wait for their ids and name them as numbers.
describeEachDialect(
  'POST /api/v2/tasks/copy: a chunk’s related rows in one text',
  (t) => {
    let a: TestAccount;
    let large: LargeSource;

    beforeAll(async () => {
      a = await t().newAccount();
      large = await makeLargeSource(t(), a, { tasks: TASKS });
      const now = '2030-01-01 00:00:00.000';
      const ids = large.tree.ids;
      // A comment on every task, and a file on the comment of every 100th, in both chunks.
      const m = t().dataSource.manager;
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500);
        await m.query(
          `INSERT INTO comments (account_id, task_id, body, created_at, updated_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          part.flatMap((id) => [a.id, id, `comment of ${id}`, now, now]),
        );
      }
      await m.query(
        `INSERT INTO attachments (account_id, comment_id, name, created_at) SELECT account_id, id, CONCAT('note of ', task_id), ? FROM comments WHERE account_id = ? AND MOD(task_id, 100) = 0`,
        [now, a.id],
      );
    }, 120_000);

    const statements = () => spyQueryCalls(t());

    it('sends a chunk’s todos, comments and files in one text, its files name the copied comments, its pairs numbered ids', async () => {
      const res = await postCopy(
        t(),
        a,
        'tasks',
        largeCopyAttributes(large.tree, large.target, 'Gathered', {
          copy_open_subtasks: true,
          copy_closed_subtasks: true,
          copy_open_todos: true,
          copy_closed_todos: true,
          copy_comments: true,
          copy_attachments: true,
          copy_task_dependencies: true,
        }),
      );
      expect(res.statusCode).toBe(202);
      const spy = statements();
      let texts: string[];
      try {
        await t().get(OperationRunner).tick();
        texts = spy.mock.calls.map((call) => String(call[0]));
      } finally {
        spy.mockRestore();
      }
      const op = await t().inject({
        method: 'GET',
        url: `/api/v2/operations/${res.json().data.id}`,
        headers: faceHeaders('jsonapi', a),
      });
      expect(op.statusCode).toBe(303);
      const count = (text: string, what: string) => text.split(what).length - 1;
      const statementsOf = (what: string) => texts.reduce((n, s) => n + count(s, what), 0);
      const related = texts.filter((s) => /INSERT INTO (todos|comments|attachments) /.test(s));
      // Two todos a task: 2,000 rows for the first chunk, 400 for the second, 500 a statement;
      // a comment a task, 500 a statement; a statement of files per chunk.
      expect(statementsOf('INSERT INTO todos ')).toBe(4 + 1);
      expect(statementsOf('INSERT INTO comments ')).toBe(2 + 1);
      expect(statementsOf('INSERT INTO attachments ')).toBe(2);
      if (t().dialect === 'mysql') {
        // At most two texts a chunk: what was built before the read of the new comments' ids goes
        // in its text, the rest once the chunk is built.
        expect(related.length).toBeGreaterThanOrEqual(2);
        expect(related.length).toBeLessThanOrEqual(4);
        const reads = texts.filter((s) => s.includes('SELECT id, task_id FROM comments'));
        expect(reads.length).toBeGreaterThan(0);
        expect(reads.every((s) => s.includes('INSERT INTO comments '))).toBe(true);
        // The dependency pairs, written last, name their reserved ids as numbers, not as offsets
        // from LAST_INSERT_ID(), which the database takes longer over.
        const pairs = texts.filter((s) => s.includes('INSERT INTO task_dependencies '));
        expect(pairs.length).toBeGreaterThan(0);
        expect(pairs.some((s) => s.includes('LAST_INSERT_ID()'))).toBe(false);
      } else {
        expect(related.length).toBe(5 + 3 + 2);
      }

      const map: Record<string, string> = op.json().data.meta.copy.task_id_map;
      expect(Object.keys(map)).toHaveLength(TASKS);
      const files = (await t().dataSource.query(
        `SELECT f.name, c.task_id, c.body FROM attachments f JOIN comments c ON c.id = f.comment_id JOIN tasks k ON k.id = c.task_id
         WHERE f.account_id = ? AND k.project_id = ?`,
        [a.id, Number(large.target.projectId)],
      )) as Array<{ name: string; task_id: number; body: string }>;
      const expected = large.tree.ids.filter((id) => id % 100 === 0);
      // Every file is on the copy of its source comment, in either chunk.
      expect(files.map((f) => [f.name, Number(f.task_id), f.body]).sort()).toEqual(
        expected.map((id) => [`note of ${id}`, Number(map[String(id)]), `comment of ${id}`]).sort(),
      );
    }, 120_000);
  },
  { JOBS_CONCURRENCY: '0' },
);
