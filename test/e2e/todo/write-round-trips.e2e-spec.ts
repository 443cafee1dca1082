import { makeProject, makeTasks, makeUser } from '../../factories/task.factory';
import { spyRoundTrips } from '../../support/round-trip-spy';
import { describeEachDialect, TestAccount } from '../../support/test-app';
import { LiveClient } from './live-client';
import { todoClient } from './todo-client';

// The round trips a To Do write waits for, one after the other (issue #13): under load each is
// also a wait for a turn of the service's event loop, so they are counted, not timed. With a live
// socket open, so that every write builds its change event. MySQL/MariaDB only: SQLite has none.
describeEachDialect(
  '/todo writes: round trips',
  (t) => {
    let account: TestAccount;
    const api = todoClient(t, () => account);
    let live: LiveClient | undefined;

    beforeAll(async () => {
      await t().app.listen(0, '127.0.0.1');
    });

    beforeEach(async () => {
      account = await t().newAccount();
      const baseUrl = (await t().app.getUrl()).replace('[::1]', '127.0.0.1');
      const res = await t().inject({
        method: 'GET',
        url: '/todo/api/v1',
        headers: { 'remote-token': account.token },
      });
      live = await LiveClient.open(baseUrl, (res.json() as { key: string }).key);
    });

    afterEach(() => live?.close());

    /** The texts each write sent, after two warm-up rounds (id blocks, the account's token cached). */
    async function tripsOf(write: (round: number) => Promise<{ statusCode: number }>): Promise<string[]> {
      for (let round = 0; round < 2; round++) expect((await write(round)).statusCode).toBe(200);
      const spy = spyRoundTrips();
      try {
        return await spy.during(async () => expect((await write(2)).statusCode).toBe(200));
      } finally {
        spy.restore();
      }
    }

    const mysqlOnly = () => t().dialect === 'mysql';

    it('creates a task at the top of a project in two: lock and place, then INSERT with COMMIT', async () => {
      const p = await makeProject(t(), account);
      await makeTasks(t(), account, [{}, {}], { project: p });
      const trips = await tripsOf((round) => api.post('/tasks', { text: `new ${round}`, project: p }));
      if (!mysqlOnly()) return;
      expect(trips).toHaveLength(2);
      expect(trips[0]).toMatch(/^START TRANSACTION; INSERT INTO task_list_locks .*; SELECT .*FROM projects/);
      expect(trips[1]).toMatch(/^INSERT INTO tasks .*; COMMIT$/);
      const events = await live!.eventCount(5);
      expect(events.slice(-3).map((e) => e.value.type)).toEqual(['add-task', 'add-task', 'add-task']);
    });

    it('replaces a task’s fields in two: locked read with the content revision, then UPDATE with COMMIT', async () => {
      const [task] = await makeTasks(t(), account, [{ text: 'old' }]);
      const trips = await tripsOf((round) => api.put(`/tasks/${task}`, { text: `new ${round}` }));
      if (!mysqlOnly()) return;
      expect(trips).toHaveLength(2);
      expect(trips[0]).toMatch(
        /^START TRANSACTION; SELECT .* FOR UPDATE; INSERT INTO task_content_revisions /,
      );
      expect(trips[1]).toMatch(/^UPDATE tasks SET .*; COMMIT$/);
      const events = await live!.eventCount(4);
      expect(events.slice(-3).map((e) => [e.value.type, e.value.data?.task])).toEqual(
        [0, 1, 2].map((round) => ['update-task', expect.objectContaining({ text: `new ${round}` })]),
      );
    });

    it('replaces 300 tasks’ fields and assignments in three (the people checked): every UPDATE chunk goes with the COMMIT', async () => {
      const user = await makeUser(t(), account);
      const ids = await makeTasks(
        t(),
        account,
        Array.from({ length: 300 }, (_, i) => ({ text: `t${i}` })),
      );
      const trips = await tripsOf((round) =>
        api.put(`/tasks/${ids[0]}`, {
          text: `r${round} 0`,
          batch: ids.slice(1).map((id, i) => ({ id, text: `r${round} ${i + 1}`, assigned: [user] })),
        }),
      );
      const tasks = await api.json<Array<{ id: number; text: string; assigned: number[] }>>('/tasks');
      expect(tasks.map((x) => [x.text, x.assigned])).toEqual(
        ids.map((_, i) => [`r2 ${i}`, i === 0 ? [] : [user]]),
      );
      if (!mysqlOnly()) return;
      // The locked read with the content revision; the people checked; two UPDATE chunks, the
      // assignments cleared and given again, and the COMMIT, in one text.
      expect(trips).toHaveLength(3);
      expect(trips[2]).toMatch(
        /^UPDATE tasks .*; UPDATE tasks .*; DELETE FROM task_assignees .*; INSERT INTO task_assignees .*; COMMIT$/,
      );
    });

    it('pastes three tasks after a target in three: its project, lock and anchor, INSERT with COMMIT', async () => {
      const p = await makeProject(t(), account);
      const [target] = await makeTasks(t(), account, [{}, {}], { project: p });
      const trips = await tripsOf((round) =>
        api.post('/clone', {
          targetId: target,
          batch: [
            { id: `a${round}`, parent: null, text: 'a' },
            { id: `b${round}`, parent: `a${round}`, text: 'b' },
            { id: `c${round}`, parent: null, text: 'c' },
          ],
        }),
      );
      if (!mysqlOnly()) return;
      expect(trips).toHaveLength(3);
      expect(trips[0]).toMatch(/^SELECT id, project_id, parent_id, sort_key FROM tasks /);
      expect(trips[1]).toMatch(/^START TRANSACTION; INSERT INTO task_list_locks .*; SELECT t\.id/);
      expect(trips[2]).toMatch(/^INSERT INTO tasks .*; COMMIT$/);
    });

    const pasteOf = (target: number, round: number) =>
      api.post('/clone', {
        targetId: target,
        batch: [
          { id: `a${round}`, parent: null, text: `a${round}` },
          { id: `b${round}`, parent: `a${round}`, text: `b${round}` },
          { id: `c${round}`, parent: null, text: `c${round}` },
        ],
      });

    it('pastes into a list it has read in two: lock and anchor, INSERT with COMMIT (the list tells the project)', async () => {
      const p = await makeProject(t(), account);
      const [target] = await makeTasks(t(), account, [{}, {}], { project: p });
      expect((await api.get(`/tasks/projects/${p}`)).statusCode).toBe(200);
      const trips = await tripsOf((round) => pasteOf(target, round));
      if (!mysqlOnly()) return;
      expect(trips).toHaveLength(2);
      expect(trips[0]).toMatch(/^START TRANSACTION; INSERT INTO task_list_locks .*; SELECT t\.id/);
      expect(trips[1]).toMatch(/^INSERT INTO tasks .*; COMMIT$/);
    });

    it('creates a task after a target of a list it has read in two: lock and anchor, INSERT with COMMIT', async () => {
      const p = await makeProject(t(), account);
      const [target] = await makeTasks(t(), account, [{}, {}], { project: p });
      expect((await api.get(`/tasks/projects/${p}`)).statusCode).toBe(200);
      const trips = await tripsOf((round) => api.post('/tasks', { text: `new ${round}`, targetId: target }));
      const tasks = await api.json<Array<{ id: number; text: string }>>(`/tasks/projects/${p}`);
      expect(tasks.map((x) => x.text).slice(1, 4)).toEqual(['new 2', 'new 1', 'new 0']);
      if (!mysqlOnly()) return;
      expect(trips).toHaveLength(2);
      expect(trips[0]).toMatch(/^START TRANSACTION; INSERT INTO task_list_locks .*; SELECT t\.id/);
      expect(trips[1]).toMatch(/^INSERT INTO tasks .*; COMMIT$/);
    });

    it('pastes after a target the read list shows in another project than its own: after the target, in its project', async () => {
      const [p, q] = [await makeProject(t(), account), await makeProject(t(), account)];
      const [target, other] = await makeTasks(t(), account, [{}, {}], { project: p });
      const [inQ] = await makeTasks(t(), account, [{}], { project: q });
      expect((await api.get(`/tasks/projects/${p}`)).statusCode).toBe(200);
      // The cached list of p is not patched by a move: it still shows the target in p.
      expect((await api.put(`/move/${target}`, { operation: 'project', project: q })).statusCode).toBe(200);
      const res = await pasteOf(target, 0);
      expect(res.statusCode).toBe(200);
      const ids = res.json() as Record<string, number>;
      const read = async (project: number) =>
        (
          await api.json<Array<{ id: number; parent: number | null; project: number }>>(
            `/tasks/projects/${project}`,
          )
        ).map((x) => [x.id, x.parent, x.project]);
      expect(await read(p)).toEqual([[other, null, p]]);
      expect(await read(q)).toEqual([
        [inQ, null, q],
        [target, null, q],
        [ids.a0, null, q],
        [ids.b0, ids.a0, q],
        [ids.c0, null, q],
      ]);
    });
  },
  // As in production, a token is checked once, not on every request; no job runner polls meanwhile.
  { AUTH_CACHE_TTL_MS: '60000', JOBS_CONCURRENCY: '0' },
);
