import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../../database/database';
import type { TaskDetailsColumns } from '../store/task-content';
import type { SourceAttachment, SourceComment, SourceDependency, SourceTodo } from '../copy/task-copy-plan';

export interface CopyRowKinds {
  todos: boolean;
  comments: boolean;
  attachments: boolean;
  dependencies: boolean;
}
import { LIKE_ESCAPE } from '../../database/sql-like';
import { fromSqlDateTime } from '../../database/sql-time';
import { DEPENDENCY_TYPE } from '../details/task-details.entities';

/**
 * A task as the v2 face reads it: the shared task row, its v2 columns (the same fields the clone
 * engine writes, TaskDetailsColumns) and its first assignee.
 */
export interface TaskRecord extends Omit<TaskDetailsColumns, 'creatorId'> {
  id: number;
  projectId: number | null;
  parentId: number | null;
  position: number;
  title: string;
  closed: boolean;
  closedAt: Date | null;
  dueAt: Date | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  repeatOriginId: number | null;
  taskNumber: number | null;
  typeId: number | null;
  creatorId: number | null;
  templateId: number | null;
  deletedAt: Date | null;
  /** v2's single assignee: the first of the task's assigned people. */
  assigneeId: number | null;
}

export interface TaskCounters {
  todoCount: number;
  openTodoCount: number;
  subtaskCount: number;
  openSubtaskCount: number;
  dependencyCount: number;
  blockingCount: number;
  waitingOnCount: number;
  linkedCount: number;
  todoAssigneeIds: number[];
}

const COLUMNS = [
  'id',
  'project_id',
  'parent_id',
  'position',
  'title',
  'closed',
  'closed_at',
  'due_at',
  'created_at',
  'updated_at',
  'description',
  'private',
  'start_date',
  'due_time',
  'task_list_id',
  'workflow_status_id',
  'placement',
  'initial_estimate',
  'remaining_time',
  'repeat_schedule_id',
  'repeat_on_interval',
  'repeat_on_monthday',
  'repeat_on_weekday',
  'repeat_on_date',
  'repeat_origin_id',
  'tag_list',
  'custom_fields',
  'task_number',
  'type_id',
  'creator_id',
  'template_id',
  'deleted_at',
];

type Row = Record<string, unknown>;

const int = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const json = <T>(v: unknown): T | null =>
  v === null || v === undefined || v === '' ? null : (JSON.parse(String(v)) as T);
const time = (v: unknown) => fromSqlDateTime(v as Date | string | null);

function toRecord(row: Row, assigneeId: number | null): TaskRecord {
  return {
    id: Number(row.id),
    projectId: int(row.project_id),
    parentId: int(row.parent_id),
    position: Number(row.position),
    title: String(row.title),
    closed: Boolean(Number(row.closed)),
    closedAt: time(row.closed_at),
    dueAt: time(row.due_at),
    createdAt: time(row.created_at),
    updatedAt: time(row.updated_at),
    description: str(row.description),
    private: Boolean(Number(row.private)),
    startDate: str(row.start_date),
    dueTime: str(row.due_time),
    taskListId: int(row.task_list_id),
    workflowStatusId: int(row.workflow_status_id),
    placement: int(row.placement),
    initialEstimate: int(row.initial_estimate),
    remainingTime: int(row.remaining_time),
    repeatScheduleId: int(row.repeat_schedule_id),
    repeatOnInterval: int(row.repeat_on_interval),
    repeatOnMonthday: int(row.repeat_on_monthday),
    repeatOnWeekday: json<number[]>(row.repeat_on_weekday),
    repeatOnDate: str(row.repeat_on_date),
    repeatOriginId: int(row.repeat_origin_id),
    tagList: json<string[]>(row.tag_list) ?? [],
    customFields: json<Record<string, unknown>>(row.custom_fields),
    taskNumber: int(row.task_number),
    typeId: int(row.type_id),
    creatorId: int(row.creator_id),
    templateId: int(row.template_id),
    deletedAt: time(row.deleted_at),
    assigneeId,
  };
}

