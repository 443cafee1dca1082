import { pushTo } from '../../common/group-by';
import { amongIds, inChunks, intOrNull, Queryable } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { fromSqlDateTime } from '../../database/sql-time';
import type { SourceAttachment } from './attachments.table';
import type { SourceDependency } from './dependencies.table';
import type { SourceComment, SourceTodo } from './task-items.table';

// What a copy reads around its source tasks (todos, comments, files, dependencies, subscribers),
// in one statement per 1,000 tasks: a UNION ALL of one indexed read per table, each row tagged
// with its table, in shared columns (integers, texts, times). One round trip instead of five.

/** Which of the tables a copy reads (its flags decide). */
export interface CopySourceParts {
  todos: boolean;
  comments: boolean;
  /** The tasks' files; with `comments` also the files of those tasks' comments. */
  attachments: boolean;
  dependencies: boolean;
  subscribers: boolean;
}

export interface CopySourceRows {
  /** In id order. */
  todos: SourceTodo[];
  /** In id order. */
  comments: SourceComment[];
  /** In id order. */
  attachments: SourceAttachment[];
  /** In id order; each says whether its other end is a live task of the account. */
  dependencies: Array<SourceDependency & { endLive: boolean }>;
  /** Person ids subscribed to each task (every task named, ascending person ids). */
  subscribers: Map<number, number[]>;
}

