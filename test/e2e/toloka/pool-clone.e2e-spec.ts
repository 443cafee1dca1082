import { Operation } from '../../../src/operations/operation.entity';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { Pool } from '../../../src/pools/pool.entity';
import { CrowdProject } from '../../../src/pools/crowd-project.entity';
import {
  countPools,
  fullPoolBody,
  makeCrowdProject,
  makePool,
  projectBody,
} from '../../factories/pool.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;

function auth(account: TestAccount, extra: Record<string, string> = {}) {
  return { authorization: `OAuth ${account.token}`, ...extra };
}

async function clone(t: TestApp, account: TestAccount, poolId: string, headers: Record<string, string> = {}) {
  return t.inject({ method: 'POST', url: `/api/v1/pools/${poolId}/clone`, headers: auth(account, headers) });
}

// JOBS_CONCURRENCY=0: operations stay PENDING until the test runs them with tick().
describeEachDialect(
  'POST /api/v1/pools/:id/clone on the job service',
  (t) => {
    let a: TestAccount;
    beforeAll(async () => {
      a = await t().newAccount();
    });

    it('answers 202 with a PENDING POOL.CLONE operation, then SUCCESS with details.pool_id', async () => {
      const projectId = await makeCrowdProject(t(), a);
      const created = await t().inject({
        method: 'POST',
        url: '/api/v1/pools',
        headers: auth(a),
        payload: fullPoolBody(projectId),
      });
      expect(created.statusCode).toBe(201);
      const source = created.json();

      const res = await clone(t(), a, source.id);
      expect(res.statusCode).toBe(202);
      const op = res.json();
      expect(op).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        type: 'POOL.CLONE',
        status: 'PENDING',
        submitted: expect.stringMatching(DATE),
        progress: 0,
        parameters: { pool_id: source.id },
      });

      const pending = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${op.id}`,
        headers: auth(a),
      });
      expect(pending.json()).toEqual(op);

      await t().get(OperationRunner).tick();

      const done = (
        await t().inject({ method: 'GET', url: `/api/v1/operations/${op.id}`, headers: auth(a) })
      ).json();
      expect(done).toEqual({
        ...op,
        status: 'SUCCESS',
        started: expect.stringMatching(DATE),
        finished: expect.stringMatching(DATE),
        progress: 100,
        details: { pool_id: expect.stringMatching(/^\d+$/) },
      });
      expect(done.details.pool_id).not.toBe(source.id);

      const copy = (
        await t().inject({ method: 'GET', url: `/api/v1/pools/${done.details.pool_id}`, headers: auth(a) })
      ).json();
      const { id, created: createdAt, ...sameParameters } = source;
      expect(copy).toEqual({
        ...sameParameters,
        id: done.details.pool_id,
        created: expect.stringMatching(DATE),
      });
      expect(id).not.toBe(copy.id);
      expect(createdAt).toBeDefined();

      const log = await t().inject({
        method: 'GET',
        url: `/api/v1/operations/${op.id}/log`,
        headers: auth(a),
      });
      expect(log.statusCode).toBe(200);
      expect(log.json()).toEqual([]);
    });

    it('clones OPEN and ARCHIVED pools; the copy is CLOSED without last_* fields', async () => {
      for (const status of ['OPEN', 'ARCHIVED'] as const) {
        const pool = await makePool(t(), a, { status });
        const op = (await clone(t(), a, pool.id)).json();
        await t().get(OperationRunner).tick();
        const done = (
          await t().inject({ method: 'GET', url: `/api/v1/operations/${op.id}`, headers: auth(a) })
        ).json();
        const copy = (
          await t().inject({ method: 'GET', url: `/api/v1/pools/${done.details.pool_id}`, headers: auth(a) })
        ).json();
        expect(copy.status).toBe('CLOSED');
        expect(copy.project_id).toBe(pool.projectId);
        expect(copy).not.toHaveProperty('last_started');
        expect(copy).not.toHaveProperty('last_close_reason');
      }
    });

    it('ends as FAIL with a log entry and no pool when the source disappears before the worker runs', async () => {
      const pool = await makePool(t(), a);
      const before = await countPools(t(), a);
      const op = (await clone(t(), a, pool.id)).json();
      await t().db.transaction((m) => m.delete(Pool, { id: pool.id }));
      await t().get(OperationRunner).tick();

      const failed = (
        await t().inject({ method: 'GET', url: `/api/v1/operations/${op.id}`, headers: auth(a) })
      ).json();
      expect(failed).toMatchObject({ status: 'FAIL', progress: 100, finished: expect.stringMatching(DATE) });
      expect(failed).not.toHaveProperty('details');
      const log = (
        await t().inject({ method: 'GET', url: `/api/v1/operations/${op.id}/log`, headers: auth(a) })
      ).json();
      expect(log).toEqual([
        {
          type: 'POOL.CLONE',
          success: false,
          input: { pool_id: pool.id },
          output: { code: 'POOL_NOT_FOUND', message: expect.any(String) },
        },
      ]);
      expect(await countPools(t(), a)).toBe(before - 1);
    });

    it('refuses a clone into an archived project (409 PROJECT_INAPPROPRIATE_STATUS), an unknown or foreign pool (404)', async () => {
      const archivedProject = await makeCrowdProject(t(), a, { status: 'ARCHIVED' });
      const pool = await makePool(t(), a, { projectId: archivedProject, status: 'ARCHIVED' });
      const res = await clone(t(), a, pool.id);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'PROJECT_INAPPROPRIATE_STATUS',
        request_id: expect.any(String),
      });

      const locked = await makePool(t(), a, { status: 'LOCKED' });
      const lockedRes = await clone(t(), a, locked.id);
      expect(lockedRes.statusCode).toBe(409);
      expect(lockedRes.json()).toMatchObject({
        code: 'INAPPROPRIATE_STATUS',
        payload: { appropriate_statuses: ['OPEN', 'CLOSED', 'ARCHIVED'] },
      });

      const b = await t().newAccount();
      const foreign = await makePool(t(), b);
      for (const id of [foreign.id, '999999999', 'abc']) {
        const r = await clone(t(), a, id);
        expect(r.statusCode).toBe(404);
        expect(r.json()).toMatchObject({ code: 'DOES_NOT_EXIST' });
      }
    });

    it('replays an Idempotency-Key: same operation, same status, one clone; another request → 409', async () => {
      const pool = await makePool(t(), a);
      const first = await clone(t(), a, pool.id, { 'idempotency-key': 'clone-once' });
      const again = await clone(t(), a, pool.id, { 'idempotency-key': 'clone-once' });
      expect(first.statusCode).toBe(202);
      expect(again.statusCode).toBe(202);
      expect(again.json().id).toBe(first.json().id);
      const ops = await t().db.read((m) =>
        m.count(Operation, {
          where: { accountId: a.id, type: 'POOL.CLONE', parameters: JSON.stringify({ pool_id: pool.id }) },
        }),
      );
      expect(ops).toBe(1);

      const other = await makePool(t(), a);
      const reused = await clone(t(), a, other.id, { 'idempotency-key': 'clone-once' });
      expect(reused.statusCode).toBe(409);
      expect(reused.json()).toMatchObject({ code: 'CONFLICT_STATE' });
      // The key names one request of the account, whatever the route it comes back on.
      const projects = await t().db.read((m) => m.count(CrowdProject, { where: { accountId: a.id } }));
      const elsewhere = await t().inject({
        method: 'POST',
        url: '/api/v1/projects',
        headers: { ...auth(a, { 'idempotency-key': 'clone-once' }), 'content-type': 'application/json' },
        payload: JSON.stringify(projectBody()),
      });
      expect(elsewhere.statusCode).toBe(409);
      expect(elsewhere.json()).toMatchObject({ code: 'CONFLICT_STATE' });
      expect(await t().db.read((m) => m.count(CrowdProject, { where: { accountId: a.id } }))).toBe(projects);
      await t().get(OperationRunner).tick();
    });
  },
  { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0' },
);
