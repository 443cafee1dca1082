import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Database, TransactionOptions } from '../../database/database';
import { fromSqlDateTime } from '../../database/sql-time';
import { TasksError } from '../tasks.errors';
import { anchorOf } from './clone-destination';
import { CloneEngine, CloneNode, ClonePlacement } from './clone-engine';
import { projectIds } from './projects.table';
import { clearAssignees, insertAssignees, lockTasksAndAssignees } from './task-assignees.table';
import { keyOf, storedFields, TaskFields } from './task-fields';
import { TaskIdAllocator } from './task-ids';
import { applyMove, MoveRequest, movedIds, moveScope } from './task-moves';
import { sortColumnOfProjects } from './task-structure.table';
import { BEFORE_FIRST } from './order-keys';
import { positionsOf } from './order-keys.table';
import type { MovedPlacement } from './task-changes.service';
import { KeyedPlace, ListPart, ListPartFull, TaskForest } from './task-tree';
import { deleteTasks, newStamp, replaceFieldsOf, writePlaces } from './tasks.table';
import { StoreWrite, TaskWriteGateway } from './write-gateway';

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
    private readonly db: Database,
    private readonly ids: TaskIdAllocator,
  ) {}

  /** Runs `work` with task ids given out in the order of its writes alone (the demo data; TaskIdAllocator.inOrder). */
  inIdOrder<T>(work: () => Promise<T>): Promise<T> {
    return this.ids.inOrder(work);
  }

  /**
   * One new task, placed next to a target or at an end of a list. Returns its id. `lastSeen`: as
   * for cloneTasks.
   */
  async createTask(
    accountId: number,
    input: CreateTaskInput,
    lastSeen?: (taskId: number) => number | null | undefined,
  ): Promise<number> {
    const ids = await this.cloneTasks(
      accountId,
      [{ key: 'new', parentKey: null, fields: input.fields, requestedId: input.requestedId }],
      input.placement,
      lastSeen,
    );
    return ids.get('new')!;
  }

  /**
   * A flat forest of new tasks: client key → new id for every node. `lastSeen` tells the project
   * the caller last saw a task in (undefined: not seen), the guess for the target or parent
   * (CloneRequest.projectGuess).
   */
  cloneTasks(
    accountId: number,
    nodes: CloneNode[],
    placement: ClonePlacement,
    lastSeen?: (taskId: number) => number | null | undefined,
  ): Promise<Map<string, number>> {
    const anchorId = anchorOf(placement);
    const projectGuess = lastSeen && anchorId !== null ? lastSeen(anchorId) : undefined;
    return this.engine.cloneForest(accountId, { nodes, placement, projectGuess });
  }

  /**
   * Full replacement of own fields, in order; a repeated id takes its last entry. Creation time
   * and place are kept. Structure is never touched, so only the rows themselves are locked.
   */
  updateTasks(accountId: number, updates: Array<{ id: number; fields: TaskFields }>): Promise<void> {
    const last = new Map<number, TaskFields>();
    for (const u of updates) last.set(u.id, u.fields);
    const ids = [...last.keys()];
    // Its one read locks the rows it reads (their latest committed state): no snapshot wanted.
    return this.gateway.writeReadCommitted(accountId, async (w) => {
      // The rows first, with their assignments: their projects cannot change under the lock
      // until the commit, nor assignments be added. Their content revisions advance with them.
      const { rows: locked, assigned } = await w.lockRowsAndTouch(
        ids,
        (m) => lockTasksAndAssignees(m, w.sql, accountId, ids),
        (read) => read.rows.map((r) => keyOf(r.projectId)),
      );
      const found = new Set(locked.map((r) => r.id));
      const missing = ids.find((id) => !found.has(id));
      if (missing !== undefined) throw taskNotFound(missing, 'id');
      await w.assertPeople([...last.values()].flatMap((f) => f.assigned));
      const now = this.clock.now();
      const stamp = newStamp();
      // Nothing reads their answers: they go with the COMMIT, in one round trip.
      const m = w.withNext();
      await replaceFieldsOf(m, accountId, [...last], now, stamp);
      // Only tasks that have assignments lose them (no statement when none has any).
      await clearAssignees(
        m,
        accountId,
        ids.filter((id) => assigned.has(id)),
      );
      await insertAssignees(
        m,
        accountId,
        [...last].map(([taskId, f]) => ({ taskId, assigned: f.assigned })),
      );
      w.record('updated', () => ({
        kind: 'updated',
        tasks: locked.map((row) => ({
          id: row.id,
          projectId: row.projectId,
          parentId: row.parentId,
          createdAt: row.createdAt,
          fields: storedFields(last.get(row.id)!),
          stamp,
        })),
      }));
    });
  }

  /**
   * Deletes tasks with their subtrees. Only those are read (not their projects): the lists they
   * leave close up around them, and no other task's key changes. Unknown ids are skipped.
   */
  deleteTasks(accountId: number, ids: number[]): Promise<void> {
    return this.gateway.write(
      accountId,
      async (w) => {
        const forest = await w.lockAndLoadParts(ids, [], (named) => ({ subtrees: [...named.keys()] }), {
          ancestors: false,
        });
        const existing = ids.filter((id) => forest.has(id));
        const removed = forest.remove(existing);
        await deleteTasks(w.m, accountId, removed);
        const keyed = forest.keyChanges();
        const placements = forest.changes(keyed);
        await writePlaces(w.m, accountId, keyed);
        w.record('deleted', () => ({ kind: 'deleted', ids: existing, removed, placements }));
      },
      this.partialReads,
    );
  }

  /**
   * A move of any kind, in one transaction. It reads the tasks it names with their ancestors, the
   * part of each list it puts tasks into around where they go (the whole list only when that part
   * has no room left between its keys) and, into another project, the moved subtrees: not whole
   * projects, nor whole lists.
   */
  moveTasks(accountId: number, request: MoveRequest): Promise<void> {
    return this.gateway.write(
      accountId,
      async (w) => {
        const destination = request.operation === 'project' ? [keyOf(request.projectId)] : [];
        const load = (whole: boolean) =>
          w.lockAndLoadParts(movedIds(request), destination, (named) => moveScope(request, named), { whole });
        let forest = await load(false);
        // Under the destination's lock, so a concurrent project delete cannot slip in between.
        if (request.operation === 'project') await w.assertProject(request.projectId);
        applyMove(forest, request);
        let keyed: KeyedPlace[];
        try {
          keyed = forest.keyChanges();
        } catch (error) {
          if (!(error instanceof ListPartFull)) throw error;
          forest = await load(true);
          applyMove(forest, request);
          keyed = forest.keyChanges();
        }
        await writePlaces(w.m, accountId, keyed);
        // Tasks entered the destination from elsewhere: readers there must compare stamps.
        w.touchContent(destination);
        const moved = forest;
        w.record('moved', async () => ({
          kind: 'moved',
          operation: request.operation,
          ids: request.operation === 'opbatch' ? request.steps.map((s) => s.id) : movedOf(request),
          placements: await placementsOf(w, moved, keyed),
        }));
      },
      this.partialReads,
    );
  }

  /** Every sibling list of the project(s), stable, nulls last. `undefined` = all projects. */
  sortTasks(accountId: number, by: SortField, dir: 'asc' | 'desc', projectId?: number | null): Promise<void> {
    return this.gateway.write(
      accountId,
      async (w) => {
        const keys =
          projectId === undefined ? [0, ...(await projectIds(w.m, accountId))] : [keyOf(projectId)];
        await w.lockLists(keys);
        // Under its lock, so a concurrent project delete cannot slip in between.
        if (projectId) await w.assertProject(projectId);
        // One plain read of places and sort values: under the locks it sees the latest rows.
        const rows = await sortColumnOfProjects(w.m, accountId, keys, SORT_COLUMNS[by]);
        const forest = new TaskForest(rows);
        const values = new Map<number, string | number | null>();
        for (const r of rows) values.set(r.id, sortValue(by, r.value));
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
        const keyed = forest.keyChanges();
        const placements = forest.changes(keyed);
        await writePlaces(w.m, accountId, keyed);
        w.record('sorted', () => ({ kind: 'sorted', by, dir, projectId, placements }));
      },
      this.partialReads,
    );
  }

  /**
   * Moves, sorts and deletes read with plain reads under their ordering locks: at READ COMMITTED
   * where rows lock, those see the latest committed rows and lock none of them.
   */
  private get partialReads(): TransactionOptions | undefined {
    return this.db.sql.rowLocks ? { isolation: 'READ COMMITTED' } : undefined;
  }
}