function marks(n: number): string {
  return new Array(n).fill('?').join(', ');
}

const SELECT_CHUNK = 1000;

async function inChunks<T>(ids: number[], read: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += SELECT_CHUNK)
    out.push(...(await read(ids.slice(i, i + SELECT_CHUNK))));
  return out;
}

/**
 * Reads tasks for the v2 face in a fixed number of statements per call, whatever the number of
 * tasks (chunked by 1,000 ids): the rows, their first assignees, their counters, their subtrees.
 */
@Injectable()
export class TaskReadModel {
  constructor(private readonly db: Database) {}

  read<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.read(work);
  }

  /** The named tasks of the account that are not deleted, in the order of `ids`. */
  async getTasks(m: EntityManager, accountId: number, ids: number[]): Promise<TaskRecord[]> {
    const unique = [...new Set(ids)];
    const rows = await inChunks(
      unique,
      (chunk) =>
        m.query(
          `SELECT ${COLUMNS.join(', ')} FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND id IN (${marks(chunk.length)})`,
          [accountId, ...chunk],
        ) as Promise<Row[]>,
    );
    const assignees = await this.firstAssignees(m, accountId, unique);
    const byId = new Map(rows.map((r) => [Number(r.id), toRecord(r, assignees.get(Number(r.id)) ?? null)]));
    return ids.map((id) => byId.get(id)).filter((t): t is TaskRecord => t !== undefined);
  }

  /**
   * A page of task ids. Columns come from the caller's whitelist (never from input); values are
   * bound. Tasks that back a template are left out unless `templates` is true.
   */
  async listTaskIds(
    m: EntityManager,
    accountId: number,
    query: {
      where: TaskFilter;
      order: Array<{ column: string; descending: boolean }>;
      templates: boolean;
      offset: number;
      limit: number;
    },
  ): Promise<{ ids: number[]; total: number }> {
    const params: Array<string | number> = [accountId];
    const clauses = [
      'account_id = ?',
      'deleted_at IS NULL',
      query.templates ? 'template_id IS NOT NULL' : 'template_id IS NULL',
    ];
    if (query.where.operands.length) clauses.push(filterSql(query.where, params));
    const where = clauses.join(' AND ');
    const order = [...query.order.map((o) => `${o.column} ${o.descending ? 'DESC' : 'ASC'}`), 'id ASC'].join(
      ', ',
    );
    const [{ n }] = (await m.query(`SELECT COUNT(*) AS n FROM tasks WHERE ${where}`, params)) as Array<{
      n: number;
    }>;
    const rows = (await m.query(`SELECT id FROM tasks WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`, [
      ...params,
      query.limit,
      query.offset,
    ])) as Array<{ id: number }>;
    return { ids: rows.map((r) => Number(r.id)), total: Number(n) };
  }

  /**
   * The related rows a copy reads, as plain rows of the columns it needs (a 5,000-task copy reads
   * tens of thousands: hydrating them into entities would only make garbage), in id order.
   */
  async copySourceRows(m: EntityManager, accountId: number, taskIds: number[], wanted: CopyRowKinds) {
    const read = (table: string, columns: string, column: string, ids: number[]) =>
      inChunks(
        ids,
        (chunk) =>
          m.query(
            `SELECT ${columns} FROM ${table} WHERE account_id = ? AND ${column} IN (${marks(chunk.length)}) ORDER BY id`,
            [accountId, ...chunk],
          ) as Promise<Row[]>,
      );
    const todos: SourceTodo[] = wanted.todos
      ? (
          await read(
            'todos',
            'id, task_id, description, position, closed_at, due_date, due_time, assignee_id',
            'task_id',
            taskIds,
          )
        ).map((r) => ({
          id: Number(r.id),
          taskId: Number(r.task_id),
          description: String(r.description),
          position: Number(r.position),
          closedAt: time(r.closed_at),
          dueDate: str(r.due_date),
          dueTime: str(r.due_time),
          assigneeId: int(r.assignee_id),
        }))
      : [];
    const comments: SourceComment[] = wanted.comments
      ? (
          await read(
            'comments',
            'id, task_id, body, creator_id, pinned_at, deleted_at, draft, hidden',
            'task_id',
            taskIds,
          )
        ).map((r) => ({
          id: Number(r.id),
          taskId: Number(r.task_id),
          body: String(r.body),
          creatorId: int(r.creator_id),
          pinnedAt: time(r.pinned_at),
          deletedAt: time(r.deleted_at),
          draft: Boolean(Number(r.draft)),
          hidden: Boolean(Number(r.hidden)),
        }))
      : [];
    const attachmentColumns = 'id, task_id, comment_id, name, content_type, size, blob_id';
    const toAttachment = (r: Row): SourceAttachment => ({
      id: Number(r.id),
      taskId: int(r.task_id),
      commentId: int(r.comment_id),
      name: String(r.name),
      contentType: String(r.content_type),
      size: Number(r.size),
      blobId: int(r.blob_id),
    });
    const attachments: SourceAttachment[] = wanted.attachments
      ? [
          ...(await read('attachments', attachmentColumns, 'task_id', taskIds))
            .map(toAttachment)
            .filter((a) => a.commentId === null),
          ...(
            await read(
              'attachments',
              attachmentColumns,
              'comment_id',
              comments.map((c) => c.id),
            )
          ).map(toAttachment),
        ]
      : [];
    const dependencies: SourceDependency[] = wanted.dependencies
      ? (
          await read(
            'task_dependencies',
            'id, task_id, dependent_task_id, type_id, reverse_id',
            'task_id',
            taskIds,
          )
        ).map((r) => ({
          id: Number(r.id),
          taskId: Number(r.task_id),
          dependentTaskId: Number(r.dependent_task_id),
          typeId: Number(r.type_id),
          reverseId: int(r.reverse_id),
        }))
      : [];
    return { todos, comments, attachments, dependencies };
  }

  /** Which of the named tasks of the account exist and are not deleted. */
  async liveTaskIds(m: EntityManager, accountId: number, ids: number[]): Promise<Set<number>> {
    const rows = await inChunks(
      ids,
      (chunk) =>
        m.query(
          `SELECT id FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND id IN (${marks(chunk.length)})`,
          [accountId, ...chunk],
        ) as Promise<Array<{ id: number }>>,
    );
    return new Set(rows.map((r) => Number(r.id)));
  }

  /** Direct subtasks of each task, in sibling order. */
  async childrenOf(m: EntityManager, accountId: number, ids: number[]): Promise<Map<number, number[]>> {
    const rows = await inChunks(
      ids,
      (chunk) =>
        m.query(
          `SELECT id, parent_id FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND parent_id IN (${marks(chunk.length)}) ORDER BY parent_id, position`,
          [accountId, ...chunk],
        ) as Promise<Array<{ id: number; parent_id: number }>>,
    );
    const children = new Map<number, number[]>(ids.map((id) => [id, []]));
    for (const row of rows) children.get(Number(row.parent_id))?.push(Number(row.id));
    return children;
  }

  async counters(m: EntityManager, accountId: number, ids: number[]): Promise<Map<number, TaskCounters>> {
    const counters = new Map<number, TaskCounters>(
      ids.map((id) => [
        id,
        {
          todoCount: 0,
          openTodoCount: 0,
          subtaskCount: 0,
          openSubtaskCount: 0,
          dependencyCount: 0,
          blockingCount: 0,
          waitingOnCount: 0,
          linkedCount: 0,
          todoAssigneeIds: [],
        },
      ]),
    );
    if (ids.length === 0) return counters;
    const todos = await inChunks(
      ids,
      (chunk) =>
        m.query(
          `SELECT task_id, closed_at, assignee_id FROM todos WHERE account_id = ? AND task_id IN (${marks(chunk.length)})`,
          [accountId, ...chunk],
        ) as Promise<Array<{ task_id: number; closed_at: unknown; assignee_id: number | null }>>,
    );
    for (const todo of todos) {
      const c = counters.get(Number(todo.task_id))!;
      c.todoCount++;
      if (todo.closed_at === null) {
        c.openTodoCount++;
        if (todo.assignee_id !== null && !c.todoAssigneeIds.includes(Number(todo.assignee_id))) {
          c.todoAssigneeIds.push(Number(todo.assignee_id));
        }
      }
    }
    const subtasks = await inChunks(
      ids,
      (chunk) =>
        m.query(
          `SELECT parent_id, closed FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND parent_id IN (${marks(chunk.length)})`,
          [accountId, ...chunk],
        ) as Promise<Array<{ parent_id: number; closed: unknown }>>,
    );
    for (const sub of subtasks) {
      const c = counters.get(Number(sub.parent_id))!;
      c.subtaskCount++;
      if (!Number(sub.closed)) c.openSubtaskCount++;
    }
    const dependencies = await inChunks(
      ids,
      (chunk) =>
        m.query(
          `SELECT task_id, type_id FROM task_dependencies WHERE account_id = ? AND task_id IN (${marks(chunk.length)})`,
          [accountId, ...chunk],
        ) as Promise<Array<{ task_id: number; type_id: number }>>,
    );
    for (const dependency of dependencies) {
      const c = counters.get(Number(dependency.task_id))!;
      c.dependencyCount++;
      const type = Number(dependency.type_id);
      if (type === DEPENDENCY_TYPE.blocking) c.blockingCount++;
      else if (type === DEPENDENCY_TYPE.waitingOn) c.waitingOnCount++;
      else c.linkedCount++;
    }
    return counters;
  }

  /** Person ids subscribed to each task. */
  async subscribersOf(m: EntityManager, accountId: number, ids: number[]): Promise<Map<number, number[]>> {
    const rows = await inChunks(
      ids,
      (chunk) =>
        m.query(
          `SELECT task_id, person_id FROM task_subscribers WHERE account_id = ? AND task_id IN (${marks(chunk.length)}) ORDER BY task_id, person_id`,
          [accountId, ...chunk],
        ) as Promise<Array<{ task_id: number; person_id: number }>>,
    );
    const map = new Map<number, number[]>(ids.map((id) => [id, []]));
    for (const row of rows) map.get(Number(row.task_id))?.push(Number(row.person_id));
    return map;
  }

  private async firstAssignees(
    m: EntityManager,
    accountId: number,
    ids: number[],
  ): Promise<Map<number, number>> {
    const rows = await inChunks(
      ids,
      (chunk) =>
        m.query(
          `SELECT task_id, person_id FROM task_assignees WHERE account_id = ? AND position = 0 AND task_id IN (${marks(chunk.length)})`,
          [accountId, ...chunk],
        ) as Promise<Array<{ task_id: number; person_id: number }>>,
    );
    return new Map(rows.map((r) => [Number(r.task_id), Number(r.person_id)]));
  }
}

