import { join } from 'node:path';
import { testDialects } from '../../support/test-database';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { runCli, ServiceProcess, startService, tempDir } from '../../support/processes';
import { LiveClient } from '../../e2e/todo/live-client';

// A live socket across a restart of the one instance, as the widget's RemoteEvents goes through
// it: the server closes the socket, and the page opens it again 2 s later with the same key. With
// the defaults (no LIVE_TICKET_SECRET, no REDIS_URL) the reopened socket must be accepted, and be
// told to reload, since writes went on while it was closed (docs/clients.md, "Live updates").
describe.each(testDialects())('live socket across a restart (%s)', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let service: ServiceProcess | null = null;
  let account: { accountId: number; token: string };
  const sockets: LiveClient[] = [];

  beforeAll(async () => {
    database =
      dialect === 'sqlite'
        ? { url: `sqlite:${join(tempDir(), 'live-restart.sqlite')}`, drop: async () => undefined }
        : await createTestDatabase('mysql');
    env = { DATABASE_URL: database.url, JOBS_CONCURRENCY: '0', LOG_LEVEL: 'error' };
    service = await startService(env);
    const issued = runCli(['account:create', 'restart', '--json'], { DATABASE_URL: database.url });
    expect(issued.status).toBe(0);
    account = JSON.parse(issued.stdout) as typeof account;
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await service?.stop('SIGKILL');
    await database?.drop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${service!.url}${path}`, {
      method,
      headers: { 'remote-token': account.token, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  it('closes the socket with 1001, accepts its key after the restart and tells it to reload', async () => {
    const { key } = (await call('GET', '/todo/api/v1')) as { key: string };
    const before = await LiveClient.open(service!.url, key);
    sockets.push(before);
    expect(before.events).toEqual([]);

    // SIGTERM: the socket hears why it closes (not a bare close without a code, 1005).
    expect(await service!.stop('SIGTERM')).toBe(0);
    await before.until(() => before.closed !== null, 5000);
    expect(before.closed).toEqual({ code: 1001, reason: 'server going away' });

    service = await startService(env);
    // Another page writes before this one's socket is open again.
    await call('POST', '/todo/tasks', { text: 'while the socket was closed' });
    const again = await LiveClient.open(service.url, key);
    sockets.push(again);
    expect(again.closed).toBeNull();
    expect(again.clientId).toEqual(expect.any(Number));
    await again.eventCount(2);
    expect(again.events.map((e) => e.value)).toEqual([
      { type: 'resync', id: null },
      { type: 'resync', id: null },
    ]);
    // Live again: the next write is an event.
    await call('POST', '/todo/tasks', { text: 'after the reconnect' });
    const events = await again.eventCount(3);
    expect(events[2].value).toEqual(expect.objectContaining({ type: 'add-task' }));
  }, 60_000);
});
