import { faceHeaders } from '../../support/face-requests';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { LiveClient, LiveEventBody, openLive, ReplicaTask, TaskReplica } from './live-client';
import { expectTodoError, todoClient } from './todo-client';

const types = (events: LiveEventBody[]) => events.map((e) => `${e.name}:${e.value.type}`);

describeEachDialect('live updates: GET /todo/api/v1 and its WebSocket', (t) => {
  let a: TestAccount;
  let b: TestAccount;
  let baseUrl: string;
  const open: LiveClient[] = [];
  const apiA = todoClient(t, () => a);

  beforeAll(async () => {
    await t().app.listen(0, '127.0.0.1');
    baseUrl = await t().app.getUrl();
    baseUrl = baseUrl.replace('[::1]', '127.0.0.1');
  });

  beforeEach(async () => {
    a = await t().newAccount();
    b = await t().newAccount();
  });

  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });

  const live = async (account: TestAccount) => {
    const c = await openLive(t(), baseUrl, account);
    open.push(c);
    return c;
  };

  it('answers the remote description with a socket key; no token is the face 401', async () => {
    const res = await t().inject({
      method: 'GET',
      url: '/todo/api/v1',
      headers: { 'remote-token': a.token },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ api: {}, data: {}, websocket: true, key: expect.any(String) });
    expectTodoError(await t().inject({ method: 'GET', url: '/todo/api/v1' }), 401, 'UNAUTHENTICATED');
    expectTodoError(
      await t().inject({
        method: 'GET',
        url: '/todo/api/v1',
        headers: { 'remote-token': 'nope-nope-nope-nope' },
      }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('closes a socket with a bad key (4401) and one that sends what it does not understand (1007)', async () => {
    const bad = await LiveClient.open(baseUrl, 'not-a-key', false);
    await bad.until(() => bad.closed !== null, 5000);
    expect(bad.closed).toEqual({ code: 4401, reason: 'key invalid' });
    const c = await live(a);
    expect(c.frames[0]).toEqual({ action: 'start', body: expect.any(Number) });
    c.ws.send('{"action":"shout"}');
    await c.until(() => c.closed !== null, 5000);
    expect(c.closed).toEqual({ code: 1007, reason: 'malformed message' });
  });

  it("sends each write of A, in commit order, to both of A's sockets and none to B's", async () => {
    const [a1, a2, b1] = [await live(a), await live(a), await live(b)];
    const first = (await apiA.post('/tasks', { text: 'one' })).json().id as number;
    const second = (await apiA.post('/tasks', { text: 'two' })).json().id as number;
    await apiA.put(`/tasks/${first}`, { text: 'one!' });
    await apiA.put(`/move/${second}`, { targetId: first });
    await apiA.del(`/tasks/${first}`);
    const expected = ['add-task', 'add-task', 'update-task', 'move-task', 'delete-task'].map(
      (x) => `tasks:${x}`,
    );
    for (const c of [a1, a2]) expect(types(await c.eventCount(5))).toEqual(expected);
    const events = a1.events;
    expect(events[0].value).toEqual({
      type: 'add-task',
      id: first,
      data: expect.objectContaining({
        parent: null,
        project: null,
        reverse: true,
        task: expect.objectContaining({ id: first, text: 'one' }),
      }),
    });
    // A new task without a target goes first in its list.
    expect(events[1].value.data).toEqual(expect.objectContaining({ reverse: true }));
    expect(events[2].value.data!.task).toEqual(expect.objectContaining({ id: first, text: 'one!' }));
    expect(events[3].value).toEqual({
      type: 'move-task',
      id: second,
      data: { parent: null, project: null, targetId: first },
    });
    expect(events[4].value).toEqual({ type: 'delete-task', id: first, data: { batch: [first] } });
    await new Promise((r) => setTimeout(r, 100));
    expect(b1.events).toEqual([]);
  });

  it('skips the socket of the client that made the write (Remote-Client)', async () => {
    const [a1, a2] = [await live(a), await live(a)];
    const res = await t().inject({
      method: 'POST',
      url: '/todo/tasks',
      headers: { ...faceHeaders('todo', a, true), 'remote-client': String(a1.clientId) },
      payload: JSON.stringify({ text: 'mine' }),
    });
    expect(res.statusCode).toBe(200);
    await apiA.post('/tasks', { text: 'theirs' });
    expect(types(await a2.eventCount(2))).toEqual(['tasks:add-task', 'tasks:add-task']);
    await a1.eventCount(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(a1.events.map((e) => (e.value.data!.task as { text: string }).text)).toEqual(['theirs']);
  });

  it('skips only the sender even when concurrent creates of several clients commit as one write', async () => {
    const [a1, a2] = [await live(a), await live(a)];
    const create = (text: string, client?: LiveClient) =>
      t().inject({
        method: 'POST',
        url: '/todo/tasks',
        headers: {
          ...faceHeaders('todo', a, true),
          ...(client ? { 'remote-client': String(client.clientId) } : {}),
        },
        payload: JSON.stringify({ text }),
      });
    const senders = [a1, a2, undefined];
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => create(`${['one', 'two', 'none'][i % 3]} ${i}`, senders[i % 3])),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 200));
    const texts = (c: LiveClient) =>
      c.events
        .flatMap((e) =>
          e.value.type === 'add-task'
            ? [e.value.data!.task as { text: string }]
            : ((e.value.data?.batch as Array<{ text: string }>) ?? []),
        )
        .map((x) => x.text.split(' ')[0])
        .sort();
    await a1.until(() => texts(a1).length >= 8, 5000);
    await a2.until(() => texts(a2).length >= 8, 5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(texts(a1)).toEqual([...Array(4).fill('none'), ...Array(4).fill('two')]);
    expect(texts(a2)).toEqual([...Array(4).fill('none'), ...Array(4).fill('one')]);
  });

  it('tells writes of the v2 face on the same tasks and projects', async () => {
    const c = await live(a);
    const id = (await apiA.post('/tasks', { text: 'shared' })).json().id as number;
    const res = await t().inject({
      method: 'PATCH',
      url: `/api/v2/tasks/${id}`,
      headers: faceHeaders('jsonapi', a, true),
      payload: JSON.stringify({ data: { type: 'tasks', id: String(id), attributes: { title: 'from v2' } } }),
    });
    expect(res.statusCode).toBe(200);
    const events = await c.eventCount(2);
    expect(events[1].value).toEqual(
      expect.objectContaining({
        type: 'update-task',
        id,
        data: { task: expect.objectContaining({ text: 'from v2' }) },
      }),
    );
  });

  it('a replica that applies the events ends equal to GET /todo/tasks after a mixed sequence', async () => {
    const before = await apiA.json<ReplicaTask[]>('/tasks');
    const replica = new TaskReplica(before, []);
    const c = await live(a);
    const add = async (body: Record<string, unknown>) =>
      (await apiA.post('/tasks', body)).json().id as number;
    const p1 = (await apiA.post('/projects', { label: 'P1' })).json().id as number;
    const p2 = (await apiA.post('/projects', { label: 'P2' })).json().id as number;
    const x = await add({ text: 'x', project: p1 });
    const y = await add({ text: 'y', project: p1 });
    const z = await add({ text: 'z', project: p1, parent: x, targetId: x });
    const w = await add({ text: 'w', project: p1, targetId: x, reverse: true });
    const n = await add({ text: 'n' });
    await apiA.put(`/tasks/${y}`, { text: 'Y', batch: [{ id: z, text: 'Z', checked: true }] });
    await apiA.put(`/move/${y}`, { operation: 'indent', parent: w, targetId: w });
    await apiA.put(`/move/0`, { targetId: x, reverse: false, parent: null, batch: [w, n], project: p1 });
    await apiA.put(`/move/${x}`, { operation: 'project', project: p2 });
    const pasted = await apiA.post('/clone', {
      targetId: x,
      parent: null,
      project: p2,
      batch: [
        { id: 'temp://1', text: 'c1', parent: null },
        { id: 'temp://2', text: 'c1.1', parent: 'temp://1' },
        { id: 'temp://3', text: 'c2', parent: null },
      ],
    });
    expect(pasted.statusCode).toBe(200);
    await apiA.put(`/sort/${p2}`, { by: 'text', dir: 'desc' });
    await apiA.put(`/projects/${p1}`, { label: 'P1 renamed' });
    await apiA.del('/tasks', { batch: [w] });
    await apiA.del(`/projects/${p1}`);
    const after = await apiA.json<ReplicaTask[]>('/tasks');
    // Every write made at least one event; wait until the last one (the delete-project's move or itself).
    await c.until(() => c.events.some((e) => e.value.type === 'delete-project'), 5000);
    await new Promise((r) => setTimeout(r, 200));
    for (const e of c.events) replica.apply(e);
    expect(replica.resyncs).toBe(0);
    expect(replica.ordered()).toEqual(after);
    expect(replica.projects).toEqual(new Map([[p2, 'P2']]));
    expect(types(c.events)).toEqual(
      expect.arrayContaining(['tasks:clone-task', 'tasks:set-sort', 'projects:add-project']),
    );
  });

  it('puts concurrent writes of one project in commit order: the replica still ends equal', async () => {
    const replica = new TaskReplica(await apiA.json<ReplicaTask[]>('/tasks'), []);
    const c = await live(a);
    const roots: number[] = [];
    for (let i = 0; i < 5; i++)
      roots.push((await apiA.post('/tasks', { text: `root ${i}` })).json().id as number);
    let writes = 5;
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all([
        ...roots.map((r, k) => apiA.post('/tasks', { text: `c${round}.${k}`, targetId: r })),
        apiA.put(`/tasks/${roots[round]}`, { text: `renamed ${round}` }),
        apiA.put(`/move/${roots[(round + 2) % 5]}`, { targetId: roots[round], reverse: round % 2 === 0 }),
      ]);
      expect(answers.map((x) => x.statusCode)).toEqual(answers.map(() => 200));
      writes += answers.length;
    }
    const after = await apiA.json<ReplicaTask[]>('/tasks');
    // Concurrent creates may commit as one write: wait until the events stop coming.
    await c.eventCount(Math.ceil(writes / 4), 10_000);
    for (let seen = -1; seen !== c.events.length; ) {
      seen = c.events.length;
      await new Promise((r) => setTimeout(r, 400));
    }
    for (const e of c.events) replica.apply(e);
    expect(replica.resyncs).toBe(0);
    expect(replica.ordered()).toEqual(after);
  });

  it('tells a socket that opens again with a used key to reload (resync)', async () => {
    const res = await t().inject({
      method: 'GET',
      url: '/todo/api/v1',
      headers: { 'remote-token': a.token },
    });
    const key = (res.json() as { key: string }).key;
    const first = await LiveClient.open(baseUrl, key);
    open.push(first);
    expect(first.events).toEqual([]);
    first.close();
    const again = await LiveClient.open(baseUrl, key, false);
    open.push(again);
    await again.eventCount(2);
    expect(again.events.map((e) => e.value)).toEqual([
      { type: 'resync', id: null },
      { type: 'resync', id: null },
    ]);
  });
});