/**
 * The change's placements. Each names the task it now follows, known in memory: the one before it
 * in its list as loaded, or for the first of a list loaded in part the task just before the part,
 * read with it. Only if that task moved too (its spot then is no anchor) are positions counted
 * after the write: the tasks before each part (one index range each), which are not in memory.
 */
async function placementsOf(
  w: StoreWrite,
  forest: TaskForest,
  keyed: KeyedPlace[],
): Promise<MovedPlacement[]> {
  const parts = forest.partsOf(keyed);
  const moved = new Set(keyed.map((p) => p.id));
  if (parts.some((part) => part.loId === undefined || (part.loId !== null && moved.has(part.loId)))) {
    const before = new Map<ListPart, number>();
    for (const part of parts) {
      before.set(part, part.lo === BEFORE_FIRST ? 0 : (await positionsOf(w, part, [part.lo + 1]))[0]);
    }
    return forest.changes(keyed, before);
  }
  const partOf = new Map(parts.map((part) => [`${keyOf(part.projectId)}:${keyOf(part.parentId)}`, part]));
  const indexes = new Map<number[], Map<number, number>>();
  return keyed.map((p) => {
    const list = forest.list(p.projectId, p.parentId);
    let index = indexes.get(list);
    if (!index) indexes.set(list, (index = new Map(list.map((id, i) => [id, i]))));
    const at = index.get(p.id)!;
    const first = partOf.get(`${keyOf(p.projectId)}:${keyOf(p.parentId)}`)?.loId ?? null;
    return { id: p.id, projectId: p.projectId, parentId: p.parentId, after: at > 0 ? list[at - 1] : first };
  });
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
