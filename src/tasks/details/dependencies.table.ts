import type { EntityManager } from 'typeorm';
import { chunks, marks, tuples } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { toSqlDateTime } from '../../database/sql-time';
import { DEPENDENCY_TYPE, TaskDependency } from './task-details.entities';

// `task_dependencies`: row (task A, dependent B, blocking) reads "A blocks B"; its reverse row
// (B, A, waiting on) "B waits on A". Each row names the other as its `reverse_id`.

export type SourceDependency = Pick<
  TaskDependency,
  'id' | 'taskId' | 'dependentTaskId' | 'typeId' | 'reverseId'
>;

/** The reverse of a dependency type: blocking ↔ waiting on, linked ↔ linked. */
export function reverseDependencyType(typeId: number): number {
  if (typeId === DEPENDENCY_TYPE.blocking) return DEPENDENCY_TYPE.waitingOn;
  if (typeId === DEPENDENCY_TYPE.waitingOn) return DEPENDENCY_TYPE.blocking;
  return DEPENDENCY_TYPE.linked;
}

/**
 * Dependency pairs in bulk, from tasks that were just created (no row of theirs has a reverse
 * yet): the forward rows, then their reverse rows, then the links from each forward row back.
 * A fixed number of statements per 1,000 pairs (rows of integers only: a statement stays small).
 */
export async function insertDependencyPairs(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  pairs: Array<{ taskId: number; dependentTaskId: number; typeId: number }>,
  now: Date,
): Promise<void> {
  if (pairs.length === 0) return;
  const nowText = toSqlDateTime(now);
  for (const part of chunks(pairs)) {
    const params: unknown[] = [];
    for (const p of part) params.push(accountId, p.taskId, p.dependentTaskId, p.typeId, nowText);
    await m.query(
      `INSERT INTO task_dependencies (account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES ${new Array<string>(part.length).fill('(?, ?, ?, ?, NULL, ?)').join(', ')}`,
      params,
    );
  }
  // The forward rows are the ones still without a reverse, on tasks that were just created.
  const fromTasks = [...new Set(pairs.map((p) => p.taskId))];
  const forward: Array<{ id: number; task_id: number; dependent_task_id: number; type_id: number }> = [];
  for (const part of chunks(fromTasks)) {
    forward.push(
      ...((await m.query(
        `SELECT id, task_id, dependent_task_id, type_id FROM task_dependencies WHERE account_id = ? AND reverse_id IS NULL AND task_id IN (${marks(part.length)})`,
        [accountId, ...part],
      )) as typeof forward),
    );
  }
  for (const part of chunks(forward)) {
    const params: unknown[] = [];
    for (const f of part)
      params.push(
        accountId,
        f.dependent_task_id,
        f.task_id,
        reverseDependencyType(Number(f.type_id)),
        f.id,
        nowText,
      );
    await m.query(
      `INSERT INTO task_dependencies (account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES ${tuples(part.length, 6)}`,
      params,
    );
  }
  for (const part of chunks(forward.map((f) => Number(f.id)))) {
    await m.query(
      sql.setFromSameTable(
        'task_dependencies',
        { column: 'reverse_id', value: 'r.id' },
        'r.reverse_id = t.id',
        `t.id IN (${marks(part.length)})`,
      ),
      part,
    );
  }
}
