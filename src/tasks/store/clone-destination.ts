import type { Queryable } from '../../database/sql';
import { TasksError } from '../tasks.errors';
import { BEFORE_FIRST } from './order-keys';
import { AnchorRead, neighbourKey, readAnchors } from './order-keys.table';
import type { InsertAnchor } from './task-changes.service';
import { keyOf } from './task-fields';
import type { KeyedPlace } from './task-tree';
import { readStructure } from './tasks.table';
import type { StoreWrite } from './write-gateway';

/**
 * Where the roots go: next to a target (`adjacent`), or at the start or end of a sibling list.
 * `parentId`/`projectId` left `undefined` are "not given": derived from the target or parent;
 * given values (null = none) must agree with them.
 */
export type ClonePlacement =
  | {
      kind: 'adjacent';
      targetId: number;
      reverse: boolean;
      parentId?: number | null;
      projectId?: number | null;
    }
  | { kind: 'list'; parentId: number | null; projectId?: number | null; at: 'start' | 'end' };

export interface Destination {
  projectId: number | null;
  parentId: number | null;
  /**
   * Where the roots go in the list: the gap after the task keyed `lo` (BEFORE_FIRST: the top) and
   * before `hi` (null: the end), on the side of the task they were placed against (`after` the
   * one at `lo`, `before` the one at `hi`), which orders several inserts into one gap
   * (sibling-inserts.ts).
   */
  place: { lo: number; hi: number | null; side: 'after' | 'before' };
  /**
   * The id of the task on the roots' `side`: at `lo` for `after` (null: the top), at `hi` for
   * `before` (null: the end). The change event names it, so that no position is counted.
   */
  anchor: number | null;
}

// A target or parent may keep moving to another project between its read and the lock.
const MAX_LOCK_ATTEMPTS = 5;

/**
 * The end of a sibling list whose last key (null: empty) its caller read under the list's ordering
 * lock: where a clone placed `at: 'end'` goes (CloneRequest.destination).
 */
export function endOfList(
  list: { projectId: number | null; parentId: number | null },
  lastKey: number | null,
): Destination {
  return { ...list, place: { lo: lastKey ?? BEFORE_FIRST, hi: null, side: 'before' }, anchor: null };
}

/** The task a placement is relative to: the target, or the parent of the list (null: a root list). */
export function anchorOf(placement: ClonePlacement): number | null {
  return placement.kind === 'adjacent' ? placement.targetId : placement.parentId;
}

/** What a group read at once for its members: anchors by id (undefined: not found). */
export interface GroupReads {
  anchors: Map<number, KeyedPlace | AnchorRead | undefined>;
  /** Destinations resolved so far, by placement (groupDestination). */
  destinations?: Map<string, Promise<Destination>>;
}

/**
 * For a group of clones (where rows lock): the ordering locks of every project the members
 * guessed, in one statement and ascending order, then every member's anchor with the keys next
 * to it in one more, instead of a lock and reads per member while the locks are held.
 */
export async function lockGroup(
  w: StoreWrite,
  members: Array<{ placement: ClonePlacement; guess?: number | null } | null>,
): Promise<GroupReads> {
  const reads: GroupReads = { anchors: new Map() };
  if (!w.sql.rowLocks || members.length < 2) return reads;
  const keys = new Set<number>();
  const ids: number[] = [];
  for (const member of members) {
    if (!member) continue;
    const { placement } = member;
    const guess = placement.projectId !== undefined ? placement.projectId : member.guess;
    const anchorId = anchorOf(placement);
    if (guess === undefined) continue;
    keys.add(keyOf(guess));
    if (anchorId !== null) ids.push(anchorId);
  }
  for (const id of ids) reads.anchors.set(id, undefined);
  for (const row of await w.lockListsAnd(keys, (m) => readAnchorsUnder(w, ids, m)))
    reads.anchors.set(row.id, row);
  return reads;
}

/**
 * The anchors, under the ordering locks: where plain reads see the latest committed rows (a READ
 * COMMITTED write), with their neighbours' keys in the same statement; otherwise locked, alone.
 */
function readAnchorsUnder(w: StoreWrite, ids: number[], m: Queryable = w.m) {
  if (!w.readsCommitted) return readStructure(m, w.sql, w.accountId, ids, true);
  return readAnchors(m, w.sql, w.accountId, [...new Set(ids)]);
}

/**
 * lockDestination, once per distinct placement of a group: members placed alike (concurrent
 * creates at the top of one list) share one resolution and its reads, which nothing in the
 * group's transaction changes before its INSERT. A failed one fails each of them alike.
 */
