import type { EntityManager } from 'typeorm';
import { chunks, marks, Queryable } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { toSqlDateTime } from '../../database/sql-time';
import { keyOf, TaskFields, wellFormed } from './task-fields';
import type { KeyedPlace } from './task-tree';

// The writes of `tasks` rows and the structure reads that writers make under their locks. The
// generated `project_key`/`parent_key` columns (COALESCE(…, 0)) carry the unique ordering index
// (account, project, parent, sort_key; sparse keys, order-keys.ts); every statement bounds its
// size by chunks.

const UPDATE_CHUNK = 500;

/** A fresh revision stamp of task rows whose own fields change (see stampTasks). */
export function newStamp(): number {
  // Random rather than counted: a task id can be used again after a delete (POST /todo/tasks
  // with an `id`), and a stamp must never repeat for one id. 52 bits keep it exact in JavaScript.
  return Math.floor(Math.random() * 2 ** 52) + 1;
}

export function sqlTime(date: Date | null): string | null {
  return date ? toSqlDateTime(date) : null;
}

export function extraText(extra: Record<string, unknown> | null): string | null {
  return extra && Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
}

function toPlace(r: {
  id: number;
  project_id: number | null;
  parent_id: number | null;
  sort_key: number | string;
}) {
  return {
    id: Number(r.id),
    projectId: r.project_id === null ? null : Number(r.project_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    key: Number(r.sort_key),
  };
}

/** The places of the named tasks of the account (missing ones are simply absent). */
export async function readStructure(
  m: Queryable,
  sql: SqlDialect,
  accountId: number,
  ids: number[],
  lock: boolean,
): Promise<KeyedPlace[]> {
  const out: KeyedPlace[] = [];
  for (const part of chunks([...new Set(ids)])) {
    const rows = await m.query(
      `SELECT id, project_id, parent_id, sort_key FROM tasks WHERE account_id = ? AND id IN (${marks(part.length)})${lock ? sql.forUpdate : ''}`,
      [accountId, ...part],
    );
    for (const r of rows) out.push(toPlace(r));
  }
  return out;
}

/** Every task of the given projects (0 = No project), locked where rows lock. O(size of the projects). */
export async function loadProjects(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  projectKeys: number[],
): Promise<KeyedPlace[]> {
  const keys = [...new Set(projectKeys)];
  if (keys.length === 0) return [];
  const rows = await m.query(
    `SELECT id, project_id, parent_id, sort_key FROM tasks WHERE account_id = ? AND project_key IN (${marks(keys.length)})${sql.forUpdate}`,
    [accountId, ...keys],
  );
  return (rows as Parameters<typeof toPlace>[0][]).map(toPlace);
}

/** Whether any task, of any account, has this id. */
export async function taskIdUsed(m: EntityManager, id: number): Promise<boolean> {
  return (await m.query('SELECT id FROM tasks WHERE id = ?', [id])).length > 0;
}

/**
 * Writes new (project, parent, key) triples. Each row first takes a distinct negative key, then
 * its final one, so no intermediate state breaks the unique ordering index whatever the order in
 * which the database visits the rows.
 */
export async function writePlaces(m: EntityManager, accountId: number, changes: KeyedPlace[]): Promise<void> {
  for (const part of chunks(changes, UPDATE_CHUNK)) {
    const cases = `CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const params: unknown[] = [];
    for (const p of part) params.push(p.id, p.projectId);
    for (const p of part) params.push(p.id, p.parentId);
    for (const p of part) params.push(p.id, -1 - p.key);
    params.push(accountId, ...part.map((p) => p.id));
    await m.query(
      `UPDATE tasks SET project_id = ${cases}, parent_id = ${cases}, sort_key = ${cases} WHERE account_id = ? AND id IN (${marks(part.length)})`,
      params,
    );
  }
  for (const part of chunks(changes)) {
    await m.query(
      `UPDATE tasks SET sort_key = -1 - sort_key WHERE account_id = ? AND id IN (${marks(part.length)}) AND sort_key < 0`,
      [accountId, ...part.map((p) => p.id)],
    );
  }
}

/** The own-field columns a full replacement writes, with each value as bound. */
const OWN_FIELD_COLUMNS: Array<[column: string, value: (fields: TaskFields) => unknown]> = [
  ['title', (f) => wellFormed(f.title)],
  ['closed', (f) => (f.closed ? 1 : 0)],
  ['collapsed', (f) => (f.collapsed ? 1 : 0)],
  ['due_at', (f) => sqlTime(f.dueAt)],
  ['closed_at', (f) => sqlTime(f.closedAt)],
  ['edited_at', (f) => sqlTime(f.editedAt)],
  ['priority', (f) => f.priority],
  ['extra', (f) => extraText(f.extra)],
];

// Eight CASE columns bind 16 values a row: 250 rows stay far below every driver's limit.
const REPLACE_CHUNK = 250;

/**
 * Replaces tasks' own fields (their places and creation times stay), all with one new stamp:
 * one UPDATE a chunk, each column a CASE over the chunk's ids, so a batch of any size costs a
 * statement per 250 tasks, not one per task.
 */
export async function replaceFieldsOf(
  m: Queryable,
  accountId: number,
  tasks: Array<[id: number, fields: TaskFields]>,
  now: Date,
  stamp: number,
): Promise<void> {
  for (const part of chunks(tasks, REPLACE_CHUNK)) {
    const cases = `CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const params: unknown[] = [];
    for (const [, value] of OWN_FIELD_COLUMNS)
      for (const [id, fields] of part) params.push(id, value(fields));
    params.push(toSqlDateTime(now), stamp, accountId, ...part.map(([id]) => id));
    await m.query(
      `UPDATE tasks SET ${OWN_FIELD_COLUMNS.map(([column]) => `${column} = ${cases}`).join(', ')}, updated_at = ?, revision = ? WHERE account_id = ? AND id IN (${marks(part.length)})`,
      params,
    );
  }
}

/** Sets the given columns of one task (names from the caller's whitelist, values bound). */
export async function setColumns(
  m: EntityManager,
  accountId: number,
  id: number,
  columns: Array<[column: string, value: unknown]>,
): Promise<void> {
  await m.query(
    `UPDATE tasks SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ? AND account_id = ?`,
    [...columns.map(([, v]) => v), id, accountId],
  );
}

/** Sets one column to one value for many tasks. */
export async function setColumnOf(
  m: EntityManager,
  accountId: number,
  ids: number[],
  column: 'template_id' | 'revision',
  value: unknown,
): Promise<void> {
  for (const part of chunks(ids)) {
    await m.query(`UPDATE tasks SET ${column} = ? WHERE account_id = ? AND id IN (${marks(part.length)})`, [
      value,
      accountId,
      ...part,
    ]);
  }
}

/** Sets each task's custom field values (null for none). */
export async function setCustomFields(
  m: EntityManager,
  accountId: number,
  values: Array<[id: number, fields: Record<string, unknown>]>,
): Promise<void> {
  for (const part of chunks(values, UPDATE_CHUNK)) {
    await m.query(
      `UPDATE tasks SET custom_fields = CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE account_id = ? AND id IN (${marks(part.length)})`,
      [
        ...part.flatMap(([id, custom]) => [id, Object.keys(custom).length ? JSON.stringify(custom) : null]),
        accountId,
        ...part.map(([id]) => id),
      ],
    );
  }
}

/** Deletes tasks by id (their related rows go with them: the foreign keys cascade). */
export async function deleteTasks(m: EntityManager, accountId: number, ids: number[]): Promise<void> {
  for (const part of chunks(ids)) {
    const list = marks(part.length);
    await m.query(`DELETE FROM task_assignees WHERE account_id = ? AND task_id IN (${list})`, [
      accountId,
      ...part,
    ]);
    await m.query(`DELETE FROM tasks WHERE account_id = ? AND id IN (${list})`, [accountId, ...part]);
  }
}

/**
 * Puts a new task last in its v2 order: its task list's top level, or its siblings under a parent.
 * Called once the clone engine wrote the task: the engine holds the project's ordering lock until
 * commit, so concurrent copies into the same list cannot take the same place.
 */
export async function placeLast(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  taskId: number,
  scope: { parentId: number | null; taskListId: number },
): Promise<void> {
  const placement = await nextPlacement(m, sql, accountId, scope, taskId);
  await setColumns(m, accountId, taskId, [['placement', placement]]);
}

/**
 * The end of a project's root list, for a new top-level task of one of its task lists, read under
 * the project's ordering lock (which the caller holds until commit) in one locking statement:
 * whether the project still exists (a delete takes the same lock), the list's last order key
 * (null: empty), and the v2 place after the task list's last top-level task (nextPlacement).
 * Locking reads, so they see what committed after the transaction's snapshot. Undefined when the
 * project is gone.
 */
export async function rootListEnd(
  m: Queryable,
  sql: SqlDialect,
  accountId: number,
  projectId: number,
  taskListId: number,
): Promise<{ lastKey: number | null; placement: number } | undefined> {
  const rows = (await m.query(
    `SELECT (SELECT sort_key FROM tasks WHERE account_id = ? AND project_key = ? AND parent_key = 0 ORDER BY sort_key DESC LIMIT 1${sql.forUpdate}) AS k, ` +
      `(SELECT placement FROM tasks WHERE account_id = ? AND task_list_id = ? AND parent_id IS NULL ORDER BY placement DESC LIMIT 1${sql.forUpdate}) AS p ` +
      `FROM projects WHERE account_id = ? AND id = ?${sql.forUpdate}`,
    [accountId, keyOf(projectId), accountId, taskListId, accountId, projectId],
  )) as Array<{ k: number | string | null; p: number | string | null }>;
  if (rows.length === 0) return undefined;
  const [{ k, p }] = rows;
  return { lastKey: k === null ? null : Number(k), placement: p === null ? 0 : Number(p) + 1 };
}

/**
 * The v2 place after the last task of a task list's top level, or of the children of a parent
 * (0 for none), leaving out `exceptId`. Read under the project's ordering lock, which its caller
 * holds until commit: no concurrent copy into the same list can take the same place.
 */
export async function nextPlacement(
  m: Queryable,
  sql: SqlDialect,
  accountId: number,
  scope: { parentId: number | null; taskListId: number },
  exceptId = 0,
): Promise<number> {
  // A locking read: a plain one would see the transaction's older snapshot, not the copies
  // committed while this one waited for the project lock.
  const rows = (await m.query(
    (scope.parentId === null
      ? 'SELECT placement FROM tasks WHERE account_id = ? AND task_list_id = ? AND parent_id IS NULL AND id <> ?'
      : 'SELECT placement FROM tasks WHERE account_id = ? AND parent_id = ? AND id <> ?') +
      ` ORDER BY placement DESC LIMIT 1${sql.forUpdate}`,
    [accountId, scope.parentId ?? scope.taskListId, exceptId],
  )) as Array<{ placement: number | null }>;
  const last = rows[0]?.placement ?? null;
  return last === null ? 0 : Number(last) + 1;
}
