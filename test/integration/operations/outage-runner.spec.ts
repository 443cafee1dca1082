import type { Connection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../../src/config/database.options';
import { DatabaseProxy } from '../../support/db-proxy';
import { createSourcePool, requestV1, ServiceProcess, startService } from '../../support/processes';
import {
  connectToDatabase,
  createTestDatabase,
  describeOnMariaDb,
  TestDatabase,
} from '../../support/test-database';

const TOKEN = 'outage-runner-test-token-0123456789';
const CLONES = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A `node dist/main.js` process whose database goes away (refused, then hung) while its job
// service runs clones: the process lives on, and once the database is back every operation ends
// SUCCESS with exactly one new pool.
describeOnMariaDb('job service through a database outage (MariaDB behind a loopback proxy)', () => {
  let database: TestDatabase;
  let proxy: DatabaseProxy;
  let service: ServiceProcess | undefined;
  let sql: Connection | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    const target = parseDatabaseUrl(database.url);
    proxy = await DatabaseProxy.start({ host: target.host!, port: target.port! });
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await sql?.end().catch(() => undefined);
    await proxy?.close();
    await database?.drop();
  });

  it('survives the outage and finishes every operation exactly once', async () => {
    service = await startService({
      DATABASE_URL: proxy.url(database.url),
      BOOTSTRAP_API_TOKEN: TOKEN,
      JOBS_CONCURRENCY: '4',
      JOBS_POLL_MS: '200',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_ACQUIRE_TIMEOUT_MS: '1000',
      DATABASE_QUERY_TIMEOUT_MS: '1000',
      RATE_LIMIT_POOL_CLONE_PER_MINUTE: '0',
      RATE_LIMIT_POOL_CLONE_PER_DAY: '0',
      LOG_LEVEL: 'error',
    });
    const call = (method: string, path: string) => requestV1(service!, TOKEN, method, path);
    const source = await createSourcePool(service, TOKEN);

    sql = await connectToDatabase(database.url);
    // Handlers wait on the source pool's row, inside their transactions, when the database goes.
    await sql.beginTransaction();
    await sql.query('SELECT id FROM pools WHERE id = ? FOR UPDATE', [source.body.id]);
    const ids: string[] = [];
    for (let i = 0; i < CLONES; i++) {
      const res = await call('POST', `/api/v1/pools/${String(source.body.id)}/clone`);
      expect(res.status).toBe(202);
      ids.push(String(res.body.id));
    }
    const running = async () => {
      const [rows] = await sql!.query("SELECT COUNT(*) AS n FROM operations WHERE status = 'RUNNING'");
      return Number((rows as Array<{ n: number }>)[0].n);
    };
    const deadline = Date.now() + 10_000;
    while ((await running()) === 0) {
      if (Date.now() > deadline) throw new Error(`no handler started:\n${service.output()}`);
      await sleep(20);
    }

    await proxy.refuse();
    await sql.rollback();
    // Requests meanwhile are refused cleanly, not crashed on.
    expect((await call('GET', '/api/v1/operations')).status).toBe(503);
    await sleep(1500);
    await proxy.restore();
    await sleep(300);
    proxy.freeze();
    expect((await call('GET', '/api/v1/operations')).status).toBe(503);
    await sleep(1500);
    await proxy.restore();

    const settle = Date.now() + 40_000;
    let counts: Record<string, number> = {};
    for (;;) {
      const [rows] = await sql.query('SELECT status, COUNT(*) AS n FROM operations GROUP BY status');
      counts = Object.fromEntries(
        (rows as Array<{ status: string; n: number }>).map((r) => [r.status, Number(r.n)]),
      );
      if (counts.SUCCESS === CLONES || Date.now() > settle) break;
      await sleep(100);
    }
    expect(service.child.exitCode).toBeNull();
    expect(counts).toEqual({ SUCCESS: CLONES });
    const [ops] = await sql.query("SELECT id, details FROM operations WHERE type = 'POOL.CLONE'");
    const operations = ops as Array<{ id: string; details: string }>;
    expect(operations.map((o) => o.id).sort()).toEqual([...ids].sort());
    const newPools = operations.map((o) => String(JSON.parse(o.details).pool_id));
    expect(new Set(newPools).size).toBe(CLONES);
    const [pools] = await sql.query('SELECT COUNT(*) AS n FROM pools');
    expect(Number((pools as Array<{ n: number }>)[0].n)).toBe(CLONES + 1);
    expect((await call('GET', '/api/v1/operations')).status).toBe(200);
  }, 90_000);
});
