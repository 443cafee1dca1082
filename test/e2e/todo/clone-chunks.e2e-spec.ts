import * as mysql2 from 'mysql2';
import { makeTasks, storedTasks } from '../../factories/task.factory';
import { describeEachDialect, TestAccount, TestApp } from '../../support/test-app';
import { todoClient } from './todo-client';

const INSERT_TASKS = /^(\/\*[^*]*\*\/ )?INSERT INTO tasks\b/;

/**
 * Records, in order, when each `INSERT INTO tasks` is asked of TypeORM (`asked`, with whether its
 * values came bound into the text) and when it is answered or fails (`done`). Observes TypeORM's
 * query runner; nothing is replaced.
 */
function insertTimeline(t: TestApp) {
  const runner = t.dataSource.createQueryRunner();
  const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
  void runner.release();
  const original = proto.query;
  const events: Array<{ kind: 'asked' | 'done'; chunk: number; bound?: boolean; failed?: boolean }> = [];
  const columns: string[][] = [];
  let chunk = 0;
  const spy = jest.spyOn(proto, 'query').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (!INSERT_TASKS.test(String(args[0]))) return result;
    const n = chunk++;
    events.push({ kind: 'asked', chunk: n, bound: args[1] === undefined });
    columns.push(/INSERT INTO tasks \(([^)]*)\)/.exec(String(args[0]))![1].split(', '));
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

// mysql2 writes a command to the server when it starts it, only once the command ahead on its
// connection has ended (its answer read, 'end' emitted). Its Query class, from one it makes.
const Query = (
  mysql2 as unknown as { createQuery(sql: string, values: unknown[], cb: () => void, config: object): object }
).createQuery('', [], () => undefined, {}).constructor as {
  prototype: {
    sql?: string;
    start(...args: unknown[]): unknown;
    once(event: string, listener: () => void): void;
  };
};

/**
 * What reaches the server (MySQL/MariaDB): each text that holds an `INSERT INTO tasks` when mysql2
 * writes it (`sent`) and when its answer has been read (`answered`), in order. Nothing is replaced.
 */
function serverTimeline() {
  const original = Query.prototype.start;
  const events: Array<{ kind: 'sent' | 'answered'; chunk: number }> = [];
  let chunk = 0;
  const spy = jest.spyOn(Query.prototype, 'start').mockImplementation(function (
    this: typeof Query.prototype,
    ...args
  ) {
    if (typeof this.sql === 'string' && INSERT_TASKS.test(this.sql)) {
      const n = chunk++;
      events.push({ kind: 'sent', chunk: n });
      this.once('end', () => events.push({ kind: 'answered', chunk: n }));
    }
    return original.apply(this, args);
  });
  return { events, restore: () => spy.mockRestore() };
}

/** Fails unless each chunk reached the server only once the one ahead had been answered. */
function expectOneAfterAnother(events: Array<{ kind: 'sent' | 'answered'; chunk: number }>) {
  const sent = events.filter((e) => e.kind === 'sent').length;
  for (let k = 1; k < sent; k++) {
    const at = events.findIndex((e) => e.kind === 'sent' && e.chunk === k);
    const aheadAnswered = events.findIndex((e) => e.kind === 'answered' && e.chunk === k - 1);
    expect(aheadAnswered).toBeGreaterThanOrEqual(0);
    expect(aheadAnswered).toBeLessThan(at);
  }
}

function batchOf(n: number, title: (i: number) => string = (i) => `t${i}`) {
  return Array.from({ length: n }, (_, i) => ({
    id: `temp://${i}`,
    parent: i % 10 === 0 ? null : `temp://${i - 1}`,
    text: title(i),
  }));
}

