import type { EntityManager } from 'typeorm';
import { pushTo } from '../../common/group-by';
import { chunks } from '../../database/sql';

// Dense positions (0..n-1) of tasks among their siblings, counted from the sparse order keys.

/** A task's sibling list and order key, as a row of the task reads gives them. */
export interface ListPlace {
  id: number;
  list: string;
  projectKey: number;
  parentKey: number;
  key: number;
}

export function placeOf(row: Record<string, unknown>): ListPlace {
  const projectKey = Number(row.project_key);
  const parentKey = Number(row.parent_key);
  return {
    id: Number(row.id),
    list: `${projectKey}:${parentKey}`,
    projectKey,
    parentKey,
    key: Number(row.sort_key),
  };
}

/**
 * The dense positions (0..n-1, which the v2 face shows) of tasks, counted from the sparse keys of
 * their sibling lists, once per list rather than once per task: per list, the siblings before its
 * first named task are counted, and the keys between its first and last named tasks are read,
 * all lists of a chunk in one statement. So a page of a list deep in 100,000 siblings reads that
 * prefix once, not once per task. MySQL/MariaDB must be told to use the ordering index: left to
 * itself it may count through an account-wide index.
 */
export async function densePositions(
  m: EntityManager,
  accountId: number,
  places: ListPlace[],
): Promise<Map<number, number>> {
  const lists = new Map<string, ListPlace[]>();
  for (const place of places) pushTo(lists, place.list, place);
  const hint = m.connection.options.type === 'mysql' ? ' FORCE INDEX (uq_tasks_sibling_key)' : '';
  const out = new Map<number, number>();
  for (const part of chunks([...lists.values()])) {
    const named = part.map((list) => list.sort((a, b) => a.key - b.key));
    const where = (bounds: string) =>
      named.map(() => `(project_key = ? AND parent_key = ? AND ${bounds})`).join(' OR ');
    const params: unknown[] = [accountId];
    for (const [first] of named) params.push(first.projectKey, first.parentKey, first.key);
    params.push(accountId);
    for (const list of named) {
      const [first, last] = [list[0], list[list.length - 1]];
      params.push(first.projectKey, first.parentKey, first.key, last.key);
    }
    const rows = (await m.query(
      `SELECT project_key, parent_key, COUNT(*) AS n, NULL AS sort_key FROM tasks${hint} WHERE account_id = ? AND (${where('sort_key < ?')}) GROUP BY project_key, parent_key ` +
        `UNION ALL SELECT project_key, parent_key, NULL, sort_key FROM tasks${hint} WHERE account_id = ? AND (${where('sort_key > ? AND sort_key < ?')})`,
      params,
    )) as Array<{ project_key: unknown; parent_key: unknown; n: unknown; sort_key: unknown }>;
    const before = new Map<string, number>();
    const between = new Map<string, number[]>();
    for (const r of rows) {
      const list = `${Number(r.project_key)}:${Number(r.parent_key)}`;
      if (r.n !== null && r.n !== undefined) before.set(list, Number(r.n));
      else pushTo(between, list, Number(r.sort_key));
    }
    for (const list of named) {
      const base = before.get(list[0].list) ?? 0;
      const keys = (between.get(list[0].list) ?? []).sort((a, b) => a - b);
      // The first named task stands after `base` siblings; a later one also after the first and
      // after every key between the first and itself.
      list.forEach((place, i) => out.set(place.id, i === 0 ? base : base + 1 + countBelow(keys, place.key)));
    }
  }
  return out;
}

/**
 * A column of a read of one task row (aliased `outer`): its dense position, counted in the same
 * statement (for one row, the same index range that densePositions counts, one statement fewer).
 * Needs one more parameter, the account id.
 */
export function densePositionColumn(m: EntityManager, outer: string): string {
  const hint = m.connection.options.type === 'mysql' ? ' FORCE INDEX (uq_tasks_sibling_key)' : '';
  return (
    `(SELECT COUNT(*) FROM tasks s${hint} WHERE s.account_id = ? AND s.project_key = ${outer}.project_key ` +
    `AND s.parent_key = ${outer}.parent_key AND s.sort_key < ${outer}.sort_key) AS dense_position`
  );
}

/**
 * How a read of task rows finds their dense positions: counted in the database, for any rows
 * ('counted'), or among the rows read alone ('among-read'), which is right only for a row whose
 * every sibling was read too: for a whole subtree, every row but its root (which is then 0).
 */
export type PositionsFrom = 'counted' | 'among-read';

/** The positions of `places` among themselves, list by list in key order: no statement. */
export function positionsAmong(places: ListPlace[]): Map<number, number> {
  const lists = new Map<string, ListPlace[]>();
  for (const place of places) pushTo(lists, place.list, place);
  const out = new Map<number, number>();
  for (const list of lists.values()) {
    list.sort((a, b) => a.key - b.key).forEach((place, i) => out.set(place.id, i));
  }
  return out;
}

/** The dense positions of `places`, as `from` says. */
export function positionsOf(
  m: EntityManager,
  accountId: number,
  places: ListPlace[],
  from: PositionsFrom,
): Promise<Map<number, number>> {
  return from === 'among-read'
    ? Promise.resolve(positionsAmong(places))
    : densePositions(m, accountId, places);
}

/** How many of the ascending `keys` are below `key`. */
function countBelow(keys: number[], key: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (keys[mid] < key) low = mid + 1;
    else high = mid;
  }
  return low;
}
