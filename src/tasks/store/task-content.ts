/** The content fields of a task as the domain sees them (todolist-rest.md §2.1). */
export interface TaskContent {
  text: string;
  checked: boolean;
  collapsed: boolean;
  /** Person ids, order kept, no duplicates. */
  assigned: number[];
  dueDate: Date | null;
  /** null on input = "now" at creation. */
  creationDate: Date | null;
  completionDate: Date | null;
  editedDate: Date | null;
  priority: number | null;
  /** Custom keys (a JSON object), or null when there are none. */
  extra: Record<string, unknown> | null;
  /** The columns only the v2 face uses (tasks-copy.md §2.1); absent = all unset. */
  details?: TaskDetailsColumns;
}

/** v2-only task columns, written by the clone engine when a v2 copy carries them. */
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

/** A stored task as read back; times are ISO-8601 UTC strings with milliseconds (`…T08:15:00.000Z`). */
export interface TaskView {
  id: number;
  projectId: number | null;
  parentId: number | null;
  text: string;
  checked: boolean;
  collapsed: boolean;
  assigned: number[];
  dueDate: string | null;
  creationDate: string | null;
  completionDate: string | null;
  editedDate: string | null;
  priority: number | null;
  extra: Record<string, unknown> | null;
}

/** A task as list reads give it back once written with `content` and creation date `created`. */
export function storedView(
  id: number,
  projectId: number | null,
  parentId: number | null,
  content: TaskContent,
  created: Date | null,
): TaskView {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    id,
    projectId,
    parentId,
    text: wellFormed(content.text),
    checked: content.checked,
    collapsed: content.collapsed,
    assigned: [...content.assigned],
    dueDate: iso(content.dueDate),
    creationDate: iso(created),
    completionDate: iso(content.completionDate),
    editedDate: iso(content.editedDate),
    priority: content.priority,
    extra: content.extra && Object.keys(content.extra).length > 0 ? content.extra : null,
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

export function emptyContent(): TaskContent {
  return {
    text: '',
    checked: false,
    collapsed: false,
    assigned: [],
    dueDate: null,
    creationDate: null,
    completionDate: null,
    editedDate: null,
    priority: null,
    extra: null,
  };
}

/** Where structure changes: a task's list and slot. `null` project/parent = none. */
export interface Placement {
  id: number;
  projectId: number | null;
  parentId: number | null;
  position: number;
}
