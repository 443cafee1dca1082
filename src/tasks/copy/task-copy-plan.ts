import type { SourceDependency } from '../details/dependencies.table';
import { CUSTOM_FIELD_TYPE, STATUS_CATEGORY } from '../details/task-details.entities';
import { dateShiftDays, shiftDate, shiftTaskDates, ShiftRule } from './copy-dates';
import {
  CopyPlan,
  CopyRequest,
  CopySource,
  CopyTarget,
  PlannedTask,
  SkippedItem,
  SourceShape,
  SourceTask,
  TITLE_MAX,
  CopyFlags,
} from './task-copy-types';

export * from './task-copy-types';

const CUSTOM_FIELD_PERSON = CUSTOM_FIELD_TYPE.person;

// POST /api/v2/tasks/copy, decided in memory (docs/v2.md#task-copy): which tasks are copied, what each
// copy carries, which related rows follow, and what is skipped and why. Pure: the service loads
// the source under one snapshot, and the writer (task-copy-writer.ts) plans and writes it chunk
// by chunk: planContext from the shape of the tree, planChunk for each chunk of tasks read in
// full, planRelated for each chunk's related rows.

/** A task of the copied set and its source parent inside the set (null: a root of the copy). */
export type CopiedNode = Readonly<{ id: number; parent: number | null }>;

// The copied set of each source read, for the flags it was selected with: a copy asks for it up
// to three times (its size, its target's check, its plan), a walk of every task each time.
const selections = new WeakMap<CopySource, { flags: CopyFlags; set: readonly CopiedNode[] }>();

/** The copied set C, in pre-order, pruning excluded subtasks with their subtrees. */
export function selectCopiedSet(source: CopySource, flags: CopyFlags): readonly CopiedNode[] {
  const known = selections.get(source);
  if (known?.flags === flags) return known.set;
  const set = walkCopiedSet(source, flags);
  selections.set(source, { flags, set });
  return set;
}

function walkCopiedSet(source: CopySource, flags: CopyFlags): CopiedNode[] {
  const out: Array<{ id: number; parent: number | null }> = [];
  const seen = new Set<number>();
  const stack = [...(source.roots ?? [source.rootId])]
    .reverse()
    .map((id): { id: number; parent: number | null } => ({ id, parent: null }));
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node.id)) continue; // cycles in stored data: ignored after the first visit
    seen.add(node.id);
    out.push(node);
    const kids = (source.children.get(node.id) ?? []).filter((id) => {
      const task = source.tasks.get(id);
      if (!task || seen.has(id)) return false;
      return task.closed ? flags.copy_closed_subtasks : flags.copy_open_subtasks;
    });
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ id: kids[i], parent: node.id });
  }
  return out;
}

/** What every part of a plan reads: the source, the target, the request, and the skips so far. */
export interface PlanContext {
  source: CopySource;
  target: CopyTarget;
  request: CopyRequest;
  /** The ids of the copied set C, in copy order (pre-order). */
  selected: number[];
  /** The source parent of each of `selected` inside C (null: a root of the copy). */
  parents: Array<number | null>;
  /** The ids of the copied set C. */
  inC: Set<number>;
  skipped: SkippedItem[];
  shift: ShiftRule | null;
  /** The person a copy gets in place of `personId` (assignee_map). */
  person: (personId: number) => number;
}

/** The whole plan at once, from a source read in full (`records`). */
export function planCopy(source: CopySource, target: CopyTarget, request: CopyRequest): CopyPlan {
  const context = planContext(source, target, request);
  const records = source.records!;
  const tasks = planChunk(context, (id) => records.get(id)!, 0, context.selected.length);
  const related = planRelated(context, source, context.selected);
  return { tasks, ...related, skipped: context.skipped };
}

/** The rows around a chunk of the copied tasks, as loadRelated reads them for that chunk. */
export type RelatedRows = Pick<
  CopySource,
  'todos' | 'comments' | 'attachments' | 'subscribers' | 'dependencies' | 'deadTasks'
>;

/**
 * What the plan of every chunk reads: the copied set C in copy order and the date shift, decided
 * from the shape of S alone. Skips are added to `skipped` as chunks are planned.
 */
export function planContext(
  source: CopySource,
  target: CopyTarget,
  request: CopyRequest,
  /** The copied set, where the caller has it already (selectCopiedSet). */
  selected = selectCopiedSet(source, request.flags),
): PlanContext {
  const { flags } = request;
  const map = request.assigneeMap ?? {};
  return {
    source,
    target,
    request,
    selected: selected.map((n) => n.id),
    parents: selected.map((n) => n.parent),
    inC: new Set(selected.map((n) => n.id)),
    skipped: [],
    shift:
      flags.copy_date && request.shift
        ? {
            days: dateShiftDays(
              selected.map((n) => source.tasks.get(n.id)!),
              request.shift,
            ),
            skipWeekends: !!request.shift.skipWeekends,
          }
        : null,
    person: (p) => map[String(p)] ?? p,
  };
}

