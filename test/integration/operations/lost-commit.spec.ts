import { parseDatabaseUrl } from '../../../src/config/database.options';
import { Operation } from '../../../src/operations/operation.entity';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { Pool } from '../../../src/pools/pool.entity';
import { Task } from '../../../src/tasks/store/task.entity';
import { copyAttributes, makeCopyFixture, postCopy } from '../../factories/jsonapi.factory';
import { countPools, makeCrowdProject, makePool, poolBody } from '../../factories/pool.factory';
import { DatabaseProxy } from '../../support/db-proxy';
import { faceHeaders } from '../../support/face-requests';
import { createTestApp, TestAccount, TestApp } from '../../support/test-app';
import { describeOnMariaDb } from '../../support/test-database';

// A COMMIT whose answer is lost with its connection ("Connection lost" on COMMIT): the proxy
// forwards the COMMIT (it takes effect) or drops it (the server rolls back), and closes the
// service's connection before any answer. The service finds out which before it answers, so that
// a client's retry — toloka-kit retries every 5xx — can never make a second clone, pool or copy.
describeOnMariaDb('a COMMIT whose answer is lost (MariaDB behind a loopback proxy)', () => {
  let proxy: DatabaseProxy;
  let t: TestApp;

  beforeAll(async () => {
    const server = parseDatabaseUrl(process.env.TEST_DATABASE_URL!);
    proxy = await DatabaseProxy.start({ host: server.host!, port: server.port! });
    t = await createTestApp(
      'mysql',
      { JOBS_CONCURRENCY: '0', JOBS_POLL_MS: '0', DATABASE_CONNECT_TIMEOUT_MS: '1000' },
      { connectThrough: (url) => proxy.url(url) },
    );
  });

  afterEach(async () => {
    proxy.disarm();
    await proxy.restore();
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  const clone = (account: TestAccount, poolId: string) =>
    t.inject({
      method: 'POST',
      url: `/api/v1/pools/${poolId}/clone`,
      headers: faceHeaders('toloka', account),
    });
  const operations = (account: TestAccount) =>
    t.db.read((m) => m.find(Operation, { where: { accountId: account.id } }));

  it.each([
    ['took effect', true],
    ['was rolled back', false],
  ])('v1 clone: 202 with one operation when the COMMIT %s', async (_, forward) => {
    const a = await t.newAccount();
    const pool = await makePool(t, a);
    const cut = proxy.cutAtCommit(/^INSERT INTO `operations`/, forward);
    const res = await clone(a, pool.id);
    proxy.disarm();
    expect(await cut).toBe(true);
    expect(res.statusCode).toBe(202);
    const queued = await operations(a);
    expect(queued.map((o) => o.id)).toEqual([res.json().id]);
    await t.get(OperationRunner).tick();
    expect(await countPools(t, a)).toBe(2);
  });

  it('v1 clone with an Idempotency-Key: the same, and a retry gets the same operation', async () => {
    const a = await t.newAccount();
    const pool = await makePool(t, a);
    const headers = { ...faceHeaders('toloka', a), 'idempotency-key': 'lost-commit' };
    const url = `/api/v1/pools/${pool.id}/clone`;
    const cut = proxy.cutAtCommit(/^INSERT INTO `operations`/, true);
    const first = await t.inject({ method: 'POST', url, headers });
    proxy.disarm();
    expect(await cut).toBe(true);
    expect(first.statusCode).toBe(202);
    const retry = await t.inject({ method: 'POST', url, headers });
    expect(retry.json().id).toBe(first.json().id);
    expect(await operations(a)).toHaveLength(1);
  });

  it('v1 pool create: 201 with the one pool it made', async () => {
    const a = await t.newAccount();
    const projectId = await makeCrowdProject(t, a);
    const cut = proxy.cutAtCommit(/^INSERT INTO `pools`/, true);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/pools',
      headers: faceHeaders('toloka', a, true),
      payload: JSON.stringify(poolBody(projectId)),
    });
    proxy.disarm();
    expect(await cut).toBe(true);
    expect(res.statusCode).toBe(201);
    const pools = await t.db.read((m) => m.find(Pool, { where: { accountId: a.id } }));
    expect(pools.map((p) => String(p.id))).toEqual([res.json().id]);
  });

  it.each([
    ['queued', '?async=true', /^INSERT INTO `operations`/],
    ['copied', '', /^INSERT INTO `?tasks`? /],
  ])('v2 task copy (%s): one copy when the COMMIT took effect', async (_, query, statement) => {
    const a = await t.newAccount();
    const f = await makeCopyFixture(t, a);
    const tasksBefore = await t.db.read((m) => m.count(Task, { where: { accountId: a.id } }));
    const cut = proxy.cutAtCommit(statement, true);
    const res = await postCopy(t, a, 'tasks', copyAttributes(f), { query });
    proxy.disarm();
    expect(await cut).toBe(true);
    expect(res.statusCode).toBe(query ? 202 : 201);
    await t.get(OperationRunner).tick();
    expect(await t.db.read((m) => m.count(Task, { where: { accountId: a.id } }))).toBe(tasksBefore + 1);
  });

  it('answers 503 when the database cannot tell what became of the COMMIT', async () => {
    const a = await t.newAccount();
    const pool = await makePool(t, a);
    const cut = proxy.cutAtCommit(/^INSERT INTO `operations`/, true).then(() => proxy.refuse());
    const res = await clone(a, pool.id);
    await cut;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'REMOTE_SERVICE_UNAVAILABLE' });
    await proxy.restore();
    // It had committed: what a retry without an Idempotency-Key would double (README, "Outages").
    expect(await operations(a)).toHaveLength(1);
  });
});
