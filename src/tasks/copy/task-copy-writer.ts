import { Injectable } from '@nestjs/common';
import {
  attachmentIdsOfTasks,
  attachmentsOf,
  holdBlobs,
  insertAttachments,
  SourceAttachment,
} from '../details/attachments.table';
import { insertDependencyPairs } from '../details/dependencies.table';
import { insertComments, insertSubscribers, insertTodos } from '../details/task-items.table';
import { CUSTOM_FIELD_TYPE, Template } from '../details/task-details.entities';
import { CloneEngine, CloneNode } from '../store/clone-engine';
import type { TaskFields } from '../store/task-fields';
import { placeLast, setColumnOf, setCustomFields } from '../store/tasks.table';
import type { StoreWrite } from '../store/write-gateway';
import { chunks } from '../../database/sql';
import {
  CopyPlan,
  CopyRequest,
  CopySource,
  CopyTarget,
  PlannedTask,
  planRelated,
  planTasks,
} from './task-copy-plan';
import { loadRelatedRows } from './task-copy-source';

type RelatedPlan = Omit<CopyPlan, 'tasks' | 'skipped'>;

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

export interface CopyResult {
  /** The new root task (0 for a list's or project's copy, which has no single root). */
  taskId: number;
  sourceTaskId: number;
  /** Source id → new id, every copied task. */
  taskIdMap: Record<string, string>;
  counts: {
    tasks: number;
    todos: number;
    comments: number;
    attachments: number;
    task_dependencies: number;
    subscribers: number;
  };
  skipped: CopyPlan['skipped'];
  templateId: number | null;
}

/**
 * Writes a copy plan in the write's transaction: the tree through the clone engine, the related
 * rows in multi-row chunks. The number of statements depends on the tables touched, not on the
 * number of tasks.
 */
/** How far a copy got, 0..1: tasks written count half, their related rows the other half. */
export type CopyProgress = (fraction: number) => Promise<void>;

/** Copied tasks whose related rows are read, planned and written together. */
export const RELATED_CHUNK_TASKS = 1000;

/**
 * Plans and writes a copy in the write's transaction: the tree through the clone engine, then the
 * related rows a chunk of RELATED_CHUNK_TASKS copied tasks at a time (read, planned, written in
 * multi-row INSERTs, dropped), so that memory is bounded by the tasks and one chunk of their
 * rows. The number of statements depends on the tables touched and the chunks, not on the number
 * of tasks.
 */
@Injectable()
export class TaskCopyWriter {
  constructor(private readonly engine: CloneEngine) {}

  async write(
    w: StoreWrite,
    dest: CopyDestination,
    source: CopySource,
    target: CopyTarget,
    request: CopyRequest,
    progress?: CopyProgress,
  ): Promise<CopyResult> {
    const { now } = request;
    const { tasks, context } = planTasks(source, target, request);
    const units = Math.max(1, tasks.length * 2);
    const listOf = listsOfCopies(tasks, source, dest);
    const ids = tasks.length
      ? await this.engine.clone(w, {
          nodes: tasks.map((t, i) =>
            cloneNode(t, source, listOf.get(t.sourceId)!, now, i === 0 && !dest.lists),
          ),
          placement: { kind: 'list', parentId: dest.parentTaskId, projectId: dest.projectId, at: 'end' },
          progress: progress && ((inserted) => progress(inserted / units)),
        })
      : new Map<string, number>();
    const copyOf = (sourceId: number) => ids.get(String(sourceId))!;
    const rootId = dest.lists ? 0 : copyOf(source.rootId);
    if (!dest.lists) {
      await placeLast(w.m, w.sql, w.accountId, rootId, {
        parentId: dest.parentTaskId,
        taskListId: dest.taskListId,
      });
    }
    // Before the task attachments: the files named by attachment-type custom field values.
    await this.copyFieldAttachments(w, tasks, target, copyOf, now);
    const counts = {
      tasks: tasks.length,
      todos: 0,
      comments: 0,
      attachments: 0,
      task_dependencies: 0,
      subscribers: 0,
    };
    let done = tasks.length;
    for (const part of chunks(context.selected, RELATED_CHUNK_TASKS)) {
      const rows = await loadRelatedRows(w.m, w.accountId, part, request.flags, (id) => source.tasks.has(id));
      const plan = planRelated(context, rows, part);
      await this.writeRelated(w, plan, copyOf, now);
      counts.todos += plan.todos.length;
      counts.comments += plan.comments.length;
      counts.attachments += plan.attachments.length;
      counts.task_dependencies += plan.dependencies.length;
      counts.subscribers += plan.subscribers.length;
      done += part.length;
      await progress?.(done / units);
    }
    const templateId = dest.template
      ? await this.makeTemplate(
          w,
          dest.template,
          rootId,
          tasks.map((t) => copyOf(t.sourceId)),
          now,
        )
      : null;
    return {
      taskId: rootId,
      sourceTaskId: source.rootId,
      taskIdMap: Object.fromEntries(tasks.map((t) => [String(t.sourceId), String(copyOf(t.sourceId))])),
      counts,
      skipped: context.skipped,
      templateId,
    };
  }

