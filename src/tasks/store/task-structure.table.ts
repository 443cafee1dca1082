import type { EntityManager } from 'typeorm';
import { chunks, marks } from '../../database/sql';
import { BEFORE_FIRST } from './order-keys';
import { keyOf } from './task-fields';
import type { KeyedPlace, ListPart } from './task-tree';

// The structure reads of moves and deletes, which load only the parts of projects they change:
// whole sibling lists, the chain of a task's ancestors, a task's subtree. Writers make them under
// the ordering locks of the projects, in a transaction whose plain reads see the latest committed
// rows (READ COMMITTED where rows lock, or one writer at a time), so they need not lock rows.

/** A sibling list by its index columns: `project_key` and `parent_key` (0 for none). */
export interface ListKey {
  projectKey: number;
  parentKey: number;
}

// Rounds of a recursive read: MySQL stops a recursive CTE after 1,000 iterations by default, so a
// deeper chain is read in several statements, each going on from where the last one stopped.
const DEPTH_PER_STATEMENT = 500;
// A sibling list is two bound values in an OR of index ranges.
const LISTS_PER_STATEMENT = 400;

interface PlaceRow {
  id: number | string;
  project_id: number | string | null;
  parent_id: number | string | null;
  sort_key: number | string;
  depth?: number | string;
}

