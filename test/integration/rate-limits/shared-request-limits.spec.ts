import { processesOnFreshDatabase, runCli, ServiceProcess } from '../../support/processes';
import { connectToDatabase, describeOnMariaDb } from '../../support/test-database';

const TOKEN = 'shared-limits-test-token-0123456789';
const LIMIT = 10;

// v2 request limits with three `node dist/main.js` processes on one MariaDB database: counted in
// the database (or in Redis when TEST_REDIS_URL is set, as REDIS_URL), so that a token gets its
// limit once across the instances, not once per instance.
const redis = process.env.TEST_REDIS_URL;

describeOnMariaDb(`v2 request limits across three processes (${redis ? 'Redis' : 'the database'})`, () => {
  const { services, database, start } = processesOnFreshDatabase();
  let accountId = 0;

  beforeAll(async () => {
    const env = {
      DATABASE_URL: database().url,
      BOOTSTRAP_API_TOKEN: TOKEN,
      JOBS_CONCURRENCY: '0',
      JSONAPI_RATE_LIMIT_PER_10S: String(LIMIT),
      JSONAPI_RATE_LIMIT_PER_30MIN: '1000',
      LOG_LEVEL: 'error',
      ...(redis ? { REDIS_URL: redis } : {}),
    };
    await start(env, 3);
    const sql = await connectToDatabase(database().url);
    const [rows] = await sql.query('SELECT id FROM accounts');
    accountId = Number((rows as Array<{ id: number }>)[0].id);
    await sql.end();
  }, 60_000);

  const get = async (service: ServiceProcess, token: string) => {
    const res = await fetch(`${service.url}/api/v2/workflows`, {
      headers: { 'x-auth-token': token, 'x-organization-id': String(accountId) },
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: ((await res.json()) as { errors?: Array<{ code: string }> }).errors?.[0]?.code,
    };
  };

  const newToken = () => {
    const issued = runCli(['token:create', String(accountId), '--json'], { DATABASE_URL: database().url });
    expect(issued.status).toBe(0);
    return (JSON.parse(issued.stdout) as { token: string }).token;
  };

  it('admits the limit once across the instances, one request after another', async () => {
    const answers = [];
    for (let i = 0; i < LIMIT + 6; i++) answers.push(await get(services[i % 3], TOKEN));
    expect(answers.slice(0, LIMIT).map((a) => a.status)).toEqual(Array(LIMIT).fill(200));
    for (const refused of answers.slice(LIMIT)) {
      expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(8);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(10);
    }
    // Another token of the same account has a window of its own.
    expect((await get(services[1], newToken())).status).toBe(200);
  });

  it('never admits more than the limit to a burst spread over the instances', async () => {
    const token = newToken();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => get(services[i % 3], token)));
    const admitted = answers.filter((a) => a.status === 200).length;
    expect(answers.every((a) => a.status === 200 || (a.status === 429 && a.code === 'rate_limited'))).toBe(
      true,
    );
    expect(admitted).toBeLessThanOrEqual(LIMIT);
    // Redis counts in one place; reservations in the database may give back the last few slots
    // when instances race for them, never more than that.
    expect(admitted).toBeGreaterThanOrEqual(redis ? LIMIT : LIMIT - 3);
  });
});
