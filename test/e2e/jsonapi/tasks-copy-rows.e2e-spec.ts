import { OperationRunner } from '../../../src/operations/operation-runner';
import { COPY_CHUNK_TASKS } from '../../../src/tasks/copy/task-copy-types';
import { makeResource, postCopy } from '../../factories/jsonapi.factory';
import { largeCopyAttributes, LargeSource, makeLargeSource } from '../../factories/task-tree.factory';
import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';

const TASKS = COPY_CHUNK_TASKS + 200;

type Row = Record<string, unknown>;

// The todos, comments and files a copy stores follow the rules (docs/v2.md#task-copy), checked
// here against the source rows themselves (not against the plan's own reading of them), on a
// varied tree: open and closed todos with dates and assignees (one not allowed in the target),
// visible, deleted, draft and hidden comments with files, task files; a copy within its request
// and one of several chunks with dates shifted and an assignee_map.
describeEachDialect(
  'POST /api/v2/tasks/copy: related rows as the rules say',
  (t) => {
    let a: TestAccount;
    let large: LargeSource;
    let member: number;
    let outsider: number;

    beforeAll(async () => {
      a = await t().newAccount();
      large = await makeLargeSource(t(), a, { tasks: TASKS });
      member = Number(await makeResource(t(), a, 'people', { first_name: 'Mia', last_name: 'Member' }));
      outsider = Number(await makeResource(t(), a, 'people', { first_name: 'Otto', last_name: 'Outsider' }));
      await makeResource(t(), a, 'memberships', { project_id: large.target.projectId, person_id: member });
      const q = (sql: string, params: unknown[]) => t().dataSource.query(sql, params);
      const [root] = large.tree.ids;
      await q('UPDATE tasks SET start_date = ? WHERE id = ?', ['2030-03-01', root]);
      // Open todos: every other one due, with a time; assignees the member, the outsider or none.
      await q(
        'UPDATE todos SET due_date = ?, due_time = ? WHERE account_id = ? AND closed_at IS NULL AND MOD(task_id, 2) = 0',
        ['2030-03-06', '09:30', a.id],
      );
      await q('UPDATE todos SET assignee_id = ? WHERE account_id = ? AND MOD(task_id, 3) = 0', [
        member,
        a.id,
      ]);
      await q('UPDATE todos SET assignee_id = ? WHERE account_id = ? AND MOD(task_id, 3) = 1', [
        outsider,
        a.id,
      ]);
      // Every 10th task: a visible comment (pinned, by the member), a deleted, a draft and a
      // hidden one, a file on the visible and on the hidden one, and a file of the task.
      const now = '2030-01-01 00:00:00.000';
      const some = large.tree.ids.filter((id) => id % 10 === 0);
      for (const id of some) {
        for (const [kind, deleted, draft, hidden] of [
          ['visible', null, 0, 0],
          ['deleted', now, 0, 0],
          ['draft', null, 1, 0],
          ['hidden', null, 0, 1],
        ] as const) {
          await q(
            'INSERT INTO comments (account_id, task_id, body, creator_id, pinned_at, draft, hidden, deleted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [
              a.id,
              id,
              `${kind} of ${id}`,
              member,
              kind === 'visible' ? now : null,
              draft,
              hidden,
              deleted,
              now,
              now,
            ],
          );
        }
        await q(
          'INSERT INTO attachments (account_id, task_id, name, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          [a.id, id, `file of ${id}`, 'text/plain', id % 97, now],
        );
      }
      await q(
        "INSERT INTO attachments (account_id, comment_id, name, content_type, size, created_at) SELECT account_id, id, CONCAT('note on ', body), 'text/markdown', 3, ? FROM comments WHERE account_id = ? AND deleted_at IS NULL AND draft = 0",
        [now, a.id],
      );
    }, 120_000);

    const flags = {
      copy_open_subtasks: true,
      copy_closed_subtasks: true,
      copy_open_todos: true,
      copy_closed_todos: true,
      copy_comments: true,
      copy_attachments: true,
      copy_assignee: true,
      copy_date: true,
    };

    /** The rows a copy stored on the copies of `sources`, each keyed by its task's source id. */
    async function storedRows(sources: number[], taskOf: (id: number) => number) {
      const q = async (sql: string, ids: number[]) => {
        const rows: Row[] = [];
        for (let i = 0; i < ids.length; i += 500) {
          const part = ids.slice(i, i + 500);
          rows.push(
            ...((await t().dataSource.query(sql.replace('<ids>', part.map(() => '?').join(', ')), [
              a.id,
              ...part,
            ])) as Row[]),
          );
        }
        return rows;
      };
      const tasks = sources.map(taskOf);
      const back = new Map(sources.map((id) => [taskOf(id), id]));
      const source = (row: Row) => back.get(Number(row.task_id)) ?? Number(row.task_id);
      const todos = await q(
        'SELECT task_id, description, position, closed_at IS NOT NULL AS closed, due_date, due_time, assignee_id FROM todos WHERE account_id = ? AND task_id IN (<ids>) ORDER BY task_id, position, id',
        tasks,
      );
      const comments = await q(
        'SELECT task_id, body, creator_id, pinned_at IS NOT NULL AS pinned, draft, hidden, deleted_at FROM comments WHERE account_id = ? AND task_id IN (<ids>) ORDER BY task_id, id',
        tasks,
      );
      const files = await q(
        'SELECT COALESCE(f.task_id, c.task_id) AS task_id, f.name, f.content_type, f.size, f.blob_id, c.body FROM attachments f LEFT JOIN comments c ON c.id = f.comment_id ' +
          'WHERE f.account_id = ? AND COALESCE(f.task_id, c.task_id) IN (<ids>) ORDER BY f.id',
        tasks,
      );
      const keyed = (rows: Row[]) =>
        rows.map((r) =>
          JSON.stringify({
            ...r,
            task_id: source(r),
            closed: r.closed === undefined ? undefined : Number(r.closed),
            pinned: r.pinned === undefined ? undefined : Number(r.pinned),
            draft: r.draft === undefined ? undefined : Number(r.draft),
            hidden: r.hidden === undefined ? undefined : Number(r.hidden),
            size: r.size === undefined ? undefined : Number(r.size),
          }),
        );
      // In the order of their source tasks (the copies' ids follow the copy's order); within a task, their own.
      const inOrder = (rows: Row[]) => {
        const index = new Map(sources.map((id, i) => [id, i]));
        return rows
          .map((r, k) => ({ r, k }))
          .sort((x, y) => index.get(source(x.r))! - index.get(source(y.r))! || x.k - y.k)
          .map((x) => x.r);
      };
      return {
        todos: keyed(inOrder(todos)),
        comments: keyed(inOrder(comments)),
        files: keyed(inOrder(files)),
      };
    }

    /** What the rules make of the source's rows: the rows the copy must have stored. */
    function expectedRows(
      stored: Awaited<ReturnType<typeof storedRows>>,
      rules: { shiftDays: number; person: (id: number) => number },
    ) {
      const parse = (rows: string[]) => rows.map((r) => JSON.parse(r) as Row);
      const allowed = (p: number) => p === member;
      const todos = parse(stored.todos).map((r) => {
        const assignee = r.assignee_id === null ? null : rules.person(Number(r.assignee_id));
        const due = r.due_date === null ? null : new Date(`${String(r.due_date)}T00:00:00Z`);
        due?.setUTCDate(due.getUTCDate() + rules.shiftDays);
        return JSON.stringify({
          ...r,
          due_date: due ? due.toISOString().slice(0, 10) : null,
          assignee_id: assignee !== null && allowed(assignee) ? assignee : null,
        });
      });
      const comments = parse(stored.comments)
        .filter((r) => r.deleted_at === null && r.draft === 0 && r.hidden === 0)
        .map((r) => JSON.stringify(r));
      const copied = new Set(comments.map((c) => (JSON.parse(c) as Row).body));
      const files = parse(stored.files)
        .filter((r) => r.body === null || copied.has(r.body))
        .map((r) => JSON.stringify(r));
      return { todos, comments, files };
    }

    it('stores, within its request, the rows the rules say', async () => {
      const subtree = large.tree.ids[1];
      const sources = large.tree.ids.filter((_, i) => {
        for (let k: number | null = i; k !== null; k = large.tree.parents[k]) if (k === 1) return true;
        return false;
      });
      const res = await postCopy(t(), a, 'tasks', {
        ...largeCopyAttributes(large.tree, large.target, 'Within', flags),
        template_id: subtree,
      });
      expect(res.statusCode).toBe(201);
      const { counts, skipped, task_id_map: map } = res.json().meta.copy;
      expect(Object.keys(map)).toHaveLength(sources.length);

      const before = await storedRows(sources, (id) => id);
      const after = await storedRows(sources, (id) => Number(map[String(id)]));
      const expected = expectedRows(before, { shiftDays: 0, person: (p) => p });
      expect(after).toEqual(expected);
      expect(counts).toMatchObject({
        todos: expected.todos.length,
        comments: expected.comments.length,
        attachments: expected.files.length,
      });
      // The outsider is not a member of the target: each of their todos is reported.
      const outsiderTodos = (JSON.parse(`[${before.todos.join(',')}]`) as Row[]).filter(
        (r) => Number(r.assignee_id) === outsider,
      );
      expect(skipped.filter((s: Row) => s.kind === 'todo_assignee')).toHaveLength(outsiderTodos.length);
    }, 60_000);

    it('stores, in a copy of several chunks, the rows the rules say, with dates shifted and people mapped', async () => {
      const res = await postCopy(
        t(),
        a,
        'tasks',
        largeCopyAttributes(large.tree, large.target, 'Chunked', {
          ...flags,
          shift_dates_to: '2030-03-11',
          assignee_map: { [outsider]: member },
        }),
      );
      expect(res.statusCode).toBe(202);
      await t().get(OperationRunner).tick();
      const op = await t().inject({
        method: 'GET',
        url: `/api/v2/operations/${res.json().data.id}`,
        headers: faceHeaders('jsonapi', a),
      });
      expect(op.statusCode).toBe(303);
      const { counts, skipped, task_id_map: map } = op.json().data.meta.copy;
      const sources = large.tree.ids;
      expect(Object.keys(map)).toHaveLength(TASKS);

      const before = await storedRows(sources, (id) => id);
      const after = await storedRows(sources, (id) => Number(map[String(id)]));
      const expected = expectedRows(before, { shiftDays: 10, person: (p) => (p === outsider ? member : p) });
      expect(after).toEqual(expected);
      expect(counts).toMatchObject({
        todos: expected.todos.length,
        comments: expected.comments.length,
        attachments: expected.files.length,
      });
      // Every person is mapped to the member, who is allowed: nothing is skipped.
      expect(skipped).toEqual([]);
    }, 120_000);
  },
  { JOBS_CONCURRENCY: '0' },
);
