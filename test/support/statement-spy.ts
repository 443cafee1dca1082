import { WITH_NEXT } from '../../src/database/held-statements';
import type { TestApp } from './test-app';

/**
 * Records the SQL the app sends through TypeORM query runners, grouped by runner, so a test can
 * count the statements of one request. Background work (the operations runner polls) runs on its
 * own runners; `touching` keeps only the runners that used one of the named tables.
 */
/**
 * The statements of one call of a query runner: where several were sent in one text (sendTogether,
 * `a; b`), each on its own, and without the mark of a statement held for the next (WITH_NEXT). The text is TypeORM's, before values are bound: no `;` of a value in it.
 */
function statementsOf(text: unknown): string[] {
  return String(text).replace(WITH_NEXT, '').split(/;\s+/);
}

/**
 * A spy on every query runner's `query` (the prototype all of the app's runners share): each call
 * is one text as sent, perhaps several statements; its context is the runner that sent it.
 */
export function spyQueryCalls(t: TestApp) {
  const runner = t.dataSource.createQueryRunner();
  const proto = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
  void runner.release();
  return jest.spyOn(proto, 'query');
}

export function spyStatements(t: TestApp) {
  const spy = spyQueryCalls(t);
  return {
    /** Statements run by `work` on runners that touched one of `tables`, but those `ignore` matches. */
    async count(work: () => Promise<unknown>, tables: string[], ignore?: RegExp): Promise<number> {
      spy.mockClear();
      await work();
      const byRunner = new Map<unknown, string[]>();
      spy.mock.calls.forEach((args, i) => {
        const context = spy.mock.contexts[i];
        for (const sql of statementsOf(args[0])) {
          if (ignore?.test(sql)) continue;
          byRunner.set(context, [...(byRunner.get(context) ?? []), sql]);
        }
      });
      const pattern = new RegExp(`\\b(${tables.join('|')})\\b`);
      return [...byRunner.values()]
        .filter((sqls) => sqls.some((sql) => pattern.test(sql)))
        .reduce((n, sqls) => n + sqls.length, 0);
    },
    /** The statements run by `work` that name one of `tables`. */
    async matching(work: () => Promise<unknown>, tables: string[]): Promise<string[]> {
      spy.mockClear();
      await work();
      const pattern = new RegExp(`\\b(${tables.join('|')})\\b`);
      return spy.mock.calls.flatMap((args) => statementsOf(args[0])).filter((sql) => pattern.test(sql));
    },
    /** What `work` returned, and every statement it ran, on any runner. */
    async all<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
      spy.mockClear();
      const result = await work();
      return { result, statements: spy.mock.calls.flatMap((args) => statementsOf(args[0])) };
    },
    restore: () => spy.mockRestore(),
  };
}
