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
}

export interface TaskView extends TaskContent {
  id: number;
  projectId: number | null;
  parentId: number | null;
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
