import { AccountsService } from '../../src/accounts/accounts.service';
import { OperationRunner } from '../../src/operations/operation-runner';
import { DemoSeeder } from '../../src/tasks/demo-seed';
import { copyAttributes, makeCopyFixture } from '../factories/jsonapi.factory';
import { makePool } from '../factories/pool.factory';
import { faceHeaders } from '../support/face-requests';
import type { TestAccount, TestApp } from '../support/test-app';
import { IdPools, PoolName, POOLS } from './request-plan';

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
  const copy = await t.inject({
    method: 'POST',
    url: '/api/v2/tasks/copy?async=true',
    headers: faceHeaders('jsonapi', account, true),
    payload: JSON.stringify({
      data: {
        type: 'tasks',
        attributes: copyAttributes(fixture, { copy_as_task_template: true, copy_open_subtasks: true }),
      },
    }),
  });
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
    if (ids.tasks.length >= 10 && ids.projects.length >= 2 && ids.pools.length >= 2 && ids.people.length >= 2)
      continue;
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

/** The ids every table holds now, per account. */
export async function loadIdPools(t: TestApp, world: FuzzWorld): Promise<IdPools> {
  const load = async (accountId: number) => {
    const pools = {} as Record<PoolName, Array<number | string>>;
    for (const pool of POOLS) {
      const rows = (await t.dataSource.query(POOL_QUERIES[pool], [accountId])) as Array<{
        id: number | string;
      }>;
      pools[pool] = rows.map((r) => (pool === 'operations' ? String(r.id) : Number(r.id)));
    }
    return pools;
  };
  return { a: await load(world.a.id), b: await load(world.b.id) };
}
