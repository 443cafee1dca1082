import { allDone } from '../../common/all-done';
import { chunks, type Queryable } from '../../database/sql';
import type { SqlDialect } from '../../database/sql-dialect';
import { toSqlDateTime } from '../../database/sql-time';
import { DEPENDENCY_TYPE, TaskDependency } from './task-details.entities';

// `task_dependencies`: row (task A, dependent B, blocking) reads "A blocks B"; its reverse row
// (B, A, waiting on) "B waits on A". Each row names the other as its `reverse_id`.

export type SourceDependency = Pick<
  TaskDependency,
  'id' | 'taskId' | 'dependentTaskId' | 'typeId' | 'reverseId'
>;

/** A dependency to write: `taskId` blocks, waits on or links to `dependentTaskId`. */
export interface NewDependencyPair {
  taskId: number;
  dependentTaskId: number;
  typeId: number;
}

/** The reverse of a dependency type: blocking ↔ waiting on, linked ↔ linked. */
export function reverseDependencyType(typeId: number): number {
  if (typeId === DEPENDENCY_TYPE.blocking) return DEPENDENCY_TYPE.waitingOn;
  if (typeId === DEPENDENCY_TYPE.waitingOn) return DEPENDENCY_TYPE.blocking;
  return DEPENDENCY_TYPE.linked;
}

/**
 * Dependency pairs with their ids known before they are written, so that each row names its
 * reverse in the INSERT itself: the ids come from the `task_dependencies` row of `id_allocators`
 * (one statement reserves them all, in the caller's transaction), the pair's rows take two
 * consecutive ones. Auto-increment could not do it: a multi-row INSERT's auto-increment ids need
 * not be consecutive (MySQL 8's innodb_autoinc_lock_mode=2), and are known only after the INSERT,
 * which left UPDATEs to link the rows (a fifth of a 1,000-task copy’s database time).
 * Every writer of the table takes its ids here, so no id is given out twice; the reservation
 * holds the counter row until the caller commits, which is why a copy writes its pairs last.
 * Returns the first row's id of each pair (its reverse has the next one). Statements: one, plus
 * one per 1,000 pairs.
 *
 * Without `ids` (a copy that holds its statements and reads none back), the rows name their ids
 * as offsets from the counter's new value where the dialect can (SqlDialect.lastIncrement), so
 * that nothing waits for the reservation's answer: through a manager that holds statements
 * (StoreWrite.withNext), the reservation and the INSERTs go with the transaction's next
 * statement, its COMMIT. `m` must then run them on one connection, in a transaction. With `ids`
 * the rows name them as numbers, which the database inserts faster (BENCHMARKS.md).
 */
export async function insertDependencyPairs(
  m: Queryable,
  sql: SqlDialect,
  accountId: number,
  pairs: NewDependencyPair[],
  now: Date,
  ids = true,
): Promise<number[]> {
  if (pairs.length === 0) return [];
  const count = 2 * pairs.length;
  const reserved = sql.increment(m, 'id_allocators', 'next_id', "name = 'task_dependencies'", count);
  const relative = !ids && sql.lastIncrement !== null;
  const first = relative ? 0 : (await reserved) - count;
  // The k-th id reserved: a number, or an offset from the counter's new value on this connection.
  const idAt = relative ? (k: number) => `${sql.lastIncrement} - ${count - k}` : (k: number) => first + k;
  // The rows are integers and one time this module spells, so they are written into the text
  // rather than bound: binding 14,000 values (1,000 pairs) cost the service ~2 ms of CPU, the text
  // ~0.3 ms. Anything but an integer is refused, so nothing else can reach the text.
  const tail = `, '${toSqlDateTime(now)}')`;
  const int = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new Error(`A dependency names ${n}, not an integer id`);
    return n;
  };
  let k = 0;
  // Every statement's promise, each with a handler at once (one may fail while a later chunk is
  // built); allDone throws the first failure once all have ended.
  const written: Array<Promise<unknown>> = [];
  const issued = (statement: Promise<unknown>) => {
    statement.catch(() => undefined);
    written.push(statement);
  };
  issued(reserved);
  // 2,000 rows a statement. Each chunk's statement is built while the one ahead runs, and sent
  // once the one before that has succeeded: the connection holds it and sends it as the one ahead
  // answers, so the database goes on without waiting for this loop's turn, and at most three
  // chunks' texts are held at a time. (Sent at once they would be safe too: a connection sends
  // nothing of a transaction a deadlock has rolled back, stop-after-rollback.ts.)
  for (const part of chunks(pairs)) {
    const rows: string[] = [];
    for (const p of part) {
      const [from, to, type] = [int(p.taskId), int(p.dependentTaskId), int(p.typeId)];
      const [id, reverse] = [idAt(k), idAt(k + 1)];
      rows.push(
        `(${id}, ${int(accountId)}, ${from}, ${to}, ${type}, ${reverse}${tail}`,
        `(${reverse}, ${accountId}, ${to}, ${from}, ${reverseDependencyType(type)}, ${id}${tail}`,
      );
      k += 2;
    }
    // Statements answer in order: once one has, every earlier one has too.
    if (written.length > 2) await written[written.length - 2];
    issued(
      m.query(
        `INSERT INTO task_dependencies (id, account_id, task_id, dependent_task_id, type_id, reverse_id, created_at) VALUES ${rows.join(', ')}`,
      ),
    );
  }
  await allDone(written);
  return relative ? [] : pairs.map((_, i) => first + 2 * i);
}
