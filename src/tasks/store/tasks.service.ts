import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { Database } from '../../database/database';
import { fromSqlDateTime } from '../../database/sql-time';
import { CloneEngine, CloneNode, ClonePlacement } from './clone-engine';
import { TaskChangeFeed } from './task-change-feed';
import { TaskContent, wellFormed } from './task-content';
import {
  advanceContent,
  assertPeopleExist,
  assertProjectExists,
  chunks,
  extraText,
  INSERT_CHUNK,
  insertAssignees,
  keyOf,
  loadProjects,
  lockLists,
  marksFor,
  MAX_LOCK_ATTEMPTS,
  newStamp,
  readLockedRevisions,
  readStructure,
  sqlTime,
  writePlacements,
} from './task-sql';
import { TaskForest } from './task-tree';
import { TasksError } from '../tasks.errors';

export type SortField =
  | 'text'
  | 'due_date'
  | 'creation_date'
  | 'edited_date'
  | 'completion_date'
  | 'priority';

// The only way a sort key reaches SQL: a fixed column name per whitelisted field.
const SORT_COLUMNS: Record<SortField, string> = {
  text: 'title',
  due_date: 'due_at',
  creation_date: 'created_at',
  edited_date: 'edited_at',
  completion_date: 'closed_at',
  priority: 'priority',
};

export interface IndentStep {
  operation: 'indent';
  id: number;
  parentId: number;
  targetId?: number;
}

export interface UnindentStep {
  operation: 'unindent';
  id: number;
  /** The expected new parent (X's grandparent); undefined when not sent. */
  parentId?: number | null;
}

export type MoveRequest =
  | {
      operation: 'move';
      ids: number[];
      targetId?: number;
      /** undefined when not sent. */
      parentId?: number | null;
      reverse: boolean;
    }
  | IndentStep
  | UnindentStep
  | { operation: 'project'; ids: number[]; projectId: number | null }
  | { operation: 'opbatch'; steps: Array<IndentStep | UnindentStep> };

export interface CreateTaskInput {
  content: TaskContent;
  requestedId?: number;
  placement: ClonePlacement;
}