/**
 * The copies of the copied tasks `from` to `to` (exclusive) in copy order, given their full
 * records; their skips are added to the context's in order.
 */
export function planChunk(
  c: PlanContext,
  record: (id: number) => SourceTask,
  from: number,
  to: number,
): PlannedTask[] {
  const out: PlannedTask[] = [];
  for (let i = from; i < to; i++) out.push(planTask(c, record(c.selected[i]), c.parents[i]));
  return out;
}

/**
 * The related rows of the copied tasks `ids` (in copy order) from `rows`, which hold (at least)
 * theirs; skips are added to the context's in the order they are found.
 */
export function planRelated(
  context: PlanContext,
  rows: RelatedRows,
  ids: number[],
): Omit<CopyPlan, 'tasks' | 'skipped'> {
  const c: PlanContext = { ...context, source: { ...context.source, ...rows } };
  const { flags } = c.request;
  const todos = planTodos(c);
  const comments = planComments(c);
  const attachments = planAttachments(c, new Set(comments.map((comment) => comment.sourceId)));
  const subscribers = flags.copy_subscribers
    ? ids.flatMap((id) =>
        unique((c.source.subscribers.get(id) ?? []).map(c.person))
          .filter((p) => allowed(c, p, 'subscriber', id))
          .map((personId) => ({ sourceTaskId: id, personId })),
      )
    : [];
  const dependencies = flags.copy_task_dependencies ? planDependencies(c) : [];
  return { todos, comments, attachments, subscribers, dependencies };
}

const unique = (ids: number[]) => [...new Set(ids)];

/** Whether a person may be on a copy (active, and a member where the project has members); a skip if not. */
function allowed(c: PlanContext, personId: number, kind: SkippedItem['kind'], taskId: number): boolean {
  const reason = !c.target.activePeople.has(personId)
    ? 'deactivated'
    : c.target.members !== 'anyone' && !c.target.members.has(personId)
      ? 'not_project_member'
      : null;
  if (reason) c.skipped.push({ kind, source_id: String(personId), reason, task_id: String(taskId) });
  return reason === null;
}

/** The root's status is the request's; a subtask keeps its own in the same workflow, else one of its category. */
function statusFor(c: PlanContext, task: SourceShape, isRoot: boolean): number | null {
  const { target } = c;
  if (isRoot) return target.workflowStatusId;
  const own = task.workflowStatusId === null ? undefined : c.source.statuses.get(task.workflowStatusId);
  if (own && own.workflowId === target.workflowId) return task.workflowStatusId!;
  // Same category in the target workflow, lowest position first; closed stays closed.
  const category = own?.categoryId ?? (task.closed ? STATUS_CATEGORY.closed : STATUS_CATEGORY.notStarted);
  const match = target.workflowStatuses
    .filter((s) => s.categoryId === category)
    .sort((a, b) => a.position - b.position || a.id - b.id)[0];
  return match?.id ?? target.workflowStatusId ?? task.workflowStatusId;
}

function planTask(c: PlanContext, task: SourceTask, parent: number | null): PlannedTask {
  const { flags, now } = c.request;
  const id = task.id;
  const isRoot = parent === null && !c.request.list;
  const workflowStatusId = statusFor(c, task, isRoot);
  const category =
    c.target.workflowStatuses.find((s) => s.id === workflowStatusId)?.categoryId ??
    STATUS_CATEGORY.notStarted;
  // A subtask without a status keeps its own open/closed state; otherwise the status decides.
  const closed = isRoot || task.workflowStatusId !== null ? category === STATUS_CATEGORY.closed : task.closed;
  const customFields = flags.copy_custom_fields && task.customFields ? planCustomFields(c, task) : null;
  const estimate = flags.copy_estimate ? task.initialEstimate : null;
  const dates = flags.copy_date ? shiftTaskDates(task, c.shift) : { startDate: null, dueAt: null };
  const title = (c.request.titlePrefix ?? '') + (isRoot ? c.request.title : task.title);
  return {
    sourceId: id,
    parentSourceId: parent,
    // Code points, not UTF-16 units; a title this short keeps its string (no copy per task).
    title: title.length <= TITLE_MAX ? title : [...title].slice(0, TITLE_MAX).join(''),
    description: flags.copy_description ? task.description : null,
    private: c.request.list ? task.private : c.request.private,
    closed,
    closedAt: closed ? now : null,
    workflowStatusId,
    assigned: flags.copy_assignee
      ? unique(task.assigned.map(c.person)).filter((p) => allowed(c, p, 'assignee', id))
      : [],
    startDate: dates.startDate,
    dueAt: dates.dueAt,
    dueTime: flags.copy_date ? task.dueTime : null,
    repeat: flags.copy_repeat
      ? {
          scheduleId: task.repeatScheduleId,
          interval: task.repeatOnInterval,
          monthday: task.repeatOnMonthday,
          weekday: task.repeatOnWeekday,
          date: task.repeatOnDate,
        }
      : { scheduleId: null, interval: null, monthday: null, weekday: null, date: null },
    initialEstimate: estimate,
    remainingTime: estimate,
    tagList: flags.copy_tags ? task.tagList : [],
    customFields,
  };
}

