import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../../database/database';
import { idsPage } from '../../database/sql';
import { counterRows, subscribersOf } from '../details/task-items.table';
import { DEPENDENCY_TYPE } from '../details/task-details.entities';
import { peopleRows, PersonRow } from '../store/people.table';
import { ProjectRow, projectRows } from '../store/projects.table';
import { childRows, pageOfTaskIds, TaskRow, taskRowsWithAssigned } from '../store/task-reads.table';
import type { RecordQuery } from './record-query';

export type { RecordCondition, RecordFilter, RecordPage, RecordQuery } from './record-query';

export type { PersonRow as PersonRecord } from '../store/people.table';
export type { ProjectRow as ProjectRecord } from '../store/projects.table';

/** A task as the v2 face reads it, with its single assignee: the first of its assigned people. */
export interface TaskRecord extends TaskRow {
  assigneeId: number | null;
}

export interface TaskCounters {
  todoCount: number;
  openTodoCount: number;
  subtaskCount: number;
  openSubtaskCount: number;
  dependencyCount: number;
  blockingCount: number;
  waitingOnCount: number;
  linkedCount: number;
  todoAssigneeIds: number[];
}

/** The named live tasks of the account, in the order of `ids`, with their assignees. */
export async function taskRecords(m: EntityManager, accountId: number, ids: number[]): Promise<TaskRecord[]> {
  const rows = await taskRowsWithAssigned(m, accountId, ids, true);
  const byId = new Map<number, TaskRecord>(
    rows.map(({ assigned, ...r }) => [r.id, { ...r, assigneeId: assigned[0] ?? null }]),
  );
  return ids.map((id) => byId.get(id)).filter((t): t is TaskRecord => t !== undefined);
}

/**
 * Reads of tasks, projects and people for the v2 face, each in a fixed number of statements
 * whatever the number of records (chunked by 1,000 ids).
 */
@Injectable()
export class TaskReadModel {
  constructor(private readonly db: Database) {}

  tasks(accountId: number, ids: number[]): Promise<TaskRecord[]> {
    return this.db.read((m) => taskRecords(m, accountId, ids));
  }

  /** A page of task ids: tasks that back a template only when `templates` is true. */
  taskPage(
    accountId: number,
    query: RecordQuery & { templates: boolean },
  ): Promise<{ ids: number[]; total: number }> {
    return this.db.read((m) => pageOfTaskIds(m, accountId, query));
  }

  /** Direct live subtasks of each task, in sibling order. */
  async childrenOf(accountId: number, ids: number[]): Promise<Map<number, number[]>> {
    const rows = await this.db.read((m) => childRows(m, accountId, ids));
    const children = new Map<number, number[]>(ids.map((id) => [id, []]));
    for (const row of rows) children.get(row.parentId)?.push(row.id);
    return children;
  }

  /** Person ids subscribed to each task. */
  subscribersOf(accountId: number, ids: number[]): Promise<Map<number, number[]>> {
    return this.db.read((m) => subscribersOf(m, accountId, ids));
  }

  /** What each task counts: its todos, subtasks and dependencies. */
  counters(accountId: number, ids: number[]): Promise<Map<number, TaskCounters>> {
    return this.db.read((m) => countersOf(m, accountId, ids));
  }

  people(accountId: number, ids: number[]): Promise<PersonRow[]> {
    return this.db.read((m) => peopleRows(m, accountId, ids));
  }

  projects(accountId: number, ids: number[]): Promise<ProjectRow[]> {
    return this.db.read((m) => projectRows(m, accountId, ids));
  }

  /** A page of people or project ids, optionally filtered by one exact value (email; name). */
  page(
    table: 'people' | 'projects',
    accountId: number,
    filter: { property: 'email' | 'name'; value: string } | null,
    page: { offset: number; limit: number },
  ): Promise<{ ids: number[]; total: number }> {
    return this.db.read((m) =>
      idsPage(
        m,
        table,
        accountId,
        filter && [filter.property === 'email' ? 'email' : 'name', filter.value],
        page,
      ),
    );
  }
}

function emptyCounters(): TaskCounters {
  return {
    todoCount: 0,
    openTodoCount: 0,
    subtaskCount: 0,
    openSubtaskCount: 0,
    dependencyCount: 0,
    blockingCount: 0,
    waitingOnCount: 0,
    linkedCount: 0,
    todoAssigneeIds: [],
  };
}

async function countersOf(
  m: EntityManager,
  accountId: number,
  ids: number[],
): Promise<Map<number, TaskCounters>> {
  const counters = new Map<number, TaskCounters>(ids.map((id) => [id, emptyCounters()]));
  if (ids.length === 0) return counters;
  for (const row of await counterRows(m, accountId, ids)) {
    const c = counters.get(row.taskId)!;
    if (row.kind === 'todo') {
      c.todoCount++;
      if (row.closed) continue;
      c.openTodoCount++;
      if (row.assigneeId !== null && !c.todoAssigneeIds.includes(row.assigneeId)) {
        c.todoAssigneeIds.push(row.assigneeId);
      }
    } else if (row.kind === 'subtask') {
      c.subtaskCount++;
      if (!row.closed) c.openSubtaskCount++;
    } else {
      c.dependencyCount++;
      if (row.typeId === DEPENDENCY_TYPE.blocking) c.blockingCount++;
      else if (row.typeId === DEPENDENCY_TYPE.waitingOn) c.waitingOnCount++;
      else c.linkedCount++;
    }
  }
  return counters;
}