function toPlace(r: PlaceRow): KeyedPlace {
  return {
    id: Number(r.id),
    projectId: r.project_id === null ? null : Number(r.project_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    key: Number(r.sort_key),
  };
}

/** Every task of the given sibling lists. O(size of those lists). */
export async function loadLists(
  m: EntityManager,
  accountId: number,
  lists: ListKey[],
): Promise<KeyedPlace[]> {
  const unique = [...new Map(lists.map((l) => [`${l.projectKey}:${l.parentKey}`, l])).values()];
  const out: KeyedPlace[] = [];
  for (const part of chunks(unique, LISTS_PER_STATEMENT)) {
    const rows = (await m.query(
      `SELECT id, project_id, parent_id, sort_key FROM tasks WHERE account_id = ? AND (${part.map(() => '(project_key = ? AND parent_key = ?)').join(' OR ')})`,
      [accountId, ...part.flatMap((l) => [l.projectKey, l.parentKey])],
    )) as PlaceRow[];
    for (const r of rows) out.push(toPlace(r));
  }
  return out;
}

/** Every task of the given projects (0 = No project) with one column's value, for a sort. */
export async function sortColumnOfProjects(
  m: EntityManager,
  accountId: number,
  projectKeys: number[],
  column: 'title' | 'due_at' | 'created_at' | 'edited_at' | 'closed_at' | 'priority',
): Promise<Array<KeyedPlace & { value: unknown }>> {
  const out: Array<KeyedPlace & { value: unknown }> = [];
  for (const part of chunks([...new Set(projectKeys)])) {
    const rows = (await m.query(
      `SELECT id, project_id, parent_id, sort_key, ${column} AS v FROM tasks WHERE account_id = ? AND project_key IN (${marks(part.length)})`,
      [accountId, ...part],
    )) as Array<PlaceRow & { v: unknown }>;
    for (const r of rows) out.push({ ...toPlace(r), value: r.v });
  }
  return out;
}

/**
 * Where a write puts tasks into a list that it loads only in part: around a task's key (after or
 * before it), or at the list's head or tail.
 */
export interface PartWanted {
  projectId: number | null;
  parentId: number | null;
  at: { around: number } | 'head' | 'tail';
}

/** What a write loads besides the tasks it names: whole lists, parts of lists, subtrees. */
export interface LoadScope {
  lists: ListKey[];
  parts: PartWanted[];
  subtrees: number[];
}

// Tasks on each side of where a move puts its tasks: room enough to spread them between
// neighbours, or to space the part evenly again when that gap is full.
const PART_ROWS = 16;

/**
 * The part of a list a write puts tasks into: PART_ROWS tasks on each side of the spot (read from
 * the ordering index alone), and the keys just outside them that bound the part. Two statements at
 * most, whatever the list's length.
 */
export async function loadPart(
  m: EntityManager,
  accountId: number,
  wanted: PartWanted,
): Promise<{ rows: KeyedPlace[]; part: ListPart }> {
  const { projectId, parentId, at } = wanted;
  const side = async (bound: string, key: number | null, descending: boolean, limit: number) =>
    (
      (await m.query(
        `SELECT id, sort_key FROM tasks WHERE account_id = ? AND project_key = ? AND parent_key = ?${bound} ORDER BY sort_key${descending ? ' DESC' : ''} LIMIT ?`,
        [accountId, keyOf(projectId), keyOf(parentId), ...(key === null ? [] : [key]), limit],
      )) as Array<{ id: number | string; sort_key: number | string }>
    ).map((r) => ({ id: Number(r.id), projectId, parentId, key: Number(r.sort_key) }));
  // Below the spot, nearest first (one more than kept: its key bounds the part), and from it up.
  const below =
    at === 'head'
      ? []
      : await side(
          at === 'tail' ? '' : ' AND sort_key < ?',
          at === 'tail' ? null : at.around,
          true,
          PART_ROWS + 1,
        );
  const above =
    at === 'tail'
      ? []
      : await side(
          at === 'head' ? '' : ' AND sort_key >= ?',
          at === 'head' ? null : at.around,
          false,
          PART_ROWS + 2,
        );
  const lo = below.length > PART_ROWS ? below[PART_ROWS].key : BEFORE_FIRST;
  const hi = above.length > PART_ROWS + 1 ? above[PART_ROWS + 1].key : null;
  return {
    rows: [...below.slice(0, PART_ROWS), ...above.slice(0, PART_ROWS + 1)],
    part: { projectId, parentId, lo, hi, loId: below.length > PART_ROWS ? below[PART_ROWS].id : null },
  };
}

/**
 * The named tasks of the account and all their ancestors (each once; missing ids are absent).
 * One statement per 500 levels of depth.
 */
export function ancestorsOf(m: EntityManager, accountId: number, ids: number[]): Promise<KeyedPlace[]> {
  return walk(m, accountId, ids, 't.id = w.parent_id');
}

/** The named tasks of the account and all their descendants (each once). One statement per 500 levels. */
export function subtreesOf(m: EntityManager, accountId: number, ids: number[]): Promise<KeyedPlace[]> {
  return walk(m, accountId, ids, 't.parent_id = w.id');
}

async function walk(m: EntityManager, accountId: number, ids: number[], join: string): Promise<KeyedPlace[]> {
  const found = new Map<number, KeyedPlace>();
  let from = [...new Set(ids)];
  const visitedFrom = new Set(from);
  while (from.length > 0) {
    const next: number[] = [];
    for (const part of chunks(from)) {
      const rows = (await m.query(
        `WITH RECURSIVE w(id, project_id, parent_id, sort_key, depth) AS (
           SELECT id, project_id, parent_id, sort_key, 0 FROM tasks WHERE account_id = ? AND id IN (${marks(part.length)})
           UNION
           SELECT t.id, t.project_id, t.parent_id, t.sort_key, w.depth + 1 FROM tasks t JOIN w ON ${join}
             WHERE t.account_id = ? AND w.depth < ${DEPTH_PER_STATEMENT}
         ) SELECT id, project_id, parent_id, sort_key, depth FROM w`,
        [accountId, ...part, accountId],
      )) as PlaceRow[];
      for (const r of rows) {
        const place = toPlace(r);
        if (found.has(place.id)) continue;
        found.set(place.id, place);
        // The walk stopped here: the next statement goes on from this task.
        if (Number(r.depth) === DEPTH_PER_STATEMENT) next.push(place.id);
      }
    }
    // Each task goes on once: a chain seen before (or a cycle in damaged data) ends the walk.
    from = next.filter((id) => !visitedFrom.has(id));
    for (const id of from) visitedFrom.add(id);
  }
  return [...found.values()];
}
