import Redis from 'ioredis';
import { LiveHub } from '../../../src/faces/todo/live/live-hub';
import { spyStatements } from '../../support/statement-spy';
import { createTestApp, describeEachDialect, TestAccount } from '../../support/test-app';
import { LiveClient } from './live-client';
import { todoClient, WireTask } from './todo-client';

// Delivery guarantees of live updates: a gap in a project's revisions (an event that never came)
// ends in `resync`, never in a silently stale client; a socket that does not read is dropped once
// its queue passes LIVE_SOCKET_BUFFER_KB; with Redis, a subscriber cut off tells every socket to reload.
describeEachDialect(
  'live updates: resync and backpressure',
  (t) => {
    let a: TestAccount;
    let baseUrl: string;
    const open: LiveClient[] = [];
    const api = todoClient(t, () => a);

    beforeAll(async () => {
      await t().app.listen(0, '127.0.0.1');
      baseUrl = (await t().app.getUrl()).replace('[::1]', '127.0.0.1');
    });

    beforeEach(async () => {
      a = await t().newAccount();
    });

    afterEach(() => {
      for (const c of open.splice(0)) c.close();
    });

    const live = async () => {
      const res = await t().inject({
        method: 'GET',
        url: '/todo/api/v1',
        headers: { 'remote-token': a.token },
      });
      const c = await LiveClient.open(baseUrl, (res.json() as { key: string }).key);
      open.push(c);
      return c;
    };

    it('tells the sockets to reload when a write of a project was never told (a gap in its revisions)', async () => {
      const c = await live();
      await api.post('/tasks', { text: 'told' });
      await c.eventCount(1);
      // A write that reached the database but whose event is lost: the project's revision moves on.
      await t().dataSource.query(
        'UPDATE task_list_locks SET revision = revision + 1 WHERE account_id = ? AND project_key = 0',
        [a.id],
      );
      await api.post('/tasks', { text: 'after the gap' });
      const events = await c.eventCount(3, 5000);
      expect(events.slice(1).map((e) => e.value)).toEqual([
        { type: 'resync', id: null },
        { type: 'resync', id: null },
      ]);
      // In step again: the next write is an event as usual.
      await api.post('/tasks', { text: 'next' });
      const after = await c.eventCount(4);
      expect(after[3].value).toEqual(
        expect.objectContaining({
          type: 'add-task',
          data: expect.objectContaining({ task: expect.objectContaining({ text: 'next' }) }),
        }),
      );
    });

    it('events that go out together still come one message each, the sender skipped in the same write', async () => {
      const [sender, other] = [await live(), await live()];
      // Both get the frames written as they are (live-frames.ts `streamOf`), not the ws.send fallback.
      const paths = t().get(LiveHub).socketPaths;
      expect(paths.send).toBe(0);
      expect(paths.frames).toBeGreaterThanOrEqual(2);
      const project = (await api.post('/projects', { label: 'goes' })).json() as { id: number };
      await api.post('/tasks', { text: 'in it', project: project.id });
      await other.eventCount(2);
      // One write, two events (delete-project, then the move of its task), told in one turn;
      // concurrent creates, one of them the sender's, in the same turns as far as they commit together.
      const sent = await Promise.all([
        api.del(`/projects/${project.id}`),
        ...Array.from({ length: 8 }, (_, k) =>
          t().inject({
            method: 'POST',
            url: '/todo/tasks',
            headers: {
              'remote-token': a.token,
              'content-type': 'application/json',
              ...(k === 0 ? { 'remote-client': String(sender.clientId) } : {}),
            },
            payload: JSON.stringify({ text: `together ${k}` }),
          }),
        ),
      ]);
      expect(sent.map((r) => r.statusCode)).toEqual(Array(9).fill(200));
      const events = (await other.eventCount(12)).slice(2);
      expect(events.filter((e) => e.value.type === 'add-task')).toHaveLength(8);
      expect(events.filter((e) => e.value.type === 'delete-project')).toHaveLength(1);
      expect(events.filter((e) => e.value.type === 'move-task')).toHaveLength(1);
      const mine = await sender.eventCount(11);
      await new Promise((r) => setTimeout(r, 100));
      expect(mine.length).toBe(11);
      expect(mine.map((e) => (e.value.data?.task as { text?: string } | undefined)?.text)).not.toContain(
        'together 0',
      );
    });

    it("builds a PUT's update-task from the write, with nothing read after its commit", async () => {
      const c = await live();
      const user = (await api.post('/users', { label: 'Ann Lee' })).json().id as number;
      const id = (await api.post('/tasks', { text: 'before' })).json().id as number;
      await c.eventCount(1);
      const statements = spyStatements(t());
      try {
        const sent = await statements.all(async () => {
          const res = await api.put(`/tasks/${id}`, {
            text: 'after \uD800',
            checked: true,
            assigned: [user],
            due_date: '2026-12-24T10:00:00.250Z',
            custom: { a: 1 },
          });
          expect(res.statusCode).toBe(200);
          return c.eventCount(2);
        });
        // A read of task fields (storedTasks: t.title) would be the event's own, after the commit.
        expect(sent.statements.filter((sql) => /\bt\.title\b/.test(sql))).toEqual([]);
        const event = sent.result[1].value;
        expect(event.type).toBe('update-task');
        const listed = (await api.json<WireTask[]>('/tasks')).find((x) => x.id === id);
        expect(event.data?.task).toEqual(listed);
      } finally {
        statements.restore();
      }
    });

    it('drops a socket that does not read once its queue passes the bound (close 4408)', async () => {
      const reader = await live();
      const stalled = await live();
      const hub = t().get(LiveHub);
      const before = hub.socketCount;
      // The client stops reading: the kernel buffers fill, then the service's queue grows.
      (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const text = 'x'.repeat(4000);
      for (let round = 0; round < 200 && hub.socketCount === before; round++) {
        const batch = Array.from({ length: 100 }, (_, k) => ({
          id: `temp://${round}-${k}`,
          text,
          parent: null,
        }));
        const res = await api.post('/clone', { batch });
        expect(res.statusCode).toBe(200);
      }
      expect(hub.socketCount).toBe(before - 1);
      expect(reader.closed).toBeNull();
      expect(reader.events.length).toBeGreaterThan(0);
    });

    const redisUrl = process.env.TEST_REDIS_URL;
    (redisUrl ? it : it.skip)('with Redis: a subscriber cut off tells every socket to reload', async () => {
      const c = await live();
      const admin = new Redis(redisUrl!);
      try {
        const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
        const ours = list
          .split('\n')
          .filter((line) => line.includes(` name=cloneworks-live-${process.pid} `))
          .map((line) => /(?:^| )id=(\d+)/.exec(line)![1]);
        expect(ours.length).toBeGreaterThan(0);
        for (const id of ours) await admin.call('CLIENT', 'KILL', 'ID', id);
      } finally {
        admin.disconnect();
      }
      const events = await c.eventCount(2, 5000);
      expect(events.map((e) => e.value.type)).toEqual(['resync', 'resync']);
      // Subscribed again: writes are events again.
      for (let i = 0; i < 50; i++) {
        await api.post('/tasks', { text: `again ${i}` });
        if (c.events.some((e) => e.value.type === 'add-task')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(c.events.some((e) => e.value.type === 'add-task')).toBe(true);
    });

    // Two services on two databases sharing one Redis (a staging and a production, parallel test
    // runs): their account ids overlap, and one's writes must never reach the other's sockets.
    (redisUrl ? it : it.skip)(
      'with Redis: the writes of a service on another database never reach these sockets',
      async () => {
        const other = await createTestApp(t().dialect, { REDIS_URL: redisUrl! });
        try {
          let namesake = await other.newAccount();
          while (namesake.id < a.id) namesake = await other.newAccount();
          expect(namesake.id).toBe(a.id);
          const c = await live();
          const elsewhere = todoClient(
            () => other,
            () => namesake,
          );
          for (let i = 0; i < 3; i++)
            expect((await elsewhere.post('/tasks', { text: `elsewhere ${i}` })).statusCode).toBe(200);
          expect((await api.post('/tasks', { text: 'here' })).statusCode).toBe(200);
          const [first] = await c.eventCount(1);
          expect(first.value).toMatchObject({ type: 'add-task', data: { task: { text: 'here' } } });
          await new Promise((r) => setTimeout(r, 300));
          expect(c.events.map((e) => e.value.type)).toEqual(['add-task']);
        } finally {
          await other.close();
        }
      },
    );
  },
  { LIVE_SOCKET_BUFFER_KB: '64' },
);
