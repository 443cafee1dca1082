import { Injectable, Logger } from '@nestjs/common';
import type { TaskContent, TaskView } from './task-content';
import type { ReadRevisions } from '../read/task-tree-reader';

/** New tasks a committed clone (or group of clones) placed. */
export interface TasksInserted {
  kind: 'inserted';
  accountId: number;
  /** The structure revisions the write left on every project it changed (read under its locks). */
  revisions: ReadRevisions;
  /** Per sibling list that got new roots: each clone's roots, in order, from their final position. */
  lists: Array<{
    projectId: number | null;
    parentId: number | null;
    inserts: Array<{ at: number; ids: number[] }>;
  }>;
  /** Every new task, parents before children and siblings in order. */
  tasks: Array<{ view: TaskView; stamp: number }>;
}

/** Own fields of existing tasks that a committed update replaced (creation date and place kept). */
export interface FieldsUpdated {
  kind: 'updated';
  accountId: number;
  /** The content revisions the write left on every project it changed (read under its locks). */
  revisions: ReadRevisions;
  tasks: Array<{ id: number; projectId: number | null; content: TaskContent; stamp: number }>;
}

export type TaskChange = TasksInserted | FieldsUpdated;

/** A read model kept up to date by this process's writes (the To Do face's list cache). */
export interface TaskChangeListener {
  /** Whether it keeps lists of these projects (0 = No project) of the account. */
  interested(accountId: number, projectKeys: number[]): boolean;
  changed(change: TaskChange): void;
}

/** The project keys (0 = No project) of a change's revisions. */
export function projectKeysOf(revisions: ReadRevisions): number[] {
  return [...new Set([...revisions.keys()].map((key) => Number(key.slice(1))))];
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
 * Committed writes of this process, told to the read model that asked for them, so that it can
 * apply them instead of reading the tree again. The read model checks each against the revisions
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
  private listener: TaskChangeListener | null = null;
  private readonly announced = new Map<number, Set<Announcement>>();

  subscribe(listener: TaskChangeListener): void {
    this.listener = listener;
  }

  interested(accountId: number, projectKeys: Iterable<number>): boolean {
    return this.listener !== null && this.listener.interested(accountId, [...new Set(projectKeys)]);
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
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, MAX_WAIT_MS)));
    return Promise.race([Promise.all(waits), timeout]).then(() => clearTimeout(timer));
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
    try {
      this.listener?.changed(change);
    } catch (error) {
      this.logger.error(`a read model failed to apply a committed write: ${(error as Error).message}`);
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
   * After the commit: the last change announced goes to the read model. Its announcement ends
   * first, so that the read model sees only the writes still to come as announced; readers
   * waiting for it resume after this call returns.
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