interface Row {
  kind: string;
  id: unknown;
  task_id: unknown;
  a: unknown;
  b: unknown;
  c: unknown;
  d: unknown;
  s1: unknown;
  s2: unknown;
  s3: unknown;
  t1: unknown;
  t2: unknown;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const time = (v: unknown) => fromSqlDateTime(v as Date | string | null);
const byId = (x: { id: number }, y: { id: number }) => x.id - y.id;

// The shared columns: the table's tag, the row's id and task, four integers, three texts, two times.
const COLUMNS = ['kind', 'id', 'task_id', 'a', 'b', 'c', 'd', 's1', 's2', 's3', 't1', 't2'];

/** One part of the UNION ALL: its values for the shared columns, and its FROM … WHERE. */
interface Part {
  values: string;
  /** `?` for the account, then `<ids>` for the task ids; `<join>` for SqlDialect.joinInOrder. */
  from: string;
  /** The column `<ids>` names. */
  taskColumn: string;
  /** A second account id before the task ids (the comments' files, read from both tables). */
  twoAccounts?: boolean;
}

const FILES = "'a', id, task_id, comment_id, size, blob_id, NULL, name, content_type, NULL, NULL, NULL";
const PARTS: Record<'todos' | 'comments' | 'files' | 'commentFiles' | 'dependencies' | 'subscribers', Part> =
  {
    todos: {
      values:
        "'o', id, task_id, position, assignee_id, NULL, NULL, description, due_date, due_time, closed_at, NULL",
      from: 'todos WHERE account_id = ? AND <ids>',
      taskColumn: 'task_id',
    },
    comments: {
      values: "'c', id, task_id, creator_id, draft, hidden, NULL, body, NULL, NULL, pinned_at, deleted_at",
      from: 'comments WHERE account_id = ? AND <ids>',
      taskColumn: 'task_id',
    },
    files: {
      values: FILES,
      from: 'attachments WHERE account_id = ? AND <ids> AND comment_id IS NULL',
      taskColumn: 'task_id',
    },
    // The chunk's comments first, then their files by `comment_id`: with the tables' statistics
    // behind (that index is mostly NULLs, so it looks unselective), MariaDB read all of
    // `attachments` for an `IN (SELECT …)` of the comments, for every chunk of every copy.
    commentFiles: {
      values:
        "'a', a.id, a.task_id, a.comment_id, a.size, a.blob_id, NULL, a.name, a.content_type, NULL, NULL, NULL",
      from: 'comments c <join> attachments a WHERE a.comment_id = c.id AND a.account_id = ? AND c.account_id = ? AND <ids>',
      taskColumn: 'c.task_id',
      twoAccounts: true,
    },
    dependencies: {
      values:
        "'d', d.id, d.task_id, d.dependent_task_id, d.type_id, d.reverse_id, o.id, NULL, NULL, NULL, NULL, NULL",
      from:
        'task_dependencies d LEFT JOIN tasks o ON o.id = d.dependent_task_id AND o.account_id = d.account_id AND o.deleted_at IS NULL ' +
        'WHERE d.account_id = ? AND <ids>',
      taskColumn: 'd.task_id',
    },
    subscribers: {
      values: "'s', NULL, task_id, person_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
      from: 'task_subscribers WHERE account_id = ? AND <ids>',
      taskColumn: 'task_id',
    },
  };

/**
 * The rows the parts name, of the given tasks: every part is the same indexed read it would be
 * alone (by account and task, a comment's files by comment id, a dependency's other end by
 * primary key), so one statement costs the database what the separate ones did.
 */
export async function copySourceRows(
  m: Queryable,
  sql: SqlDialect,
  accountId: number,
  taskIds: number[],
  wanted: CopySourceParts,
): Promise<CopySourceRows> {
  const parts = [
    wanted.todos && PARTS.todos,
    wanted.comments && PARTS.comments,
    wanted.attachments && PARTS.files,
    wanted.attachments && wanted.comments && PARTS.commentFiles,
    wanted.dependencies && PARTS.dependencies,
    wanted.subscribers && PARTS.subscribers,
  ].filter((p): p is Part => p !== false);
  const out: CopySourceRows = {
    todos: [],
    comments: [],
    attachments: [],
    dependencies: [],
    subscribers: new Map(wanted.subscribers ? taskIds.map((id) => [id, []]) : []),
  };
  if (parts.length === 0) return out;
  const rows = await inChunks(taskIds, (ids) => {
    const params: unknown[] = [];
    const selects = parts.map((part, i) => {
      // Runs of consecutive task ids (a copy's are mostly) as one index range each.
      const among = amongIds(part.taskColumn, ids);
      params.push(accountId, ...(part.twoAccounts ? [accountId] : []), ...among.params);
      // The first part names the shared columns.
      const values =
        i === 0
          ? part.values
              .split(', ')
              .map((v, k) => `${v} AS ${COLUMNS[k]}`)
              .join(', ')
          : part.values;
      const from = part.from.replace('<join>', sql.joinInOrder).replace('<ids>', among.sql);
      return `SELECT ${values} FROM ${from}`;
    });
    return m.query(selects.join(' UNION ALL '), params) as Promise<Row[]>;
  });
  for (const r of rows) addRow(out, r);
  out.todos.sort(byId);
  out.comments.sort(byId);
  out.attachments.sort(byId);
  out.dependencies.sort(byId);
  for (const people of out.subscribers.values()) people.sort((x, y) => x - y);
  return out;
}

function addRow(out: CopySourceRows, r: Row): void {
  const id = Number(r.id);
  const taskId = Number(r.task_id);
  switch (r.kind) {
    case 'o':
      out.todos.push({
        id,
        taskId,
        description: String(r.s1),
        position: Number(r.a),
        closedAt: time(r.t1),
        dueDate: str(r.s2),
        dueTime: str(r.s3),
        assigneeId: intOrNull(r.b),
      });
      return;
    case 'c':
      out.comments.push({
        id,
        taskId,
        body: String(r.s1),
        creatorId: intOrNull(r.a),
        pinnedAt: time(r.t1),
        deletedAt: time(r.t2),
        draft: Boolean(Number(r.b)),
        hidden: Boolean(Number(r.c)),
      });
      return;
    case 'a':
      out.attachments.push({
        id,
        taskId: intOrNull(r.task_id),
        commentId: intOrNull(r.a),
        name: String(r.s1),
        contentType: String(r.s2),
        size: Number(r.b),
        blobId: intOrNull(r.c),
      });
      return;
    case 'd':
      out.dependencies.push({
        id,
        taskId,
        dependentTaskId: Number(r.a),
        typeId: Number(r.b),
        reverseId: intOrNull(r.c),
        endLive: r.d !== null && r.d !== undefined,
      });
      return;
    default:
      pushTo(out.subscribers, taskId, Number(r.a));
  }
}
