import { makeTasks, storedTasks, treeProblems } from '../../factories/task.factory';
import { spyStatements } from '../../support/statement-spy';
import { createTestApp, describeEachDialect, TestAccount, TestApp } from '../../support/test-app';

// TaskIdAllocator: clone ranges are reserved outside the transaction on MySQL, and requested ids
// may fall inside a range another request holds. Whoever inserts second must get a clean answer
// (409 for the requested id, a transparent retry for the clone), never a 500 or a duplicate.
describeEachDialect('task ids under concurrent clones and requested ids', (t) => {
  let account: TestAccount;

  beforeAll(async () => {
    account = await t().newAccount();
  });

  const post = (url: string, body: unknown) =>
    t().inject({
      method: 'POST',
      url: `/todo${url}`,
      headers: { 'remote-token': account.token, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('answers 200 or 409 only, hands out each id once, and loses nothing', async () => {
    const [target] = await makeTasks(t(), account, [{}]);
    for (let round = 0; round < 3; round++) {
      const [{ next_id: next }] = (await t().dataSource.query(
        "SELECT next_id FROM id_allocators WHERE name = 'tasks'",
      )) as Array<{ next_id: number }>;
      const requests = [];
      for (let i = 0; i < 10; i++) {
        requests.push(
          post('/clone', {
            targetId: target,
            batch: Array.from({ length: 5 }, (_, k) => ({
              id: `r${round}-${i}-${k}`,
              parent: k ? `r${round}-${i}-0` : null,
            })),
          }),
        );
        // Ids inside the ranges the clones are reserving right now.
        requests.push(
          post('/tasks', { id: Number(next) + i * 5 + 2, targetId: target, task: { text: 'undo' } }),
        );
      }
      const results = await Promise.all(requests);
      for (const res of results) expect([200, 409]).toContain(res.statusCode);
      const returned = results
        .filter((res) => res.statusCode === 200)
        .flatMap((res) => {
          const body = res.json() as Record<string, number>;
          // A clone answers each id twice: by client id and by batch position; count the former.
          return 'id' in body && Object.keys(body).length === 1
            ? [body.id]
            : Object.entries(body).flatMap(([key, id]) => (/^\d+$/.test(key) ? [] : [id]));
        });
      expect(new Set(returned).size).toBe(returned.length);
      const stored = new Set((await storedTasks(t(), account.id)).map((x) => x.id));
      expect(returned.filter((id) => !stored.has(id))).toEqual([]);
      // Every clone succeeds: a clash with a requested id only retries it.
      expect(results.filter((res, i) => i % 2 === 0 && res.statusCode !== 200)).toEqual([]);
    }
    expect(await treeProblems(t(), account.id)).toEqual([]);
  });

  // Where rows lock, creates take their ids from a block their process reserved ahead. Two
  // instances on one database hold blocks of their own: creates through both, concurrently, get
  // distinct ids, and a create whose process still has ids in its block sends no statement for them.
  it('hands out distinct ids from the blocks of two instances, and no id statement per create', async () => {
    if (t().dialect !== 'mysql') return; // SQLite: one writer, ids allocated inside each write
    const second: TestApp = await createTestApp(
      'mysql',
      {},
      {
        database: { url: t().config.DATABASE_URL, drop: async () => undefined },
      },
    );
    try {
      const create = (app: TestApp, i: number) =>
        app.inject({
          method: 'POST',
          url: '/todo/tasks',
          headers: { 'remote-token': account.token, 'content-type': 'application/json' },
          payload: JSON.stringify({ text: `two ${i}` }),
        });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => create(i % 2 ? second : t(), i)),
      );
      for (const res of results) expect(res.statusCode).toBe(200);
      const ids = results.map((res) => res.json<{ id: number }>().id);
      expect(new Set(ids).size).toBe(ids.length);
      const stored = new Set((await storedTasks(t(), account.id)).map((x) => x.id));
      expect(ids.filter((id) => !stored.has(id))).toEqual([]);

      const statements = spyStatements(t());
      try {
        const sent = await statements.matching(async () => {
          expect((await create(t(), 40)).statusCode).toBe(200);
        }, ['id_allocators']);
        expect(sent).toEqual([]);
        // A clone of 100 or more nodes reserves its own range: one statement, whatever its size.
        const clone = (n: number) =>
          statements.matching(async () => {
            const res = await t().inject({
              method: 'POST',
              url: '/todo/clone',
              headers: { 'remote-token': account.token, 'content-type': 'application/json' },
              payload: JSON.stringify({ batch: Array.from({ length: n }, (_, i) => ({ id: `c${n}-${i}` })) }),
            });
            expect(res.statusCode).toBe(200);
          }, ['id_allocators']);
        expect(await clone(100)).toHaveLength(1);
        expect(await clone(999)).toHaveLength(1);
        expect((await clone(10)).length).toBeLessThanOrEqual(1);
      } finally {
        statements.restore();
      }
      expect(await treeProblems(t(), account.id)).toEqual([]);
    } finally {
      await second.app.close();
    }
  });
});
