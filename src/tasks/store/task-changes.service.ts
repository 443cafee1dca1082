import { Injectable, Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { settlesWithin } from '../../common/settles-within';
import { projectKeysOf, ReadRevisions } from './revisions.table';

export { projectKeysOf } from './revisions.table';
export type { ReadRevisions } from './revisions.table';
import type { Placement, StoredFields, StoredTask } from './task-fields';

// The change event: every committed write of tasks, projects and people, in the store's own
// words (no face's), told after its commit by the write gateway to whoever subscribed: the To Do
// face's list cache, and anything else that keeps up with the store (live updates).

/**
 * Who asked for the writes made in this async context: an opaque tag a face sets per request (the
 * To Do face's live client), carried on the change so that a subscriber can tell a client about
 * the writes of others only. Unset: unknown (jobs, or a write made for several callers).
 */
export const writeOrigin = new AsyncLocalStorage<string | undefined>();

interface ChangeOf<K extends string> {
  kind: K;
  accountId: number;
  /** writeOrigin of the request that made the write; absent when unknown or several made it. */
  origin?: string;
  /**
   * The revisions the write left on every project whose ordering locks it took (`s<key>`) or
   * whose tasks' fields it changed (`c<key>`), read under its locks: the writes of one project
   * follow one another by them, one revision apart, so a subscriber can put what it hears in
   * commit order and knows a write it missed by a gap. Empty when no subscriber asked for them.
   */
  revisions: ReadRevisions;
}

/**
 * Every task whose sibling list or order among its siblings changed, at its new dense position.
 * Every other task keeps its list and its order (its dense position moves only as tasks leave or
 * enter the list before it), so a subscriber that takes these tasks out of its lists and puts them
 * back in ascending positions has every list as it now reads.
 */
export type Placements = Placement[];

/**
 * Where a run of new roots goes in its list, as the list stands with the runs before it in the
 * change already in: right `after` task `id` (null: first in the list), or right `before` it
 * (null: last). The task named is in that list then (it may be a new root of an earlier run).
 */
export interface InsertAnchor {
  side: 'after' | 'before';
  id: number | null;
}

/**
 * Whether every run's anchor is in `list` (the ids of a sibling list, in order) or is one of the
 * runs before it: if not, the subscriber's copy is not the list the write started from (read it
 * again).
 */
export function runsFit(
  list: readonly number[],
  inserts: ReadonlyArray<{ anchor: InsertAnchor; ids: number[] }>,
): boolean {
  const fresh = new Set<number>();
  for (const { anchor, ids } of inserts) {
    if (anchor.id !== null && !fresh.has(anchor.id) && !list.includes(anchor.id)) return false;
    for (const id of ids) fresh.add(id);
  }
  return true;
}

/**
 * Puts the runs into `list`, in the order given, each next to its anchor (runsFit first). In place:
 * a copy of a list of 100,000 per write costs more than finding the anchors in it.
 */
export function insertRuns(
  list: number[],
  inserts: ReadonlyArray<{ anchor: InsertAnchor; ids: number[] }>,
): void {
  for (const { anchor, ids } of inserts) {
    let at: number;
    if (anchor.id === null) at = anchor.side === 'after' ? 0 : list.length;
    else {
      const k = list.indexOf(anchor.id);
      if (k < 0) throw new Error(`task ${anchor.id} is not in the list`);
      at = anchor.side === 'after' ? k + 1 : k;
    }
    list.splice(at, 0, ...ids);
  }
}

/** New tasks (a create, a clone, a v2 create or copy). */
export interface TasksInserted extends ChangeOf<'inserted'> {
  /** Per sibling list that got new roots: each clone's roots, in order, from their final position. */
  lists: Array<{
    projectId: number | null;
    parentId: number | null;
    /**
     * Each run of new roots, in an order in which its anchor is already in the list: applied one
     * after the other, each goes next to the task its `anchor` names (InsertAnchor), so that a
     * subscriber that holds the list finds the place in memory and no write counts positions.
     * `origin`: who asked for this run when one write made the clones of several callers.
     */
    inserts: Array<{ anchor: InsertAnchor; ids: number[]; origin?: string }>;
  }>;
  /** Every new task as it now reads, parents before children and siblings in order. */
  tasks: Array<{ task: StoredTask; stamp: number }>;
}

/**
 * Many new tasks in one project (a copy of more than one chunk of tasks), too many to tell one by
 * one: a subscriber reads what it keeps of the project again.
 */
export interface TasksBulkInserted extends ChangeOf<'bulk-inserted'> {
  projectId: number | null;
  count: number;
}

/**
 * Own fields of existing tasks replaced in full (creation time and place kept): each task as it
 * reads after the write, so that a subscriber needs no read of its own.
 */
export interface FieldsUpdated extends ChangeOf<'updated'> {
  tasks: Array<{
    id: number;
    projectId: number | null;
    parentId: number | null;
    /** ISO-8601 UTC with milliseconds, as list reads give it. */
    createdAt: string | null;
    fields: StoredFields;
    stamp: number;
  }>;
}

/** Some own fields of tasks changed (not all of them: read the tasks for what they are now). */
export interface TasksEdited extends ChangeOf<'edited'> {
  tasks: Array<{ id: number; projectId: number | null }>;
}

/** Tasks deleted with their subtrees; the lists they left were closed up. */
export interface TasksDeleted extends ChangeOf<'deleted'> {
  /** The tasks asked for (that existed), then every task that went with them. */
  ids: number[];
  removed: number[];
  /**
   * Remaining tasks that changed list or order (Placements): none, since the lists close up
   * around the removed tasks.
   */
  placements: Placement[];
}

/**
 * A moved task's place (Placements): with `after`, the task it now follows in its list (null:
 * first), and no `position`, where the position would have to be counted (a list loaded in part);
 * a subscriber that puts each right after its `after` (the ones that follow another moved task
 * after that one) has every list as it now reads. Otherwise at its dense `position`.
 */
export type MovedPlacement = Omit<Placement, 'position'> &
  ({ position: number; after?: undefined } | { position?: undefined; after: number | null });

/** Tasks moved (a move, indent, unindent, a batch of them, or to another project). */
export interface TasksMoved extends ChangeOf<'moved'> {
  operation: 'move' | 'indent' | 'unindent' | 'project' | 'opbatch';
  /** The tasks the request moved (their subtrees came along). */
  ids: number[];
  /** Every placement with `after`, or every one with `position`. */
  placements: MovedPlacement[];
}

/** Every sibling list of one project (`projectId`; null = No project) or of all (undefined) reordered. */
export interface TasksSorted extends ChangeOf<'sorted'> {
  by: string;
  dir: 'asc' | 'desc';
  projectId: number | null | undefined;
  placements: Placements;
}

/** A project made, renamed or changed, or deleted (its tasks then moved to No project). */
export interface ProjectChanged extends ChangeOf<'project-created' | 'project-updated' | 'project-deleted'> {
  projectId: number;
  /** The name it has now (absent: unchanged, or deleted). */
  name?: string;
  /** project-deleted: its tasks, now of No project (Placements). */
  placements: Placements;
}

/** A person made, changed or deleted (then taken off every task: `tasks`). */
export interface PersonChanged extends ChangeOf<'person-created' | 'person-updated' | 'person-deleted'> {
  personId: number;
  tasks: Array<{ id: number; projectId: number | null }>;
}

export type TaskChange =
  | TasksInserted
  | TasksBulkInserted
  | FieldsUpdated
  | TasksEdited
  | TasksDeleted
  | TasksMoved
  | TasksSorted
  | ProjectChanged
  | PersonChanged;

export type TaskChangeKind = TaskChange['kind'];

/** What a write records of itself; the gateway adds the account and the revisions. */
export type RecordedChange = TaskChange extends infer C
  ? C extends TaskChange
    ? Omit<C, 'accountId' | 'revisions' | 'origin'>
    : never
  : never;

type InsertedBody = Omit<TasksInserted, 'accountId' | 'revisions' | 'origin'>;
type Insert = TasksInserted['lists'][number]['inserts'][number];

/**
 * Two inserts of one write as one change (a bulk create inserts once per task). The later one's
 * anchors name the lists as the earlier one left them, so its runs follow the earlier ones; a run
 * that meets the last run of its list before it joins it, as the positions of both show.
 */
export function mergeInserted(earlier: InsertedBody, later: InsertedBody): InsertedBody {
  const key = (l: { projectId: number | null; parentId: number | null }) => `${l.projectId}:${l.parentId}`;
  const lists = new Map<string, { projectId: number | null; parentId: number | null; inserts: Insert[] }>();
  for (const list of [...earlier.lists, ...later.lists]) {
    let entry = lists.get(key(list));
    if (!entry) {
      entry = { projectId: list.projectId, parentId: list.parentId, inserts: [] };
      lists.set(key(list), entry);
    }
    for (const insert of list.inserts) {
      const last = entry.inserts[entry.inserts.length - 1];
      const joined = last && joinRuns(last, insert);
      if (joined) entry.inserts[entry.inserts.length - 1] = joined;
      else entry.inserts.push({ ...insert, ids: [...insert.ids] });
    }
  }
  return {
    kind: 'inserted',
    lists: [...lists.values()],
    tasks: [...earlier.tasks, ...later.tasks],
  };
}

/**
 * One run for `earlier` and `later` (the next run put into the list) if they stand together: one
 * right after or before the other, or both against one task on one side (the later one then
 * closer to it). Null otherwise, or if they were asked for by different callers.
 */
function joinRuns(earlier: Insert, later: Insert): Insert | null {
  if (earlier.origin !== later.origin) return null;
  const { anchor } = later;
  const same = anchor.side === earlier.anchor.side && anchor.id === earlier.anchor.id;
  const first = earlier.ids[0];
  const last = earlier.ids[earlier.ids.length - 1];
  if ((anchor.side === 'after' && anchor.id === last) || (same && anchor.side === 'before')) {
    return { ...earlier, ids: [...earlier.ids, ...later.ids] };
  }
  if ((anchor.side === 'before' && anchor.id === first) || (same && anchor.side === 'after')) {
    return { ...earlier, ids: [...later.ids, ...earlier.ids] };
  }
  return null;
}

/** Keeps up with committed writes (the To Do face's list cache, live updates). */
export interface TaskChangeListener {
  /** Whether it wants this kind of write to these projects (0 = No project) of the account. */
  interested(accountId: number, projectKeys: number[], kind: TaskChangeKind): boolean;
  changed(change: TaskChange): void;
}

// A reader waits at most this long for writes of this process to be told (a safety net: every
// writer ends its announcement when its transaction ends).
const MAX_WAIT_MS = 200;

interface Announcement {
  accountId: number;
  projectKeys: number[];
  ended: Promise<void>;
  end: () => void;
}

/**
 * Committed writes of this process, told to the subscribers that asked for them, so that a read
 * model can apply them instead of reading the tree again. It checks each against the revisions
 * it holds and ignores what does not follow on from them; the database revisions stay the judge.
 * Writers only read their revisions back when someone is interested.
 *
 * A write is announced from the moment it has read its revisions back, inside its transaction,
 * until it is told (or fails): its commit is visible to other connections before this process
 * hears of it, and a reader that finds the database ahead of its list can wait for these writes
 * (`settled`) instead of reading the tree again.
 */
@Injectable()
export class TaskChangeFeed {
  private readonly logger = new Logger(TaskChangeFeed.name);
  private readonly listeners: TaskChangeListener[] = [];
  private readonly announced = new Map<number, Set<Announcement>>();

  subscribe(listener: TaskChangeListener): void {
    this.listeners.push(listener);
  }

  interested(accountId: number, projectKeys: Iterable<number>, kind: TaskChangeKind): boolean {
    const keys = [...new Set(projectKeys)];
    return this.listeners.some((listener) => listener.interested(accountId, keys, kind));
  }

  /** One write, told at most once whatever the number of attempts its transaction takes. */
  write(): FeedWrite {
    return new FeedWrite(this);
  }

  /** Whether writes of this process to any of these projects of the account are yet to be told. */
  announcing(accountId: number, projectKeys: number[]): boolean {
    return this.announcedTo(accountId, projectKeys).length > 0;
  }

  /**
   * Resolves once every write of this process announced so far for these projects of the account
   * (null: any of its projects) has been told or has failed, or after MAX_WAIT_MS; null if none.
   */
  settled(accountId: number, projectKeys: number[] | null): Promise<void> | null {
    const waits = this.announcedTo(accountId, projectKeys).map((a) => a.ended);
    if (waits.length === 0) return null;
    return settlesWithin(Promise.all(waits), MAX_WAIT_MS).then(() => undefined);
  }

  /** The writes announced and not yet ended for these projects of the account (null: any). */
  private announcedTo(accountId: number, projectKeys: number[] | null): Announcement[] {
    return [...(this.announced.get(accountId) ?? [])].filter(
      (a) => projectKeys === null || a.projectKeys.some((key) => projectKeys.includes(key)),
    );
  }

  /** @internal FeedWrite's */
  announce(change: TaskChange): Announcement {
    let resolve!: () => void;
    const announcement: Announcement = {
      accountId: change.accountId,
      projectKeys: projectKeysOf(change.revisions),
      ended: new Promise<void>((r) => (resolve = r)),
      end: () => {
        const set = this.announced.get(change.accountId);
        set?.delete(announcement);
        if (set?.size === 0) this.announced.delete(change.accountId);
        resolve();
      },
    };
    let set = this.announced.get(change.accountId);
    if (!set) this.announced.set(change.accountId, (set = new Set()));
    set.add(announcement);
    return announcement;
  }

  /** @internal FeedWrite's. Called after the writer's commit: a listener's failure must never reach it. */
  tell(change: TaskChange): void {
    for (const listener of this.listeners) {
      try {
        listener.changed(change);
      } catch (error) {
        this.logger.error(`a subscriber failed to take a committed write: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * A writer's side of the feed: `begin` each attempt of the transaction, `announce` the change
 * inside it once its revisions are read back, `tell` it after the commit, and `end` in every case
 * (a `finally`).
 */
export class FeedWrite {
  private change: TaskChange | null = null;
  private announcement: Announcement | null = null;

  constructor(private readonly feed: TaskChangeFeed) {}

  /** A new attempt: what an earlier one announced was rolled back with it. */
  begin(): void {
    this.end();
  }

  announce(change: TaskChange): void {
    this.end();
    this.change = change;
    this.announcement = this.feed.announce(change);
  }

  /**
   * One attempt of the transaction: `work` runs after `begin`, and a failed attempt's
   * announcement ends at once (a retried transaction may pause before its next attempt).
   */
  async attempt<T>(work: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await work();
    } catch (error) {
      this.end();
      throw error;
    }
  }

  /**
   * After the commit: the last change announced goes to the subscribers. Its announcement ends
   * first, so that they see only the writes still to come as announced; readers waiting for it
   * resume after this call returns.
   */
  tell(): void {
    const change = this.change;
    this.end();
    if (change) this.feed.tell(change);
  }

  end(): void {
    this.announcement?.end();
    this.announcement = null;
    this.change = null;
  }
}
