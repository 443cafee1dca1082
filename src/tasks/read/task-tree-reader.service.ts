import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import { currentRevisions, ReadRevisions } from '../store/revisions.table';
import { keyOf, StoredTask } from '../store/task-fields';
import { outline, OutlineRow, storedTasks } from '../store/task-reads.table';

export type { ReadRevisions } from '../store/revisions.table';
export type { OutlineRow } from '../store/task-reads.table';
export type { StoredTask } from '../store/task-fields';

/** One consistent read of a task tree. */
export interface TaskTreeSnapshot {
  revisions: ReadRevisions;
  /**
   * Every task, in the ordering index's order: by project, then parent, then position, so each
   * sibling list comes in order (the caller puts them in its read order).
   */
  outline: OutlineRow[];
  /** The full tasks with their stamps, for the outline rows the caller did not already know. */
  tasks: Map<number, { task: StoredTask; stamp: number }>;
}

export interface ReadTreeOptions {
  /**
   * Given the revisions of the snapshot: whether every task the caller knows is still as it knows
   * it (true when no content revision moved since the caller read them). Then the outline comes
   * from the ordering index alone, without stamps.
   */
  current: (revisions: ReadRevisions) => boolean;
  /** Whether the caller knows this task; `stamp` is undefined when `current` said yes. */
  known: (id: number, stamp: number | undefined) => boolean;
}

/**
 * Reads of the task tree for list routes. A reader first asks for the read revisions (one indexed
 * lookup); only when they moved does it read the tree again, and then only the tasks it does not
 * know come back in full. Structural writers advance the structure revision; writers of task
 * fields, and changes that bring tasks into a project from elsewhere, advance the content revision
 * and stamp the tasks (see StoreWrite).
 */
@Injectable()
export class TaskTreeReader {
  constructor(private readonly db: Database) {}

  /** The read revisions of one project (`projectId` null = No project) or, undefined, of all. */
  readRevisions(accountId: number, projectId?: number | null): Promise<ReadRevisions> {
    return this.db.read((m) => currentRevisions(m, accountId, scopeOf(projectId)));
  }

  /** These tasks as they read now, in the order asked (ids that are gone are left out). */
  async readTasks(accountId: number, ids: number[]): Promise<StoredTask[]> {
    if (ids.length === 0) return [];
    const found = await this.db.read((m) => storedTasks(m, this.db.sql, accountId, ids));
    return ids.flatMap((id) => found.get(id)?.task ?? []);
  }

  /**
   * The tree of one project or (undefined) of the whole account, with its revisions, all from one
   * snapshot: the revisions are read first, so the tree is at least as new as they say.
   */
  readTree(
    accountId: number,
    projectId: number | null | undefined,
    options: ReadTreeOptions,
  ): Promise<TaskTreeSnapshot> {
    return this.db.transaction(
      async (m) => {
        const revisions = await currentRevisions(m, accountId, scopeOf(projectId));
        const rows = await outline(m, accountId, scopeOf(projectId), !options.current(revisions));
        const wanted = rows.filter((r) => !options.known(r.id, r.stamp)).map((r) => r.id);
        return { revisions, outline: rows, tasks: await storedTasks(m, this.db.sql, accountId, wanted) };
      },
      { isolation: 'REPEATABLE READ' },
    );
  }
}

function scopeOf(projectId: number | null | undefined): number | undefined {
  return projectId === undefined ? undefined : keyOf(projectId);
}
