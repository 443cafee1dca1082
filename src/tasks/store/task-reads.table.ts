import type { EntityManager } from 'typeorm';
import { amongIds, bool, inChunks, intOrNull, marks, SQL_COMPARISONS } from '../../database/sql';
import { containsPattern, LIKE_ESCAPE } from '../../database/sql-like';
import type { SqlDialect } from '../../database/sql-dialect';
import { fromSqlDateTime } from '../../database/sql-time';
import type { RecordFilter, RecordQuery } from '../read/record-query';
import {
  densePositionColumn,
  densePositions,
  placeOf,
  PositionsFrom,
  positionsAmong,
  positionsOf,
} from './dense-positions';
import type { StoredTask, TaskDetailsColumns } from './task-fields';
import { SUBTREE } from './task-subtrees.table';

// The reads of `tasks` rows that the read models make: list outlines and stored tasks (the To Do
// face's lists), task records (the v2 face), pages, subtrees and children.

/** A task's place in the tree, and the stamp of its own fields when asked for. */
export interface OutlineRow {
  id: number;
  projectId: number | null;
  parentId: number | null;
  stamp?: number;
}

/**
 * Every task of one project (a key) or of the account, in the ordering index's order: by project,
 * then parent, then order key, so each sibling list comes in order. Without stamps the ordering
 * index covers the query and no task row is read; no sort in the database either way.
 */
export async function outline(
  m: EntityManager,
  accountId: number,
  projectKey: number | undefined,
  stamps: boolean,
): Promise<OutlineRow[]> {
  const rows = (await m.query(
    `SELECT id, project_key, parent_key${stamps ? ', revision' : ''} FROM tasks WHERE account_id = ?${projectKey === undefined ? '' : ' AND project_key = ?'} ORDER BY project_key, parent_key, sort_key`,
    projectKey === undefined ? [accountId] : [accountId, projectKey],
  )) as Array<{ id: number; project_key: number; parent_key: number; revision?: number | string }>;
  return rows.map((r) => {
    const project = Number(r.project_key);
    const parent = Number(r.parent_key);
    return {
      id: Number(r.id),
      projectId: project === 0 ? null : project,
      parentId: parent === 0 ? null : parent,
      stamp: r.revision === undefined ? undefined : Number(r.revision),
    };
  });
}

interface StoredRow {
  id: number;
  project_id: number | null;
  parent_id: number | null;
  title: string;
  closed: number | boolean;
  collapsed: number | boolean;
  // `YYYY-MM-DD HH:MM:SS.SSS[SSS]` text on both dialects.
  due_at: string | null;
  created_at: string | null;
  closed_at: string | null;
  edited_at: string | null;
  priority: number | null;
  extra: string | null;
  revision: number | string;
  person_id: number | null;
}

/** Stored time text to ISO-8601 UTC with milliseconds, without a Date round trip. */
function iso(value: string | null): string | null {
  return value === null ? null : `${value.slice(0, 10)}T${value.slice(11, 23)}Z`;
}

