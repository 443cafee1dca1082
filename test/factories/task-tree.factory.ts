import type { EntityManager } from 'typeorm';
import type { Dialect } from '../../src/config/database.options';
import type { Database } from '../../src/database/database';
import { chunks } from '../../src/database/sql';
import { sqlDialect } from '../../src/database/sql-dialect';
import { insertDependencyPairs } from '../../src/tasks/details/dependencies.table';
import { TaskIdAllocator } from '../../src/tasks/store/task-ids';
import { NO_DETAILS } from '../../src/tasks/store/task-fields';
import { insertTasks, NewTaskRow } from '../../src/tasks/store/task-inserts.table';
import type { TestAccount, TestApp } from '../support/test-app';
import { makeResource, makeWorkflow } from './jsonapi.factory';

// A large v2 task tree written straight into the store with multi-row INSERTs: the ids come from
// the `tasks` id allocator and the rows go through the engine's own `insertTasks`, so they are the
// rows the routes would have written, thousands of times faster than one request per task.

/** Anything with the EntityManager's `query(sql, params)`: a TypeORM manager or a mysql2 adapter. */
export type Queryable = Pick<EntityManager, 'query'>;

export interface TreeTarget {
  accountId: number;
  projectId: number;
  taskListId: number;
  openStatusId: number;
  closedStatusId: number;
}

export interface TreeShape {
  /** Tasks in the tree, root included. */
  tasks: number;
  /** Children per task (a complete k-ary tree filled in breadth-first order). */
  branching?: number;
  /** Every n-th task (root excluded) is closed. */
  closedEvery?: number;
}

export interface LargeTree {
  rootId: number;
  /** A task outside the tree that the root waits on. */
  externalId: number;
  /** Tree index → task id; index 0 is the root. */
  ids: number[];
  /** Tree index → parent index (null for the root). */
  parents: Array<number | null>;
  closed: boolean[];
  /** Per task: one open and one closed todo. */
  todosPerTask: number;
  /** Dependency pairs inside the tree (each task i ≥ 1 waits on task i − 1) plus one to the outside. */
  dependencyPairs: number;
}

const TODO_CHUNK = 1000;

/** Adapts a mysql2/promise connection to `query(sql, params)` returning the rows/result header. */
export function mysqlQueryable(conn: {
  query(sql: string, params?: unknown[]): Promise<[unknown, unknown]>;
}): Queryable {
  return {
    query: async (sql: string, params?: unknown[]) => (await conn.query(sql, params))[0],
    // insertTasks binds its values into the text itself on a MySQL manager, as the app's
    // DataSource is configured (timezone 'Z').
    connection: { options: { type: 'mysql', timezone: 'Z' } },
  } as unknown as Queryable;
}

