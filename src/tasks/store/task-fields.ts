/** A task's own fields in the store's words (the `tasks` columns); each face translates its wire names. */
export interface TaskFields {
  title: string;
  closed: boolean;
  collapsed: boolean;
  /** Person ids, order kept, no duplicates. */
  assigned: number[];
  dueAt: Date | null;
  /** null on input = "now" at creation. */
  createdAt: Date | null;
  closedAt: Date | null;
  editedAt: Date | null;
  priority: number | null;
  /** Custom keys (a JSON object), or null when there are none. */
  extra: Record<string, unknown> | null;
  /** The columns only the v2 face uses; absent = all unset. */
  details?: TaskDetailsColumns;
}

/** v2-only task columns, written by the clone engine when a v2 copy or create carries them. */
export interface TaskDetailsColumns {
  description: string | null;
  private: boolean;
  startDate: string | null;
  dueTime: string | null;
  taskListId: number | null;
  workflowStatusId: number | null;
  placement: number | null;
  initialEstimate: number | null;
  remainingTime: number | null;
  repeatScheduleId: number | null;
  repeatOnInterval: number | null;
  repeatOnMonthday: number | null;
  repeatOnWeekday: number[] | null;
  repeatOnDate: string | null;
  tagList: string[];
  customFields: Record<string, unknown> | null;
  creatorId: number | null;
}

export const NO_DETAILS: TaskDetailsColumns = {
  description: null,
  private: false,
  startDate: null,
  dueTime: null,
  taskListId: null,
  workflowStatusId: null,
  placement: null,
  initialEstimate: null,
  remainingTime: null,
  repeatScheduleId: null,
  repeatOnInterval: null,
  repeatOnMonthday: null,
  repeatOnWeekday: null,
  repeatOnDate: null,
  tagList: [],
  customFields: null,
  creatorId: null,
};

/** The largest priority a task may have: the column is an INT. */
export const MAX_PRIORITY = 2_147_483_647;

export function emptyFields(): TaskFields {
  return {
    title: '',
    closed: false,
    collapsed: false,
    assigned: [],
    dueAt: null,
    createdAt: null,
    closedAt: null,
    editedAt: null,
    priority: null,
    extra: null,
  };
}

/**
 * Text as it is stored: a lone surrogate (a JSON string may escape one) becomes U+FFFD. Stored
 * as is, MySQL's driver writes it as three bytes that read back as three U+FFFD, and SQLite's as
 * one: every writer of task text passes it through here, so that both store the same.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** A task's place: its sibling list (`null` project/parent = none) and its slot in it. */
export interface Placement {
  id: number;
  projectId: number | null;
  parentId: number | null;
  position: number;
}

/** The key of a project in the ordering locks and revisions: 0 is No project. */
export function keyOf(id: number | null): number {
  return id ?? 0;
}

/** A task's own fields as list reads give them back: times as ISO-8601 UTC with milliseconds. */
export interface StoredFields {
  title: string;
  closed: boolean;
  collapsed: boolean;
  assigned: number[];
  dueAt: string | null;
  closedAt: string | null;
  editedAt: string | null;
  priority: number | null;
  extra: Record<string, unknown> | null;
}

/** A task as list reads give it back: its place, its own fields and its creation time. */
export interface StoredTask extends StoredFields {
  id: number;
  projectId: number | null;
  parentId: number | null;
  createdAt: string | null;
}

/** Fields as they read back once written (text well formed, times in ISO, no empty custom keys). */
export function storedFields(fields: TaskFields): StoredFields {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    title: wellFormed(fields.title),
    closed: fields.closed,
    collapsed: fields.collapsed,
    assigned: [...fields.assigned],
    dueAt: iso(fields.dueAt),
    closedAt: iso(fields.closedAt),
    editedAt: iso(fields.editedAt),
    priority: fields.priority,
    extra: fields.extra && Object.keys(fields.extra).length > 0 ? fields.extra : null,
  };
}

/** A new task as list reads give it back once written with `fields` and creation time `created`. */
export function storedTask(
  id: number,
  projectId: number | null,
  parentId: number | null,
  fields: TaskFields,
  created: Date | null,
): StoredTask {
  return {
    id,
    projectId,
    parentId,
    createdAt: created ? created.toISOString() : null,
    ...storedFields(fields),
  };
}
