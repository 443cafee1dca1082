import { describeEachDialect, TestAccount } from '../../support/test-app';
import { LiveClient, LiveEventBody, openLive } from './live-client';
import { todoClient } from './todo-client';

/**
 * The add-task handler of the widget's documentation ("Customization of server events"): it maps
 * every id through the provider's resolver, then adds the task under `data.id` with the place in
 * `data`. A server id resolves to itself; a missing one to null, which would leave the widget
 * naming the task with a temporary id of its own that no later event matches.
 */
function documentedAddTask(value: LiveEventBody['value']): Record<string, unknown> {
  const resolve = (obj: Record<string, unknown>): Record<string, unknown> => {
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (v !== null && typeof v === 'object') resolve(v as Record<string, unknown>);
      else if (key === 'id' || key === 'targetId' || key === 'parent' || key === 'project')
        obj[key] = v ?? null;
    }
    return obj;
  };
  const obj = resolve(JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
  const data = obj.data as Record<string, unknown>;
  return {
    id: data.id ?? null,
    project: data.project,
    parent: data.parent,
    targetId: data.targetId,
    reverse: data.reverse,
    task: { ...(data.task as object) },
  };
}

describeEachDialect('live add-task read the way the widget’s documentation reads it', (t) => {
  let account: TestAccount;
  let baseUrl: string;
  const open: LiveClient[] = [];
  const api = todoClient(t, () => account);

  beforeAll(async () => {
    await t().app.listen(0, '127.0.0.1');
    baseUrl = (await t().app.getUrl()).replace('[::1]', '127.0.0.1');
    account = await t().newAccount();
  });

  afterAll(() => {
    for (const c of open.splice(0)) c.close();
  });

  it('carries the new task’s id in data as well as at the top', async () => {
    const socket = await openLive(t(), baseUrl, account);
    open.push(socket);
    const project = (await api.post('/projects', { label: 'Home' })).json().id as number;
    const first = (await api.post('/tasks', { project, task: { text: 'first' } })).json().id as number;
    const second = (
      await api.post('/tasks', { id: 'temp://1', project, targetId: first, task: { text: 'second' } })
    ).json().id as number;
    const events = await socket.eventCount(3);
    const adds = events.filter((e) => e.value.type === 'add-task').map((e) => documentedAddTask(e.value));
    expect(adds).toEqual([
      expect.objectContaining({
        id: first,
        project,
        parent: null,
        reverse: true,
        task: expect.objectContaining({ id: first, text: 'first' }),
      }),
      expect.objectContaining({
        id: second,
        project,
        parent: null,
        targetId: first,
        task: expect.objectContaining({ id: second, text: 'second' }),
      }),
    ]);
  });
});
