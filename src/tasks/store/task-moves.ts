import { TasksError } from '../tasks.errors';
import { keyOf } from './task-fields';
import type { LoadScope, PartWanted } from './task-structure.table';
import type { KeyedPlace, TaskForest } from './task-tree';

// The rules of PUT /todo/move, applied to the forest of the locked projects in memory: pure, so
// that a request either applies whole or fails before anything is written.

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

/** Applies a move request to the forest; throws before changing anything it cannot apply. */
export function applyMove(forest: TaskForest, request: MoveRequest): void {
  const missing = movedIds(request).find((id) => !forest.has(id));
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
}

/**
 * What a move must load besides the tasks it names and their ancestors (`chain`): the part of
 * each list it puts tasks into, around the spot they go to, and for a move to another project the
 * moved subtrees (their rows change project). A named task missing from `chain` adds nothing:
 * applyMove rejects it.
 */
export function moveScope(request: MoveRequest, chain: ReadonlyMap<number, KeyedPlace>): LoadScope {
  const scope: LoadScope = { lists: [], parts: [], subtrees: [] };
  const part = (projectId: number | null, parentId: number | null, at: PartWanted['at']) =>
    scope.parts.push({ projectId, parentId, at });
  const at = (id: number | undefined | null) => (id === undefined || id === null ? undefined : chain.get(id));
  switch (request.operation) {
    case 'move': {
      const target = at(request.targetId);
      const first = at(request.ids[0]);
      if (target && request.parentId === request.targetId)
        part(target.projectId, target.id, request.reverse ? 'head' : 'tail');
      else if (target) part(target.projectId, target.parentId, { around: target.key });
      else if (request.targetId === undefined && first)
        part(first.projectId, request.parentId ?? null, 'head');
      break;
    }
    case 'indent': {
      const x = at(request.id);
      if (x) part(x.projectId, request.parentId, 'tail');
      break;
    }
    case 'unindent': {
      const q = at(at(request.id)?.parentId);
      if (q) part(q.projectId, q.parentId, { around: q.key });
      break;
    }
    case 'opbatch':
      // Each step goes on from the ones before: a step may put a task under any named task or
      // any of their ancestors, or among a project's roots. Those lists are loaded whole.
      for (const row of chain.values()) {
        scope.lists.push(
          { projectKey: keyOf(row.projectId), parentKey: row.id },
          { projectKey: keyOf(row.projectId), parentKey: 0 },
        );
      }
      break;
    case 'project':
      part(request.projectId, null, 'tail');
      scope.subtrees = request.ids.filter((id) => chain.get(id)?.projectId !== request.projectId);
      break;
  }
  return scope;
}

function taskNotFound(id: number, field: string): TasksError {
  return new TasksError('TASK_NOT_FOUND', `Task ${id} does not exist`, { field, meta: { id } });
}

/** Every task a move names (moved, target, parent). */
export function movedIds(request: MoveRequest): number[] {
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
