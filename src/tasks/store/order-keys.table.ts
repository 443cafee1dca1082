import type { EntityManager } from 'typeorm';
import type { SqlDialect } from '../../database/sql-dialect';
import type { Queryable } from '../../database/sql';
import { BEFORE_FIRST, minSpacing, spread, windowRows } from './order-keys';
import { keyOf } from './task-fields';
import type { KeyedPlace } from './task-tree';
import { writePlaces } from './tasks.table';
import type { StoreWrite } from './write-gateway';

// The SQL side of sparse order keys (order-keys.ts): the reads an insert makes of its gap's
// neighbours and the neighbourhoods it renumbers when a gap is full. Every read is a locking one
// (the latest committed state, not the transaction's snapshot) of a bounded range of one list.

export interface SiblingList {
  projectId: number | null;
  parentId: number | null;
}

const IN_LIST = 'account_id = ? AND project_key = ? AND parent_key = ?';

function listArgs(accountId: number, list: SiblingList): number[] {
  return [accountId, keyOf(list.projectId), keyOf(list.parentId)];
}

/**
 * The key of the nearest task after `key` (`next`) or before it (`previous`) in the list; with
 * `key` null, the list's first (`next`) or last (`previous`) key. Null when there is none.
 */
export async function neighbourKey(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  list: SiblingList,
  key: number | null,
  side: 'next' | 'previous',
): Promise<number | null> {
  const bound = key === null ? '' : side === 'next' ? ' AND sort_key > ?' : ' AND sort_key < ?';
  const rows = (await m.query(
    `SELECT sort_key FROM tasks WHERE ${IN_LIST}${bound} ORDER BY sort_key${side === 'next' ? '' : ' DESC'} LIMIT 1${sql.forUpdate}`,
    key === null ? listArgs(accountId, list) : [...listArgs(accountId, list), key],
  )) as Array<{ sort_key: number | string }>;
  return rows.length === 0 ? null : Number(rows[0].sort_key);
}

/** An anchor of an insert as it stands, with its neighbours' keys in its list (null: none). */
export interface AnchorRead extends KeyedPlace {
  next: number | null;
  previous: number | null;
}

/**
 * The named tasks with the keys next to them in their lists: one statement of one-row index
 * ranges, a part per task, whatever the task's position (nothing is counted: the change event
 * names the task a paste goes next to). Plain reads: the caller holds the lists' ordering locks
 * and its plain reads see the latest committed rows (StoreWrite.readsCommitted).
 */
