import { allDone } from '../../common/all-done';
import type { Queryable } from '../../database/sql';
import {
  attachmentIdsOfTasks,
  attachmentsOf,
  holdBlobs,
  insertAttachments,
  SourceAttachment,
} from '../details/attachments.table';
import { CUSTOM_FIELD_TYPE } from '../details/task-details.entities';
import { endOfList, type Destination } from '../store/clone-destination';
import type { CloneNode, ClonePlacement } from '../store/clone-engine';
import { keyOf, type TaskFields } from '../store/task-fields';
import type { TaskIdAllocator } from '../store/task-ids';
import { nextPlacement, rootListEnd, setCustomFields } from '../store/tasks.table';
import { projectNotFound, type StoreWrite } from '../store/write-gateway';
import type { CopySource, CopyTarget, PlanContext, PlannedTask, SourceTask } from './task-copy-plan';
import { recordsWithAssigned } from './task-copy-source';

// The copy writer's nodes for the clone engine: where each copy goes (its list, its place) and
// which fields it gets, chunk by chunk (task-copy-writer.ts).

/** Where a plan's copies go. */
export interface CopyDestination {
  projectId: number;
  /** A task's copy: the parent of its root (null: the top of the list). */
  parentTaskId: number | null;
  /** A task's copy: the list of every copy. */
  taskListId: number;
  /** A list's or project's copy: source list → new list; each root's subtree goes into its root's list. */
  lists?: Map<number, number>;
  /** copy_as_task_template: the template made of the copy. */
  template: { name: string; description: string | null } | null;
}

/**
 * The list of each copy `from`..`to` in copy order: the destination's, or (a list's or project's
 * copy) its root's new list. `lists` holds the list of every copy so far (source id → list), for
 * the subtasks that come in later chunks than their parents.
 */
export function listsOfCopies(
  c: PlanContext,
  dest: CopyDestination,
  [from, to]: [number, number],
  lists: Map<number, number>,
): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    const parent = c.parents[i];
    const list = !dest.lists
      ? dest.taskListId
      : parent === null
        ? dest.lists.get(c.source.tasks.get(c.selected[i])!.taskListId ?? -1)!
        : lists.get(parent)!;
    if (dest.lists) lists.set(c.selected[i], list);
    out.push(list);
  }
  return out;
}

/** Where the roots of a copy go: the end of the target parent's list (placeLast then places the root). */
export function placementOf(dest: CopyDestination): ClonePlacement {
  return { kind: 'list', parentId: dest.parentTaskId, projectId: dest.projectId, at: 'end' };
}

/**
 * A task's copy goes last in its task list (or under its parent): its place is read under the
 * destination project's ordering lock, taken here, before the clone engine (which then finds it
 * held), so that the root is inserted with its place rather than updated after. A copy into the
 * project's root list reads there, in the same statement, that the project still exists and the
 * list's last key: the clone engine is told where the root goes and does not look again. With
 * `count`, that many task ids are allocated too (after the lock, the order every write takes them
 * in). The lock, the reads (`alongside`'s first statements too) and the allocation need nothing
 * from each other's answers: one round trip (lockListsAnd).
 */
export async function placeRoot<T>(
  w: StoreWrite,
  taskIds: TaskIdAllocator,
  dest: CopyDestination,
  count: number,
  alongside: (m: Queryable) => Promise<T>,
): Promise<{ read: T; root: { placement: number; destination?: Destination; ids?: number[] } }> {
  const newIds = (m: Queryable) => (count > 0 ? taskIds.allocate(m, count) : Promise.resolve(undefined));
  const key = keyOf(dest.projectId);
  const parentId = dest.parentTaskId;
  if (parentId === null) {
    const [read, end, ids] = await w.lockListsAnd([key], (m) =>
      allDone([alongside(m), rootListEnd(m, w.sql, w.accountId, dest.projectId, dest.taskListId), newIds(m)]),
    );
    if (!end) throw projectNotFound(dest.projectId);
    const destination = endOfList({ projectId: dest.projectId, parentId: null }, end.lastKey);
    return { read, root: { placement: end.placement, destination, ...(ids ? { ids } : {}) } };
  }
  const [read, placement, ids] = await w.lockListsAnd([key], (m) =>
    allDone([
      alongside(m),
      nextPlacement(m, w.sql, w.accountId, { parentId, taskListId: dest.taskListId }),
      newIds(m),
    ]),
  );
  return { read, root: { placement, ...(ids ? { ids } : {}) } };
}

/** Each copied source task's index in copy order. */
export function indexOf(selected: number[]): Map<number, number> {
  const index = new Map<number, number>();
  selected.forEach((id, i) => index.set(id, i));
  return index;
}

/**
 * The full records of these source tasks (a large source was read in shape only). Their positions
 * are only those among the rows read: a copy takes its places from the shape (cloneNode), which
 * counted them.
 */
export async function readRecords(w: StoreWrite, ids: number[]): Promise<Map<number, SourceTask>> {
  return new Map((await recordsWithAssigned(w.m, w.accountId, ids, 'among-read')).map((r) => [r.id, r]));
}

