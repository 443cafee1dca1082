import Redis from 'ioredis';
import { runCli, ServiceProcess, startService } from '../../support/processes';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { LiveClient, LiveEventBody, ReplicaTask, TaskReplica } from '../../e2e/todo/live-client';

// Live updates across two `node dist/main.js` processes on one MariaDB database, carried by Redis
// (REDIS_URL = TEST_REDIS_URL): a write through either instance, by either face, reaches every
// socket of the account on both, in commit order; another account's socket hears nothing.
const redis = process.env.TEST_REDIS_URL;
const runs = process.env.TEST_DATABASE_URL && redis;
const describeRuns = runs ? describe : describe.skip;
if (!runs) {
  console.warn('live updates across instances skipped: needs TEST_DATABASE_URL and TEST_REDIS_URL');
}

interface Account {
  accountId: number;
  token: string;
}

describeRuns('live updates across two instances through Redis', () => {
  let database: TestDatabase;
  const services: ServiceProcess[] = [];
  let a: Account;
  let b: Account;
  const sockets: LiveClient[] = [];

  const newAccount = (name: string): Account => {
    const issued = runCli(['account:create', name, '--json'], { DATABASE_URL: database.url });
    expect(issued.status).toBe(0);
    return JSON.parse(issued.stdout) as Account;
  };

  beforeAll(async () => {
    database = await createTestDatabase('mysql');
    const env = { DATABASE_URL: database.url, JOBS_CONCURRENCY: '0', LOG_LEVEL: 'error', REDIS_URL: redis! };
    services.push(await startService(env));
    services.push(await startService(env));
    a = newAccount('live-a');
    b = newAccount('live-b');
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await database?.drop();
  });

  const call = async (
    service: ServiceProcess,
    account: Account,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        'remote-token': account.token,
        'x-auth-token': account.token,
        'x-organization-id': String(account.accountId),
        'content-type': path.startsWith('/api/v2') ? 'application/vnd.api+json' : 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 201) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const live = async (service: ServiceProcess, account: Account) => {
    const { key } = (await call(service, account, 'GET', '/todo/api/v1')) as { key: string };
    const socket = await LiveClient.open(service.url, key);
    sockets.push(socket);
    return socket;
  };

  it("reaches A's sockets on both instances in commit order, B's not at all", async () => {
    const [s1, s2] = services;
    const replica = new TaskReplica(
      JSON.parse(JSON.stringify(await call(s1, a, 'GET', '/todo/tasks'))) as unknown as ReplicaTask[],
      [],
    );
    const [a1, a2, b1] = [await live(s1, a), await live(s2, a), await live(s2, b)];
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const service = services[i % 2];
      ids.push(
        (await call(service, a, 'POST', '/todo/tasks', { text: `t${i}`, targetId: ids[i - 1] })).id as number,
      );
    }
    await call(s2, a, 'PUT', `/todo/tasks/${ids[0]}`, {
      text: 'first',
      batch: [{ id: ids[1], text: 'second' }],
    });
    await call(s1, a, 'PUT', `/todo/move/${ids[5]}`, { targetId: ids[0], reverse: true });
    await call(s2, a, 'PATCH', `/api/v2/tasks/${ids[2]}`, {
      data: { type: 'tasks', id: String(ids[2]), attributes: { title: 'via v2 on the other instance' } },
    });
    await call(s1, a, 'DELETE', `/todo/tasks/${ids[3]}`);
    const events = await a1.eventCount(10, 10_000);
    await a2.eventCount(10, 10_000);
    expect(a2.events).toEqual(events);
    expect(events.map((e: LiveEventBody) => e.value.type)).toEqual([
      ...Array(6).fill('add-task'),
      'update-task',
      'move-task',
      'update-task',
      'delete-task',
    ]);
    for (const e of events) replica.apply(e);
    expect(replica.ordered()).toEqual(await call(s2, a, 'GET', '/todo/tasks'));
    await new Promise((r) => setTimeout(r, 300));
    expect(b1.events).toEqual([]);
    expect(a1.events).toHaveLength(10);
  }, 60_000);

  it('tells the sockets to reload when a message of another release reaches them, and applies none', async () => {
    const [s1] = services;
    const socket = await live(s1, a);
    const before = socket.events.length;
    // What an instance of the release before publishes (format 2: no database scope; format 1, of
    // the releases before that, had no `format` at all and is refused the same way).
    const older = {
      format: 2,
      change: { kind: 'inserted', accountId: a.accountId, revisions: [], lists: [], tasks: [] },
    };
    const publisher = new Redis(redis!);
    try {
      await publisher.publish('cloneworks:todo-live', `${a.accountId} ${JSON.stringify(older)}`);
    } finally {
      publisher.disconnect();
    }
    await socket.eventCount(before + 1, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const told = socket.events.slice(before).map((e: LiveEventBody) => e.value.type);
    // One `resync` per subscription (tasks, projects), nothing applied.
    expect(told).toEqual(['resync', 'resync']);
    // The instance goes on: its own next write reaches the socket as an event.
    await call(s1, a, 'POST', '/todo/tasks', { text: 'after the foreign message' });
    const after = await socket.eventCount(before + told.length + 1, 10_000);
    expect(after[before + told.length].value.type).toBe('add-task');
  }, 30_000);
});
