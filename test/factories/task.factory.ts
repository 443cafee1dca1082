import type { TestAccount, TestApp } from '../support/test-app';
import { PeopleService } from '../../src/tasks/store/people.service';
import { ProjectsService } from '../../src/tasks/store/projects.service';
import { emptyFields, TaskFields } from '../../src/tasks/store/task-fields';
import { TasksService } from '../../src/tasks/store/tasks.service';

/** A task to make, in the To Do face's words: field overrides and children, nested. */
export interface TaskSpec {
  text?: string;
  checked?: boolean;
  collapsed?: boolean;
  assigned?: number[];
  dueDate?: Date | null;
  priority?: number | null;
  extra?: Record<string, unknown> | null;
  children?: TaskSpec[];
}

function fieldsOf(spec: Omit<TaskSpec, 'children'>, text: string): TaskFields {
  const fields = { ...emptyFields(), title: spec.text ?? text };
  if (spec.checked !== undefined) fields.closed = spec.checked;
  if (spec.collapsed !== undefined) fields.collapsed = spec.collapsed;
  if (spec.assigned !== undefined) fields.assigned = spec.assigned;
  if (spec.dueDate !== undefined) fields.dueAt = spec.dueDate;
  if (spec.priority !== undefined) fields.priority = spec.priority;
  if (spec.extra !== undefined) fields.extra = spec.extra;
  return fields;
}

export async function makeProject(t: TestApp, account: TestAccount, label = 'Project'): Promise<number> {
  return t.get(ProjectsService).create(account.id, { name: label });
}

export async function makeUser(t: TestApp, account: TestAccount, label = 'Ann Lee'): Promise<number> {
  const space = label.indexOf(' ');
  return t.get(PeopleService).create(account.id, {
    firstName: space < 0 ? label : label.slice(0, space),
    lastName: space < 0 ? '' : label.slice(space + 1),
  });
}

/**
 * Writes a forest of real task rows at the end of (project, parent), through the clone engine.
 * Returns the new ids in pre-order of the specs.
 */
export async function makeTasks(
  t: TestApp,
  account: TestAccount,
  specs: TaskSpec[],
  where: { project?: number | null; parent?: number | null } = {},
): Promise<number[]> {
  const nodes: Array<{ key: string; parentKey: string | null; fields: TaskFields }> = [];
  const walk = (list: TaskSpec[], parentKey: string | null) => {
    for (const spec of list) {
      const key = `k${nodes.length}`;
      const { children, ...fields } = spec;
      nodes.push({ key, parentKey, fields: fieldsOf(fields, key) });
      walk(children ?? [], key);
    }
  };
  walk(specs, null);
  const ids = await t.get(TasksService).cloneTasks(account.id, nodes, {
    kind: 'list',
    parentId: where.parent ?? null,
    projectId: where.project === undefined ? undefined : where.project,
    at: 'end',
  });
  return nodes.map((n) => ids.get(n.key)!);
}

/** A chain: each task the only child of the previous one. */
export function chainSpec(depth: number): TaskSpec[] {
  const root: TaskSpec = {};
  let cur = root;
  for (let i = 1; i < depth; i++) {
    const next: TaskSpec = {};
    cur.children = [next];
    cur = next;
  }
  return [root];
}

export interface StoredTask {
  id: number;
  project: number | null;
  parent: number | null;
  /** Dense, 0..n-1 in its sibling list: counted from the stored sparse keys. */
  position: number;
  /** The stored sparse order key. */
  key: number;
  text: string;
}

/** Every stored task of the account, straight from the table (positions ranked from the keys). */
export async function storedTasks(t: TestApp, accountId: number): Promise<StoredTask[]> {
  const rows = (await t.dataSource.query(
    'SELECT id, project_id, parent_id, sort_key, title FROM tasks WHERE account_id = ? ORDER BY id',
    [accountId],
  )) as Array<{
    id: number;
    project_id: number | null;
    parent_id: number | null;
    sort_key: number | string;
    title: string;
  }>;
  const tasks = rows.map((r) => ({
    id: Number(r.id),
    project: r.project_id === null ? null : Number(r.project_id),
    parent: r.parent_id === null ? null : Number(r.parent_id),
    position: -1,
    key: Number(r.sort_key),
    text: r.title,
  }));
  const lists = new Map<string, StoredTask[]>();
  for (const task of tasks) {
    const list = `${task.project ?? 0}:${task.parent ?? 0}`;
    lists.set(list, [...(lists.get(list) ?? []), task]);
  }
  for (const list of lists.values()) {
    list.sort((a, b) => a.key - b.key).forEach((task, i) => (task.position = i));
  }
  return tasks;
}

/** A full dump (tasks + assignments + projects + people + tags) to compare before and after. */
export async function snapshotAccount(t: TestApp, accountId: number): Promise<unknown> {
  const q = (sql: string) => t.dataSource.query(sql, [accountId]);
  return {
    tasks: await q(
      'SELECT id, project_id, parent_id, sort_key, title, closed, collapsed, due_at, created_at, closed_at, edited_at, priority, extra FROM tasks WHERE account_id = ? ORDER BY id',
    ),
    assignees: await q(
      'SELECT task_id, person_id, position FROM task_assignees WHERE account_id = ? ORDER BY task_id, position',
    ),
    projects: await q('SELECT id, name FROM projects WHERE account_id = ? ORDER BY id'),
    people: await q('SELECT id, first_name, last_name FROM people WHERE account_id = ? ORDER BY id'),
    tags: await q('SELECT position, name FROM account_tags WHERE account_id = ? ORDER BY position'),
  };
}

/**
 * The tree's guarantees: every sibling list has distinct, non-negative, exact order keys (so it
 * reads 0..n-1), every parent exists in the same project, and there are no cycles. Returns the problems found (empty when sound).
 */
export async function treeProblems(t: TestApp, accountId: number): Promise<string[]> {
  const tasks = await storedTasks(t, accountId);
  const problems: string[] = [];
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const lists = new Map<string, number[]>();
  for (const task of tasks) {
    const key = `${task.project ?? 0}:${task.parent ?? 0}`;
    lists.set(key, [...(lists.get(key) ?? []), task.key]);
    if (task.parent !== null) {
      const parent = byId.get(task.parent);
      if (!parent) problems.push(`task ${task.id}: parent ${task.parent} missing`);
      else if (parent.project !== task.project) problems.push(`task ${task.id}: parent in another project`);
    }
  }
  for (const [key, keys] of lists) {
    const sorted = [...keys].sort((a, b) => a - b);
    const sound = sorted.every((k, i) => Number.isSafeInteger(k) && k >= 0 && (i === 0 || k > sorted[i - 1]));
    if (!sound) problems.push(`list ${key}: keys ${sorted.join(',')}`);
  }
  for (const task of tasks) {
    let steps = 0;
    for (let cur = task.parent; cur !== null; cur = byId.get(cur)?.parent ?? null) {
      if (++steps > tasks.length) {
        problems.push(`task ${task.id}: cycle`);
        break;
      }
    }
  }
  return problems;
}