// A clone's rows go in chunks of 1,000. Each chunk is asked for as soon as it is built, while the
// database writes the one ahead (where the driver writes values into the statement, MySQL/MariaDB,
// with its values bound then); the connection sends it once that one has answered, and after a
// deadlock sends nothing more of the transaction, which the server has already rolled back: a
// statement queued behind the failed one would commit on its own.
describeEachDialect('POST /todo/clone in chunks', (t) => {
  let account: TestAccount;
  const api = todoClient(t, () => account);

  beforeEach(async () => {
    account = await t().newAccount();
  });

  jest.setTimeout(60_000);

  it('asks for each chunk before the one ahead is answered; the server gets it once that one is, its values bound ahead where rows lock', async () => {
    const [target] = await makeTasks(t(), account, [{ text: 'target' }]);
    const timeline = insertTimeline(t());
    const server = serverTimeline();
    try {
      const res = await api.post('/clone', { targetId: target, batch: batchOf(2500) });
      expect(res.statusCode).toBe(200);
    } finally {
      timeline.restore();
      server.restore();
    }
    const { events } = timeline;
    expect(events.filter((e) => e.kind === 'asked')).toHaveLength(3);
    const rowLocks = t().db.sql.rowLocks;
    expect(events.filter((e) => e.kind === 'asked').map((e) => e.bound)).toEqual([
      rowLocks,
      rowLocks,
      rowLocks,
    ]);
    // SQLite runs a statement in process, as soon as it is asked for: nothing to overlap there.
    if (rowLocks) {
      for (let k = 1; k < 3; k++) {
        const asked = events.findIndex((e) => e.kind === 'asked' && e.chunk === k);
        const aheadDone = events.findIndex((e) => e.kind === 'done' && e.chunk === k - 1);
        expect(asked).toBeLessThan(aheadDone);
      }
      expect(server.events.filter((e) => e.kind === 'sent')).toHaveLength(3);
      expectOneAfterAnother(server.events);
    }
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

  /** A trigger that fails the INSERT of a row titled 'fault' with `signal` (MySQL) or an abort (SQLite). */
  async function faultOn(signal: string): Promise<() => Promise<void>> {
    const trigger =
      t().dialect === 'mysql'
        ? `CREATE TRIGGER chunk_fault BEFORE INSERT ON tasks FOR EACH ROW BEGIN IF NEW.title = 'fault' THEN SIGNAL ${signal}; END IF; END`
        : "CREATE TRIGGER chunk_fault BEFORE INSERT ON tasks WHEN NEW.title = 'fault' BEGIN SELECT RAISE(ABORT, 'fault'); END";
    await t().dataSource.query(trigger);
    return async () => {
      await t().dataSource.query('DROP TRIGGER chunk_fault');
    };
  }

  /**
   * A clone of 3,500 tasks whose row 1,505 (in the second chunk: parents go first, a level at a
   * time, so the 250 trees' sixth level is rows 1,250 to 1,499) makes the server raise `signal`,
   * with what the driver and the server saw of its chunks.
   */
  async function faultedClone(signal: string) {
    const [target] = await makeTasks(t(), account, [{ text: 'target' }]);
    const before = await storedTasks(t(), account.id);
    const drop = await faultOn(signal);
    const timeline = insertTimeline(t());
    const server = serverTimeline();
    try {
      const res = await api.post('/clone', {
        targetId: target,
        batch: batchOf(3500, (i) => (i === 1505 ? 'fault' : `t${i}`)),
      });
      return { res, before, timeline, server };
    } finally {
      timeline.restore();
      server.restore();
      await drop();
    }
  }

  it('stops at a chunk that fails: at most the chunk asked for behind it reaches the server, nothing is written', async () => {
    // A server-side failure in the second chunk's rows.
    const { res, before, timeline, server } = await faultedClone(
      "SQLSTATE '45000' SET MESSAGE_TEXT = 'fault'",
    );
    expect(res.statusCode).toBe(500);
    expect(res.headers['x-todo-error']).toBe('INTERNAL');
    expect(res.headers['x-request-id']).toBeDefined();
    // Asked for: the failed chunk and the one after it, built while the database wrote the failed one.
    const asked = timeline.events.filter((e) => e.kind === 'asked').map((e) => e.chunk);
    expect(asked).toEqual([0, 1, 2]);
    expect(timeline.events).toContainEqual({ kind: 'done', chunk: 1, failed: true });
    if (t().db.sql.rowLocks) {
      expect(server.events.filter((e) => e.kind === 'sent').length).toBeLessThanOrEqual(3);
      expectOneAfterAnother(server.events);
    }
    expect(await storedTasks(t(), account.id)).toEqual(before);
  });

  if (process.env.TEST_DATABASE_URL) {
    it('after a deadlock in a chunk, sends nothing more of that transaction, and runs it again whole [mysql]', async () => {
      if (t().dialect !== 'mysql') return;
      // The server's answer to a deadlock (1213), given for the second chunk of every attempt.
      const { res, before, timeline, server } = await faultedClone(
        "SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'deadlock'",
      );
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
      // Every attempt: its first chunk answered, its second failed, nothing after it sent.
      const sent = server.events.filter((e) => e.kind === 'sent').map((e) => e.chunk);
      const attempts = sent.length / 2;
      expect(attempts).toBeGreaterThan(1);
      expect(Number.isInteger(attempts)).toBe(true);
      expectOneAfterAnother(server.events);
      const failedChunks = timeline.events.filter((e) => e.kind === 'done' && e.failed).length;
      // The second of each attempt failed with the deadlock, the third was never sent.
      expect(failedChunks).toBe(2 * attempts);
      expect(await storedTasks(t(), account.id)).toEqual(before);
    });
  }
});
