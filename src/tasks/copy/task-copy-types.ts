import type { Queryable } from '../../database/sql';
import type { SourceAttachment } from '../details/attachments.table';
import type { SourceDependency } from '../details/dependencies.table';
import type { SourceComment, SourceTodo } from '../details/task-items.table';
import type { TaskRecord } from '../read/task-read-model.service';
import type { TaskShapeRow } from '../store/task-reads.table';

// The shapes a task copy is planned in (task-copy-plan.ts): its flags, source, target, request and plan.

export interface CopyFlags {
  copy_open_subtasks: boolean;
  copy_closed_subtasks: boolean;
  copy_open_todos: boolean;
  copy_closed_todos: boolean;
  copy_comments: boolean;
  copy_description: boolean;
  copy_attachments: boolean;
  copy_subscribers: boolean;
  copy_assignee: boolean;
  copy_tags: boolean;
  copy_date: boolean;
  copy_repeat: boolean;
  copy_estimate: boolean;
  copy_task_dependencies: boolean;
  copy_custom_fields: boolean;
  copy_as_task_template: boolean;
}

export const COPY_FLAG_NAMES: Array<keyof CopyFlags> = [
  'copy_open_subtasks',
  'copy_closed_subtasks',
  'copy_open_todos',
  'copy_closed_todos',
  'copy_comments',
  'copy_description',
  'copy_attachments',
  'copy_subscribers',
  'copy_assignee',
  'copy_tags',
  'copy_date',
  'copy_repeat',
  'copy_estimate',
  'copy_task_dependencies',
  'copy_custom_fields',
  'copy_as_task_template',
];

export interface SourceTask extends TaskRecord {
  /** All assigned people in order (v2's assignee is the first). */
  assigned: number[];
}

/**
 * What a copy needs of every task of S before it writes any: the shape of the tree, what selects
 * a task, and what its copy's place, status and date shift depend on. A large copy holds only this
 * for each task and reads the rest chunk by chunk as it writes them (COPY_CHUNK_TASKS).
 */
export type SourceShape = TaskShapeRow;

/**
 * Copied tasks read, planned and written together, with their related rows: a copy of more is
 * written chunk by chunk, holding only the shape of its tree and a compact id map between chunks.
 */
export const COPY_CHUNK_TASKS = 1000;

/** Everything read from the store about the source subtree S, under one snapshot. */
export interface CopySource {
  rootId: number;
  /** A task list's copy: its top-level tasks that are copied (each a root, none takes the request's title). */
  roots?: number[];
  /** S: the source and all its live descendants (a large S: a ShapeTable). */
  tasks: ReadonlyMap<number, SourceShape>;
  /**
   * The full records of S when it has at most COPY_CHUNK_TASKS tasks; absent for a larger one,
   * whose records the writer reads a chunk at a time.
   */
  records?: Map<number, SourceTask>;
  /** Direct subtasks of every task of S, in sibling order. */
  children: Map<number, number[]>;
  /** Status id → its workflow and category, for every status a task of S uses. */
  statuses: Map<number, { workflowId: number; categoryId: number }>;
  todos: SourceTodo[];
  comments: SourceComment[];
  attachments: SourceAttachment[];
  subscribers: Map<number, number[]>;
  /** Dependency rows whose `task_id` is in S. */
  dependencies: SourceDependency[];
  /** Other ends of those rows that no longer exist (deleted): their pairs are reported, not copied. */
  deadTasks?: Set<number>;
}

/**
 * A source's related-row fields as the source loaders leave them, empty: the writer reads those
 * rows a chunk of tasks at a time (loadRelatedRows). Fresh containers on every call.
 */
export function noRelatedRows(): Pick<
  CopySource,
  'todos' | 'comments' | 'attachments' | 'subscribers' | 'dependencies' | 'deadTasks'
> {
  return {
    todos: [],
    comments: [],
    attachments: [],
    subscribers: new Map(),
    dependencies: [],
    deadTasks: new Set(),
  };
}