export interface PersonRecord {
  id: number;
  firstName: string;
  lastName: string;
  email: string | null;
  avatarUrl: string | null;
  color: string | null;
  deactivatedAt: Date | null;
  createdAt: Date | null;
}

export interface ProjectRecord {
  id: number;
  name: string;
  workflowId: number | null;
  /** null: the project never chose, so every task field is enabled. */
  taskCustomFieldsIds: number[] | null;
  createdAt: Date | null;
}

/** A condition on a whitelisted task column; groups nest with and/or (tasks-copy.md §1.2). */
export interface TaskFilter {
  op: 'and' | 'or';
  operands: Array<
    | TaskFilter
    | { column: string; op: '=' | '<>' | 'LIKE' | '>' | '>=' | '<' | '<='; value: string | number | null }
  >;
}

function filterSql(filter: TaskFilter, params: Array<string | number>): string {
  const parts = filter.operands.map((operand) => {
    if ('operands' in operand) return filterSql(operand, params);
    if (operand.value === null) return `${operand.column} IS ${operand.op === '<>' ? 'NOT ' : ''}NULL`;
    params.push(operand.value);
    return `${operand.column} ${operand.op} ?${operand.op === 'LIKE' ? ` ${LIKE_ESCAPE}` : ''}`;
  });
  return `(${parts.join(filter.op === 'or' ? ' OR ' : ' AND ')})`;
}

