import type { StoredTask } from '../../../tasks/read/task-tree-reader.service';
import type { TaskChange } from '../../../tasks/store/task-changes.service';
import { TodoTask, toTodoTask } from '../todo.presenter';
import { LiveOutline, Spot } from './live-outline';

// The widget's live event vocabulary (docs/live-updates.md): what `todoUpdates` applies, one
// event per committed write (new tasks in several places: one per place; a project deleted with
// tasks: its delete-project, then the move of its tasks to No project), ids the server's.

export type LiveChannel = 'tasks' | 'projects';

export interface LiveEventValue {
  type: string;
  id: number | null;
  data?: Record<string, unknown>;
}

export interface LiveEvent {
  name: LiveChannel;
  value: LiveEventValue;
  /** Who asked for this part of the write, when one write served several callers (not sent). */
  origin?: string;
}

/** Tells every subscriber to read its tasks and projects again (it missed events). */
export const RESYNC: LiveEventValue = { type: 'resync', id: null };

/** The tasks an event needs read in full after the commit (their fields are not in the change; an `updated` change carries them). */
export function tasksToRead(change: TaskChange): number[] {
  switch (change.kind) {
    case 'edited':
    case 'person-created':
    case 'person-updated':
    case 'person-deleted':
      return change.tasks.map((t) => t.id);
    default:
      return [];
  }
}

/**
 * The events of one committed change, given the outline already brought to the state it
 * committed (so places name the sibling each task now follows) and its tasks read after it.
 */
export function eventsOf(change: TaskChange, outline: LiveOutline, read: StoredTask[]): LiveEvent[] {
  switch (change.kind) {
    case 'inserted':
      return inserted(change, outline);
    case 'bulk-inserted':
      // AccountStream reloads instead (resync); nothing is told task by task.
      return [];
    case 'updated':
      // The write tells each task as it now reads: nothing to read back.
      return updated(
        change.tasks.map(({ id, projectId, parentId, createdAt, fields }) =>
          toTodoTask({ id, projectId, parentId, createdAt, ...fields }),
        ),
      );
    case 'edited':
    case 'person-created':
    case 'person-updated':
    case 'person-deleted':
      return updated(read.map(toTodoTask));
    case 'deleted':
      return change.ids.length === 0
        ? []
        : [task({ type: 'delete-task', id: change.ids[0], data: { batch: change.ids } })];
    case 'moved':
      return moved(change.ids, outline);
    case 'sorted':
      return [sorted(change, outline)];
    case 'project-created':
      return [project('add-project', change.projectId, change.name)];
    case 'project-updated':
      return [project('update-project', change.projectId, change.name)];
    case 'project-deleted': {
      const roots = change.placements.filter((p) => p.parentId === null).map((p) => p.id);
      return [project('delete-project', change.projectId), ...moved(roots, outline)];
    }
  }
}

function task(value: LiveEventValue): LiveEvent {
  return { name: 'tasks', value };
}

function project(type: string, id: number, label?: string): LiveEvent {
  return {
    name: 'projects',
    value: { type, id, ...(label === undefined ? {} : { data: { id, label } }) },
  };
}

function placeOf(spot: Spot): Record<string, unknown> {
  const out: Record<string, unknown> = { parent: spot.parent, project: spot.project };
  if (spot.targetId !== undefined) out.targetId = spot.targetId;
  if (spot.reverse) out.reverse = true;
  return out;
}

/**
 * New tasks, one event per place they went to (concurrent creates may commit as one write): a
 * lone task is an add-task, a run of roots or a root with subtasks a clone-task. Places in
 * ascending order, so each one's target is already there.
 */