/** Values of the fields enabled in the target; a person field keeps only people allowed there. */
function planCustomFields(c: PlanContext, task: SourceTask): Record<string, unknown> | null {
  const customFields: Record<string, unknown> = {};
  for (const [fieldId, value] of Object.entries(task.customFields!)) {
    const field = c.target.customFields.get(fieldId);
    if (!field) {
      c.skipped.push({
        kind: 'custom_field',
        source_id: fieldId,
        reason: 'field_not_enabled',
        task_id: String(task.id),
      });
      continue;
    }
    if (field.dataTypeId === CUSTOM_FIELD_PERSON) {
      const people = (Array.isArray(value) ? value : [value])
        .map((p: unknown) => (typeof p === 'number' ? c.person(p) : p))
        .filter((p): p is number => typeof p === 'number' && allowed(c, p, 'custom_field', task.id));
      if (people.length === 0) continue;
      customFields[fieldId] = Array.isArray(value) ? people : people[0];
    } else {
      customFields[fieldId] = value;
    }
  }
  return Object.keys(customFields).length === 0 ? null : customFields;
}

function planTodos(c: PlanContext): CopyPlan['todos'] {
  const { flags, now } = c.request;
  return c.source.todos
    .filter(
      (todo) => c.inC.has(todo.taskId) && (todo.closedAt ? flags.copy_closed_todos : flags.copy_open_todos),
    )
    .sort((a, b) => a.taskId - b.taskId || a.position - b.position || a.id - b.id)
    .map((todo) => ({
      sourceTaskId: todo.taskId,
      description: todo.description,
      position: todo.position,
      closedAt: todo.closedAt ? now : null,
      dueDate: flags.copy_date ? shiftDate(todo.dueDate, c.shift) : null,
      dueTime: flags.copy_date ? todo.dueTime : null,
      assigneeId:
        flags.copy_assignee &&
        todo.assigneeId !== null &&
        allowed(c, c.person(todo.assigneeId), 'todo_assignee', todo.taskId)
          ? c.person(todo.assigneeId)
          : null,
    }));
}

/** Comments that are not deleted, drafts or hidden, in order. */
function planComments(c: PlanContext): CopyPlan['comments'] {
  if (!c.request.flags.copy_comments) return [];
  return c.source.comments
    .filter((comment) => c.inC.has(comment.taskId) && !comment.deletedAt && !comment.draft && !comment.hidden)
    .sort((a, b) => a.taskId - b.taskId || a.id - b.id)
    .map((comment) => ({
      sourceId: comment.id,
      sourceTaskId: comment.taskId,
      body: comment.body,
      creatorId: comment.creatorId,
      pinnedAt: comment.pinnedAt,
    }));
}

/** The copied tasks' files, and the files of the copied comments. */
function planAttachments(c: PlanContext, copiedComments: Set<number>): CopyPlan['attachments'] {
  if (!c.request.flags.copy_attachments) return [];
  return c.source.attachments
    .filter((a) =>
      a.taskId !== null && a.commentId === null
        ? c.inC.has(a.taskId)
        : a.commentId !== null && copiedComments.has(a.commentId),
    )
    .sort((a, b) => a.id - b.id)
    .map((a) => ({
      sourceTaskId: a.commentId === null ? a.taskId : null,
      sourceCommentId: a.commentId,
      name: a.name,
      contentType: a.contentType,
      size: a.size,
      blobId: a.blobId,
    }));
}

function planDependencies(c: PlanContext): CopyPlan['dependencies'] {
  const { source, inC } = c;
  const dependencies: CopyPlan['dependencies'] = [];
  const skip = (row: SourceDependency, sourceId: number, reason: SkippedItem['reason']) =>
    c.skipped.push({
      kind: 'task_dependency',
      source_id: String(sourceId),
      reason,
      task_id: String(row.taskId),
    });
  for (const row of [...source.dependencies].sort((a, b) => a.id - b.id)) {
    if (!inC.has(row.taskId) || row.dependentTaskId === row.taskId) continue;
    const other = row.dependentTaskId;
    if (source.deadTasks?.has(other)) {
      skip(row, row.id, 'target_deleted');
    } else if (inC.has(other)) {
      // Both ends are copied: each source pair yields one new pair, from its lower-id row.
      if (row.reverseId !== null && row.reverseId < row.id) continue;
      dependencies.push({ fromSourceId: row.taskId, to: { copyOf: other }, typeId: row.typeId });
    } else if (source.tasks.has(other)) {
      // Inside the template but left out: the copy never links back into the template.
      skip(row, Math.min(row.id, row.reverseId ?? row.id), 'target_not_copied');
    } else {
      dependencies.push({ fromSourceId: row.taskId, to: { existing: other }, typeId: row.typeId });
    }
  }
  return dependencies;
}