/** The task store: reads in tree order and every structural change under the ordering locks. */
@Injectable()
export class TasksService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly engine: CloneEngine,
    private readonly changes: TaskChangeFeed,
  ) {}

  /** POST /todo/tasks: one new task placed per §5.2. Returns its id. */
  async createTask(accountId: number, input: CreateTaskInput): Promise<number> {
    const ids = await this.engine.cloneForest(accountId, {
      nodes: [{ key: 'new', parentKey: null, content: input.content, requestedId: input.requestedId }],
      placement: input.placement,
    });
    return ids.get('new')!;
  }

  /** POST /todo/clone and any caller with a flat forest: client key → new id for every node. */
  cloneTasks(accountId: number, nodes: CloneNode[], placement: ClonePlacement): Promise<Map<string, number>> {
    return this.engine.cloneForest(accountId, { nodes, placement });
  }

  /**
   * Full replacement of content fields (§5.3), in order; a repeated id takes its last entry.
   * Structure is never touched, so only the rows themselves are locked.
   */
  async updateTasks(accountId: number, updates: Array<{ id: number; content: TaskContent }>): Promise<void> {
    const last = new Map<number, TaskContent>();
    for (const u of updates) last.set(u.id, u.content);
    const ids = [...last.keys()];
    const write = this.changes.write();
    try {
      await this.db.transaction((m) =>
        write.attempt(async () => {
          // The rows first: their projects cannot change under the lock until the commit.
          const locked = await readStructure(m, this.db.dialect, accountId, ids, true);
          const found = new Set(locked.map((r) => r.id));
          const missing = ids.find((id) => !found.has(id));
          if (missing !== undefined) throw taskNotFound(missing, 'id');
          await assertPeopleExist(
            m,
            accountId,
            [...last.values()].flatMap((c) => c.assigned),
          );
          const now = sqlTime(this.clock.now());
          const stamp = newStamp();
          for (const [id, c] of last) {
            await m.query(
              'UPDATE tasks SET title = ?, closed = ?, collapsed = ?, due_at = ?, closed_at = ?, edited_at = ?, priority = ?, extra = ?, updated_at = ?, revision = ? WHERE account_id = ? AND id = ?',
              [
                wellFormed(c.text),
                c.checked ? 1 : 0,
                c.collapsed ? 1 : 0,
                sqlTime(c.dueDate),
                sqlTime(c.completionDate),
                sqlTime(c.editedDate),
                c.priority,
                extraText(c.extra),
                now,
                stamp,
                accountId,
                id,
              ],
            );
          }
          for (const part of chunks(ids, INSERT_CHUNK)) {
            await m.query(
              `DELETE FROM task_assignees WHERE account_id = ? AND task_id IN (${marksFor(part.length)})`,
              [accountId, ...part],
            );
          }
          await insertAssignees(
            m,
            accountId,
            [...last].map(([taskId, c]) => ({ taskId, assigned: c.assigned })),
          );
          const projects = [...new Set(locked.map((r) => keyOf(r.projectId)))];
          await advanceContent(m, this.db.dialect, accountId, projects);
          if (this.changes.interested(accountId, projects)) {
            write.announce({
              kind: 'updated',
              accountId,
              revisions: await readLockedRevisions(m, accountId, 'c', projects),
              tasks: locked.map((row) => ({
                id: row.id,
                projectId: row.projectId,
                content: last.get(row.id)!,
                stamp,
              })),
            });
          }
        }),
      );
      write.tell();
    } finally {
      write.end();
    }
  }

  /** Deletes tasks with their subtrees and compacts the lists they leave (§5.4). Unknown ids are skipped. */
  deleteTasks(accountId: number, ids: number[]): Promise<void> {
    return this.db.transaction(async (m) => {
      const forest = await this.lockAndLoad(m, accountId, ids, []);
      const removed = forest.remove(ids.filter((id) => forest.has(id)));
      if (removed.length === 0) return;
      for (const part of chunks(removed, INSERT_CHUNK)) {
        const marks = marksFor(part.length);
        await m.query(`DELETE FROM task_assignees WHERE account_id = ? AND task_id IN (${marks})`, [
          accountId,
          ...part,
        ]);
        await m.query(`DELETE FROM tasks WHERE account_id = ? AND id IN (${marks})`, [accountId, ...part]);
      }
      await writePlacements(m, accountId, forest.changes());
    });
  }

  /** PUT /todo/move (§5.5): every mode in one transaction. */
  moveTasks(accountId: number, request: MoveRequest): Promise<void> {
    return this.db.transaction(async (m) => {
      const involved = movedIds(request);
      const extra = request.operation === 'project' ? [keyOf(request.projectId)] : [];
      const forest = await this.lockAndLoad(m, accountId, involved, extra);
      // Under the destination's lock, so a concurrent project delete cannot slip in between.
      if (request.operation === 'project') {
        await assertProjectExists(m, accountId, request.projectId, this.db.dialect);
      }
      const missing = involved.find((id) => !forest.has(id));
      if (missing !== undefined) throw taskNotFound(missing, 'id');
      switch (request.operation) {
        case 'move':
          plainMove(forest, request);
          break;
        case 'indent':
          indent(forest, request);
          break;
        case 'unindent':
          unindent(forest, request, new Map());
          break;
        case 'project':
          moveToProject(forest, request.ids, request.projectId);
          break;
        case 'opbatch': {
          const chains = new Map<number, number[]>();
          for (const step of request.steps) {
            if (step.operation === 'indent') indent(forest, step);
            else unindent(forest, step, chains);
          }
          break;
        }
      }
      await writePlacements(m, accountId, forest.changes());
      // Tasks entered the destination from elsewhere: readers there must compare stamps. The
      // content revision is every writer's last lock.
      if (request.operation === 'project') await advanceContent(m, this.db.dialect, accountId, extra);
    });
  }

  /** PUT /todo/sort (§5.6): every list of the project(s), stable, nulls last. `undefined` = all projects. */
  sortTasks(accountId: number, by: SortField, dir: 'asc' | 'desc', projectId?: number | null): Promise<void> {
    return this.db.transaction(async (m) => {
      let keys: number[];
      if (projectId === undefined) {
        const projects = (await m.query('SELECT id FROM projects WHERE account_id = ?', [
          accountId,
        ])) as Array<{
          id: number;
        }>;
        keys = [0, ...projects.map((p) => Number(p.id))];
      } else keys = [keyOf(projectId)];
      await lockLists(m, this.db.dialect, accountId, keys);
      // Under its lock, so a concurrent project delete cannot slip in between.
      if (projectId) await assertProjectExists(m, accountId, projectId, this.db.dialect);
      const forest = new TaskForest(await loadProjects(m, this.db.dialect, accountId, keys));
      const column = SORT_COLUMNS[by];
      const values = new Map<number, string | number | null>();
      for (const part of chunks(keys, INSERT_CHUNK)) {
        const rows = (await m.query(
          `SELECT id, ${column} AS v FROM tasks WHERE account_id = ? AND project_key IN (${marksFor(part.length)})`,
          [accountId, ...part],
        )) as Array<{ id: number; v: unknown }>;
        for (const r of rows) values.set(Number(r.id), sortValue(by, r.v));
      }
      const sign = dir === 'asc' ? 1 : -1;
      forest.sortLists(
        () => true,
        (a, b) => {
          const va = values.get(a) ?? null;
          const vb = values.get(b) ?? null;
          if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
          return va < vb ? -sign : va > vb ? sign : 0;
        },
      );
      await writePlacements(m, accountId, forest.changes());
    });
  }

  /**
   * Locks and loads every project that holds one of `taskIds`, plus `projectKeys`. A task's project
   * is only known after reading it, so the read is repeated under the locks and, if a task moved
   * to an unlocked project meanwhile, the whole set is locked again.
   */
  async lockAndLoad(
    m: EntityManager,
    accountId: number,
    taskIds: number[],
    projectKeys: number[],
  ): Promise<TaskForest> {
    const dialect = this.db.dialect;
    const keys = new Set(projectKeys);
    for (let attempt = 0; attempt < MAX_LOCK_ATTEMPTS; attempt++) {
      const before = await readStructure(m, dialect, accountId, taskIds, false);
      for (const r of before) keys.add(keyOf(r.projectId));
      await lockLists(m, dialect, accountId, keys);
      const forest = new TaskForest(await loadProjects(m, dialect, accountId, [...keys]));
      if (dialect !== 'mysql') return forest;
      // The forest was read FOR UPDATE (latest committed state); a plain re-read would only see
      // this transaction's snapshot. A task seen before but missing now was deleted (fine) or
      // moved to another project (lock that one too and load again).
      const gone = before.filter((r) => !forest.has(r.id)).map((r) => r.id);
      if (gone.length === 0) return forest;
      const moved = await readStructure(m, dialect, accountId, gone, true);
      if (moved.length === 0) return forest;
      for (const r of moved) keys.add(keyOf(r.projectId));
    }
    throw new TasksError('TASK_PLACEMENT_MISMATCH', 'The tasks kept moving between projects; try again');
  }
}

