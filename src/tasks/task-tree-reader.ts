import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../database/database';
import type { TaskView } from './task-content';
import { chunks, INSERT_CHUNK, keyOf, marksFor } from './task-sql';

/** project key (0 = No project) → read revision; a project never written to is absent. */
export type ReadRevisions = Map<number, number>;

/** A task's place in the tree and the stamp of its own fields (see `newStamp`). */
export interface OutlineRow {
  id: number;
  projectId: number | null;
  parentId: number | null;
  stamp: number;
}

/** One consistent read of a task tree. */
export interface TaskTreeSnapshot {
  revisions: ReadRevisions;
  /** Every task in depth-first pre-order (todolist-rest.md §3 "Read order"). */
  outline: OutlineRow[];
  /** The full tasks, for the outline rows the caller did not already know by (id, stamp). */
  views: Map<number, TaskView>;
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
}

interface OutlineRowRaw {
  id: number;
  project_id: number | null;
  parent_id: number | null;
  revision: number | string;
}

/**
 * Reads of the task tree for list routes. A reader first asks for the read revisions (one indexed
 * lookup); only when they moved does it read the tree again, and then only the tasks whose stamps
 * it has not seen come back in full. Writers advance both (`lockLists`, `newStamp`).
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
    known: (id: number, stamp: number) => boolean,
  ): Promise<TaskTreeSnapshot> {
    return this.db.transaction(
      async (m) => {
        const revisions = await this.revisions(m, accountId, projectId);
        const scope = projectId === undefined ? '' : ' AND project_key = ?';
        const args = projectId === undefined ? [accountId] : [accountId, keyOf(projectId)];
        // Index order (account, project, parent, position): no sort in the database.
        const rows = (await m.query(
          `SELECT id, project_id, parent_id, revision FROM tasks WHERE account_id = ?${scope} ORDER BY project_key, parent_key, position`,
          args,
        )) as OutlineRowRaw[];
        const outline = preOrder(rows);
        const wanted = outline.filter((r) => !known(r.id, r.stamp)).map((r) => r.id);
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
    const rows = (await m.query(
      projectId === undefined
        ? 'SELECT project_key, revision FROM task_list_locks WHERE account_id = ?'
        : 'SELECT project_key, revision FROM task_list_locks WHERE account_id = ? AND project_key = ?',
      projectId === undefined ? [accountId] : [accountId, keyOf(projectId)],
    )) as Array<{ project_key: number; revision: number | string }>;
    return new Map(rows.map((r) => [Number(r.project_key), Number(r.revision)]));
  }

  private async views(m: EntityManager, accountId: number, ids: number[]): Promise<Map<number, TaskView>> {
    const out = new Map<number, TaskView>();
    const time = (column: string) =>
      this.db.dialect === 'mysql' ? `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f') AS ${column}` : column;
    for (const part of chunks(ids, INSERT_CHUNK)) {
      const marks = marksFor(part.length);
      const rows = (await m.query(
        `SELECT id, project_id, parent_id, title, closed, collapsed, ${time('due_at')}, ${time('created_at')}, ${time('closed_at')}, ${time('edited_at')}, priority, extra FROM tasks WHERE account_id = ? AND id IN (${marks})`,
        [accountId, ...part],
      )) as TaskRowRaw[];
      const assignees = (await m.query(
        `SELECT task_id, person_id FROM task_assignees WHERE account_id = ? AND task_id IN (${marks}) ORDER BY task_id, position`,
        [accountId, ...part],
      )) as Array<{ task_id: number; person_id: number }>;
      const assigned = new Map<number, number[]>();
      for (const a of assignees) {
        const id = Number(a.task_id);
        let list = assigned.get(id);
        if (!list) assigned.set(id, (list = []));
        list.push(Number(a.person_id));
      }
      for (const r of rows) out.set(Number(r.id), toView(r, assigned.get(Number(r.id)) ?? []));
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

/** Rows in (project, parent, position) order → depth-first pre-order, No project first. */
function preOrder(rows: OutlineRowRaw[]): OutlineRow[] {
  // Sibling lists keyed "project:parent", each already sorted by position.
  const lists = new Map<string, OutlineRow[]>();
  const projects: number[] = [];
  for (const r of rows) {
    const row: OutlineRow = {
      id: Number(r.id),
      projectId: r.project_id === null ? null : Number(r.project_id),
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      stamp: Number(r.revision),
    };
    const project = keyOf(row.projectId);
    if (projects[projects.length - 1] !== project) projects.push(project);
    const key = `${project}:${keyOf(row.parentId)}`;
    let list = lists.get(key);
    if (!list) lists.set(key, (list = []));
    list.push(row);
  }
  const out: OutlineRow[] = [];
  for (const project of projects) {
    const stack = [...(lists.get(`${project}:0`) ?? [])].reverse();
    while (stack.length) {
      const r = stack.pop()!;
      out.push(r);
      const kids = lists.get(`${project}:${r.id}`);
      if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
  }
  return out;
}
