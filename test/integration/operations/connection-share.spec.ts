import { Operation } from '../../../src/operations/operation.entity';
import { OperationRunner } from '../../../src/operations/operation-runner';
import { OperationsService } from '../../../src/operations/operations.service';
import { makePool } from '../../factories/pool.factory';
import { createTestApp, TestApp } from '../../support/test-app';
import { describeOnMariaDb } from '../../support/test-database';

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// DATABASE_POOL_SIZE=3 with JOBS_DATABASE_CONNECTIONS=2: requests have one connection, the job
// service two of its own. Holding every connection of one side must not stop the other.
// SQLite has one connection and no such split: MySQL/MariaDB only.
describeOnMariaDb('connections kept for the job service [mysql]', () => {
  let app: TestApp | undefined;
  const t = () => app!;
  beforeAll(async () => {
    app = await createTestApp('mysql', {
      DATABASE_POOL_SIZE: '3',
      JOBS_DATABASE_CONNECTIONS: '2',
      JOBS_CONCURRENCY: '1',
      JOBS_POLL_MS: '0',
      DATABASE_ACQUIRE_TIMEOUT_MS: '3000',
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs operations while requests hold every connection of theirs', async () => {
    expect(t().db.jobs).not.toBe(t().db);
    const a = await t().newAccount();
    const pool = await makePool(t(), a);
    const op = await t().db.transaction((m) =>
      t()
        .get(OperationsService)
        .enqueue(m, { accountId: a.id, type: 'POOL.CLONE', parameters: { pool_id: pool.id } }),
    );
    let letGo: () => void = () => undefined;
    const held = t().db.transaction(() => new Promise<void>((resolve) => (letGo = resolve)));
    try {
      t().get(OperationRunner).wake();
      await waitFor(async () => {
        const row = await t().db.jobs.read((m) => m.findOneByOrFail(Operation, { id: op.id }));
        return row.status === 'SUCCESS';
      });
    } finally {
      letGo();
      await held;
    }
  });

  it('answers requests while the job service holds every connection of its own', async () => {
    const a = await t().newAccount();
    const releases: Array<() => void> = [];
    const held = [1, 2].map(() =>
      t().db.jobs.transaction(() => new Promise<void>((resolve) => releases.push(resolve))),
    );
    try {
      // Both held before the request: a new connection of the job pool takes a handshake and its
      // session settings first, and a transaction that started after the release would never end.
      await waitFor(async () => releases.length === 2);
      const started = Date.now();
      const res = await t().inject({
        method: 'GET',
        url: '/api/v1/pools',
        headers: { authorization: `OAuth ${a.token}` },
      });
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      releases.forEach((release) => release());
      await Promise.all(held);
    }
  });
});