export function groupDestination(
  w: StoreWrite,
  placement: ClonePlacement,
  known: number | null | undefined,
  group: GroupReads,
): Promise<Destination> {
  // JSON keeps a field given as null apart from one not given (left out).
  const key = `${known === undefined ? '?' : keyOf(known)}:${JSON.stringify(placement)}`;
  group.destinations ??= new Map();
  let resolved = group.destinations.get(key);
  if (!resolved) group.destinations.set(key, (resolved = lockDestination(w, placement, known, group)));
  return resolved;
}

/**
 * Resolves the destination list under its project's ordering lock. The project of a target or
 * parent is only known after reading it, so it is read (or `known` from before the transaction),
 * its project locked, and read again; if it moved meanwhile, the lock is taken again for the new
 * project. Where rows do not lock, one writer runs at a time: no locks, one read.
 */
export async function lockDestination(
  w: StoreWrite,
  placement: ClonePlacement,
  known?: number | null,
  group?: GroupReads,
): Promise<Destination> {
  const anchorId = anchorOf(placement);
  const anchorField = placement.kind === 'adjacent' ? 'targetId' : 'parent';
  let guess: number | null | undefined = placement.projectId !== undefined ? placement.projectId : known;
  const locking = w.sql.rowLocks;
  for (let attempt = 0; attempt < MAX_LOCK_ATTEMPTS; attempt++) {
    let anchor: KeyedPlace | undefined;
    if (locking && anchorId !== null && guess === undefined) {
      [anchor] = await readStructure(w.m, w.sql, w.accountId, [anchorId], false);
      if (!anchor) throw notFound(anchorId, anchorField);
      guess = anchor.projectId;
    }
    // A project named by the caller is locked at once; a wrong one fails below as a mismatch. A
    // second lock (the anchor moved between read and lock) may break ascending order; that is
    // rare, and Database retries the transaction on deadlock.
    const key = guess ?? 0;
    // The first read under the lock goes with it (lockListsAnd): the named project's root list,
    // or the anchor unless the group read it already.
    const rootList =
      placement.projectId !== undefined &&
      attempt === 0 &&
      placement.kind === 'list' &&
      anchorId === null &&
      placement.projectId !== null &&
      w.readsCommitted
        ? placement.projectId
        : undefined;
    const known = attempt === 0 && anchorId !== null && group?.anchors.has(anchorId);
    const underLock = async (
      m: Queryable,
    ): Promise<Destination | Array<KeyedPlace | AnchorRead> | undefined> => {
      if (rootList !== undefined && placement.kind === 'list')
        return rootListOfProject(w, rootList, placement.at, m);
      if (anchorId === null || known) return undefined;
      if (placement.kind === 'adjacent') return readAnchorsUnder(w, [anchorId], m);
      return readStructure(m, w.sql, w.accountId, [anchorId], locking);
    };
    const first = locking ? await w.lockListsAnd([key], underLock) : await underLock(w.m);
    if (placement.projectId !== undefined && attempt === 0) {
      if (rootList !== undefined && first) return first as Destination;
      await w.assertProject(placement.projectId);
    }
    if (anchorId !== null) {
      // Read already with the group's other anchors (lockGroup) on the first round. Under the
      // ordering lock a plain read of a READ COMMITTED write sees the latest rows: a task leaves
      // its list or project only under that list's lock, and field updates take row locks only.
      if (known) anchor = group!.anchors.get(anchorId);
      else [anchor] = first as Array<KeyedPlace | AnchorRead>;
      if (!anchor) throw notFound(anchorId, anchorField);
      if (placement.projectId !== undefined && anchor.projectId !== placement.projectId) {
        throw mismatch(placement.projectId, anchor, anchorField);
      }
      if (locking && (anchor.projectId ?? 0) !== key) {
        guess = anchor.projectId;
        continue;
      }
    }
    return slot(w, placement, anchor);
  }
  throw new TasksError('TASK_PLACEMENT_MISMATCH', 'The destination kept moving; try again');
}

/**
 * The root list of a named project, where plain reads see the latest rows (a READ COMMITTED write
 * under the project's ordering lock, which a project delete takes too): the project's existence
 * and the list's first or last key in one statement. Undefined when the project is not found
 * (the caller's own check then says so).
 */