function taskNotFound(id: number, field: string): DomainError {
  return new TasksError('TASK_NOT_FOUND', `Task ${id} does not exist`, { field, meta: { id } });
}

function movedIds(request: MoveRequest): number[] {
  switch (request.operation) {
    case 'move': {
      const ids = request.targetId === undefined ? [...request.ids] : [...request.ids, request.targetId];
      if (request.parentId !== undefined && request.parentId !== null) ids.push(request.parentId);
      return ids;
    }
    case 'indent':
      return [request.id, request.parentId, ...(request.targetId === undefined ? [] : [request.targetId])];
    case 'unindent':
      return [request.id];
    case 'project':
      return request.ids;
    case 'opbatch':
      return request.steps.flatMap((s) => (s.operation === 'indent' ? [s.id, s.parentId] : [s.id]));
  }
}

function assertDistinctTops(forest: TaskForest, ids: number[]): void {
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id))
      throw new TasksError('TASK_DUPLICATE_ID', `Task ${id} is listed twice`, { field: 'batch' });
    seen.add(id);
  }
  for (const id of ids) {
    for (
      let cur = forest.get(id).parentId;
      cur !== null;
      cur = forest.has(cur) ? forest.get(cur).parentId : null
    ) {
      if (seen.has(cur)) {
        throw new TasksError('TASK_MOVE_OVERLAP', `Task ${id} is inside task ${cur}, which is moved too`, {
          field: 'batch',
        });
      }
    }
  }
}