function toStored(r: StoredRow): StoredTask {
  return {
    id: Number(r.id),
    projectId: r.project_id === null ? null : Number(r.project_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    title: r.title,
    closed: bool(r.closed),
    collapsed: bool(r.collapsed),
    assigned: [],
    dueAt: iso(r.due_at),
    createdAt: iso(r.created_at),
    closedAt: iso(r.closed_at),
    editedAt: iso(r.edited_at),
    priority: r.priority === null ? null : Number(r.priority),
    extra: r.extra ? (JSON.parse(r.extra) as Record<string, unknown>) : null,
  };
}

/** Tasks as list reads give them back, with their stamps: one statement per 1,000 (a row per assignee). */
export async function storedTasks(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  ids: number[],
): Promise<Map<number, { task: StoredTask; stamp: number }>> {
  const out = new Map<number, { task: StoredTask; stamp: number }>();
  const time = (column: string) => sql.timeText(`t.${column}`, column);
  const rows = await inChunks(
    ids,
    (part) =>
      m.query(
        `SELECT t.id, t.project_id, t.parent_id, t.title, t.closed, t.collapsed, ${time('due_at')}, ${time('created_at')}, ${time('closed_at')}, ${time('edited_at')}, t.priority, t.extra, t.revision, a.person_id ` +
          'FROM tasks t LEFT JOIN task_assignees a ON a.task_id = t.id AND a.account_id = t.account_id ' +
          `WHERE t.account_id = ? AND t.id IN (${marks(part.length)}) ORDER BY t.id, a.position`,
        [accountId, ...part],
      ) as Promise<StoredRow[]>,
  );
  for (const r of rows) {
    const id = Number(r.id);
    let read = out.get(id);
    if (!read) out.set(id, (read = { task: toStored(r), stamp: Number(r.revision) }));
    if (r.person_id !== null) read.task.assigned.push(Number(r.person_id));
  }
  return out;
}

/**
 * A task as the v2 face reads it: the shared task row and its v2 columns (the same fields the
 * clone engine writes, TaskDetailsColumns).
 */
export interface TaskRow extends Omit<TaskDetailsColumns, 'creatorId'> {
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
}

const ROW_COLUMNS = `id, project_id, parent_id, project_key, parent_key, sort_key, title, closed, closed_at, due_at, created_at, updated_at, description, private, start_date, due_time, task_list_id, workflow_status_id, placement, initial_estimate, remaining_time, repeat_schedule_id, repeat_on_interval, repeat_on_monthday, repeat_on_weekday, repeat_on_date, repeat_origin_id, tag_list, custom_fields, task_number, type_id, creator_id, template_id, deleted_at`;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const json = <T>(v: unknown): T | null =>
  v === null || v === undefined || v === '' ? null : (JSON.parse(String(v)) as T);
const time = (v: unknown) => fromSqlDateTime(v as Date | string | null);

function toRow(row: Record<string, unknown>, position: number): TaskRow {
  return {
    id: Number(row.id),
    projectId: intOrNull(row.project_id),
    parentId: intOrNull(row.parent_id),
    position,
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
    taskListId: intOrNull(row.task_list_id),
    workflowStatusId: intOrNull(row.workflow_status_id),
    placement: intOrNull(row.placement),
    initialEstimate: intOrNull(row.initial_estimate),
    remainingTime: intOrNull(row.remaining_time),
    repeatScheduleId: intOrNull(row.repeat_schedule_id),
    repeatOnInterval: intOrNull(row.repeat_on_interval),
    repeatOnMonthday: intOrNull(row.repeat_on_monthday),
    repeatOnWeekday: json<number[]>(row.repeat_on_weekday),
    repeatOnDate: str(row.repeat_on_date),
    repeatOriginId: intOrNull(row.repeat_origin_id),
    tagList: json<string[]>(row.tag_list) ?? [],
    customFields: json<Record<string, unknown>>(row.custom_fields),
    taskNumber: intOrNull(row.task_number),
    typeId: intOrNull(row.type_id),
    creatorId: intOrNull(row.creator_id),
    templateId: intOrNull(row.template_id),
    deletedAt: time(row.deleted_at),
  };
}

/** The named tasks of the account that are not deleted (any order), with their dense positions. */
export async function taskRows(m: EntityManager, accountId: number, ids: number[]): Promise<TaskRow[]> {
  const rows = await inChunks(
    [...new Set(ids)],
    (part) =>
      m.query(
        `SELECT ${ROW_COLUMNS} FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND id IN (${marks(part.length)})`,
        [accountId, ...part],
      ) as Promise<Array<Record<string, unknown>>>,
  );
  const positions = await densePositions(m, accountId, rows.map(placeOf));
  return rows.map((row) => toRow(row, positions.get(Number(row.id))!));
}

/** What a large copy holds of every source task (the rest is read a chunk at a time). */
export type TaskShapeRow = Pick<
  TaskRow,
  | 'id'
  | 'parentId'
  | 'position'
  | 'placement'
  | 'closed'
  | 'startDate'
  | 'dueAt'
  | 'taskListId'
  | 'workflowStatusId'
>;

/** The shape of the named live tasks: tree, order, state, dates, list and status, no text. */
export async function taskShapes(
  m: EntityManager,
  accountId: number,
  /** The tasks, or `{ subtree }`: a task and its live descendants, walked and read in one statement. */
  of: number[] | { subtree: number },
  from: PositionsFrom = 'counted',
): Promise<TaskShapeRow[]> {
  const columns = `id, parent_id, project_key, parent_key, sort_key, closed, start_date, due_at, task_list_id, workflow_status_id, placement`;
  const rows = Array.isArray(of)
    ? await inChunks([...new Set(of)], (part) => {
        // A copy's tasks are mostly runs of consecutive ids: one index range each (amongIds).
        const among = amongIds('id', part);
        return m.query(
          `SELECT ${columns} FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND ${among.sql}`,
          [accountId, ...among.params],
        ) as Promise<Array<Record<string, unknown>>>;
      })
    : ((await m.query(
        `${SUBTREE} SELECT ${columns} FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND id IN (SELECT id FROM subtree)`,
        [of.subtree, accountId, accountId, accountId],
      )) as Array<Record<string, unknown>>);
  const positions = await positionsOf(m, accountId, rows.map(placeOf), from);
  return rows.map((row) => ({
    id: Number(row.id),
    parentId: intOrNull(row.parent_id),
    position: positions.get(Number(row.id))!,
    placement: intOrNull(row.placement),
    closed: Boolean(Number(row.closed)),
    startDate: str(row.start_date),
    dueAt: time(row.due_at),
    taskListId: intOrNull(row.task_list_id),
    workflowStatusId: intOrNull(row.workflow_status_id),
  }));
}

// The task properties a query may name, and the column (or expression) each reads.
const QUERY_COLUMNS: Record<string, string> = {
  projectId: 'project_id',
  taskListId: 'task_list_id',
  parentId: 'parent_id',
  workflowStatusId: 'workflow_status_id',
  title: 'title',
  closed: 'closed',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  dueAt: 'due_at',
  placement: 'placement',
  // A task without its own number shows its id as its number, and sorts by it too.
  taskNumber: 'COALESCE(task_number, id)',
};

function column(property: string): string {
  const found = Object.hasOwn(QUERY_COLUMNS, property) ? QUERY_COLUMNS[property] : undefined;
  if (!found) throw new Error(`tasks cannot be queried by ${property}`);
  return found;
}

function filterSql(filter: RecordFilter, params: Array<string | number>): string {
  const parts = filter.operands.map((operand) => {
    if ('operands' in operand) return filterSql(operand, params);
    const target = column(operand.property);
    if (operand.value === null) return `${target} IS ${operand.op === 'not_eq' ? 'NOT ' : ''}NULL`;
    const like = operand.op === 'contains' || operand.op === 'not_contain';
    const value = operand.value;
    params.push(like ? containsPattern(String(value)) : typeof value === 'boolean' ? Number(value) : value);
    return `${target} ${SQL_COMPARISONS[operand.op]} ?${like ? ` ${LIKE_ESCAPE}` : ''}`;
  });
  return `(${parts.join(filter.op === 'or' ? ' OR ' : ' AND ')})`;
}

/**
 * A page of task ids and the count of all that match. Tasks that back a template are left out
 * unless `templates` is true; deleted ones always.
 */
export async function pageOfTaskIds(
  m: EntityManager,
  accountId: number,
  query: RecordQuery & { templates: boolean },
): Promise<{ ids: number[]; total: number }> {
  const params: Array<string | number> = [accountId];
  const clauses = [
    'account_id = ?',
    'deleted_at IS NULL',
    query.templates ? 'template_id IS NOT NULL' : 'template_id IS NULL',
  ];
  if (query.filter?.operands.length) clauses.push(filterSql(query.filter, params));
  const where = clauses.join(' AND ');
  const order = [
    ...(query.order ?? []).map((o) => `${column(o.property)} ${o.descending ? 'DESC' : 'ASC'}`),
    'id ASC',
  ].join(', ');
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

/** Which of the named tasks of the account exist and are not deleted. */
export async function liveTaskIds(m: EntityManager, accountId: number, ids: number[]): Promise<Set<number>> {
  const rows = await inChunks(
    ids,
    (part) =>
      m.query(
        `SELECT id FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND id IN (${marks(part.length)})`,
        [accountId, ...part],
      ) as Promise<Array<{ id: number }>>,
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/** The live direct subtasks of the given tasks, in sibling order, with whether each is closed. */
export async function childRows(
  m: EntityManager,
  accountId: number,
  parentIds: number[],
): Promise<Array<{ id: number; parentId: number; closed: boolean }>> {
  const rows = await inChunks(
    parentIds,
    (part) =>
      m.query(
        `SELECT id, parent_id, closed FROM tasks WHERE account_id = ? AND deleted_at IS NULL AND parent_id IN (${marks(part.length)}) ORDER BY parent_id, sort_key`,
        [accountId, ...part],
      ) as Promise<Array<{ id: number; parent_id: number; closed: unknown }>>,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    parentId: Number(r.parent_id),
    closed: Boolean(Number(r.closed)),
  }));
}

/**
 * The live subtree of `rootId` (none when it is missing or deleted) as taskRowsWithAssigned reads
 * it with positions 'among-read', walk and rows in one statement, when it has at most `limit`
 * tasks; else null, and so too when it has none (the caller tells that apart from a large one). A
 * larger subtree reads no full row: the walk's count is a condition the database decides once,
 * before it reads any.
 */
export async function subtreeRowsWithAssigned(
  m: EntityManager,
  accountId: number,
  rootId: number,
  limit: number,
): Promise<AssignedTaskRow[] | null> {
  const rows = (await m.query(
    `${SUBTREE} SELECT r.*, a.person_id AS assigned_person FROM (SELECT ${ROW_COLUMNS} FROM tasks WHERE account_id = ? AND id IN (SELECT id FROM subtree) AND (SELECT COUNT(*) FROM subtree) <= ${limit}) r ` +
      'LEFT JOIN task_assignees a ON a.account_id = ? AND a.task_id = r.id ORDER BY r.id, a.position',
    [rootId, accountId, accountId, accountId, accountId],
  )) as Array<Record<string, unknown>>;
  if (rows.length === 0) return null;
  const firstRows = rows.filter((row, i) => i === 0 || Number(rows[i - 1].id) !== Number(row.id));
  return foldAssigned(rows, positionsAmong(firstRows.map(placeOf)));
}

/** Whether any task of the account is in this task list (or has this status). */
export async function tasksUse(
  m: EntityManager,
  accountId: number,
  column: 'task_list_id' | 'workflow_status_id',
  id: number,
): Promise<boolean> {
  const found = (await m.query(`SELECT 1 FROM tasks WHERE account_id = ? AND ${column} = ? LIMIT 1`, [
    accountId,
    id,
  ])) as unknown[];
  return found.length > 0;
}

/** A task row with all its assigned people in order, or only the first (v2's assignee). */
export type AssignedTaskRow = TaskRow & { assigned: number[] };

/**
 * The named tasks of the account that are not deleted (any order), each with its assigned people
 * in order (`first`: only the first, v2's assignee), in one statement per 1,000 tasks: the rows
 * joined to their assignees, one row per assignee, folded here.
 */
export async function taskRowsWithAssigned(
  m: EntityManager,
  accountId: number,
  ids: number[],
  first = false,
  positions: PositionsFrom = 'counted',
): Promise<AssignedTaskRow[]> {
  const unique = [...new Set(ids)];
  // One task (a v2 answer, GET /tasks/:id): its position counted in the same statement.
  const inline = positions === 'counted' && unique.length === 1;
  const rows = await inChunks(unique, (part) => {
    // A copy's tasks are mostly runs of consecutive ids: one index range each (amongIds).
    const among = amongIds('id', part);
    return m.query(
      `SELECT r.*, a.person_id AS assigned_person FROM (SELECT ${ROW_COLUMNS}${inline ? `, ${densePositionColumn(m, 't')}` : ''} FROM tasks t WHERE account_id = ? AND deleted_at IS NULL AND ${among.sql}) r ` +
        `LEFT JOIN task_assignees a ON a.account_id = ? AND a.task_id = r.id${first ? ' AND a.position = 0' : ''} ORDER BY r.id, a.position`,
      [...(inline ? [accountId] : []), accountId, ...among.params, accountId],
    ) as Promise<Array<Record<string, unknown>>>;
  });
  const firstRows = rows.filter((row, i) => i === 0 || Number(rows[i - 1].id) !== Number(row.id));
  const dense = inline
    ? new Map(firstRows.map((row) => [Number(row.id), Number(row.dense_position)]))
    : await positionsOf(m, accountId, firstRows.map(placeOf), positions);
  return foldAssigned(rows, dense);
}

/** Rows joined to their assignees (one per assignee, by task), folded into one row per task. */
function foldAssigned(rows: Array<Record<string, unknown>>, dense: Map<number, number>): AssignedTaskRow[] {
  const out: AssignedTaskRow[] = [];
  for (const row of rows) {
    const id = Number(row.id);
    let last = out.at(-1);
    // Completed in place: a spread copy of the row's 33 fields cost several µs a task and made an
    // object that every later read of it was several times slower on.
    if (last?.id !== id)
      out.push((last = Object.assign(toRow(row, dense.get(id)!), { assigned: [] as number[] })));
    if (row.assigned_person !== null) last.assigned.push(Number(row.assigned_person));
  }
  return out;
}
