import type { EntityManager } from 'typeorm';
import { allDone } from '../../common/all-done';
import { chunks, marks } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { toSqlDateTime } from '../../database/sql-time';
import { DEPENDENCY_TYPE, TaskDependency } from './task-details.entities';

// `task_dependencies`: row (task A, dependent B, blocking) reads "A blocks B"; its reverse row
// (B, A, waiting on) "B waits on A". Each row names the other as its `reverse_id`.

export type SourceDependency = Pick<
  TaskDependency,
  'id' | 'taskId' | 'dependentTaskId' | 'typeId' | 'reverseId'
>;

// The indexes by task_id and by dependent_task_id, as TypeORM named them in the migration that
// created the table (1763800300000): `IDX_` and the start of the SHA-1 of `<table>_<columns>`.
const BY_TASK = 'IDX_1ae6688b1bd90fffe857f4cb70';
const BY_DEPENDENT = 'IDX_edffc2045be39cc292fe4abedd';

/** The reverse of a dependency type: blocking ↔ waiting on, linked ↔ linked. */
export function reverseDependencyType(typeId: number): number {
  if (typeId === DEPENDENCY_TYPE.blocking) return DEPENDENCY_TYPE.waitingOn;
  if (typeId === DEPENDENCY_TYPE.waitingOn) return DEPENDENCY_TYPE.blocking;
  return DEPENDENCY_TYPE.linked;
}

/**
 * Dependency pairs in bulk, from tasks that were just created (no row of theirs has a reverse
 * yet; `taskId` is always a new task, `dependentTaskId` a new or an `outside` one): each pair's two
 * rows in one multi-row INSERT, then UPDATEs that link every new row to its reverse, found by its
 * ends swapped (a pair of tasks has at most one row each way: creation refuses a second). Nothing
 * is read back, so the statements go without waiting for one another: two per 1,000 pairs (three
 * when some pairs end at an older task), where there were four, one a read the next waited for.
 */
export async function insertDependencyPairs(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  /** `outside`: the dependent task is an older one, not one of this copy's. */
  pairs: Array<{ taskId: number; dependentTaskId: number; typeId: number; outside?: boolean }>,
  now: Date,
): Promise<void> {
  if (pairs.length === 0) return;
  const nowText = toSqlDateTime(now);
  const work: Array<Promise<unknown>> = [];
  // Rows of integers only: 2,000 make a small statement (and 10,000 parameters, within SQLite's).
  for (const part of chunks(pairs)) {
    const params: unknown[] = [];
    for (const p of part) {
      params.push(accountId, p.taskId, p.dependentTaskId, p.typeId, nowText);
      params.push(accountId, p.dependentTaskId, p.taskId, reverseDependencyType(p.typeId), nowText);
    }
    work.push(
      m.query(
        `INSERT INTO task_dependencies (account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES ${new Array<string>(part.length * 2).fill('(?, ?, ?, ?, NULL, ?)').join(', ')}`,
        params,
      ),
    );
  }
  // Every row is found, and its reverse looked up, through an end that is a new task (`+ 0` keeps
  // the other end's index out of the plan), so that no row of an older task is read, or locked
  // where rows lock: first the rows of new tasks, then the reverse rows of pairs that end at an
  // older task (`outside`).
  const fresh = new Set<number>();
  const outside = new Set<number>();
  for (const p of pairs) {
    fresh.add(p.taskId);
    (p.outside ? outside : fresh).add(p.dependentTaskId);
  }
  // The indexes are named, not left to the statistics: in a transaction that has just inserted
  // thousands of rows into a table they still count as nearly empty, MariaDB reads both sides
  // whole, a nested loop of the table by itself (over 5 s at 1,000 pairs, seen in bench/tasks-copy).
  const link = (where: string, match: string, params: number[], indexes: { t: string; r: string }) =>
    m.query(
      sql.setFromSameTable(
        'task_dependencies',
        { column: 'reverse_id', value: 'r.id' },
        `r.account_id = t.account_id AND ${match}`,
        `t.account_id = ? AND ${where}`,
        indexes,
      ),
      [accountId, ...params],
    );
  for (const part of chunks([...fresh]))
    work.push(
      link(
        `t.task_id IN (${marks(part.length)})`,
        'r.dependent_task_id = t.task_id AND r.task_id + 0 = t.dependent_task_id',
        part,
        { t: BY_TASK, r: BY_DEPENDENT },
      ),
    );
  const from = [...new Set(pairs.filter((p) => p.outside).map((p) => p.taskId))];
  for (const part of chunks([...outside]))
    for (const fromPart of chunks(from))
      work.push(
        link(
          `t.task_id + 0 IN (${marks(part.length)}) AND t.dependent_task_id IN (${marks(fromPart.length)})`,
          'r.task_id = t.dependent_task_id AND r.dependent_task_id + 0 = t.task_id',
          [...part, ...fromPart],
          { t: BY_DEPENDENT, r: BY_TASK },
        ),
      );
  await allDone(work);
}
