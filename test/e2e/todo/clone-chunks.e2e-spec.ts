import { makeTasks, storedTasks } from '../../factories/task.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';
import { todoClient } from './todo-client';

const INSERT_TASKS = /^INSERT INTO tasks\b/;

/**
 * Records, in order, when each `INSERT INTO tasks` reaches TypeORM (`sent`, with whether its
 * values came bound into the text) and when it is answered or fails (`done`). Observes TypeORM's
 * query runner; nothing is replaced.
 */
function insertTimeline(t: TestApp) {
  const runner = t.dataSource.createQueryRunner();
  const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
  void runner.release();
  const original = proto.query;
  const events: Array<{ kind: 'sent' | 'done'; chunk: number; bound?: boolean; failed?: boolean }> = [];
  const columns: string[][] = [];
  let chunk = 0;
  const spy = jest.spyOn(proto, 'query').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (!INSERT_TASKS.test(String(args[0]))) return result;
    const n = chunk++;
    events.push({ kind: 'sent', chunk: n, bound: args[1] === undefined });
    columns.push(/^INSERT INTO tasks \(([^)]*)\)/.exec(String(args[0]))![1].split(', '));
    return result.then(
      (value) => {
        events.push({ kind: 'done', chunk: n });
        return value;
      },
      (error: unknown) => {
        events.push({ kind: 'done', chunk: n, failed: true });
        throw error;
      },
    );
  });
  return { events, columns, restore: () => spy.mockRestore() };
}

function batchOf(n: number, title: (i: number) => string = (i) => `t${i}`) {
  return Array.from({ length: n }, (_, i) => ({
    id: `temp://${i}`,
    parent: i % 10 === 0 ? null : `temp://${i - 1}`,
    text: title(i),
  }));
}

// A clone's rows go in chunks of 1,000. Where the driver writes values into the statement
// (MySQL/MariaDB) the service binds the next chunk while the database writes the one ahead, and
// sends it only once that one succeeded: after a deadlock the server has already rolled the
// transaction back, and a statement queued behind the failed one would commit on its own.
describeEachDialect('POST /todo/clone in chunks', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  jest.setTimeout(60_000);

  it('sends each chunk once the one ahead is answered, its values bound ahead where rows lock', async () => {
    const [target] = await makeTasks(t(), account, [{ text: 'target' }]);
    const timeline = insertTimeline(t());
    try {
      const res = await api.post('/clone', { targetId: target, batch: batchOf(2500) });
      expect(res.statusCode).toBe(200);
    } finally {
      timeline.restore();
    }
    const { events } = timeline;
    expect(events.filter((e) => e.kind === 'sent')).toHaveLength(3);
    for (let k = 1; k < 3; k++) {
      const sent = events.findIndex((e) => e.kind === 'sent' && e.chunk === k);
      const aheadDone = events.findIndex((e) => e.kind === 'done' && e.chunk === k - 1);
      expect(aheadDone).toBeGreaterThanOrEqual(0);
      expect(aheadDone).toBeLessThan(sent);
    }
    const rowLocks = t().db.sql.rowLocks;
    expect(events.filter((e) => e.kind === 'sent').map((e) => e.bound)).toEqual([
      rowLocks,
      rowLocks,
      rowLocks,
    ]);
    const tasks = await storedTasks(t(), account.id);
    expect(tasks).toHaveLength(2501);
    expect(tasks.filter((x) => x.text === 't1500')).toHaveLength(1);
  });

  it('leaves out of a chunk the nullable columns none of its rows has a value for', async () => {
    const [target] = await makeTasks(t(), account, [{ text: 'target' }]);
    // Parents go first, a level at a time: the 250 trees' sixth level (i % 10 === 5) is rows
    // 1,250 to 1,499, all in the second chunk; only they have a due date.
    const batch = batchOf(2500).map((task, i) =>
      i % 10 === 5 ? { ...task, due_date: '2031-01-02T03:04:05.000Z' } : task,
    );
    const timeline = insertTimeline(t());
    try {
      const res = await api.post('/clone', { targetId: target, batch });
      expect(res.statusCode).toBe(200);
    } finally {
      timeline.restore();
    }
    expect(timeline.columns.map((c) => c.includes('due_at'))).toEqual([false, true, false]);
    for (const c of timeline.columns) {
      expect(c).not.toContain('priority');
      expect(c).toEqual(expect.arrayContaining(['id', 'title', 'closed', 'created_at', 'revision']));
    }
    const rows = (await t().dataSource.query(
      'SELECT title, due_at, priority, extra FROM tasks WHERE account_id = ? AND title <> ?',
      [account.id, 'target'],
    )) as Array<{ title: string; due_at: unknown; priority: unknown; extra: unknown }>;
    expect(rows).toHaveLength(2500);
    const dated = rows.filter((r) => r.due_at !== null).map((r) => Number(r.title.slice(1)));
    expect(dated.sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, k) => k * 10 + 5));
    expect(rows.filter((r) => r.priority !== null || r.extra !== null)).toEqual([]);
    const due = await api.json<Array<{ text: string; due_date?: string }>>('/tasks');
    expect(due.find((x) => x.text === 't1505')?.due_date).toBe('2031-01-02T03:04:05.000Z');
  });

  it('stops at a chunk that fails: no chunk after it is sent, nothing is written', async () => {
    const [target] = await makeTasks(t(), account, [{ text: 'target' }]);
    const before = await storedTasks(t(), account.id);
    // A server-side failure in the second chunk's rows: parents go first, a level at a time, so
    // the 250 trees' sixth level is rows 1,250 to 1,499.
    const trigger =
      t().dialect === 'mysql'
        ? "CREATE TRIGGER chunk_fault BEFORE INSERT ON tasks FOR EACH ROW BEGIN IF NEW.title = 'fault' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'fault'; END IF; END"
        : "CREATE TRIGGER chunk_fault BEFORE INSERT ON tasks WHEN NEW.title = 'fault' BEGIN SELECT RAISE(ABORT, 'fault'); END";
    await t().dataSource.query(trigger);
    const timeline = insertTimeline(t());
    try {
      const res = await api.post('/clone', {
        targetId: target,
        batch: batchOf(2500, (i) => (i === 1505 ? 'fault' : `t${i}`)),
      });
      expect(res.statusCode).toBe(500);
      expect(res.headers['x-todo-error']).toBe('INTERNAL');
      expect(res.headers['x-request-id']).toBeDefined();
    } finally {
      timeline.restore();
      await t().dataSource.query('DROP TRIGGER chunk_fault');
    }
    expect(timeline.events).toEqual([
      { kind: 'sent', chunk: 0, bound: t().db.sql.rowLocks },
      { kind: 'done', chunk: 0 },
      { kind: 'sent', chunk: 1, bound: t().db.sql.rowLocks },
      { kind: 'done', chunk: 1, failed: true },
    ]);
    expect(await storedTasks(t(), account.id)).toEqual(before);
  });
});