/**
 * Puts a new task last in its v2 order: its task list's top level, or its siblings under a parent.
 * Call it after the clone engine wrote the task: the engine holds the project's ordering lock until
 * commit, so concurrent copies into the same list cannot take the same place.
 */
export async function placeLast(
  m: EntityManager,
  accountId: number,
  taskId: number,
  scope: { parentId: number | null; taskListId: number },
): Promise<void> {
  // A locking read: on MySQL a plain one would see the transaction's older snapshot, not the
  // copies committed while this one waited for the project lock.
  const locking = m.connection.options.type === 'mysql' ? ' FOR UPDATE' : '';
  const rows = (await m.query(
    (scope.parentId === null
      ? 'SELECT placement FROM tasks WHERE account_id = ? AND task_list_id = ? AND parent_id IS NULL AND id <> ?'
      : 'SELECT placement FROM tasks WHERE account_id = ? AND parent_id = ? AND id <> ?') +
      ` ORDER BY placement DESC LIMIT 1${locking}`,
    [accountId, scope.parentId ?? scope.taskListId, taskId],
  )) as Array<{ placement: number | null }>;
  const last = rows[0]?.placement ?? null;
  await m.query('UPDATE tasks SET placement = ? WHERE id = ? AND account_id = ?', [
    last === null ? 0 : Number(last) + 1,
    taskId,
    accountId,
  ]);
}