function sqlNow(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Writes a tree of `shape.tasks` tasks under a new root placed last among the project's top-level
 * tasks, every task with an open and a closed todo, each task i ≥ 1 waiting on task i − 1 (a
 * blocking pair with its reverse row), and the root waiting on one task outside the tree.
 */
export async function makeLargeTree(
  m: Queryable,
  dialect: Dialect,
  target: TreeTarget,
  shape: TreeShape,
): Promise<LargeTree> {
  const n = shape.tasks;
  const branching = shape.branching ?? 8;
  const closedEvery = shape.closedEvery ?? 7;
  const now = new Date();
  const nowText = sqlNow(now);
  const manager = m as EntityManager;
  const allocator = new TaskIdAllocator({ sql: sqlDialect(dialect) } as Database);
  const allIds = await allocator.allocate(manager, n + 1);
  const ids = allIds.slice(0, n);
  const externalId = allIds[n];

  const [top] = (await m.query(
    'SELECT COALESCE(MAX(sort_key) + 1, 0) AS next FROM tasks WHERE account_id = ? AND project_key = ? AND parent_key = 0',
    [target.accountId, target.projectId],
  )) as Array<{ next: number | string }>;
  const rootPosition = Number(top.next);

  const parents: Array<number | null> = [];
  const closed: boolean[] = [];
  const rows: NewTaskRow[] = [];
  for (let i = 0; i <= n; i++) {
    const external = i === n;
    const parent = i === 0 || external ? null : Math.floor((i - 1) / branching);
    const isClosed = !external && i > 0 && i % closedEvery === 0;
    const position = i === 0 ? rootPosition : external ? rootPosition + 1 : (i - 1) % branching;
    if (!external) {
      parents.push(parent);
      closed.push(isClosed);
    }
    rows.push({
      id: external ? externalId : ids[i],
      projectId: target.projectId,
      parentId: parent === null ? null : ids[parent],
      key: position,
      fields: {
        title: external ? 'Outside the tree' : i === 0 ? 'Large template' : `Task ${i}`,
        closed: isClosed,
        collapsed: false,
        assigned: [],
        dueAt: null,
        createdAt: now,
        closedAt: isClosed ? now : null,
        editedAt: null,
        priority: null,
        extra: null,
        details: {
          ...NO_DETAILS,
          description: `<p>Step ${i}</p>`,
          taskListId: target.taskListId,
          workflowStatusId: isClosed ? target.closedStatusId : target.openStatusId,
          placement: position,
        },
      },
    });
  }
  // Parents before children: insertTasks writes the rows in order.
  await insertTasks(manager, target.accountId, rows, now);

  // Todos: one open, one closed per task.
  const todos: unknown[][] = [];
  for (const id of ids) {
    todos.push([target.accountId, id, `Open todo of ${id}`, 1, null, nowText]);
    todos.push([target.accountId, id, `Closed todo of ${id}`, 2, nowText, nowText]);
  }
  for (const part of chunks(todos, TODO_CHUNK)) {
    await m.query(
      `INSERT INTO todos (account_id, task_id, description, position, closed_at, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      part.flat(),
    );
  }

  // Dependencies as a copy writes them: ids from their counter, each row naming its reverse.
  const pairs = ids.slice(1).map((id, i) => ({ taskId: ids[i], dependentTaskId: id, typeId: 1 }));
  pairs.push({ taskId: externalId, dependentTaskId: ids[0], typeId: 1 });
  await insertDependencyPairs(manager, sqlDialect(dialect), target.accountId, pairs, now);

  return {
    rootId: ids[0],
    externalId,
    ids,
    parents,
    closed,
    todosPerTask: 2,
    dependencyPairs: n,
  };
}

export interface LargeSource {
  tree: LargeTree;
  /** The project and task list the tree stands in ("Templates"). */
  source: { projectId: string; taskListId: string };
  /** An empty project and task list of the same workflow to copy into ("Copies"), and its open status. */
  target: { projectId: string; taskListId: string; statusId: string };
}

/**
 * For the large v2 copy suites: a workflow, a source project and task list holding a large tree
 * (makeLargeTree, straight into the store), and an empty target project with a list, all made
 * for `account` (the projects, lists and workflow through the routes).
 */
export async function makeLargeSource(
  t: TestApp,
  account: TestAccount,
  shape: TreeShape,
): Promise<LargeSource> {
  const workflow = await makeWorkflow(t, account);
  const inWorkflow = async (name: string) => {
    const projectId = await makeResource(t, account, 'projects', { name, workflow_id: workflow.workflowId });
    const taskListId = await makeResource(t, account, 'task_lists', { name, project_id: projectId });
    return { projectId, taskListId };
  };
  const source = await inWorkflow('Templates');
  const target = { ...(await inWorkflow('Copies')), statusId: workflow.openStatusId };
  const tree = await makeLargeTree(
    t.dataSource.manager,
    t.dialect,
    {
      accountId: account.id,
      projectId: Number(source.projectId),
      taskListId: Number(source.taskListId),
      openStatusId: Number(workflow.openStatusId),
      closedStatusId: Number(workflow.closedStatusId),
    },
    shape,
  );
  return { tree, source, target };
}

/** tasks/copy attributes that copy the large tree's root, as `title`, into the target list; `extra` adds flags. */
export function largeCopyAttributes(
  tree: LargeTree,
  target: LargeSource['target'],
  title: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    title,
    template_id: tree.rootId,
    project_id: Number(target.projectId),
    task_list_id: Number(target.taskListId),
    workflow_status_id: Number(target.statusId),
    private: false,
    ...extra,
  };
}
