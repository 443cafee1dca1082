import type { EntityManager } from 'typeorm';
import { chunks, marks, tuples, Queryable } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import type { KeyedPlace } from './task-tree';

// `task_assignees`: a task's assigned people in order; v2's single assignee is position 0.

export async function insertAssignees(
  m: Queryable,
  accountId: number,
  tasks: Array<{ taskId: number; assigned: number[] }>,
): Promise<void> {
  const pairs: unknown[][] = [];
  for (const t of tasks) t.assigned.forEach((personId, i) => pairs.push([t.taskId, personId, accountId, i]));
  for (const part of chunks(pairs)) {
    await m.query(
      `INSERT INTO task_assignees (task_id, person_id, account_id, position) VALUES ${tuples(part.length, 4)}`,
      part.flat(),
    );
  }
}

/**
 * The places and creation times of the named tasks of the account and which of them have
 * assignments, in one locking read of both (where rows lock): a writer that replaces assignments
 * then clears only those, and none can be added meanwhile.
 */
export async function lockTasksAndAssignees(
  m: Queryable,
  sql: SqlDialect,
  accountId: number,
  ids: number[],
): Promise<{ rows: Array<KeyedPlace & { createdAt: string | null }>; assigned: Set<number> }> {
  const rows = new Map<number, KeyedPlace & { createdAt: string | null }>();
  const assigned = new Set<number>();
  for (const part of chunks([...new Set(ids)])) {
    const found = (await m.query(
      `SELECT t.id, t.project_id, t.parent_id, t.sort_key, ${sql.timeText('t.created_at', 'created_at')}, a.person_id FROM tasks t ` +
        `LEFT JOIN task_assignees a ON a.account_id = t.account_id AND a.task_id = t.id ` +
        `WHERE t.account_id = ? AND t.id IN (${marks(part.length)})${sql.forUpdate}`,
      [accountId, ...part],
    )) as Array<{
      id: number;
      project_id: number | null;
      parent_id: number | null;
      sort_key: number | string;
      // `YYYY-MM-DD HH:MM:SS.SSS[SSS]` text on both dialects.
      created_at: string | null;
      person_id: number | null;
    }>;
    for (const r of found) {
      const id = Number(r.id);
      if (r.person_id !== null) assigned.add(id);
      if (rows.has(id)) continue;
      rows.set(id, {
        id,
        projectId: r.project_id === null ? null : Number(r.project_id),
        parentId: r.parent_id === null ? null : Number(r.parent_id),
        key: Number(r.sort_key),
        createdAt: isoOf(r.created_at),
      });
    }
  }
  return { rows: [...rows.values()], assigned };
}

/** Stored time text to ISO-8601 UTC with milliseconds, as list reads give it (task-reads.table.ts). */
function isoOf(value: string | null): string | null {
  return value === null ? null : `${value.slice(0, 10)}T${value.slice(11, 23)}Z`;
}

/** Removes every assignment of the given tasks. */
export async function clearAssignees(m: Queryable, accountId: number, taskIds: number[]): Promise<void> {
  for (const part of chunks(taskIds)) {
    await m.query(`DELETE FROM task_assignees WHERE account_id = ? AND task_id IN (${marks(part.length)})`, [
      accountId,
      ...part,
    ]);
  }
}

/** Makes a person the task's first assignee (null: the task has none first), keeping the others. */
export async function setFirstAssignee(
  m: EntityManager,
  accountId: number,
  taskId: number,
  personId: number | null,
): Promise<void> {
  await m.query('DELETE FROM task_assignees WHERE account_id = ? AND task_id = ? AND position = 0', [
    accountId,
    taskId,
  ]);
  if (personId === null) return;
  await m.query('DELETE FROM task_assignees WHERE account_id = ? AND task_id = ? AND person_id = ?', [
    accountId,
    taskId,
    personId,
  ]);
  await m.query('INSERT INTO task_assignees (task_id, person_id, account_id, position) VALUES (?, ?, ?, 0)', [
    taskId,
    personId,
    accountId,
  ]);
}

/** The tasks a person is assigned to; a locking read. */
export async function tasksAssignedTo(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  personId: number,
): Promise<number[]> {
  const rows = (await m.query(
    `SELECT task_id FROM task_assignees WHERE account_id = ? AND person_id = ?${sql.forUpdate}`,
    [accountId, personId],
  )) as Array<{ task_id: number }>;
  return rows.map((r) => Number(r.task_id));
}

/** Takes a person off every task. */
export async function unassignPerson(m: EntityManager, accountId: number, personId: number): Promise<void> {
  await m.query('DELETE FROM task_assignees WHERE account_id = ? AND person_id = ?', [accountId, personId]);
}