async function rootListOfProject(
  w: StoreWrite,
  projectId: number,
  at: 'start' | 'end',
  m: Queryable = w.m,
): Promise<Destination | undefined> {
  const start = at === 'start';
  const rows = (await m.query(
    `SELECT (SELECT sort_key FROM tasks WHERE account_id = ? AND project_key = ? AND parent_key = 0 ORDER BY sort_key${start ? '' : ' DESC'} LIMIT 1) AS k FROM projects WHERE account_id = ? AND id = ?`,
    [w.accountId, keyOf(projectId), w.accountId, projectId],
  )) as Array<{ k: number | string | null }>;
  if (rows.length === 0) return undefined;
  const key = rows[0].k === null ? null : Number(rows[0].k);
  return {
    projectId,
    parentId: null,
    place: start
      ? { lo: BEFORE_FIRST, hi: key, side: 'after' }
      : { lo: key ?? BEFORE_FIRST, hi: null, side: 'before' },
    anchor: null,
  };
}

async function slot(
  w: StoreWrite,
  placement: ClonePlacement,
  anchor: KeyedPlace | AnchorRead | undefined,
): Promise<Destination> {
  const near = (
    list: { projectId: number | null; parentId: number | null },
    key: number | null,
    side: 'next' | 'previous',
  ) => neighbourKey(w.m, w.sql, w.accountId, list, key, side);
  if (placement.kind === 'adjacent') {
    const target = anchor!;
    if (placement.parentId !== undefined && placement.parentId !== target.parentId) {
      throw new TasksError(
        'TASK_PLACEMENT_MISMATCH',
        `Target ${target.id} is not a child of ${placement.parentId === null ? 'the root list' : `task ${placement.parentId}`}`,
        { field: 'parent' },
      );
    }
    const side = placement.reverse ? 'previous' : 'next';
    // Read with the target (readAnchors) where it could be.
    const read = 'next' in target ? target : undefined;
    const other = read ? read[side] : await near(target, target.key, side);
    const place = placement.reverse
      ? { lo: other ?? BEFORE_FIRST, hi: target.key, side: 'before' as const }
      : { lo: target.key, hi: other, side: 'after' as const };
    return { projectId: target.projectId, parentId: target.parentId, place, anchor: target.id };
  }
  const list = {
    projectId: anchor ? anchor.projectId : (placement.projectId ?? null),
    parentId: placement.parentId,
  };
  return {
    ...list,
    place:
      placement.at === 'start'
        ? { lo: BEFORE_FIRST, hi: await near(list, null, 'next'), side: 'after' }
        : { lo: (await near(list, null, 'previous')) ?? BEFORE_FIRST, hi: null, side: 'before' },
    anchor: null,
  };
}

/**
 * The change event's runs for members inserting into one list (`indexes`), each with the task it
 * goes next to, known from its destination without counting: in each gap, the members in list
 * order (their first keys) chain from the gap's side whose task is known, the top or a target
 * after which they go, or else the target (or end) before which they go. Emitted so that each
 * run's anchor is in the list before it (runsFit, insertRuns).
 */
export function runsIn(
  dests: Destination[],
  indexes: number[],
  rootKeys: number[][],
  rootIds: (i: number) => number[],
): Array<{ i: number; anchor: InsertAnchor }> {
  const gaps = new Map<number, number[]>();
  for (const i of indexes) {
    if (rootKeys[i].length === 0) continue;
    const gap = gaps.get(dests[i].place.lo);
    if (gap) gap.push(i);
    else gaps.set(dests[i].place.lo, [i]);
  }
  const runs: Array<{ i: number; anchor: InsertAnchor }> = [];
  for (const [lo, members] of gaps) {
    members.sort((a, b) => rootKeys[a][0] - rootKeys[b][0]);
    const after = members.find((i) => dests[i].place.side === 'after');
    if (lo === BEFORE_FIRST || after !== undefined) {
      let anchor: InsertAnchor = { side: 'after', id: after === undefined ? null : dests[after].anchor };
      for (const i of members) {
        runs.push({ i, anchor });
        const ids = rootIds(i);
        anchor = { side: 'after', id: ids[ids.length - 1] };
      }
    } else {
      let anchor: InsertAnchor = { side: 'before', id: dests[members[0]].anchor };
      for (const i of members.reverse()) {
        runs.push({ i, anchor });
        anchor = { side: 'before', id: rootIds(i)[0] };
      }
    }
  }
  return runs;
}

function notFound(id: number, field: string): TasksError {
  return new TasksError('TASK_NOT_FOUND', `Task ${id} does not exist`, { field, meta: { id } });
}

function mismatch(projectId: number | null, anchor: KeyedPlace, field: string): TasksError {
  return new TasksError(
    'TASK_PLACEMENT_MISMATCH',
    `Task ${anchor.id} (${field}) is not in ${projectId === null ? 'No project' : `project ${projectId}`}`,
    { field: 'project' },
  );
}
