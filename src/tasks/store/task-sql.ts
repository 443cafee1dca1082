import type { EntityManager } from 'typeorm';
import type { Dialect } from '../../config/database.options';
import { toSqlDateTime } from '../../database/sql-time';
import { Placement, TaskContent, TaskDetailsColumns, wellFormed } from './task-content';
import type { ReadRevisions } from '../read/task-tree-reader';
import { MAX_TASK_ID } from './task-ids';
import { TasksError } from '../tasks.errors';

// Raw SQL of the task store, shared by its services and the clone engine. Values are always bound,
// never spliced into the text; booleans and times are bound as numbers and `YYYY-MM-DD HH:MM:SS.SSS`
// so both drivers accept them. Multi-row statements are chunked so their size stays bounded.

export const INSERT_CHUNK = 1000;
const UPDATE_CHUNK = 500;
export const MAX_LOCK_ATTEMPTS = 5;

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function forUpdate(dialect: Dialect): string {
  return dialect === 'mysql' ? ' FOR UPDATE' : '';
}

function marks(n: number): string {
  return new Array(n).fill('?').join(', ');
}

export function sqlTime(date: Date | null): string | null {
  return date ? toSqlDateTime(date) : null;
}

export function keyOf(id: number | null): number {
  return id ?? 0;
}

/**
 * Takes the ordering locks of the given projects (0 = no project) in ascending order and advances
 * their structure revisions (which the task list cache compares): every structural change to a
 * project's tasks goes through here, and a rolled-back change takes its advance back with it.
 * One upsert both creates a missing lock row and locks an existing one. SQLite runs one writer at
 * a time (Database serializes every unit of work), so there only the revision matters.
 */
export function lockLists(
  m: EntityManager,
  dialect: Dialect,
  accountId: number,
  projectKeys: Iterable<number>,
): Promise<void> {
  return advance(m, dialect, 'task_list_locks', accountId, projectKeys);
}

/**
 * Advances the content revisions of the given projects (0 = no project), in ascending order: the
 * fields of some of their tasks changed, or tasks came in that a reader may have known elsewhere
 * (moved from another project, or a new task under a used id), so readers must compare stamps.
 * Always the last lock a transaction takes, after its ordering locks and task rows: the row is
 * then held only for the commit, and field updates of one project, which all take it, queue only
 * that long.
 */
export function advanceContent(
  m: EntityManager,
  dialect: Dialect,
  accountId: number,
  projectKeys: Iterable<number>,
): Promise<void> {
  return advance(m, dialect, 'task_content_revisions', accountId, projectKeys);
}

async function advance(
  m: EntityManager,
  dialect: Dialect,
  table: 'task_list_locks' | 'task_content_revisions',
  accountId: number,
  projectKeys: Iterable<number>,
): Promise<void> {
  // A key above the INT range of project ids names no project (the caller's existence check says
  // so): there is nothing to lock, and the row would not fit the column.
  const keys = [...new Set(projectKeys)].filter((k) => k <= MAX_TASK_ID).sort((a, b) => a - b);
  if (keys.length === 0) return;
  const rows = keys.map(() => '(?, ?, 1)').join(', ');
  const params = keys.flatMap((k) => [accountId, k]);
  await m.query(
    dialect === 'mysql'
      ? `INSERT INTO ${table} (account_id, project_key, revision) VALUES ${rows} ON DUPLICATE KEY UPDATE revision = revision + 1`
      : `INSERT INTO ${table} (account_id, project_key, revision) VALUES ${rows} ON CONFLICT (account_id, project_key) DO UPDATE SET revision = revision + 1`,
    params,
  );
}

/**
 * The revisions of one kind (`s` structure, `c` content) of the given projects, inside a writer's
 * transaction that has advanced and still locks them: exactly what its commit leaves.
 */