/** People and projects of the shared task store, with their v2 columns. */
@Injectable()
export class StoreReadModel {
  constructor(private readonly db: Database) {}

  read<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.read(work);
  }

  /** A page of people or project ids, optionally filtered by one exact column value. */
  async listIds(
    m: EntityManager,
    table: 'people' | 'projects',
    accountId: number,
    filter: { column: 'email' | 'name'; value: string } | null,
    page: { offset: number; limit: number },
  ): Promise<{ ids: number[]; total: number }> {
    const where = `account_id = ?${filter ? ` AND ${filter.column} = ?` : ''}`;
    const params = filter ? [accountId, filter.value] : [accountId];
    const [{ n }] = (await m.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params)) as Array<{
      n: number;
    }>;
    const rows = (await m.query(`SELECT id FROM ${table} WHERE ${where} ORDER BY id LIMIT ? OFFSET ?`, [
      ...params,
      page.limit,
      page.offset,
    ])) as Array<{ id: number }>;
    return { ids: rows.map((r) => Number(r.id)), total: Number(n) };
  }

  async getPeople(m: EntityManager, accountId: number, ids: number[]): Promise<PersonRecord[]> {
    const rows = await inChunks(
      [...new Set(ids)],
      (chunk) =>
        m.query(
          `SELECT id, first_name, last_name, email, avatar_url, color, deactivated_at, created_at FROM people WHERE account_id = ? AND id IN (${marks(chunk.length)}) ORDER BY id`,
          [accountId, ...chunk],
        ) as Promise<Row[]>,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      firstName: String(r.first_name),
      lastName: String(r.last_name ?? ''),
      email: str(r.email),
      avatarUrl: str(r.avatar_url),
      color: str(r.color),
      deactivatedAt: time(r.deactivated_at),
      createdAt: time(r.created_at),
    }));
  }

  async getProjects(m: EntityManager, accountId: number, ids: number[]): Promise<ProjectRecord[]> {
    const rows = await inChunks(
      [...new Set(ids)],
      (chunk) =>
        m.query(
          `SELECT id, name, workflow_id, task_custom_fields_ids, created_at FROM projects WHERE account_id = ? AND id IN (${marks(chunk.length)}) ORDER BY id`,
          [accountId, ...chunk],
        ) as Promise<Row[]>,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      name: String(r.name),
      workflowId: int(r.workflow_id),
      taskCustomFieldsIds: json<number[]>(r.task_custom_fields_ids),
      createdAt: time(r.created_at),
    }));
  }
}
