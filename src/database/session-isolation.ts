import { answersAfter } from './multi-statement';

/** The levels TypeORM names in `SET TRANSACTION ISOLATION LEVEL …` (its IsolationLevel type). */
const NEXT_LEVEL =
  /^SET TRANSACTION ISOLATION LEVEL (READ UNCOMMITTED|READ COMMITTED|REPEATABLE READ|SERIALIZABLE)$/;
const SESSION_LEVEL =
  /^SET SESSION TRANSACTION ISOLATION LEVEL (READ UNCOMMITTED|READ COMMITTED|REPEATABLE READ|SERIALIZABLE)$/;
const START = 'START TRANSACTION';

type Callback = (error: Error | null, ...results: unknown[]) => void;
type Query = (sql: unknown, values?: unknown, callback?: Callback) => unknown;
/** A mysql2 connection as seen here (method syntax: its own signature is narrower). */
interface Queryable {
  query(sql: unknown, values?: unknown, callback?: Callback): unknown;
}

/** What a statement answered locally returns to TypeORM (it reads only `affectedRows`). */
const LOCAL_OK = Object.freeze({ affectedRows: 0, insertId: 0, warningStatus: 0 });

/**
 * The statement that puts a session back at the server's level. MariaDB names the variable
 * `tx_isolation` (`transaction_isolation` only from 11.1 on, where the old name stays); MySQL
 * `transaction_isolation` (from 5.7.20; 8.0 dropped `tx_isolation`).
 */
export function restoreIsolationSql(mariaDb: boolean): string {
  return `SET SESSION ${mariaDb ? 'tx_isolation' : 'transaction_isolation'} = DEFAULT`;
}

/**
 * Sends a connection's isolation level only when it changes. TypeORM starts a transaction with a
 * level as `SET TRANSACTION ISOLATION LEVEL x` then `START TRANSACTION`: two round trips, since
 * `START TRANSACTION` cannot carry a level on MySQL. Here that SET is held back, and at the
 * `START TRANSACTION` that follows the session's own level is set to x, once, if it is not x
 * already; a transaction without a level puts the session back at the server's level first, if
 * it had been changed. So every transaction still runs at the level it asks for (or the server's),
 * and a connection that serves transactions of one level sends none after its first.
 *
 * Statements outside a transaction run at the session's level, READ COMMITTED or the server's:
 * each is a transaction of its own, whose plain reads see the rows committed when it starts at
 * either level, and whose locking reads and writes the latest committed rows. What differs is
 * only which gaps it locks until its own end, and that `INSERT … SELECT` does not lock its source
 * rows at READ COMMITTED; no statement of ours outside a transaction relies on either.
 *
 * The level of a session is known only when set through here (or by `SET SESSION TRANSACTION
 * ISOLATION LEVEL x` sent through the same connection); a failed SET leaves it unknown, and the
 * next transaction sets it again. A held-back SET followed by anything but `START TRANSACTION` is
 * sent as it was, before that statement.
 *
 * `START TRANSACTION` itself is answered here and sent in one text with the transaction's first
 * statement (`START TRANSACTION; <statement>`, the pool's `multipleStatements`), whose answer the
 * caller gets: its own answer tells nothing, and a round trip for it alone is a wait for a turn
 * of a busy event loop before the transaction's first real statement can go. A transaction
 * whose first statement is its COMMIT or ROLLBACK began nothing on the server: that is answered
 * here too.
 */
export function cacheIsolation(connection: Queryable, mariaDb: boolean): void {
  const query = connection.query.bind(connection) as Query;
  // null: the server's level, as the connection began; undefined: unknown.
  let session: string | null | undefined = null;
  let next: string | undefined;
  // A START TRANSACTION answered here, to go with the next statement.
  let started = false;
  const setSession = (level: string | null, then: (error: Error | null) => void) =>
    query(
      level === null ? restoreIsolationSql(mariaDb) : `SET SESSION TRANSACTION ISOLATION LEVEL ${level}`,
      [],
      (error: Error | null) => {
        session = error ? undefined : level;
        then(error);
      },
    );

  connection.query = (sql: unknown, values?: unknown, callback?: Callback) => {
    const text = typeof sql === 'string' ? sql : (sql as { sql?: unknown } | null)?.sql;
    // mysql2's own pool passes command objects without a callback: those go as they are.
    if (typeof text !== 'string' || typeof callback !== 'function') {
      if (started) {
        started = false;
        query(START, [], () => {});
      }
      return query(sql, values, callback);
    }
    if (started) {
      started = false;
      if (text === 'COMMIT' || text === 'ROLLBACK') {
        process.nextTick(callback, null, LOCAL_OK);
        return undefined;
      }
      const both = `${START}; ${text}`;
      return query(
        typeof sql === 'string' ? both : { ...(sql as object), sql: both },
        values,
        (error, ...results) =>
          error ? callback(error) : callback(null, ...results.map((r) => answersAfter(r, 1))),
      );
    }
    const level = NEXT_LEVEL.exec(text)?.[1];
    if (level !== undefined) {
      next = level;
      process.nextTick(callback, null, LOCAL_OK);
      return undefined;
    }
    if (text === START) {
      const wanted = next ?? null;
      next = undefined;
      const hold = () => {
        started = true;
        process.nextTick(callback, null, LOCAL_OK);
      };
      if (session === wanted) hold();
      else setSession(wanted, (error) => (error ? callback(error) : hold()));
      return undefined;
    }
    if (next !== undefined) {
      const held = `SET TRANSACTION ISOLATION LEVEL ${next}`;
      next = undefined;
      query(held, [], (error: Error | null) => (error ? callback(error) : query(sql, values, callback)));
      return undefined;
    }
    const set = SESSION_LEVEL.exec(text)?.[1];
    if (set === undefined) return query(sql, values, callback);
    return query(sql, values, (error: Error | null, ...results: unknown[]) => {
      session = error ? undefined : set;
      callback(error, ...results);
    });
  };
}
