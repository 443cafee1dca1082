import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../../src/config/database.options';
import { ServiceProcess, startService } from '../../support/processes';
import { createTestDatabase, TestDatabase } from '../../support/test-database';

const TOKEN = 'concurrent-keys-test-token-0123456789';
const KEYS = 120;
const REPEATS = 2;
const WIDTH = 24;

// Clones with an Idempotency-Key from many clients at once, spread over three `node dist/main.js`
// processes on one MariaDB database. Keys are neighbours in the unique index (key-0001, key-0002,
// …) and each is sent twice at about the same time: every request must get its 202, each key
// exactly one operation, and no request a 5xx (a deadlock on the keys' index used to escape).
const describeMysql = process.env.TEST_DATABASE_URL ? describe : describe.skip;
if (!process.env.TEST_DATABASE_URL) {
  // Only when no server was asked for: with TEST_DATABASE_URL set, this suite always runs.
  console.warn('concurrent Idempotency-Key test skipped: TEST_DATABASE_URL is not set (MariaDB only)');
}

describeMysql('Idempotency-Key under concurrent clones on three processes (MariaDB)', () => {
  let database: TestDatabase;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await database?.drop();
  });

  it('answers every request 202, one operation per key, never a 5xx', async () => {
    const env = {
      DATABASE_URL: database.url,
      BOOTSTRAP_API_TOKEN: TOKEN,
      // Only the requests are measured here: the job service stays out of the way.
      JOBS_CONCURRENCY: '0',
      RATE_LIMIT_POOL_CLONE_PER_MINUTE: '0',
      RATE_LIMIT_POOL_CLONE_PER_DAY: '0',
      LOG_LEVEL: 'error',
    };
    services.push(await startService(env));
    services.push(...(await Promise.all([startService(env), startService(env)])));
    const call = async (service: ServiceProcess, path: string, body?: unknown, key?: string) => {
      const res = await fetch(`${service.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `OAuth ${TOKEN}`,
          ...(key ? { 'idempotency-key': key } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const project = await call(services[0], '/api/v1/projects', {
      public_name: 'p',
      public_description: 'd',
      task_spec: { input_spec: {}, output_spec: {} },
    });
    const source = await call(services[0], '/api/v1/pools', {
      project_id: project.body.id,
      private_name: 'source',
      will_expire: '2030-01-01T00:00:00',
      reward_per_assignment: 0.01,
      assignment_max_duration_seconds: 60,
      defaults: { default_overlap_for_new_task_suites: 1 },
    });
    expect(source.status).toBe(201);

    // Each key twice, the two sends next to each other in the queue and on different processes.
    const sends = Array.from({ length: KEYS * REPEATS }, (_, i) => ({
      key: `key-${String(Math.floor(i / REPEATS)).padStart(4, '0')}`,
      service: services[i % services.length],
    }));
    const answers: Array<{ key: string; status: number; id: unknown }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: WIDTH }, async () => {
        while (next < sends.length) {
          const { key, service } = sends[next++];
          const res = await call(service, `/api/v1/pools/${String(source.body.id)}/clone`, undefined, key);
          answers.push({ key, status: res.status, id: res.body.id });
        }
      }),
    );

    expect(answers.filter((a) => a.status !== 202)).toEqual([]);
    const idsByKey = new Map<string, Set<unknown>>();
    for (const a of answers) idsByKey.set(a.key, (idsByKey.get(a.key) ?? new Set()).add(a.id));
    expect(idsByKey.size).toBe(KEYS);
    expect([...idsByKey.values()].every((ids) => ids.size === 1)).toBe(true);

    const target = parseDatabaseUrl(database.url);
    const sql = await createConnection({
      host: target.host,
      port: target.port,
      user: target.username,
      password: target.password,
      database: target.database,
    });
    try {
      const [rows] = await sql.query("SELECT COUNT(*) AS n FROM operations WHERE type = 'POOL.CLONE'");
      expect(Number((rows as Array<{ n: number }>)[0].n)).toBe(KEYS);
    } finally {
      await sql.end();
    }
    const logs = services.map((s) => s.output()).join('');
    expect(logs).not.toContain('request failed');
  }, 120_000);
});
