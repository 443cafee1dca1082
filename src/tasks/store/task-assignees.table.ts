import type { EntityManager } from 'typeorm';
import { pushTo } from '../../common/group-by';
import { chunks, inChunks, marks, tuples } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';

// `task_assignees`: a task's assigned people in order; v2's single assignee is position 0.

export async function insertAssignees(
  m: EntityManager,
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

/** Removes every assignment of the given tasks. */
export async function clearAssignees(m: EntityManager, accountId: number, taskIds: number[]): Promise<void> {
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

/** Every task's assigned people, in order. */
export async function assignedOf(
  m: EntityManager,
  accountId: number,
  taskIds: number[],
): Promise<Map<number, number[]>> {
  const rows = await inChunks(
    taskIds,
    (part) =>
      m.query(
        `SELECT task_id, person_id FROM task_assignees WHERE account_id = ? AND task_id IN (${marks(part.length)}) ORDER BY task_id, position`,
        [accountId, ...part],
      ) as Promise<Array<{ task_id: number; person_id: number }>>,
  );
  const map = new Map<number, number[]>();
  for (const r of rows) pushTo(map, Number(r.task_id), Number(r.person_id));
  return map;
}