export async function readLockedRevisions(
  m: EntityManager,
  accountId: number,
  kind: 's' | 'c',
  projectKeys: number[],
): Promise<ReadRevisions> {
  const table = kind === 's' ? 'task_list_locks' : 'task_content_revisions';
  const rows = (await m.query(
    `SELECT project_key, revision FROM ${table} WHERE account_id = ? AND project_key IN (${marks(projectKeys.length)})`,
    [accountId, ...projectKeys],
  )) as Array<{ project_key: number; revision: number | string }>;
  return new Map(rows.map((r) => [`${kind}${Number(r.project_key)}`, Number(r.revision)]));
}

/**
 * A fresh revision stamp for task rows whose own fields change (insert, update, assignees). Random
 * rather than counted: a task id can be used again after a delete (POST /todo/tasks with an `id`),
 * and a stamp must never repeat for one id. 52 bits keep it exact as a JavaScript number.
 */
export function newStamp(): number {
  return Math.floor(Math.random() * 2 ** 52) + 1;
}

export interface StructRow {
  id: number;
  projectId: number | null;
  parentId: number | null;
  position: number;
}

function toStruct(r: { id: number; project_id: number | null; parent_id: number | null; position: number }) {
  return {
    id: Number(r.id),
    projectId: r.project_id === null ? null : Number(r.project_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    position: Number(r.position),
  };
}

/** The structure of the named tasks of the account (missing ones are simply absent). */
export async function readStructure(
  m: EntityManager,
  dialect: Dialect,
  accountId: number,
  ids: number[],
  lock: boolean,
): Promise<StructRow[]> {
  const out: StructRow[] = [];
  for (const part of chunks([...new Set(ids)], INSERT_CHUNK)) {
    if (part.length === 0) continue;
    const rows = await m.query(
      `SELECT id, project_id, parent_id, position FROM tasks WHERE account_id = ? AND id IN (${marks(part.length)})${lock ? forUpdate(dialect) : ''}`,
      [accountId, ...part],
    );
    for (const r of rows) out.push(toStruct(r));
  }
  return out;
}

/** Every task of the given projects (0 = no project), locked on MySQL. O(size of the projects). */
export async function loadProjects(
  m: EntityManager,
  dialect: Dialect,
  accountId: number,
  projectKeys: number[],
): Promise<StructRow[]> {
  const keys = [...new Set(projectKeys)];
  if (keys.length === 0) return [];
  const rows = await m.query(
    `SELECT id, project_id, parent_id, position FROM tasks WHERE account_id = ? AND project_key IN (${marks(keys.length)})${forUpdate(dialect)}`,
    [accountId, ...keys],
  );
  return (rows as Parameters<typeof toStruct>[0][]).map(toStruct);
}

/** The length of a sibling list; read FOR UPDATE on MySQL (latest committed, not the snapshot). */
export async function countList(
  m: EntityManager,
  dialect: Dialect,
  accountId: number,
  projectId: number | null,
  parentId: number | null,
): Promise<number> {
  const rows = await m.query(
    `SELECT position FROM tasks WHERE account_id = ? AND project_key = ? AND parent_key = ? ORDER BY position DESC LIMIT 1${forUpdate(dialect)}`,
    [accountId, keyOf(projectId), keyOf(parentId)],
  );
  return rows.length === 0 ? 0 : Number(rows[0].position) + 1;
}

/**
 * Moves the tasks of one sibling list up to make room for inserts: a task at position q moves by
 * the `by` of the last step with `from` ≤ q (steps ascending, `by` increasing; see
 * combineInserts). The unique ordering index is checked row by row on both dialects, so MySQL
 * shifts from the end (UPDATE … ORDER BY position DESC: every task lands above the ones not yet
 * moved) and SQLite goes through distinct negative values first.
 */
export async function shiftList(
  m: EntityManager,
  dialect: Dialect,
  accountId: number,
  projectId: number | null,
  parentId: number | null,
  steps: Array<{ from: number; by: number }>,
): Promise<void> {
  if (steps.length === 0) return;
  const list = 'account_id = ? AND project_key = ? AND parent_key = ?';
  const args = [accountId, keyOf(projectId), keyOf(parentId)];
  const descending = [...steps].reverse();
  const by =
    steps.length === 1 ? '?' : `CASE ${descending.map(() => 'WHEN position >= ? THEN ?').join(' ')} END`;
  const byArgs = steps.length === 1 ? [steps[0].by] : descending.flatMap((s) => [s.from, s.by]);
  if (dialect === 'mysql') {
    await m.query(
      // The hint keeps the plan a range of this one list whatever the statistics say.
      `UPDATE tasks FORCE INDEX (uq_tasks_sibling_position) SET position = position + ${by} WHERE ${list} AND position >= ? ORDER BY position DESC`,
      [...byArgs, ...args, steps[0].from],
    );
    return;
  }
  await m.query(`UPDATE tasks SET position = -1 - (position + ${by}) WHERE ${list} AND position >= ?`, [
    ...byArgs,
    ...args,
    steps[0].from,
  ]);
  await m.query(`UPDATE tasks SET position = -1 - position WHERE ${list} AND position < 0`, args);
}

/**
 * Writes new (project, parent, position) triples. Each row first takes a distinct negative
 * position, then its final one, so no intermediate state breaks the unique ordering index
 * whatever the order in which the database visits the rows.
 */
export async function writePlacements(
  m: EntityManager,
  accountId: number,
  changes: Placement[],
): Promise<void> {
  for (const part of chunks(changes, UPDATE_CHUNK)) {
    const cases = `CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const params: unknown[] = [];
    for (const p of part) params.push(p.id, p.projectId);
    for (const p of part) params.push(p.id, p.parentId);
    for (const p of part) params.push(p.id, -1 - p.position);
    params.push(accountId, ...part.map((p) => p.id));
    await m.query(
      `UPDATE tasks SET project_id = ${cases}, parent_id = ${cases}, position = ${cases} WHERE account_id = ? AND id IN (${marks(part.length)})`,
      params,
    );
  }
  for (const part of chunks(changes, INSERT_CHUNK)) {
    await m.query(
      `UPDATE tasks SET position = -1 - position WHERE account_id = ? AND id IN (${marks(part.length)}) AND position < 0`,
      [accountId, ...part.map((p) => p.id)],
    );
  }
}

export interface NewTaskRow extends Placement {
  content: TaskContent;
}

const TASK_COLUMNS =
  'id, account_id, project_id, parent_id, position, title, closed, collapsed, due_at, created_at, closed_at, edited_at, priority, extra, updated_at, revision';
const TASK_MARKS = `(${marks(16)})`;
// A v2 copy also writes the v2 columns; 33 values a row keep a chunk under SQLite's 32,766 variables.
const DETAIL_COLUMNS =
  'description, private, start_date, due_time, task_list_id, workflow_status_id, placement, initial_estimate, remaining_time, repeat_schedule_id, repeat_on_interval, repeat_on_monthday, repeat_on_weekday, repeat_on_date, tag_list, custom_fields, creator_id';
const DETAIL_MARKS = `(${marks(33)})`;
const DETAIL_INSERT_CHUNK = 800;

function detailValues(d: TaskDetailsColumns): unknown[] {
  return [
    d.description,
    d.private ? 1 : 0,
    d.startDate,
    d.dueTime,
    d.taskListId,
    d.workflowStatusId,
    d.placement,
    d.initialEstimate,
    d.remainingTime,
    d.repeatScheduleId,
    d.repeatOnInterval,
    d.repeatOnMonthday,
    d.repeatOnWeekday === null ? null : JSON.stringify(d.repeatOnWeekday),
    d.repeatOnDate,
    d.tagList.length ? JSON.stringify(d.tagList) : null,
    d.customFields === null ? null : JSON.stringify(d.customFields),
    d.creatorId,
  ];
}

const NO_DETAILS: TaskDetailsColumns = {
  description: null,
  private: false,
  startDate: null,
  dueTime: null,
  taskListId: null,
  workflowStatusId: null,
  placement: null,
  initialEstimate: null,
  remainingTime: null,
  repeatScheduleId: null,
  repeatOnInterval: null,
  repeatOnMonthday: null,
  repeatOnWeekday: null,
  repeatOnDate: null,
  tagList: [],
  customFields: null,
  creatorId: null,
};

export function extraText(extra: Record<string, unknown> | null): string | null {
  return extra && Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
}

/** Multi-row INSERTs of new tasks and their assignments: ⌈n/1000⌉ statements each. Returns the rows' stamp. */
export async function insertTasks(
  m: EntityManager,
  accountId: number,
  rows: NewTaskRow[],
  now: Date,
): Promise<number> {
  const nowText = toSqlDateTime(now);
  const stamp = newStamp();
  const withDetails = rows.some((r) => r.content.details !== undefined);
  for (const part of chunks(rows, withDetails ? DETAIL_INSERT_CHUNK : INSERT_CHUNK)) {
    const params: unknown[] = [];
    for (const r of part) {
      const c = r.content;
      params.push(
        r.id,
        accountId,
        r.projectId,
        r.parentId,
        r.position,
        wellFormed(c.text),
        c.checked ? 1 : 0,
        c.collapsed ? 1 : 0,
        sqlTime(c.dueDate),
        sqlTime(c.creationDate ?? now),
        sqlTime(c.completionDate),
        sqlTime(c.editedDate),
        c.priority,
        extraText(c.extra),
        nowText,
        stamp,
      );
      if (withDetails) params.push(...detailValues(c.details ?? NO_DETAILS));
    }
    await m.query(
      withDetails
        ? `INSERT INTO tasks (${TASK_COLUMNS}, ${DETAIL_COLUMNS}) VALUES ${part.map(() => DETAIL_MARKS).join(', ')}`
        : `INSERT INTO tasks (${TASK_COLUMNS}) VALUES ${part.map(() => TASK_MARKS).join(', ')}`,
      params,
    );
  }
  await insertAssignees(
    m,
    accountId,
    rows.map((r) => ({ taskId: r.id, assigned: r.content.assigned })),
  );
  return stamp;
}

export async function insertAssignees(
  m: EntityManager,
  accountId: number,
  tasks: Array<{ taskId: number; assigned: number[] }>,
): Promise<void> {
  const pairs: unknown[][] = [];
  for (const t of tasks) t.assigned.forEach((personId, i) => pairs.push([t.taskId, personId, accountId, i]));
  for (const part of chunks(pairs, INSERT_CHUNK)) {
    await m.query(
      `INSERT INTO task_assignees (task_id, person_id, account_id, position) VALUES ${part.map(() => '(?, ?, ?, ?)').join(', ')}`,
      part.flat(),
    );
  }
}

/** Fails with USER_NOT_FOUND unless every id is a person of the account. */
export async function assertPeopleExist(m: EntityManager, accountId: number, ids: Iterable<number>) {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const found = new Set<number>();
  for (const part of chunks(wanted, INSERT_CHUNK)) {
    const rows = await m.query(
      `SELECT id FROM people WHERE account_id = ? AND id IN (${marks(part.length)})`,
      [accountId, ...part],
    );
    for (const r of rows) found.add(Number(r.id));
  }
  const missing = wanted.find((id) => !found.has(id));
  if (missing !== undefined) {
    throw new TasksError('USER_NOT_FOUND', `User ${missing} does not exist`, {
      field: 'assigned',
      meta: { id: missing },
    });
  }
}

/**
 * Fails with PROJECT_NOT_FOUND unless the project is the account's; null (no project) always
 * exists. With the dialect, the row is read FOR UPDATE on MySQL: under an ordering lock this sees
 * (and holds) the latest committed state, not the transaction's older snapshot.
 */
export async function assertProjectExists(
  m: EntityManager,
  accountId: number,
  projectId: number | null,
  dialect?: Dialect,
): Promise<void> {
  if (projectId === null) return;
  const rows = await m.query(
    `SELECT id FROM projects WHERE account_id = ? AND id = ?${dialect ? forUpdate(dialect) : ''}`,
    [accountId, projectId],
  );
  if (rows.length === 0) {
    throw new TasksError('PROJECT_NOT_FOUND', `Project ${projectId} does not exist`, {
      field: 'project',
      meta: { id: projectId },
    });
  }
}

export function marksFor(n: number): string {
  return marks(n);
}
