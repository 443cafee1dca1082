import { createSourcePool, processesOnFreshDatabase, requestV1 } from '../../support/processes';
import { connectToDatabase, describeOnMariaDb } from '../../support/test-database';

const TOKEN = 'concurrent-keys-test-token-0123456789';
const KEYS = 120;
const REPEATS = 2;
const WIDTH = 24;

// Clones with an Idempotency-Key from many clients at once, spread over three `node dist/main.js`
// processes on one MariaDB database. Keys are neighbours in the unique index (key-0001, key-0002,
// …) and each is sent twice at about the same time: every request must get its 202, each key
// exactly one operation, and no request a 5xx (a deadlock on the keys' index used to escape).
describeOnMariaDb('Idempotency-Key under concurrent clones on three processes (MariaDB)', () => {
  const { services, database, start } = processesOnFreshDatabase();

  it('answers every request 202, one operation per key, never a 5xx', async () => {
    const env = {
      DATABASE_URL: database().url,
      BOOTSTRAP_API_TOKEN: TOKEN,
      // Only the requests are measured here: the job service stays out of the way.
      JOBS_CONCURRENCY: '0',
      RATE_LIMIT_POOL_CLONE_PER_MINUTE: '0',
      RATE_LIMIT_POOL_CLONE_PER_DAY: '0',
      LOG_LEVEL: 'error',
    };
    await start(env, 3);
    const source = await createSourcePool(services[0], TOKEN);

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
          const res = await requestV1(
            service,
            TOKEN,
            'POST',
            `/api/v1/pools/${String(source.body.id)}/clone`,
            undefined,
            {
              'idempotency-key': key,
            },
          );
          answers.push({ key, status: res.status, id: res.body.id });
        }
      }),
    );

    expect(answers.filter((a) => a.status !== 202)).toEqual([]);
    const idsByKey = new Map<string, Set<unknown>>();
    for (const a of answers) idsByKey.set(a.key, (idsByKey.get(a.key) ?? new Set()).add(a.id));
    expect(idsByKey.size).toBe(KEYS);
    expect([...idsByKey.values()].every((ids) => ids.size === 1)).toBe(true);

    const sql = await connectToDatabase(database().url);
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
