import { Operation } from '../../../src/operations/operation.entity';
import { CrowdProject } from '../../../src/pools/crowd-project.entity';
import { Pool } from '../../../src/pools/pool.entity';
import { makePool, poolBody, projectBody } from '../../factories/pool.factory';
import type { IsolationCase } from '../isolation-fixtures';
import type { TestAccount, TestApp } from '../test-app';

/** A's project with an OPEN pool (every action would change it) and a finished operation. */
async function arrange(t: TestApp, owner: TestAccount): Promise<Record<string, string>> {
  const pool = await makePool(t, owner, { status: 'OPEN' });
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/pools/${pool.id}/close`,
    headers: { authorization: `OAuth ${owner.token}` },
  });
  await t.inject({
    method: 'POST',
    url: `/api/v1/pools/${pool.id}/open`,
    headers: { authorization: `OAuth ${owner.token}` },
  });
  return { id: pool.id, project: pool.projectId, operation: (res.json() as { id: string }).id };
}

async function snapshot(t: TestApp, owner: TestAccount): Promise<unknown> {
  return t.db.read(async (m) => ({
    projects: await m.find(CrowdProject, { where: { accountId: owner.id }, order: { id: 'ASC' } }),
    pools: await m.find(Pool, { where: { accountId: owner.id }, order: { id: 'ASC' } }),
    operations: await m.count(Operation, { where: { accountId: owner.id } }),
  }));
}

/** Isolation cases for the routes of this face that name an object (see isolation-fixtures.ts). */
export const TOLOKA_ISOLATION_CASES: IsolationCase[] = [
  {
    path: '/api/v1/pools/{id}',
    arrange,
    snapshot,
    bodies: { put: poolBody('1'), patch: { priority: 7 } },
  },
  ...['open', 'close', 'close-for-update', 'archive', 'clone'].map(
    (action): IsolationCase => ({ path: `/api/v1/pools/{id}/${action}`, arrange, snapshot }),
  ),
  {
    path: '/api/v1/projects/{id}',
    arrange: async (t, owner) => ({ id: (await arrange(t, owner)).project }),
    snapshot,
    bodies: { put: projectBody({ public_name: 'hijacked' }) },
  },
  {
    path: '/api/v1/projects/{id}/archive',
    arrange: async (t, owner) => ({ id: (await arrange(t, owner)).project }),
    snapshot,
  },
  {
    path: '/api/v1/operations/{id}',
    arrange: async (t, owner) => ({ id: (await arrange(t, owner)).operation }),
    snapshot,
  },
  {
    path: '/api/v1/operations/{id}/log',
    arrange: async (t, owner) => ({ id: (await arrange(t, owner)).operation }),
    snapshot,
  },
];
