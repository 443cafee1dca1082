import type { StoredTask } from '../../tasks/store/task-fields';

/** A task on the To Do face's wire. */
export interface TodoTask {
  id: number;
  text: string;
  checked: boolean;
  collapsed: boolean;
  parent: number | null;
  project: number | null;
  assigned: number[];
  due_date: string | null;
  creation_date: string | null;
  completion_date: string | null;
  edited_date: string | null;
  priority: number | null;
  [custom: string]: unknown;
}

/** A stored task in the widget's words: every known key, then custom keys that do not collide with them. */
export function toTodoTask(t: StoredTask): TodoTask {
  const out: TodoTask = {
    id: t.id,
    text: t.title,
    checked: t.closed,
    collapsed: t.collapsed,
    parent: t.parentId,
    project: t.projectId,
    assigned: t.assigned,
    due_date: t.dueAt,
    creation_date: t.createdAt,
    completion_date: t.closedAt,
    edited_date: t.editedAt,
    priority: t.priority,
  };
  if (t.extra) {
    // Own keys only: `constructor`, `toString` or `__proto__` are custom keys like any other
    // (defined, since assigning `__proto__` would replace the object's prototype).
    for (const [key, value] of Object.entries(t.extra)) {
      if (!Object.prototype.hasOwnProperty.call(out, key))
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}