function inserted(change: Extract<TaskChange, { kind: 'inserted' }>, outline: LiveOutline): LiveEvent[] {
  const byId = new Map(change.tasks.map(({ task: t }) => [t.id, t]));
  const rootOf = (t: StoredTask): number => {
    let cur = t;
    while (cur.parentId !== null && byId.has(cur.parentId)) cur = byId.get(cur.parentId)!;
    return cur.id;
  };
  const runOf = new Map<number, number[]>();
  for (const list of change.lists)
    for (const insert of list.inserts) for (const id of insert.ids) runOf.set(id, insert.ids);
  const members = new Map<number[], StoredTask[]>();
  for (const { task: t } of change.tasks) {
    const run = runOf.get(rootOf(t));
    if (!run) continue;
    // Appended in place: a copy of one tree of n tasks is one run, so a copy per task is O(n²).
    const those = members.get(run);
    if (those) those.push(t);
    else members.set(run, [t]);
  }
  const events: LiveEvent[] = [];
  for (const list of change.lists) {
    // In list order, as the outline now has it.
    const at = new Map(list.inserts.map((insert) => [insert, outline.positionOf(insert.ids[0])]));
    for (const insert of [...list.inserts].sort((a, b) => at.get(a)! - at.get(b)!)) {
      const spot = outline.spotOf(insert.ids[0]);
      const tasks = members.get(insert.ids) ?? [];
      if (!spot || tasks.length === 0) continue;
      const event =
        tasks.length === 1
          ? task({
              type: 'add-task',
              id: tasks[0].id,
              // The id in `data` too: the widget's documented add-task handler reads `data.id`.
              data: { id: tasks[0].id, ...placeOf(spot), task: toTodoTask(tasks[0]) },
            })
          : task({
              type: 'clone-task',
              id: insert.ids[0],
              data: { ...placeOf(spot), batch: tasks.map(toTodoTask) },
            });
      if (insert.origin !== undefined) event.origin = insert.origin;
      events.push(event);
    }
  }
  return events;
}

function updated(tasks: TodoTask[]): LiveEvent[] {
  if (tasks.length === 0) return [];
  const [first, ...rest] = tasks;
  const data: Record<string, unknown> = { task: first };
  if (rest.length > 0) data.batch = rest;
  return [task({ type: 'update-task', id: first.id, data })];
}

/**
 * Moved tasks at their new places: one task plainly; several that now stand together in one
 * list, in the order moved, as a `batch`; otherwise an `opbatch` of resolved steps in an order in
 * which each step's target already stands where it ends.
 */
function moved(ids: number[], outline: LiveOutline): LiveEvent[] {
  const spots = ids.map((id) => outline.spotOf(id)).filter((s): s is Spot => s !== null);
  if (spots.length === 0) return [];
  if (spots.length === 1) {
    return [task({ type: 'move-task', id: spots[0].id, data: placeOf(spots[0]) })];
  }
  const together = spots.every(
    (s, k) =>
      k === 0 ||
      (s.parent === spots[0].parent && s.project === spots[0].project && s.targetId === spots[k - 1].id),
  );
  if (together) {
    return [
      task({ type: 'move-task', id: 0, data: { ...placeOf(spots[0]), batch: spots.map((s) => s.id) } }),
    ];
  }
  const moving = new Set(spots.map((s) => s.id));
  const ordered: Spot[] = [];
  const done = new Set<number>();
  const visit = (s: Spot) => {
    if (done.has(s.id)) return;
    done.add(s.id);
    const before = s.targetId ?? s.parent;
    const dependency = before !== null && moving.has(before) ? spots.find((x) => x.id === before) : undefined;
    if (dependency) visit(dependency);
    ordered.push(s);
  };
  spots.forEach(visit);
  return [
    task({
      type: 'move-task',
      id: 0,
      data: { opbatch: ordered.map((s) => ({ id: s.id, ...placeOf(s) })) },
    }),
  ];
}

/** A sort: its field and direction, and each reordered list as it now stands. */
function sorted(change: Extract<TaskChange, { kind: 'sorted' }>, outline: LiveOutline): LiveEvent {
  const lists = new Map<string, { project: number | null; parent: number | null }>();
  for (const p of change.placements) {
    lists.set(`${p.projectId}:${p.parentId}`, { project: p.projectId, parent: p.parentId });
  }
  return task({
    type: 'set-sort',
    id: change.projectId === undefined ? null : change.projectId,
    data: {
      by: change.by,
      dir: change.dir,
      ...(change.projectId === undefined ? {} : { project: change.projectId }),
      lists: [...lists.values()].map((l) => ({
        ...l,
        ids: outline.children(l.parent === null ? l.project : null, l.parent),
      })),
    },
  });
}
