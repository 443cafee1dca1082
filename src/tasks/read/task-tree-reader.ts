import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../../database/database';
import type { TaskView } from '../store/task-content';
import { chunks, INSERT_CHUNK, keyOf, marksFor } from '../store/task-sql';

/**
 * `s<project key>` → structure revision and `c<project key>` → content revision (0 = No project);
 * a project never written to is absent.
 */
export type ReadRevisions = Map<string, number>;

/**
 * A task's place in the tree and the stamp of its own fields (see `newStamp`); the stamp is left
 * out when the caller said its copies of the tasks are current (`ReadTreeOptions.current`).
 */
export interface OutlineRow {
  id: number;
  projectId: number | null;
  parentId: number | null;
  stamp?: number;
}

/** A task read in full, with its stamp. */
export interface StampedView {
  view: TaskView;
  stamp: number;
}

/** One consistent read of a task tree. */
export interface TaskTreeSnapshot {
  revisions: ReadRevisions;
  /**
   * Every task, in the ordering index's order: by project, then parent, then position, so each
   * sibling list comes in order (the caller puts them in the read order of todolist-rest.md §3).
   */
  outline: OutlineRow[];
  /** The full tasks, for the outline rows the caller did not already know. */
  views: Map<number, StampedView>;
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

interface TaskRowRaw {
  id: number;
  project_id: number | null;
  parent_id: number | null;
  title: string;
  closed: number | boolean;
  collapsed: number | boolean;
  // `YYYY-MM-DD HH:MM:SS.SSS[SSS]` text on both dialects.
  due_at: string | null;
  created_at: string | null;
  closed_at: string | null;
  edited_at: string | null;
  priority: number | null;
  extra: string | null;
  revision: number | string;
}

interface OutlineRowRaw {
  id: number;
  project_key: number;
  parent_key: number;
  revision?: number | string;
}

/**
 * Reads of the task tree for list routes. A reader first asks for the read revisions (one indexed
 * lookup); only when they moved does it read the tree again, and then only the tasks it does not
 * know come back in full. Structural writers advance the structure revision (`lockLists`); writers
 * of task fields, and changes that bring tasks into a project from elsewhere, advance the content
 * revision and stamp the tasks (`advanceContent`, `newStamp`).
 */
@Injectable()
export class TaskTreeReader {
  constructor(private readonly db: Database) {}

  /** The read revisions of one project (`projectId` null = No project) or, undefined, of all. */
  readRevisions(accountId: number, projectId?: number | null): Promise<ReadRevisions> {
    return this.db.read((m) => this.revisions(m, accountId, projectId));
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
        const revisions = await this.revisions(m, accountId, projectId);
        const current = options.current(revisions);
        const { scope, args } = projectScope(accountId, projectId);
        // Index order (account, project, parent, position): no sort in the database. Without the
        // stamps the ordering index covers the query and no task row is read.
        const rows = (await m.query(
          `SELECT id, project_key, parent_key${current ? '' : ', revision'} FROM tasks WHERE account_id = ?${scope} ORDER BY project_key, parent_key, position`,
          args,
        )) as OutlineRowRaw[];
        const outline = rows.map(toOutlineRow);
        const wanted = outline.filter((r) => !options.known(r.id, r.stamp)).map((r) => r.id);
        return { revisions, outline, views: await this.views(m, accountId, wanted) };
      },
      { isolation: 'REPEATABLE READ' },
    );
  }

  private async revisions(
    m: EntityManager,
    accountId: number,
    projectId: number | null | undefined,
  ): Promise<ReadRevisions> {
    const { scope, args } = projectScope(accountId, projectId);
    const rows = (await m.query(
      `SELECT 's' AS kind, project_key, revision FROM task_list_locks WHERE account_id = ?${scope} ` +
        `UNION ALL SELECT 'c' AS kind, project_key, revision FROM task_content_revisions WHERE account_id = ?${scope}`,
      [...args, ...args],
    )) as Array<{ kind: string; project_key: number; revision: number | string }>;
    return new Map(rows.map((r) => [`${r.kind}${Number(r.project_key)}`, Number(r.revision)]));
  }

  /** Tasks in full with their assignees, one statement per 1,000 (a row per assignee). */
  private async views(m: EntityManager, accountId: number, ids: number[]): Promise<Map<number, StampedView>> {
    const out = new Map<number, StampedView>();
    const time = (column: string) =>
      this.db.dialect === 'mysql'
        ? `DATE_FORMAT(t.${column}, '%Y-%m-%d %H:%i:%s.%f') AS ${column}`
        : `t.${column}`;
    for (const part of chunks(ids, INSERT_CHUNK)) {
      const rows = (await m.query(
        `SELECT t.id, t.project_id, t.parent_id, t.title, t.closed, t.collapsed, ${time('due_at')}, ${time('created_at')}, ${time('closed_at')}, ${time('edited_at')}, t.priority, t.extra, t.revision, a.person_id ` +
          'FROM tasks t LEFT JOIN task_assignees a ON a.task_id = t.id AND a.account_id = t.account_id ' +
          `WHERE t.account_id = ? AND t.id IN (${marksFor(part.length)}) ORDER BY t.id, a.position`,
        [accountId, ...part],
      )) as Array<TaskRowRaw & { person_id: number | null }>;
      for (const r of rows) {
        const id = Number(r.id);
        let read = out.get(id);
        if (!read) out.set(id, (read = { view: toView(r, []), stamp: Number(r.revision) }));
        if (r.person_id !== null) read.view.assigned.push(Number(r.person_id));
      }
    }
    return out;
  }
}

function toView(r: TaskRowRaw, assigned: number[]): TaskView {
  return {
    id: Number(r.id),
    projectId: r.project_id === null ? null : Number(r.project_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    text: r.title,
    checked: asBool(r.closed),
    collapsed: asBool(r.collapsed),
    assigned,
    dueDate: iso(r.due_at),
    creationDate: iso(r.created_at),
    completionDate: iso(r.closed_at),
    editedDate: iso(r.edited_at),
    priority: r.priority === null ? null : Number(r.priority),
    extra: r.extra ? (JSON.parse(r.extra) as Record<string, unknown>) : null,
  };
}

function asBool(value: number | boolean | string): boolean {
  return value === true || Number(value) === 1;
}

/** Stored time text to ISO-8601 UTC with milliseconds, without a Date round trip. */
function iso(value: string | null): string | null {
  return value === null ? null : `${value.slice(0, 10)}T${value.slice(11, 23)}Z`;
}

/** `AND project_key = ?` and its arguments for one project; nothing for the whole account. */
function projectScope(accountId: number, projectId: number | null | undefined) {
  return projectId === undefined
    ? { scope: '', args: [accountId] }
    : { scope: ' AND project_key = ?', args: [accountId, keyOf(projectId)] };
}

function toOutlineRow(r: OutlineRowRaw): OutlineRow {
  const project = Number(r.project_key);
  const parent = Number(r.parent_key);
  return {
    id: Number(r.id),
    projectId: project === 0 ? null : project,
    parentId: parent === 0 ? null : parent,
    stamp: r.revision === undefined ? undefined : Number(r.revision),
  };
}
