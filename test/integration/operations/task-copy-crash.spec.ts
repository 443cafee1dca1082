import type { Connection } from 'mysql2/promise';
import { LargeTree, makeLargeTree, mysqlQueryable } from '../../factories/task-tree.factory';
import { processesOnFreshDatabase, ServiceProcess } from '../../support/processes';
import { connectToDatabase, describeOnMariaDb, readOperation } from '../../support/test-database';

const TOKEN = 'task-copy-crash-test-token-0123456789';
const TASKS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A TASK.COPY runs in one transaction (docs/v2.md#sync-and-async), so a worker killed in the
// middle of a copy leaves no part of a tree, and the instance that takes the operation over makes
// exactly one. Two `node dist/main.js` processes on one MariaDB database; the first is SIGKILLed
// while its copy has written every task (uncommitted) and waits on a row lock the test holds.
describeOnMariaDb('TASK.COPY when its worker process is killed mid-copy (MariaDB)', () => {
  const connections: Connection[] = [];
  const { database, start } = processesOnFreshDatabase(() =>
    Promise.all(connections.map((c) => c.end().catch(() => undefined))),
  );

  const connect = async () => {
    const conn = await connectToDatabase(database().url);
    connections.push(conn);
    return conn;
  };

  it('leaves either no copy or one complete copy, and ends SUCCESS exactly once', async () => {
    const env = {
      DATABASE_URL: database().url,
      BOOTSTRAP_API_TOKEN: TOKEN,
      JOBS_CONCURRENCY: '1',
      JOBS_LEASE_MS: '2000',
      JOBS_HEARTBEAT_MS: '500',
      JOBS_POLL_MS: '200',
      JSONAPI_RATE_LIMIT_PER_10S: '0',
      JSONAPI_RATE_LIMIT_PER_30MIN: '0',
      LOG_LEVEL: 'error',
    };
    const [victim] = await start(env, 1);

    const sql = await connect();
    const [accounts] = await sql.query('SELECT id FROM accounts');
    const accountId = Number((accounts as Array<{ id: number }>)[0].id);
    const v2 = async (service: ServiceProcess, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${service.url}/api/v2${path}`, {
        method,
        redirect: 'manual',
        headers: {
          'x-auth-token': TOKEN,
          'x-organization-id': String(accountId),
          ...(body === undefined ? {} : { 'content-type': 'application/vnd.api+json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { data: { id: string } } };
    };
    const make = async (type: string, attributes: Record<string, unknown>) => {
      const res = await v2(victim, 'POST', `/${type}`, { data: { type, attributes } });
      if (res.status !== 201)
        throw new Error(`POST ${type} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return Number(res.body.data.id);
    };

    const workflowId = await make('workflows', { name: 'Default' });
    const openStatusId = await make('workflow_statuses', {
      name: 'To do',
      category_id: 1,
      workflow_id: workflowId,
      position: 1,
    });
    const closedStatusId = await make('workflow_statuses', {
      name: 'Done',
      category_id: 3,
      workflow_id: workflowId,
      position: 2,
    });
    const projectId = await make('projects', { name: 'Templates', workflow_id: workflowId });
    const taskListId = await make('task_lists', { name: 'Templates', project_id: projectId });
    const targetProjectId = await make('projects', { name: 'Copies', workflow_id: workflowId });
    const targetListId = await make('task_lists', { name: 'Copies', project_id: targetProjectId });
    const tree: LargeTree = await makeLargeTree(
      mysqlQueryable(sql),
      'mysql',
      { accountId, projectId, taskListId, openStatusId, closedStatusId },
      { tasks: TASKS },
    );

    // Committed state, as any reader sees it; and the victim's uncommitted rows, to prove it was
    // killed with part of the tree written.
    const observer = await connect();
    const dirty = await connect();
    await dirty.query('SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED');
    const countIn = async (conn: Connection) => {
      const [rows] = await conn.query(
        'SELECT COUNT(*) AS n FROM tasks WHERE account_id = ? AND project_id = ?',
        [accountId, targetProjectId],
      );
      return Number((rows as Array<{ n: number }>)[0].n);
    };
    const observations: number[] = [];
    let observing = true;
    const watching = (async () => {
      const until = Date.now() + 80_000;
      while (observing && Date.now() < until) {
        observations.push(await countIn(observer));
        await sleep(25);
      }
    })();

    // The copy's dependency row to the outside task needs a shared lock on that task (its foreign
    // key): holding the row stops the copy after it has written its tasks and todos.
    const holder = await connect();
    await holder.beginTransaction();
    await holder.query('SELECT id FROM tasks WHERE id = ? FOR UPDATE', [tree.externalId]);

    const submitted = await v2(victim, 'POST', '/tasks/copy', {
      data: {
        type: 'tasks',
        attributes: {
          title: 'Crash copy',
          template_id: tree.rootId,
          project_id: targetProjectId,
          task_list_id: targetListId,
          workflow_status_id: openStatusId,
          private: false,
          copy_open_subtasks: true,
          copy_closed_subtasks: true,
          copy_open_todos: true,
          copy_closed_todos: true,
          copy_description: true,
          copy_task_dependencies: true,
        },
      },
    });
    expect(submitted.status).toBe(202);
    const operationId = submitted.body.data.id;

    const operationRow = () => readOperation(sql, operationId);
    const midway = Date.now() + 30_000;
    let written = 0;
    for (;;) {
      written = await countIn(dirty);
      const row = await operationRow();
      if (written === TASKS && row.status === 'RUNNING' && row.lease_owner?.includes(`:${victim.child.pid}:`))
        break;
      if (Date.now() > midway)
        throw new Error(
          `the copy never got mid-way (${written} tasks written, ${row.status}):\n${victim.output()}`,
        );
      await sleep(50);
    }
    await victim.stop('SIGKILL');
    await holder.rollback();
    expect(written).toBe(TASKS);
    expect(await countIn(observer)).toBe(0);

    // Another instance takes the operation over once the dead one's lease has expired.
    const [heir] = await start(env, 1);
    const settle = Date.now() + 40_000;
    let row = await operationRow();
    while (row.status !== 'SUCCESS' && row.status !== 'FAIL') {
      if (Date.now() > settle) throw new Error(`operation still ${row.status}:\n${heir.output()}`);
      await sleep(100);
      row = await operationRow();
    }
    observing = false;
    await watching;

    expect(row.status).toBe('SUCCESS');
    expect(Number(row.attempts)).toBe(2);
    const details = JSON.parse(row.details ?? '{}') as {
      task_id: string;
      task_id_map: Record<string, string>;
    };
    expect(Object.keys(details.task_id_map)).toHaveLength(TASKS);

    // Exactly one complete copy: every observation saw nothing or all of it, never a part.
    expect(await countIn(observer)).toBe(TASKS);
    expect(observations.length).toBeGreaterThan(10);
    expect(observations.filter((n) => n !== 0 && n !== TASKS)).toEqual([]);
    const [roots] = await sql.query("SELECT id FROM tasks WHERE account_id = ? AND title = 'Crash copy'", [
      accountId,
    ]);
    expect((roots as Array<{ id: number }>).map((r) => String(r.id))).toEqual([details.task_id]);
    const [copiedTodos] = await sql.query(
      'SELECT COUNT(*) AS n FROM todos t JOIN tasks k ON k.id = t.task_id WHERE k.project_id = ?',
      [targetProjectId],
    );
    expect(Number((copiedTodos as Array<{ n: number }>)[0].n)).toBe(TASKS * tree.todosPerTask);

    // One TASK.COPY operation, SUCCESS once, answered 303 to the copy by the surviving instance.
    const [ops] = await sql.query("SELECT id, status FROM operations WHERE type = 'TASK.COPY'");
    expect(ops).toEqual([{ id: operationId, status: 'SUCCESS' }]);
    const done = await v2(heir, 'GET', `/operations/${operationId}`);
    expect(done.status).toBe(303);
  }, 90_000);
});
