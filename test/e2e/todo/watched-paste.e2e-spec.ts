import { makeProject, makeTasks } from '../../factories/task.factory';
import { spyStatements } from '../../support/statement-spy';
import { everyRevisionMoves } from '../../support/revisions';
import { clonesQueued, holdNextTransaction } from '../../support/clone-groups';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { LiveClient, openLive, ReplicaTask, TaskReplica } from './live-client';
import { todoClient, WireTask } from './todo-client';

// A paste into a list that someone watches (the list cache holds it, a live socket follows the
// account) costs what a paste into an unwatched list costs: the change event names the task each
// run of new roots goes next to, and the watchers place it in their own copies of the lists.
// Nothing counts the tasks before the paste, however far down the list it goes.
const COUNTING = /COUNT\(|SUM\(CASE/i;

describeEachDialect(
  'POST /todo/clone into a watched list',
  (t) => {
    let account: TestAccount;
    let baseUrl: string;
    let socket: LiveClient | null = null;
    const api = todoClient(t, () => account);

    beforeAll(async () => {
      await t().app.listen(0, '127.0.0.1');
      baseUrl = (await t().app.getUrl()).replace('[::1]', '127.0.0.1');
    });

    beforeEach(async () => {
      account = await t().newAccount();
    });

    afterEach(() => {
      socket?.close();
      socket = null;
    });

    const paste = async (body: Record<string, unknown>) => {
      const res = await api.post('/clone', body);
      expect(res.statusCode).toBe(200);
      return res.json() as Record<string, number>;
    };
    const batch = (tag: string, nested = false) => [
      { id: `${tag}1`, text: `${tag}1` },
      ...(nested ? [{ id: `${tag}1.1`, text: `${tag}1.1`, parent: `${tag}1` }] : []),
      { id: `${tag}2`, text: `${tag}2` },
    ];

    it('counts no position, and the cached lists and a live replica equal a fresh read', async () => {
      const p = await makeProject(t(), account);
      const roots = await makeTasks(
        t(),
        account,
        Array.from({ length: 30 }, (_, i) =>
          i === 10
            ? { text: `r${i}`, children: [{ text: 'c0' }, { text: 'c1' }, { text: 'c2' }] }
            : { text: `r${i}` },
        ),
        { project: p },
      );
      const children = roots.slice(11, 14);
      const [c0, , c2] = children;
      const r = roots.filter((id) => !children.includes(id));
      const loose = await makeTasks(t(), account, [{ text: 'n0' }, { text: 'n1' }], { project: null });
      // Watched: the lists read once (the cache holds them) and a socket on the account.
      await api.get('/tasks');
      await api.get(`/tasks/projects/${p}`);
      await api.get('/tasks/projects/0');
      const replica = new TaskReplica(await api.json<ReplicaTask[]>('/tasks'), []);
      socket = await openLive(t(), baseUrl, account);

      const statements = spyStatements(t());
      let sent: string[] = [];
      try {
        ({ statements: sent } = await statements.all(async () => {
          await paste({ targetId: r[20], batch: batch('after', true) });
          await paste({ targetId: r[5], reverse: true, batch: batch('before') });
          await paste({ targetId: r[0], reverse: true, batch: batch('top', true) });
          await paste({ targetId: r[29], batch: batch('end') });
          await paste({ targetId: c2, parent: r[10], batch: batch('child', true) });
          await paste({ targetId: c0, parent: r[10], reverse: true, batch: batch('firstchild') });
          await paste({ project: p, parent: null, batch: batch('start') });
          await paste({ targetId: loose[1], project: null, batch: batch('loose', true) });
          const end = await api.post('/tasks', { text: 'last child', parent: r[10], targetId: r[10] });
          expect(end.statusCode).toBe(200);
          // One group (MySQL/MariaDB; one after the other on SQLite): runs into one gap from both
          // its sides, at the top, and before the first task.
          const bodies = [
            { targetId: r[15], batch: batch('g1', true) },
            { targetId: r[15], batch: batch('g2') },
            { targetId: r[16], reverse: true, batch: batch('g3') },
            { targetId: r[16], reverse: true, batch: batch('g4', true) },
            { project: p, parent: null, batch: batch('g5') },
            { targetId: r[0], reverse: true, batch: batch('g6') },
          ];
          if (t().dialect !== 'mysql') {
            for (const body of [{ targetId: r[25], batch: batch('g0') }, ...bodies]) await paste(body);
            return;
          }
          const { entered, release } = holdNextTransaction(t());
          const first = api.post('/clone', { targetId: r[25], batch: batch('g0') });
          await entered;
          const group: Array<ReturnType<typeof api.post>> = [];
          for (const body of bodies) {
            group.push(api.post('/clone', body));
            await clonesQueued(t(), group.length);
          }
          release();
          for (const res of await Promise.all([first, ...group])) expect(res.statusCode).toBe(200);
        }));
      } finally {
        statements.restore();
      }
      expect(sent.filter((sql) => COUNTING.test(sql))).toEqual([]);

      // The cached lists, patched, serve without reading the tasks, and read as a rebuild does.
      const cached = await Promise.all(
        ['/tasks', `/tasks/projects/${p}`, '/tasks/projects/0'].map(async (url) => (await api.get(url)).body),
      );
      const all = JSON.parse(cached[0]) as WireTask[];
      const top = all.filter((x) => x.project === p && x.parent === null).map((x) => x.text);
      expect(top.slice(0, 9)).toEqual(['g51', 'g52', 'start1', 'start2', 'top1', 'top2', 'g61', 'g62', 'r0']);
      expect(top.slice(top.indexOf('r15'), top.indexOf('r16') + 1)).toEqual([
        'r15',
        'g21',
        'g22',
        'g11',
        'g12',
        'g31',
        'g32',
        'g41',
        'g42',
        'r16',
      ]);
      await everyRevisionMoves(t(), account.id);
      const rebuilt = await Promise.all(
        ['/tasks', `/tasks/projects/${p}`, '/tasks/projects/0'].map(async (url) => (await api.get(url)).body),
      );
      expect(cached).toEqual(rebuilt);

      // The socket's events, applied as the widget does, give the same tasks in the same order.
      const expected = await api.json<ReplicaTask[]>('/tasks');
      await socket.until(() => socket!.events.filter((e) => e.name === 'tasks').length >= 16, 5000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const event of socket.events) replica.apply(event);
      expect(replica.resyncs).toBe(0);
      expect(replica.ordered()).toEqual(expected);
    });

    it('moves into a list loaded in part count nothing either, and the replica equals a fresh read', async () => {
      const p = await makeProject(t(), account);
      const q = await makeProject(t(), account);
      const r = await makeTasks(
        t(),
        account,
        Array.from({ length: 80 }, (_, i) => ({ text: `r${i}` })),
        { project: p },
      );
      const replica = new TaskReplica(await api.json<ReplicaTask[]>('/tasks'), []);
      socket = await openLive(t(), baseUrl, account);
      const move = async (id: number, body: Record<string, unknown>) =>
        expect((await api.put(`/move/${id}`, body)).statusCode).toBe(200);
      const statements = spyStatements(t());
      let sent: string[] = [];
      try {
        ({ statements: sent } = await statements.all(async () => {
          await move(r[2], { targetId: r[70] });
          await move(r[75], { targetId: r[60], reverse: true });
          await move(0, {
            targetId: r[50],
            reverse: false,
            parent: null,
            batch: [r[5], r[66], r[6]],
            project: p,
          });
          await move(r[41], { operation: 'indent', parent: r[40], targetId: r[40] });
          await move(r[41], { operation: 'unindent' });
          await move(r[77], { operation: 'project', project: q });
        }));
      } finally {
        statements.restore();
      }
      expect(sent.filter((sql) => COUNTING.test(sql))).toEqual([]);
      // Tasks around the lower bound of the part a move loads: where the task just before the part
      // moves too, the positions are counted instead; either way the replica follows.
      for (const k of [40, 41, 42, 43, 44, 45, 46, 47]) await move(r[k], { targetId: r[60] });
      const expected = await api.json<ReplicaTask[]>('/tasks');
      await socket.until(() => socket!.events.filter((e) => e.value.type === 'move-task').length >= 14, 5000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const event of socket.events) replica.apply(event);
      expect(replica.resyncs).toBe(0);
      expect(replica.ordered()).toEqual(expected);
    });
  },
  { JOBS_POLL_MS: '0' },
);
