// Statements sent with the next one on their connection (MySQL/MariaDB): see WITH_NEXT.

import { ANSWERED_LATER, answersAfter } from './multi-statement';

type Callback = (error: Error | null, ...results: unknown[]) => void;
type Query = (sql: unknown, values?: unknown, callback?: Callback) => unknown;
interface Queryable {
  query(sql: unknown, values?: unknown, callback?: Callback): unknown;
  /** mysql2's: the statement with its values bound, as it would send it (the pool's queryFormat). */
  format(sql: string, values: unknown[]): string;
}

/**
 * A statement that starts with this comment is held by its connection and sent with the next
 * statement of that connection, in one text and one round trip (the pool's `multipleStatements`):
 * for statements of a transaction whose answers nobody reads (a write's last INSERT, which then
 * goes with its COMMIT). It is answered at once, with no answer of its own (nothing affected, no
 * insert id). If it fails, the server runs nothing after it and the next statement fails with its
 * error: the COMMIT fails, and the transaction rolls back as if it had failed itself. A ROLLBACK
 * drops what is held, as it never ran. On a connection that does not hold statements the comment
 * is only a comment: the statement runs at once.
 */
export const WITH_NEXT = '/* with next */ ';

/** Makes the connection hold statements marked WITH_NEXT for the next statement. */
export function holdStatements(connection: Queryable): void {
  const query = connection.query.bind(connection) as Query;
  // Each with its values bound when held: the texts then join as they are.
  let held: string[] = [];
  // The error of held statements sent on their own, for the next statement asked for.
  let failed: Error | null = null;

  connection.query = (sql: unknown, values?: unknown, callback?: Callback) => {
    const text = typeof sql === 'string' ? sql : (sql as { sql?: unknown } | null)?.sql;
    if (failed && typeof callback === 'function') {
      const error = failed;
      failed = null;
      if (text !== 'ROLLBACK') {
        process.nextTick(callback, error);
        return undefined;
      }
    }
    const own = values === undefined || values === null ? [] : Array.isArray(values) ? values : [values];
    if (typeof text === 'string' && typeof callback === 'function' && text.startsWith(WITH_NEXT)) {
      held.push(connection.format(text.slice(WITH_NEXT.length), own));
      process.nextTick(callback, null, ANSWERED_LATER);
      return undefined;
    }
    if (held.length === 0) return query(sql, values, callback);
    const before = held;
    held = [];
    if (text === 'ROLLBACK') return query(sql, values, callback);
    // mysql2's own pool and streamed reads pass commands without a callback: the held ones go
    // first, on their own. If they fail, the next statement asked for after (the COMMIT, once the
    // stream is read) fails with their error instead of running, as it would in their text.
    if (typeof text !== 'string' || typeof callback !== 'function') {
      query(before.join('; '), [], (error) => {
        if (error) failed = error;
      });
      return query(sql, values, callback);
    }
    const all = `${before.join('; ')}; ${connection.format(text, own)}`;
    return query(
      typeof sql === 'string' ? all : { ...(sql as object), sql: all },
      [],
      // The answers of the statement(s) asked for, the held ones' left out.
      (error, ...results) =>
        error ? callback(error) : callback(null, ...results.map((r) => answersAfter(r, before.length))),
    );
  };
}
