import { storedTasks, treeProblems } from '../factories/task.factory';
import { faceHeaders } from '../support/face-requests';
import type { TestAccount, TestApp } from '../support/test-app';

// What must hold after any sequence of requests, whatever they were: the task store's own
// guarantees (each sibling list 0..n-1, every parent a task of the same account and project, no
// cycles), no row linked to another account's, dependencies in consistent pairs, and both task
// faces telling the same story about one account (the To Do list served from its cache included).

/** Rows that link across accounts or to nothing: each query returns the offending rows. */
const LINK_CHECKS: Array<[string, string]> = [
  [
    'task in a project of another account or in none that exists',
    `SELECT t.id FROM tasks t LEFT JOIN projects p ON p.id = t.project_id
     WHERE t.project_id IS NOT NULL AND (p.id IS NULL OR p.account_id <> t.account_id)`,
  ],
  [
    'assignment across accounts',
    `SELECT a.task_id FROM task_assignees a JOIN tasks t ON t.id = a.task_id JOIN people p ON p.id = a.person_id
     WHERE t.account_id <> a.account_id OR p.account_id <> a.account_id`,
  ],
  [
    'subscription across accounts',
    `SELECT s.task_id FROM task_subscribers s JOIN tasks t ON t.id = s.task_id JOIN people p ON p.id = s.person_id
     WHERE t.account_id <> s.account_id OR p.account_id <> s.account_id`,
  ],
  ...['todos', 'comments', 'attachments'].map((table): [string, string] => [
    `${table} of another account's task`,
    `SELECT r.id FROM ${table} r JOIN tasks t ON t.id = r.task_id WHERE t.account_id <> r.account_id`,
  ]),
  [
    'dependency across accounts',
    `SELECT d.id FROM task_dependencies d JOIN tasks a ON a.id = d.task_id JOIN tasks b ON b.id = d.dependent_task_id
     WHERE a.account_id <> d.account_id OR b.account_id <> d.account_id`,
  ],
  [
    'dependency without its reverse row',
    `SELECT d.id FROM task_dependencies d LEFT JOIN task_dependencies r ON r.id = d.reverse_id
     WHERE r.id IS NULL OR r.reverse_id <> d.id OR r.task_id <> d.dependent_task_id OR r.dependent_task_id <> d.task_id
       OR r.type_id <> CASE d.type_id WHEN 1 THEN 2 WHEN 2 THEN 1 ELSE 3 END`,
  ],
  [
    'membership across accounts',
    `SELECT m.id FROM memberships m JOIN projects p ON p.id = m.project_id JOIN people x ON x.id = m.person_id
     WHERE p.account_id <> m.account_id OR x.account_id <> m.account_id`,
  ],
  [
    'task list of another account’s project',
    'SELECT l.id FROM task_lists l JOIN projects p ON p.id = l.project_id WHERE p.account_id <> l.account_id',
  ],
  [
    'template of another account’s task',
    'SELECT x.id FROM templates x JOIN tasks t ON t.id = x.target_id WHERE t.account_id <> x.account_id',
  ],
];

/** Problems in the stored rows of the whole database (every account). */
export async function storeProblems(t: TestApp, accountIds: number[]): Promise<string[]> {
  const problems: string[] = [];
  for (const accountId of accountIds) {
    problems.push(...(await treeProblems(t, accountId)).map((p) => `account ${accountId}: ${p}`));
  }
  for (const [what, sql] of LINK_CHECKS) {
    const rows = (await t.dataSource.query(sql)) as Array<Record<string, unknown>>;
    if (rows.length)
      problems.push(
        `${what}: ${rows
          .slice(0, 5)
          .map((r) => JSON.stringify(r))
          .join(', ')}`,
      );
  }
  return problems;
}

interface WireTask {
  id: number;
  parent: number | null;
  project: number | null;
}

async function read(t: TestApp, account: TestAccount, url: string): Promise<unknown> {
  const face = url.startsWith('/todo') ? 'todo' : 'jsonapi';
  const res = await t.inject({ method: 'GET', url, headers: faceHeaders(face, account) });
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

const total = async (t: TestApp, account: TestAccount, url: string) =>
  ((await read(t, account, url)) as { meta: { total_count: number } }).meta.total_count;

/**
 * Problems in what the faces answer for one account: the To Do list (perhaps from its cache) is
 * the stored tree, each sibling list in position order, and the v2 face counts the same tasks,
 * projects and people.
 */
export async function faceProblems(t: TestApp, account: TestAccount): Promise<string[]> {
  const problems: string[] = [];
  const served = (await read(t, account, '/todo/tasks')) as WireTask[];
  const stored = await storedTasks(t, account.id);
  const byId = new Map(stored.map((task) => [task.id, task]));
  if (served.length !== stored.length)
    problems.push(`/todo/tasks serves ${served.length} of ${stored.length} tasks`);
  const lastPosition = new Map<string, number>();
  for (const task of served) {
    const row = byId.get(task.id);
    if (!row) {
      problems.push(`/todo/tasks serves task ${task.id}, which is not stored`);
      continue;
    }
    if (row.parent !== task.parent || row.project !== task.project)
      problems.push(
        `/todo/tasks places task ${task.id} under ${task.project}/${task.parent}, stored ${row.project}/${row.parent}`,
      );
    const list = `${row.project}/${row.parent}`;
    if ((lastPosition.get(list) ?? -1) >= row.position)
      problems.push(`/todo/tasks list ${list} out of order`);
    lastPosition.set(list, row.position);
  }
  const v2Tasks =
    (await total(t, account, '/api/v2/tasks?filter[template]=false&page[size]=1')) +
    (await total(t, account, '/api/v2/tasks?filter[template]=true&page[size]=1'));
  if (v2Tasks !== stored.length)
    problems.push(`v2 counts ${v2Tasks} tasks, the store holds ${stored.length}`);
  const todoProjects = ((await read(t, account, '/todo/projects')) as unknown[]).length - 1; // less "No project"
  const v2Projects = await total(t, account, '/api/v2/projects?page[size]=1');
  if (todoProjects !== v2Projects)
    problems.push(`/todo/projects has ${todoProjects} projects, v2 ${v2Projects}`);
  const todoUsers = ((await read(t, account, '/todo/users')) as unknown[]).length;
  const v2People = await total(t, account, '/api/v2/people?page[size]=1');
  if (todoUsers !== v2People) problems.push(`/todo/users has ${todoUsers} users, v2 ${v2People} people`);
  return problems;
}