function plainMove(
  forest: TaskForest,
  r: { ids: number[]; targetId?: number; parentId?: number | null; reverse: boolean },
): void {
  assertDistinctTops(forest, r.ids);
  const project = forest.get(r.ids[0]).projectId;
  for (const id of r.ids) {
    if (forest.get(id).projectId !== project) {
      throw new TasksError('TASK_PLACEMENT_MISMATCH', 'The moved tasks are in different projects', {
        field: 'batch',
      });
    }
  }
  const insideMoved = (id: number) => r.ids.some((m) => forest.isWithin(id, m));
  if (r.targetId !== undefined) {
    const target = forest.get(r.targetId);
    if (insideMoved(r.targetId)) {
      throw new TasksError('TASK_MOVE_OVERLAP', `Target ${r.targetId} is moved or inside a moved task`, {
        field: 'targetId',
      });
    }
    if (target.projectId !== project) {
      throw new TasksError('TASK_PLACEMENT_MISMATCH', `Target ${r.targetId} is in another project`, {
        field: 'targetId',
      });
    }
    if (r.parentId === r.targetId) {
      // Into the target: last child, or first with `reverse`.
      for (const id of r.ids) forest.detach(id);
      const index = r.reverse ? 0 : forest.children(r.targetId).length;
      forest.insert(r.ids, project, r.targetId, index);
      return;
    }
    if (r.parentId !== undefined && r.parentId !== target.parentId) {
      throw new TasksError(
        'TASK_PLACEMENT_MISMATCH',
        `Target ${r.targetId} is not a child of ${r.parentId}`,
        {
          field: 'parent',
        },
      );
    }
    for (const id of r.ids) forest.detach(id);
    const index = forest.indexOf(r.targetId) + (r.reverse ? 0 : 1);
    forest.insert(r.ids, project, target.parentId, index);
    return;
  }
  const parentId = r.parentId ?? null;
  if (parentId !== null) {
    if (!forest.has(parentId)) throw taskNotFound(parentId, 'parent');
    if (insideMoved(parentId)) {
      throw new TasksError('TASK_CYCLE', `Task ${parentId} is moved or inside a moved task`, {
        field: 'parent',
      });
    }
    if (forest.get(parentId).projectId !== project) {
      throw new TasksError('TASK_PLACEMENT_MISMATCH', `Parent ${parentId} is in another project`, {
        field: 'parent',
      });
    }
  }
  for (const id of r.ids) forest.detach(id);
  forest.insert(r.ids, project, parentId, 0);
}

function indent(forest: TaskForest, step: IndentStep): void {
  if (!forest.has(step.id)) throw taskNotFound(step.id, 'id');
  if (!forest.has(step.parentId)) throw taskNotFound(step.parentId, 'parent');
  if (step.targetId !== undefined && step.targetId !== step.parentId) {
    throw new TasksError('TASK_PLACEMENT_MISMATCH', 'indent: targetId must equal parent', {
      field: 'targetId',
    });
  }
  const x = forest.get(step.id);
  if (forest.get(step.parentId).projectId !== x.projectId) {
    throw new TasksError('TASK_PLACEMENT_MISMATCH', `Parent ${step.parentId} is in another project`, {
      field: 'parent',
    });
  }
  if (forest.isWithin(step.parentId, step.id)) {
    throw new TasksError('TASK_CYCLE', `Task ${step.id} cannot go under itself or its own descendant`, {
      field: 'parent',
    });
  }
  forest.detach(step.id);
  forest.insert([step.id], x.projectId, step.parentId, forest.children(step.parentId).length);
}

/**
 * X becomes Q's next sibling. Several tasks unindented from the same Q in one opbatch keep their
 * original relative order after Q (`chains` remembers them per Q, by original position).
 */
function unindent(forest: TaskForest, step: UnindentStep, chains: Map<number, number[]>): void {
  if (!forest.has(step.id)) throw taskNotFound(step.id, 'id');
  const x = forest.get(step.id);
  const q = x.parentId;
  if (q === null) {
    throw new TasksError('TASK_NOT_NESTED', `Task ${step.id} has no parent to unindent from`, {
      field: 'id',
    });
  }
  const grand = forest.get(q).parentId;
  if (step.parentId !== undefined && step.parentId !== grand) {
    throw new TasksError(
      'TASK_PLACEMENT_MISMATCH',
      `Task ${step.id}'s new parent would be ${grand ?? 'none'}`,
      {
        field: 'parent',
      },
    );
  }
  const order = forest.originalPosition(step.id);
  forest.detach(step.id);
  const chain = (chains.get(q) ?? []).filter(
    (id) => forest.has(id) && forest.get(id).parentId === grand && forest.get(id).projectId === x.projectId,
  );
  const before = chain.filter((id) => forest.originalPosition(id) < order).length;
  const index = forest.indexOf(q) + 1 + before;
  forest.insert([step.id], x.projectId, grand, index);
  chain.push(step.id);
  chains.set(q, chain);
}

function moveToProject(forest: TaskForest, ids: number[], projectId: number | null): void {
  assertDistinctTops(forest, ids);
  for (const id of ids) {
    if (forest.get(id).projectId === projectId) continue;
    forest.detach(id);
    forest.insert([id], projectId, null, forest.list(projectId, null).length);
  }
}

function sortValue(by: SortField, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (by === 'text') return String(value).toLowerCase();
  if (by === 'priority') return Number(value);
  return fromSqlDateTime(value as Date | string)!.getTime();
}
