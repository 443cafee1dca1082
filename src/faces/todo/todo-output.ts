import type { TaskView } from '../../tasks/store/task-content';

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

/** §2.1 output: every known key, then custom keys that do not collide with them. */
export function toTodoTask(v: TaskView): TodoTask {
  const out: TodoTask = {
    id: v.id,
    text: v.text,
    checked: v.checked,
    collapsed: v.collapsed,
    parent: v.parentId,
    project: v.projectId,
    assigned: v.assigned,
    due_date: v.dueDate,
    creation_date: v.creationDate,
    completion_date: v.completionDate,
    edited_date: v.editedDate,
    priority: v.priority,
  };
  if (v.extra) {
    // Own keys only: `constructor`, `toString` or `__proto__` are custom keys like any other
    // (defined, since assigning `__proto__` would replace the object's prototype).
    for (const [key, value] of Object.entries(v.extra)) {
      if (!Object.prototype.hasOwnProperty.call(out, key))
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}
