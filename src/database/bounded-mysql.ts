import * as mysql2 from 'mysql2';
import { holdStatements } from './held-statements';
import { cacheIsolation } from './session-isolation';
import { stopAfterRollback } from './stop-after-rollback';

/** Time limits on the MySQL/MariaDB pool (0 means none); read on every use, so they can change. */
export interface DatabaseBounds {
  /** Longest wait for a free connection of the pool. */
  acquireTimeoutMs: number;
  /** Longest wait for one statement's answer; the connection is then closed. */
  queryTimeoutMs: number;
}

const BOUNDS = new WeakMap<object, DatabaseBounds>();

/** The bounds a driver made by boundedMysqlDriver reads (undefined for any other driver). */
export function boundsOfDriver(driver: unknown): DatabaseBounds | undefined {
  return typeof driver === 'object' && driver ? BOUNDS.get(driver) : undefined;
}

/** The error of a pool that gave no connection in time (mysql2 itself waits forever). */
export const ACQUIRE_TIMEOUT_CODE = 'DATABASE_ACQUIRE_TIMEOUT';

type QueryCallback = (error: (Error & { code?: string }) | null, ...results: unknown[]) => void;
type QueryOptions = { sql: string; timeout?: number } & Record<string, unknown>;
interface BoundedConnection {
  query(sql: string | QueryOptions, values?: unknown, callback?: QueryCallback): unknown;
  format(sql: string, values: unknown[]): string;
  destroy(): void;
  /** The server's greeting (mysql2 keeps it under this name). */
  _handshakePacket?: { serverVersion?: string } | null;
}

/**
 * What every new connection runs first, so that a read of rows by a long list of ids (our chunks
 * are 1,000 ids: CHUNK, COPY_CHUNK_TASKS) reads them by index even in a transaction that has just
 * inserted many rows, where the tables' statistics are far behind:
 *  - `eq_range_index_dive_limit = 0`: the optimizer counts the rows of each listed value in the
 *    index itself. By default, from 200 values on, it estimates them from the statistics instead,
 *    which then say every value has most of the table, and it scans the table whole.
 *  - MariaDB only, `in_predicate_conversion_threshold = 0`: an IN list stays an IN list. By
 *    default MariaDB turns one of 1,000 values or more into a join with a table of the values,
 *    estimated from the same statistics. MySQL has neither the conversion nor the variable.
 */
export function sessionSql(mariaDb: boolean): string {
  return mariaDb
    ? 'SET SESSION eq_range_index_dive_limit = 0, in_predicate_conversion_threshold = 0'
    : 'SET SESSION eq_range_index_dive_limit = 0';
}

/** Whether a server greeting's version string is MariaDB's (e.g. `5.5.5-10.11.6-MariaDB-0+deb12u1`). */
export function isMariaDbVersion(version: string | undefined): boolean {
  return /mariadb/i.test(version ?? '');
}

/** What the pool options (TypeORM's `extra`) may add for this driver; mysql2 never sees them. */
export interface PoolExtras {
  /**
   * Whether each connection keeps the isolation level of its last transaction as its session's
   * and sends a level only when it changes (session-isolation.ts); default true. Worth it where
   * most transactions ask for one level (the requests' pool, where every To Do write runs at
   * READ COMMITTED); not where a few do among many that ask for none (the job service's claims
   * among its handlers' transactions): each change back would cost a statement.
   */
  sessionIsolation?: boolean;
}

/**
 * mysql2 for TypeORM's `driver` option, with the bounds mysql2 lacks: it has a connect timeout
 * (`connectTimeout`, passed as usual) but a pool that queues a caller forever while every
 * connection is busy, and a per-query `timeout` that answers the caller yet leaves the connection
 * in the pool waiting for the late answer. Here a caller waits at most `acquireTimeoutMs` for a
 * connection, and a statement unanswered after `queryTimeoutMs` closes its connection: the server
 * then rolls its transaction back, and no later caller gets a connection stuck behind it.
 */
export function boundedMysqlDriver(bounds: DatabaseBounds): typeof mysql2 {
  const driver = {
    ...mysql2,
    createPool(given: mysql2.PoolOptions & PoolExtras) {
      const { sessionIsolation = true, ...options } = given;
      const pool = mysql2.createPool(options);
      const getConnection = pool.getConnection.bind(pool);
      pool.getConnection = (callback) => {
        const limit = bounds.acquireTimeoutMs;
        if (limit <= 0) return getConnection(callback);
        let waiting = true;
        const timer = setTimeout(() => {
          waiting = false;
          const error: NodeJS.ErrnoException = new Error(`No database connection free within ${limit} ms`);
          error.code = ACQUIRE_TIMEOUT_CODE;
          callback(error, undefined as unknown as mysql2.PoolConnection);
        }, limit);
        // A caller still waits for it; a process that is ending does not.
        timer.unref();
        getConnection((error, connection) => {
          if (!waiting) {
            // Given up on already: hand it to the next caller.
            connection?.release();
            return;
          }
          waiting = false;
          clearTimeout(timer);
          callback(error, connection);
        });
      };
      pool.on('connection', (connection) => {
        const bounded = connection as unknown as BoundedConnection;
        boundQueries(bounded, bounds);
        const mariaDb = isMariaDbVersion(bounded._handshakePacket?.serverVersion);
        if (sessionIsolation) cacheIsolation(bounded, mariaDb);
        holdStatements(bounded);
        // Outermost: it sees each statement as TypeORM asks for it, START TRANSACTION and COMMIT too.
        stopAfterRollback(bounded);
        // Queued ahead of the statement the connection was made for. A server that does not know
        // a variable (MariaDB before 10.3.18) answers an error and keeps its defaults.
        bounded.query(sessionSql(mariaDb), [], () => {});
      });
      return pool;
    },
  } as typeof mysql2;
  BOUNDS.set(driver, bounds);
  return driver;
}

function boundQueries(connection: BoundedConnection, bounds: DatabaseBounds): void {
  const query = connection.query.bind(connection);
  connection.query = (sql, values, callback) => {
    const timeout = bounds.queryTimeoutMs;
    if (timeout <= 0 || typeof callback !== 'function') return query(sql, values, callback);
    const options: QueryOptions = typeof sql === 'string' ? { sql, timeout } : { ...sql, timeout };
    let answered = false;
    return query(options, values, (error, ...results) => {
      // mysql2 reports the closed connection to the timed-out statement a second time.
      if (answered) return;
      answered = true;
      if (error?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
      callback(error, ...results);
    });
  };
}
