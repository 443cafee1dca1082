import { Injectable, Logger } from '@nestjs/common';
import type { TaskContent, TaskView } from './task-content';
import type { ReadRevisions } from './task-tree-reader';

/** New tasks a committed clone (or group of clones) placed. */
export interface TasksInserted {
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
  accountId: number;
  /** The content revisions the write left on every project it changed (read under its locks). */
  revisions: ReadRevisions;
  tasks: Array<{ id: number; content: TaskContent; stamp: number }>;
}

/** A read model kept up to date by this process's writes (the To Do face's list cache). */
export interface TaskChangeListener {
  /** Whether it keeps lists of these projects (0 = No project) of the account. */
  interested(accountId: number, projectKeys: number[]): boolean;
  tasksInserted(change: TasksInserted): void;
  fieldsUpdated(change: FieldsUpdated): void;
}

/**
 * Committed writes of this process, told to the read model that asked for them, so that it can
 * apply them instead of reading the tree again. The read model checks each against the revisions
 * it holds and ignores what does not follow on from them; the database revisions stay the judge.
 * Writers only read their revisions back when someone is interested.
 */
@Injectable()
export class TaskChangeFeed {
  private readonly logger = new Logger(TaskChangeFeed.name);
  private listener: TaskChangeListener | null = null;

  subscribe(listener: TaskChangeListener): void {
    this.listener = listener;
  }

  interested(accountId: number, projectKeys: Iterable<number>): boolean {
    return this.listener !== null && this.listener.interested(accountId, [...new Set(projectKeys)]);
  }

  // Called after the writer's commit: a listener's failure must never reach the writer.
  tasksInserted(change: TasksInserted): void {
    this.safely(() => this.listener?.tasksInserted(change));
  }

  fieldsUpdated(change: FieldsUpdated): void {
    this.safely(() => this.listener?.fieldsUpdated(change));
  }

  private safely(tell: () => void): void {
    try {
      tell();
    } catch (error) {
      this.logger.error(`a read model failed to apply a committed write: ${(error as Error).message}`);
    }
  }
}
