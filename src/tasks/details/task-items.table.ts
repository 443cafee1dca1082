import type { EntityManager } from 'typeorm';
import { chunks, inChunks, intOrNull, marks, type Queryable, tuples } from '../../database/sql';
import { toSqlDateTime } from '../../database/sql-time';
import type { Comment, Todo } from './task-details.entities';

// `todos`, `comments` and `task_subscribers`: the items a task carries.

// The columns a copy reads (plain rows: a 5,000-task copy reads tens of thousands of them, so
// they are not hydrated into entities).
export type SourceTodo = Pick<
  Todo,
  'id' | 'taskId' | 'description' | 'position' | 'closedAt' | 'dueDate' | 'dueTime' | 'assigneeId'
>;
export type SourceComment = Pick<
  Comment,
  'id' | 'taskId' | 'body' | 'creatorId' | 'pinnedAt' | 'deletedAt' | 'draft' | 'hidden'
>;

/** One row a task's counters count: a todo, a live subtask or a dependency row of the task. */
export type CounterRow =
  | { kind: 'todo'; taskId: number; closed: boolean; assigneeId: number | null }
  | { kind: 'subtask'; taskId: number; closed: boolean }
  | { kind: 'dependency'; taskId: number; typeId: number };

/**
 * What the counters of the given tasks count (v2's task counters): their todos, live subtasks and
 * dependency rows, in one statement per 1,000 tasks (a UNION ALL, each part on its own index);
 * todos in their order.
 */
export async function counterRows(
  m: EntityManager,
  accountId: number,
  taskIds: number[],
): Promise<CounterRow[]> {
  const rows = await inChunks(taskIds, (part) => {
    const list = marks(part.length);
    return m.query(
      `SELECT 't' AS kind, task_id, CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END AS a, assignee_id AS b, position AS pos, id FROM todos WHERE account_id = ? AND task_id IN (${list}) ` +
        `UNION ALL SELECT 's', parent_id, closed, NULL, 0, id FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND parent_id IN (${list}) ` +
        `UNION ALL SELECT 'd', task_id, type_id, NULL, 0, id FROM task_dependencies WHERE account_id = ? AND task_id IN (${list}) ` +
        'ORDER BY kind, task_id, pos, id',
      [accountId, ...part, accountId, ...part, accountId, ...part],
    ) as Promise<Array<{ kind: string; task_id: number; a: unknown; b: number | null }>>;
  });
  return rows.map((r): CounterRow => {
    const taskId = Number(r.task_id);
    if (r.kind === 't')
      return { kind: 'todo', taskId, closed: Number(r.a) === 1, assigneeId: intOrNull(r.b) };
    if (r.kind === 's') return { kind: 'subtask', taskId, closed: Boolean(Number(r.a)) };
    return { kind: 'dependency', taskId, typeId: Number(r.a) };
  });
}

export interface NewTodo {
  taskId: number;
  description: string;
  position: number;
  closed: boolean;
  dueDate: string | null;
  dueTime: string | null;
  assigneeId: number | null;
}

export async function insertTodos(
  m: EntityManager,
  accountId: number,
  todos: NewTodo[],
  now: Date,
): Promise<void> {
  const nowText = toSqlDateTime(now);
  for (const part of chunks(todos, 500)) {
    // One array of values for the statement, no array per row.
    const params: unknown[] = [];
    for (const t of part) {
      params.push(
        accountId,
        t.taskId,
        t.description,
        t.position,
        t.closed ? nowText : null,
        t.dueDate,
        t.dueTime,
        t.assigneeId,
        nowText,
      );
    }
    await m.query(
      `INSERT INTO todos (account_id, task_id, description, position, closed_at, due_date, due_time, assignee_id, created_at) VALUES ${tuples(part.length, 9)}`,
      params,
    );
  }
}

/**
 * Inserts comments on brand-new tasks and answers each one's id, in the order given, read back
 * through `ids` (a manager that answers its statements: `m` may hold its INSERTs for a later
 * statement, StoreWrite.withNext); with null nothing is read back, and the answer is empty. Ids
 * rise in insertion order, so, ordered by task and id, the comments read back pair up with those
 * written ordered by task and source.
 */
export async function insertComments(
  m: EntityManager,
  accountId: number,
  comments: Array<{ taskId: number; body: string; creatorId: number | null; pinnedAt: Date | null }>,
  now: Date,
  ids: Queryable | null,
): Promise<number[]> {
  const nowText = toSqlDateTime(now);
  for (const part of chunks(comments, 500)) {
    const params: unknown[] = [];
    for (const c of part) {
      params.push(
        accountId,
        c.taskId,
        c.body,
        c.creatorId,
        c.pinnedAt ? toSqlDateTime(c.pinnedAt) : null,
        0,
        0,
        nowText,
        nowText,
      );
    }
    await m.query(
      `INSERT INTO comments (account_id, task_id, body, creator_id, pinned_at, draft, hidden, created_at, updated_at) VALUES ${tuples(part.length, 9)}`,
      params,
    );
  }
  if (comments.length === 0 || !ids) return [];
  const taskIds = [...new Set(comments.map((c) => c.taskId))];
  const created: Array<{ id: number; task_id: number }> = [];
  for (const part of chunks(taskIds)) {
    created.push(
      ...((await ids.query(
        `SELECT id, task_id FROM comments WHERE account_id = ? AND task_id IN (${marks(part.length)})`,
        [accountId, ...part],
      )) as Array<{ id: number; task_id: number }>),
    );
  }
  created.sort((a, b) => Number(a.task_id) - Number(b.task_id) || Number(a.id) - Number(b.id));
  return created.map((c) => Number(c.id));
}

/** Person ids subscribed to each task. */
export async function subscribersOf(
  m: EntityManager,
  accountId: number,
  taskIds: number[],
): Promise<Map<number, number[]>> {
  const rows = await inChunks(
    taskIds,
    (part) =>
      m.query(
        `SELECT task_id, person_id FROM task_subscribers WHERE account_id = ? AND task_id IN (${marks(part.length)}) ORDER BY task_id, person_id`,
        [accountId, ...part],
      ) as Promise<Array<{ task_id: number; person_id: number }>>,
  );
  const map = new Map<number, number[]>(taskIds.map((id) => [id, []]));
  for (const row of rows) map.get(Number(row.task_id))?.push(Number(row.person_id));
  return map;
}

export async function insertSubscribers(
  m: EntityManager,
  accountId: number,
  rows: Array<{ taskId: number; personId: number }>,
): Promise<void> {
  // Three integers a row: 2,000 rows make a small statement (and 6,000 parameters, well within SQLite's).
  for (const part of chunks(rows, 2000)) {
    const params: unknown[] = [];
    for (const s of part) params.push(s.taskId, s.personId, accountId);
    await m.query(
      `INSERT INTO task_subscribers (task_id, person_id, account_id) VALUES ${tuples(part.length, 3)}`,
      params,
    );
  }
}

/** Makes `people` (duplicates dropped) the task's subscribers. */
export async function replaceSubscribers(
  m: EntityManager,
  accountId: number,
  taskId: number,
  people: number[],
): Promise<void> {
  await m.query('DELETE FROM task_subscribers WHERE account_id = ? AND task_id = ?', [accountId, taskId]);
  await insertSubscribers(
    m,
    accountId,
    [...new Set(people)].map((personId) => ({ taskId, personId })),
  );
}