export interface CopyTarget {
  projectId: number;
  taskListId: number;
  /** The root's status; a list's copy has none (a copy keeps its own status when no category matches). */
  workflowStatusId: number | null;
  /** The target project's workflow and its statuses (a copied subtask takes a status of its category there). */
  workflowId: number | null;
  workflowStatuses: Array<{ id: number; categoryId: number; position: number }>;
  parentTaskId: number | null;
  /** People who may be assignees/subscribers in the target project; 'anyone' when it has no members. */
  members: Set<number> | 'anyone';
  /** Active (not deactivated) people of the account. */
  activePeople: Set<number>;
  /** Custom fields enabled for tasks in the target project and not archived, by id. */
  customFields: Map<string, { dataTypeId: number }>;
}

export interface CopyRequest {
  title: string;
  private: boolean;
  templateDescription: string | null;
  flags: CopyFlags;
  now: Date;
  /** With copy_date: move every copied date so the earliest start (or latest due) lands here. */
  shift?: CopyShift;
  /** Prepended to the title of every copied task (the result cut to TITLE_MAX characters). */
  titlePrefix?: string;
  /** Old person id → new person id, for assignees, subscribers, todo assignees and person fields. */
  assigneeMap?: Record<string, number>;
  /** A task list's or project's copy: every root keeps its own title, status and privacy. */
  list?: boolean;
}

export interface CopyShift {
  to: string;
  mode: 'start' | 'end';
  /** A shifted date on a Saturday or Sunday moves to Monday; a task keeps its working-day length. */
  skipWeekends?: boolean;
}

export const TITLE_MAX = 255;

export interface SkippedItem {
  kind: 'assignee' | 'subscriber' | 'todo_assignee' | 'custom_field' | 'task_dependency';
  source_id: string;
  reason: 'not_project_member' | 'deactivated' | 'field_not_enabled' | 'target_not_copied' | 'target_deleted';
  task_id?: string;
}

/** The columns one copy gets (undefined = the store's default). */
export interface PlannedTask {
  sourceId: number;
  /** The source parent inside C; null for the root (which goes under the target parent). */
  parentSourceId: number | null;
  title: string;
  description: string | null;
  private: boolean;
  closed: boolean;
  closedAt: Date | null;
  workflowStatusId: number | null;
  assigned: number[];
  startDate: string | null;
  dueAt: Date | null;
  dueTime: string | null;
  repeat: {
    scheduleId: number | null;
    interval: number | null;
    monthday: number | null;
    weekday: number[] | null;
    date: string | null;
  };
  initialEstimate: number | null;
  remainingTime: number | null;
  tagList: string[];
  customFields: Record<string, unknown> | null;
}

export interface CopyPlan {
  /** C in pre-order: every parent before its children, siblings in source order. */
  tasks: PlannedTask[];
  todos: Array<{
    sourceTaskId: number;
    description: string;
    position: number;
    closedAt: Date | null;
    dueDate: string | null;
    dueTime: string | null;
    assigneeId: number | null;
  }>;
  comments: Array<{
    sourceId: number;
    sourceTaskId: number;
    body: string;
    creatorId: number | null;
    pinnedAt: Date | null;
  }>;
  /** `sourceCommentId` set: the file of a copied comment (needs the comment's copy). */
  attachments: Array<{
    sourceTaskId: number | null;
    sourceCommentId: number | null;
    name: string;
    contentType: string;
    size: number;
    blobId: number | null;
  }>;
  subscribers: Array<{ sourceTaskId: number; personId: number }>;
  /** `to` is a copy (its source id) or an existing task outside S. */
  dependencies: Array<{
    fromSourceId: number;
    to: { copyOf: number } | { existing: number };
    typeId: number;
  }>;
  skipped: SkippedItem[];
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

/** A copy's target and the statuses of its source's tasks, as loadTarget reads and checks them. */
export interface CheckedTarget {
  target: CopyTarget;
  sourceStatuses: CopySource['statuses'];
}

/**
 * That read itself, for write() to send in its first round trip, with the destination's lock: a
 * refusal then rolls the lock back with the rest (a copy made in its request).
 */
export type ReadTarget = (m: Queryable) => Promise<CheckedTarget>;