export async function readAnchors(
  m: Queryable,
  sql: SqlDialect,
  accountId: number,
  ids: number[],
): Promise<AnchorRead[]> {
  if (ids.length === 0) return [];
  // The ordering index, named: for a correlated range MariaDB may otherwise pick an account-wide one.
  const near = `FROM tasks n${sql.forceIndex('uq_tasks_sibling_key')} WHERE n.account_id = t.account_id AND n.project_key = t.project_key AND n.parent_key = t.parent_key AND n.sort_key`;
  // One part per task, each finding it by its primary key: its values are then constants of the
  // subqueries, which read ranges of the index (with several tasks in one part, MariaDB would
  // scan each one's whole list).
  const part =
    `SELECT t.id, t.project_id, t.parent_id, t.sort_key, ` +
    `(SELECT n.sort_key ${near} > t.sort_key ORDER BY n.sort_key LIMIT 1) AS next_key, ` +
    `(SELECT n.sort_key ${near} < t.sort_key ORDER BY n.sort_key DESC LIMIT 1) AS previous_key` +
    ` FROM tasks t WHERE t.account_id = ? AND t.id = ?`;
  const rows = (await m.query(
    ids.map(() => part).join(' UNION ALL '),
    ids.flatMap((id) => [accountId, id]),
  )) as Array<{
    id: number;
    project_id: number | null;
    parent_id: number | null;
    sort_key: number | string;
    next_key: number | string | null;
    previous_key: number | string | null;
  }>;
  return rows.map((r) => ({
    id: Number(r.id),
    projectId: r.project_id === null ? null : Number(r.project_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    key: Number(r.sort_key),
    next: r.next_key === null ? null : Number(r.next_key),
    previous: r.previous_key === null ? null : Number(r.previous_key),
  }));
}

/** One gap of a list, after the task keyed `lo` (BEFORE_FIRST: at the top), before `hi` (null: the end). */
export interface Gap {
  lo: number;
  hi: number | null;
  count: number;
}

/**
 * Keys for the new tasks of each gap (gaps of one list, ascending by `lo`, distinct), in order.
 * A gap too small for its tasks has its neighbourhood renumbered (order-keys.ts#windowRows): the
 * tasks around it take new keys, evenly spaced, together with the new tasks of every gap there.
 */
export async function fillGaps(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  list: SiblingList,
  gaps: Gap[],
): Promise<number[][]> {
  const keys: Array<number[] | null> = gaps.map((g) => spread(g.lo, g.hi, g.count));
  for (let g = keys.indexOf(null); g >= 0; g = keys.indexOf(null)) {
    await renumberAround(m, sql, accountId, list, gaps, g, keys);
  }
  return keys as number[][];
}

interface KeyRow {
  id: number;
  key: number;
}

async function renumberAround(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  list: SiblingList,
  gaps: Gap[],
  g: number,
  keys: Array<number[] | null>,
): Promise<void> {
  const { lo, hi } = gaps[g];
  for (let level = 0; ; level++) {
    const n = windowRows(level);
    const left = lo === BEFORE_FIRST ? [] : await rowsFrom(m, sql, accountId, list, lo, 'down', n + 1);
    const right = hi === null ? [] : await rowsFrom(m, sql, accountId, list, hi, 'up', n + 1);
    const low = left.length > n ? left[n].key : BEFORE_FIRST;
    const high = right.length > n ? right[n].key : null;
    const rows = [...left.slice(0, n).reverse(), ...right.slice(0, n)];
    const inside = gaps
      .map((_, i) => i)
      .filter((i) => gaps[i].lo >= low && (high === null || gaps[i].lo < high));
    const total = rows.length + inside.reduce((sum, i) => sum + gaps[i].count, 0);
    const spaced = spread(low, high, total);
    if (!spaced || (high !== null && (high - low) / (total + 1) < minSpacing(level))) {
      if (low === BEFORE_FIRST && high === null) throw new Error('the sibling list has no room left');
      continue;
    }
    // Existing rows and each gap's new tasks in list order: a gap's tasks follow the row at its `lo`.
    const renumbered: KeyRow[] = [];
    let next = 0;
    const take = (i: number) => (keys[i] = spaced.slice(next, (next += gaps[i].count)));
    for (const i of inside) if (gaps[i].lo === low) take(i);
    for (const row of rows) {
      renumbered.push({ id: row.id, key: spaced[next++] });
      for (const i of inside) if (gaps[i].lo === row.key) take(i);
    }
    await writePlaces(
      m,
      accountId,
      renumbered.map((r) => ({ ...r, projectId: list.projectId, parentId: list.parentId })),
    );
    return;
  }
}

/** Up to `limit` rows from `key` on (itself included), upwards or downwards, locked. */
async function rowsFrom(
  m: EntityManager,
  sql: SqlDialect,
  accountId: number,
  list: SiblingList,
  key: number,
  direction: 'up' | 'down',
  limit: number,
): Promise<KeyRow[]> {
  const rows = (await m.query(
    `SELECT id, sort_key FROM tasks WHERE ${IN_LIST} AND sort_key ${direction === 'up' ? '>=' : '<='} ? ORDER BY sort_key${direction === 'up' ? '' : ' DESC'} LIMIT ?${sql.forUpdate}`,
    [...listArgs(accountId, list), key, limit],
  )) as Array<{ id: number; sort_key: number | string }>;
  return rows.map((r) => ({ id: Number(r.id), key: Number(r.sort_key) }));
}

/**
 * The dense positions of the given keys in the list as it stands: how many tasks come before
 * each. One statement over the index range up to the last key (O(that position), not O(list));
 * a locking read unless the write's plain reads see the latest committed rows.
 */
export async function positionsOf(w: StoreWrite, list: SiblingList, keys: number[]): Promise<number[]> {
  if (keys.length === 0) return [];
  const { m, accountId } = w;
  const counts = keys.map((_, i) => `SUM(CASE WHEN sort_key < ? THEN 1 ELSE 0 END) AS c${i}`).join(', ');
  const lock = w.readsCommitted ? '' : w.sql.forUpdate;
  const [row] = (await m.query(`SELECT ${counts} FROM tasks WHERE ${IN_LIST} AND sort_key < ?${lock}`, [
    ...keys,
    ...listArgs(accountId, list),
    Math.max(...keys),
  ])) as Array<Record<string, number | string | null>>;
  return keys.map((_, i) => Number(row[`c${i}`] ?? 0));
}