/** A source record read back for its chunk (gone only if S changed under the copy's snapshot). */
export function recordOf(records: Map<number, SourceTask>, id: number): SourceTask {
  const record = records.get(id);
  if (!record) throw new Error(`source task ${id} disappeared during the copy`);
  return record;
}

/** The clone engine's node for one planned task. */
export function cloneNode(
  t: PlannedTask,
  source: CopySource,
  taskListId: number,
  now: Date,
  root: boolean,
  /** The root's place in its list (TaskCopyWriter reads it under the project's ordering lock). */
  rootPlacement: number | null = null,
): CloneNode {
  const own = source.tasks.get(t.sourceId)!;
  const fields: TaskFields = {
    title: t.title,
    closed: t.closed,
    collapsed: false,
    assigned: t.assigned,
    dueAt: t.dueAt,
    createdAt: now,
    closedAt: t.closedAt,
    editedAt: null,
    priority: null,
    extra: null,
    details: {
      description: t.description,
      private: t.private,
      startDate: t.startDate,
      dueTime: t.dueTime,
      taskListId,
      workflowStatusId: t.workflowStatusId,
      // A list's top-level copies keep their order in the list; subtasks their sibling order.
      placement: root
        ? rootPlacement
        : t.parentSourceId === null
          ? (own.placement ?? own.position)
          : own.position,
      initialEstimate: t.initialEstimate,
      remainingTime: t.remainingTime,
      repeatScheduleId: t.repeat.scheduleId,
      repeatOnInterval: t.repeat.interval,
      repeatOnMonthday: t.repeat.monthday,
      repeatOnWeekday: t.repeat.weekday,
      repeatOnDate: t.repeat.date,
      tagList: t.tagList,
      customFields: t.customFields,
      creatorId: null,
    },
  };
  return {
    key: String(t.sourceId),
    parentKey: t.parentSourceId === null ? null : String(t.parentSourceId),
    fields,
  };
}

/** The values of attachment-type custom fields enabled in the target, per copied task. */
export function fieldAttachmentValues(
  tasks: PlannedTask[],
  target: CopyTarget,
  copyOf: (sourceId: number) => number,
) {
  const fields = [...target.customFields]
    .filter(([, f]) => f.dataTypeId === CUSTOM_FIELD_TYPE.attachment)
    .map(([id]) => id);
  const values: Array<{ taskId: number; fieldId: string; ids: number[]; many: boolean }> = [];
  for (const task of fields.length ? tasks : []) {
    for (const fieldId of fields) {
      const value = task.customFields?.[fieldId];
      if (value === undefined || value === null) continue;
      const ids = (Array.isArray(value) ? value : [value]).filter((v): v is number => Number.isInteger(v));
      values.push({ taskId: copyOf(task.sourceId), fieldId, ids, many: Array.isArray(value) });
    }
  }
  return values;
}

/**
 * With copy_custom_fields, an attachment-type value names files; each copy gets duplicates of
 * them (sharing the stored bytes) and its value names the duplicates. They are inserted before
 * any other attachment of the new tasks, so each new task's first ids are theirs.
 */
export async function copyFieldAttachments(
  w: StoreWrite,
  tasks: PlannedTask[],
  target: CopyTarget,
  copyOf: (sourceId: number) => number,
  now: Date,
): Promise<void> {
  const values = fieldAttachmentValues(tasks, target, copyOf);
  const wanted = [...new Set(values.flatMap((v) => v.ids))];
  if (wanted.length === 0) return;
  const found = new Map<number, SourceAttachment>(
    (await attachmentsOf(w.m, w.accountId, 'id', wanted)).map((a) => [a.id, a]),
  );
  await holdBlobs(
    w.m,
    w.sql,
    w.accountId,
    [...found.values()].map((a) => a.blobId),
  );
  const rows = values.flatMap((v) =>
    v.ids
      .filter((id) => found.has(id))
      .map((id) => ({ ...found.get(id)!, taskId: v.taskId, commentId: null })),
  );
  await insertAttachments(w.m, w.accountId, rows, now);
  const newIds = await attachmentIdsOfTasks(w.m, w.accountId, [...new Set(values.map((v) => v.taskId))]);
  // Hand out each task's new ids in the order its values were inserted, and rewrite the values.
  const plannedByCopy = new Map(tasks.map((t) => [copyOf(t.sourceId), t]));
  const fieldsOf = new Map<number, Record<string, unknown>>();
  for (const v of values) {
    const queue = newIds.get(v.taskId) ?? [];
    const copies = v.ids.filter((id) => found.has(id)).map(() => queue.shift()!);
    const custom = fieldsOf.get(v.taskId) ?? { ...plannedByCopy.get(v.taskId)!.customFields };
    if (copies.length === 0) delete custom[v.fieldId];
    else custom[v.fieldId] = v.many ? copies : copies[0];
    fieldsOf.set(v.taskId, custom);
  }
  await setCustomFields(w.m, w.accountId, [...fieldsOf]);
}
