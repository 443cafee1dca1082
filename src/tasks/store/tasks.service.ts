import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { fromSqlDateTime } from '../../database/sql-time';
import { TasksError } from '../tasks.errors';
import { CloneEngine, CloneNode, ClonePlacement } from './clone-engine';
import { projectIds } from './projects.table';
import { clearAssignees, insertAssignees } from './task-assignees.table';
import { keyOf, storedFields, TaskFields } from './task-fields';
import { applyMove, MoveRequest, movedIds } from './task-moves';
import { TaskForest } from './task-tree';
import {
  columnOfProjects,
  deleteTasks,
  loadProjects,
  newStamp,
  replaceFieldsOf,
  writePlaces,
} from './tasks.table';
import { TaskWriteGateway } from './write-gateway';

export type { IndentStep, MoveRequest, UnindentStep } from './task-moves';
export type { CloneNode, ClonePlacement } from './clone-engine';
export type { StoredFields, StoredTask, TaskFields } from './task-fields';
export { emptyFields, MAX_PRIORITY } from './task-fields';

/** What a sort orders sibling lists by: one of a task's own fields. */
export type SortField = 'title' | 'dueAt' | 'createdAt' | 'editedAt' | 'closedAt' | 'priority';

// The only way a sort key reaches SQL: a fixed column name per field.
const SORT_COLUMNS = {
  title: 'title',
  dueAt: 'due_at',
  createdAt: 'created_at',
  editedAt: 'edited_at',
  closedAt: 'closed_at',
  priority: 'priority',
} as const satisfies Record<SortField, string>;

export interface CreateTaskInput {
  fields: TaskFields;
  requestedId?: number;
  placement: ClonePlacement;
}

/** The task store's tree: creates, field updates, deletes, moves and sorts, each one write. */
@Injectable()
export class TasksService {
  constructor(
    private readonly gateway: TaskWriteGateway,
    private readonly clock: Clock,
    private readonly engine: CloneEngine,
  ) {}

  /** One new task, placed next to a target or at an end of a list. Returns its id. */
  async createTask(accountId: number, input: CreateTaskInput): Promise<number> {
    const ids = await this.engine.cloneForest(accountId, {
      nodes: [{ key: 'new', parentKey: null, fields: input.fields, requestedId: input.requestedId }],
      placement: input.placement,
    });
    return ids.get('new')!;
  }

  /** A flat forest of new tasks: client key → new id for every node. */
  cloneTasks(accountId: number, nodes: CloneNode[], placement: ClonePlacement): Promise<Map<string, number>> {
    return this.engine.cloneForest(accountId, { nodes, placement });
  }

  /**
   * Full replacement of own fields, in order; a repeated id takes its last entry. Creation time
   * and place are kept. Structure is never touched, so only the rows themselves are locked.
   */
  updateTasks(accountId: number, updates: Array<{ id: number; fields: TaskFields }>): Promise<void> {
    const last = new Map<number, TaskFields>();
    for (const u of updates) last.set(u.id, u.fields);
    const ids = [...last.keys()];
    return this.gateway.write(accountId, async (w) => {
      // The rows first: their projects cannot change under the lock until the commit.
      const locked = await w.lockRows(ids);
      const found = new Set(locked.map((r) => r.id));
      const missing = ids.find((id) => !found.has(id));
      if (missing !== undefined) throw taskNotFound(missing, 'id');
      await w.assertPeople([...last.values()].flatMap((f) => f.assigned));
      const now = this.clock.now();
      const stamp = newStamp();
      await replaceFieldsOf(w.m, accountId, [...last], now, stamp);
      await clearAssignees(w.m, accountId, ids);
      await insertAssignees(
        w.m,
        accountId,
        [...last].map(([taskId, f]) => ({ taskId, assigned: f.assigned })),
      );
      w.touchContent(locked.map((r) => keyOf(r.projectId)));
      w.record('updated', () => ({
        kind: 'updated',
        tasks: locked.map((row) => ({
          id: row.id,
          projectId: row.projectId,
          fields: storedFields(last.get(row.id)!),
          stamp,
        })),
      }));
    });
  }

  /** Deletes tasks with their subtrees and closes up the lists they leave. Unknown ids are skipped. */
  deleteTasks(accountId: number, ids: number[]): Promise<void> {
    return this.gateway.write(accountId, async (w) => {
      const forest = await w.lockAndLoad(ids, []);
      const existing = ids.filter((id) => forest.has(id));
      const removed = forest.remove(existing);
      await deleteTasks(w.m, accountId, removed);
      const placements = forest.changes();
      await writePlaces(w.m, accountId, forest.keyChanges());
      w.record('deleted', () => ({ kind: 'deleted', ids: existing, removed, placements }));
    });
  }

  /** A move of any kind, in one transaction. */
  moveTasks(accountId: number, request: MoveRequest): Promise<void> {
    return this.gateway.write(accountId, async (w) => {
      const destination = request.operation === 'project' ? [keyOf(request.projectId)] : [];
      const forest = await w.lockAndLoad(movedIds(request), destination);
      // Under the destination's lock, so a concurrent project delete cannot slip in between.
      if (request.operation === 'project') await w.assertProject(request.projectId);
      applyMove(forest, request);
      const placements = forest.changes();
      await writePlaces(w.m, accountId, forest.keyChanges());
      // Tasks entered the destination from elsewhere: readers there must compare stamps.
      w.touchContent(destination);
      w.record('moved', () => ({
        kind: 'moved',
        operation: request.operation,
        ids: request.operation === 'opbatch' ? request.steps.map((s) => s.id) : movedOf(request),
        placements,
      }));
    });
  }

  /** Every sibling list of the project(s), stable, nulls last. `undefined` = all projects. */
  sortTasks(accountId: number, by: SortField, dir: 'asc' | 'desc', projectId?: number | null): Promise<void> {
    return this.gateway.write(accountId, async (w) => {
      const keys = projectId === undefined ? [0, ...(await projectIds(w.m, accountId))] : [keyOf(projectId)];
      await w.lockLists(keys);
      // Under its lock, so a concurrent project delete cannot slip in between.
      if (projectId) await w.assertProject(projectId);
      const forest = new TaskForest(await loadProjects(w.m, w.sql, accountId, keys));
      const values = new Map<number, string | number | null>();
      for (const r of await columnOfProjects(w.m, accountId, keys, SORT_COLUMNS[by])) {
        values.set(Number(r.id), sortValue(by, r.v));
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
      const placements = forest.changes();
      await writePlaces(w.m, accountId, forest.keyChanges());
      w.record('sorted', () => ({ kind: 'sorted', by, dir, projectId, placements }));
    });
  }
}

function taskNotFound(id: number, field: string): TasksError {
  return new TasksError('TASK_NOT_FOUND', `Task ${id} does not exist`, { field, meta: { id } });
}

/** The tasks a move request moves (not its target or parent). */
function movedOf(request: Exclude<MoveRequest, { operation: 'opbatch' }>): number[] {
  return 'ids' in request ? request.ids : [request.id];
}

function sortValue(by: SortField, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (by === 'title') return String(value).toLowerCase();
  if (by === 'priority') return Number(value);
  return fromSqlDateTime(value as Date | string)!.getTime();
}
