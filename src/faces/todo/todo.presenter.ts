import type { StoredTask } from '../../tasks/store/tasks.service';

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

export interface TodoUser {
  id: number;
  label: string;
  avatar?: string;
  color?: string;
}

/** A person as the widget's user: `label` is first and last name; unset avatar and color are left out. */
export function toTodoUser(p: {
  id: number;
  firstName: string;
  lastName: string;
  avatarUrl: string | null;
  color: string | null;
}): TodoUser {
  return {
    id: p.id,
    label: p.lastName ? `${p.firstName} ${p.lastName}` : p.firstName,
    ...(p.avatarUrl ? { avatar: p.avatarUrl } : {}),
    ...(p.color ? { color: p.color } : {}),
  };
}

/** The widget's project list: the synthetic No project first, then the account's by id. */
export function toTodoProjects(
  projects: Array<{ id: number; name: string }>,
): Array<{ id: number | null; label: string }> {
  return [{ id: null, label: 'No project' }, ...projects.map((p) => ({ id: p.id, label: p.name }))];
}

/**
 * Keys every new id both by its client id (the documented map) and by its item's position in the
 * request's `batch`, as a string: the shipped widget's RestDataProvider (trial 1.2.8, its
 * `clone-task` handler) reads `answer[i]` for `batch[i]`, never the client-id keys.
 */
export function cloneAnswer(keys: string[], ids: Map<string, number>): Record<string, number> {
  const answer: Record<string, number> = Object.fromEntries(ids);
  keys.forEach((key, position) => (answer[String(position)] = answer[key]));
  return answer;
}