  /** One chunk's related rows: todos, comments, attachments, subscribers, dependencies. */
  private async writeRelated(
    w: StoreWrite,
    plan: RelatedPlan,
    copyOf: (sourceId: number) => number,
    now: Date,
  ): Promise<void> {
    await insertTodos(
      w.m,
      w.accountId,
      plan.todos.map((t) => ({ ...t, taskId: copyOf(t.sourceTaskId), closed: t.closedAt !== null })),
      now,
    );
    const commentCopies = await this.writeComments(w, plan, copyOf, now);
    // The bytes the copied attachments share stay until this commits: a delete of their source
    // waits for this shared lock, then sees the copies (see dropUnusedBlob).
    await holdBlobs(
      w.m,
      w.sql,
      w.accountId,
      plan.attachments.map((a) => a.blobId),
    );
    // Copies share the stored bytes (blob_id): deleting the source attachment leaves them intact.
    await insertAttachments(
      w.m,
      w.accountId,
      plan.attachments.map((a) => ({
        ...a,
        taskId: a.sourceTaskId === null ? null : copyOf(a.sourceTaskId),
        commentId: a.sourceCommentId === null ? null : commentCopies.get(a.sourceCommentId)!,
      })),
      now,
    );
    await insertSubscribers(
      w.m,
      w.accountId,
      plan.subscribers.map((s) => ({ taskId: copyOf(s.sourceTaskId), personId: s.personId })),
    );
    await insertDependencyPairs(
      w.m,
      w.sql,
      w.accountId,
      plan.dependencies.map((d) => ({
        taskId: copyOf(d.fromSourceId),
        dependentTaskId: 'copyOf' in d.to ? copyOf(d.to.copyOf) : d.to.existing,
        typeId: d.typeId,
      })),
      now,
    );
  }

  /** New comments, mapped from the source comments they copy. */
  private async writeComments(
    w: StoreWrite,
    plan: RelatedPlan,
    copyOf: (sourceId: number) => number,
    now: Date,
  ): Promise<Map<number, number>> {
    // The new ids are read back only for the files of copied comments, which name them.
    const created = await insertComments(
      w.m,
      w.accountId,
      plan.comments.map((c) => ({ ...c, taskId: copyOf(c.sourceTaskId) })),
      now,
      plan.attachments.some((a) => a.sourceCommentId !== null),
    );
    const planned = [...plan.comments].sort(
      (a, b) => copyOf(a.sourceTaskId) - copyOf(b.sourceTaskId) || a.sourceId - b.sourceId,
    );
    return new Map(planned.map((c, i) => [c.sourceId, created[i]]));
  }

  /** A template made of the copy; every task of the copied tree backs it, so listings leave them out. */
  private async makeTemplate(
    w: StoreWrite,
    template: { name: string; description: string | null },
    rootId: number,
    copies: number[],
    now: Date,
  ): Promise<number> {
    const made = await w.m.save(
      w.m.create(Template, {
        accountId: w.accountId,
        name: template.name,
        description: template.description,
        targetType: 'task',
        targetId: rootId,
        createdAt: now,
      }),
    );
    await setColumnOf(w.m, w.accountId, copies, 'template_id', made.id);
    return made.id;
  }

  /**
   * With copy_custom_fields, an attachment-type value names files; each copy gets duplicates of
   * them (sharing the stored bytes) and its value names the duplicates. They are inserted before
   * any other attachment of the new tasks, so each new task's first ids are theirs.
   */
  private async copyFieldAttachments(
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
}

/** The values of attachment-type custom fields enabled in the target, per copied task. */
function fieldAttachmentValues(
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

/** The list of each copy: the destination's, or (a list's or project's copy) its root's new list. */
function listsOfCopies(tasks: PlannedTask[], source: CopySource, dest: CopyDestination): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of tasks) {
    const own = source.tasks.get(t.sourceId)!.taskListId;
    const list = !dest.lists
      ? dest.taskListId
      : t.parentSourceId === null
        ? dest.lists.get(own ?? -1)!
        : out.get(t.parentSourceId)!;
    out.set(t.sourceId, list);
  }
  return out;
}

/** The clone engine's node for one planned task. */
function cloneNode(
  t: PlannedTask,
  source: CopySource,
  taskListId: number,
  now: Date,
  root: boolean,
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
      // The root's place is set once the engine holds the project lock (placeLast).
      // A list's top-level copies keep their order in the list; subtasks their sibling order.
      placement: root ? null : t.parentSourceId === null ? (own.placement ?? own.position) : own.position,
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
