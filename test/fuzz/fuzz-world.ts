import { AccountsService } from '../../src/accounts/accounts.service';
import { OperationRunner } from '../../src/operations/operation-runner';
import { DemoSeeder } from '../../src/demo/demo-seed';
import { copyAttributes, makeCopyFixture, postCopy } from '../factories/jsonapi.factory';
import { makePool } from '../factories/pool.factory';
import { faceHeaders } from '../support/face-requests';
import type { TestAccount, TestApp } from '../support/test-app';
import { AccountPools, IdPools, IdRow, PoolName, POOLS, RowGroup } from './request-plan';

export interface FuzzWorld {
  a: TestAccount;
  b: TestAccount;
  revokedToken: string;
}

/** Account A, the caller, with data in every table; B, another account with ids to trespass on. */
export async function seedWorld(t: TestApp): Promise<FuzzWorld> {
  const a = await t.newAccount('fuzz-a');
  const b = await t.newAccount('fuzz-b');
  const accounts = t.get(AccountsService);
  const revoked = await accounts.createToken(a.id, 'revoked');
  await accounts.revokeToken(revoked.token);
  for (const account of [a, b]) await seedAccount(t, account);
  await settleOperations(t);
  return { a, b, revokedToken: revoked.token };
}

/** Demo data, a v2 copy fixture, a template, pools in every status, and operations of both kinds. */
async function seedAccount(t: TestApp, account: TestAccount): Promise<void> {
  await t.get(DemoSeeder).seed(account.id);
  const fixture = await makeCopyFixture(t, account);
  // A template and a finished TASK.COPY operation, through the route that makes them.
  const copy = await postCopy(
    t,
    account,
    'tasks',
    copyAttributes(fixture, { copy_as_task_template: true, copy_open_subtasks: true }),
    { query: '?async=true' },
  );
  if (copy.statusCode !== 202) throw new Error(`copy answered ${copy.statusCode}: ${copy.body}`);
  for (const status of ['OPEN', 'CLOSED', 'ARCHIVED'] as const) await makePool(t, account, { status });
  const open = await makePool(t, account, { status: 'OPEN' });
  const close = await t.inject({
    method: 'POST',
    url: `/api/v1/pools/${open.id}/close`,
    headers: faceHeaders('toloka', account),
  });
  if (close.statusCode !== 202) throw new Error(`close answered ${close.statusCode}: ${close.body}`);
}

/** Below these many ids of a pool, the account is seeded again. */
const MINIMUM: Partial<Record<PoolName, number>> = {
  tasks: 10,
  projects: 2,
  people: 2,
  pools: 2,
  crowdProjects: 2,
  customFields: 1,
  attachments: 1,
};

/**
 * Seeds an account again once requests have deleted most of what it had, so that later requests
 * still find objects to act on. Returns whether it did.
 */
export async function replenish(t: TestApp, world: FuzzWorld, pools: IdPools): Promise<boolean> {
  let seeded = false;
  for (const [owner, account] of [
    ['a', world.a],
    ['b', world.b],
  ] as const) {
    const ids = pools[owner];
    const enough =
      ids.rows.placements.length > 0 &&
      Object.entries(MINIMUM).every(([pool, least]) => ids[pool as PoolName].length >= least);
    if (enough) continue;
    await seedAccount(t, account);
    seeded = true;
  }
  if (seeded) await settleOperations(t);
  return seeded;
}

/** Runs the job service until nothing is pending, so reads of operations are stable. */
export async function settleOperations(t: TestApp): Promise<void> {
  for (let i = 0; i < 500; i++) {
    await t.get(OperationRunner).tick();
    const [row] = (await t.dataSource.query(
      "SELECT COUNT(*) AS n FROM operations WHERE status IN ('PENDING', 'RUNNING')",
    )) as Array<{ n: number | string }>;
    if (Number(row.n) === 0) return;
    await new Promise((done) => setTimeout(done, 10));
  }
  throw new Error('operations did not settle');
}

const POOL_QUERIES: Record<PoolName, string> = {
  tasks: 'SELECT id FROM tasks WHERE account_id = ? ORDER BY id',
  projects: 'SELECT id FROM projects WHERE account_id = ? ORDER BY id',
  people: 'SELECT id FROM people WHERE account_id = ? ORDER BY id',
  crowdProjects: 'SELECT id FROM crowd_projects WHERE account_id = ? ORDER BY id',
  pools: 'SELECT id FROM pools WHERE account_id = ? ORDER BY id',
  operations: 'SELECT id FROM operations WHERE account_id = ? ORDER BY submitted, id',
  workflows: 'SELECT id FROM workflows WHERE account_id = ? ORDER BY id',
  workflowStatuses: 'SELECT id FROM workflow_statuses WHERE account_id = ? ORDER BY id',
  taskLists: 'SELECT id FROM task_lists WHERE account_id = ? ORDER BY id',
  memberships: 'SELECT id FROM memberships WHERE account_id = ? ORDER BY id',
  customFields: 'SELECT id FROM custom_fields WHERE account_id = ? ORDER BY id',
  todos: 'SELECT id FROM todos WHERE account_id = ? ORDER BY id',
  comments: 'SELECT id FROM comments WHERE account_id = ? ORDER BY id',
  attachments: 'SELECT id FROM attachments WHERE account_id = ? ORDER BY id',
  taskDependencies: 'SELECT id FROM task_dependencies WHERE account_id = ? ORDER BY id',
  templates: 'SELECT id FROM templates WHERE account_id = ? ORDER BY id',
};

const ROW_QUERIES: Record<RowGroup, string> = {
  // A task (as the parent), its project, one of the project's lists and a status of its workflow.
  placements: `SELECT t.id AS parent_task_id, t.project_id AS project_id, l.id AS task_list_id, s.id AS workflow_status_id
    FROM tasks t JOIN projects p ON p.id = t.project_id JOIN task_lists l ON l.project_id = p.id
    JOIN workflow_statuses s ON s.workflow_id = p.workflow_id
    WHERE t.account_id = ? ORDER BY t.id, l.id, s.id LIMIT 500`,
  // A task as the target of a To Do insert or move, with the parent and project it sits in.
  todoPlacements:
    'SELECT id AS targetId, parent_id AS parent, project_id AS project FROM tasks WHERE account_id = ? ORDER BY id',
};

/** The ids every table holds now, per account. */
export async function loadIdPools(t: TestApp, world: FuzzWorld): Promise<IdPools> {
  const load = async (accountId: number) => {
    const pools = { rows: {} } as AccountPools;
    for (const pool of POOLS) {
      const rows = (await t.dataSource.query(POOL_QUERIES[pool], [accountId])) as Array<{
        id: number | string;
      }>;
      pools[pool] = rows.map((r) => (pool === 'operations' ? String(r.id) : Number(r.id)));
    }
    for (const group of Object.keys(ROW_QUERIES) as RowGroup[]) {
      const rows = (await t.dataSource.query(ROW_QUERIES[group], [accountId])) as Array<
        Record<string, unknown>
      >;
      pools.rows[group] = rows.map(
        (row): IdRow =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : Number(v)])),
      );
    }
    return pools;
  };
  return { a: await load(world.a.id), b: await load(world.b.id) };
}
