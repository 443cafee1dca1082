// A transaction's statements held back until the one ahead has answered, and failed instead of
// sent once the server has rolled the transaction back (MySQL/MariaDB). See stopAfterRollback.

import { WITH_NEXT } from './held-statements';

type Callback = (error: Error | null, ...results: unknown[]) => void;
type Query = (sql: unknown, values?: unknown, callback?: Callback) => unknown;
interface Queryable {
  query(sql: unknown, values?: unknown, callback?: Callback): unknown;
}
/** What mysql2 says of a statement the server refused. */
interface ServerError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
}
/** A mysql2 command, as returned for a statement sent without a callback (a streamed read). */
interface Command {
  once(event: 'end' | 'error', listener: () => void): unknown;
}

/**
 * Errors after which the server has rolled the whole transaction back, or may have: a deadlock
 * always; a lock wait timeout where `innodb_rollback_on_timeout` is on (elsewhere it undoes only
 * its statement, and the transaction fails anyway, since every caller gives up on it).
 */
const ENDS_TRANSACTION = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

interface Waiting {
  sql: unknown;
  values: unknown;
  callback: Callback;
}

/**
 * Makes a connection send a transaction's statements one after another, each once the one ahead
 * has answered, and none after a deadlock. Statements of one transaction may be asked for at once
 * (allDone); mysql2 would queue them and send each as the one ahead ends, failed or not. After a
 * deadlock the server has rolled the transaction back and the session is no longer in one, so a
 * write queued behind the failed statement would run, and commit, on its own: half a copy, kept.
 * Here the queue is this connection's own: once a statement fails with an error that ends the
 * transaction, every statement of it still waiting, and every one asked for after, up to its
 * ROLLBACK (or a new START TRANSACTION), fails with that error's code and is never sent (the
 * COMMIT too), so the caller's transaction fails and, on a deadlock, is retried whole
 * (Database.transaction).
 *
 * Nothing waits longer than it did: mysql2 too sends a connection's next statement only once it
 * has read the answer ahead. Outside a transaction every statement goes on at once, as before, and
 * so does a statement held for the next (WITH_NEXT) that none waits ahead of: it is not sent.
 *
 * A statement without a callback (a streamed read, or mysql2's own pool's commands) must be handed
 * on at once, since its caller reads the command returned: it goes after the ones waiting, which
 * are handed on first, and those no longer wait for one another. None of ours streams while
 * statements of its transaction are waiting.
 */
export function stopAfterRollback(connection: Queryable): void {
  const query = connection.query.bind(connection) as Query;
  let inTransaction = false;
  // Statements handed on whose answer has not come yet.
  let unanswered = 0;
  const waiting: Waiting[] = [];
  // The error that ended the transaction, until its ROLLBACK.
  let rolledBack: ServerError | null = null;

  const handOn = ({ sql, values, callback }: Waiting) => {
    const text = typeof sql === 'string' ? sql : (sql as { sql?: unknown } | null)?.sql;
    const start = text === 'START TRANSACTION';
    // A START after a rollback with no ROLLBACK sent begins afresh: the server is in no transaction.
    if (rolledBack && text !== 'ROLLBACK' && !start) {
      process.nextTick(callback, notSent(rolledBack));
      return;
    }
    if (start || text === 'COMMIT' || text === 'ROLLBACK') {
      inTransaction = start;
      rolledBack = null;
    }
    const inOne = inTransaction;
    unanswered++;
    query(sql, values, (error, ...results) => {
      unanswered--;
      // A START that failed began nothing: what follows is not held for it.
      if (start && error) inTransaction = false;
      else if (inOne && error && ENDS_TRANSACTION.has((error as ServerError).code ?? '')) rolledBack = error;
      callback(error, ...results);
      next();
    });
  };
  const next = () => {
    while (waiting.length > 0 && !(inTransaction && unanswered > 0)) handOn(waiting.shift()!);
  };

  connection.query = (sql: unknown, values?: unknown, callback?: Callback) => {
    if (typeof callback === 'function') {
      // A statement held for the next one (held-statements.ts) goes nowhere yet: with nothing
      // waiting ahead of it, it is held at once, behind the one on the wire, and its caller goes
      // on building (a copy's related rows while its tasks are written). Its failure, or that of
      // the one on the wire, fails the next statement sent, as before.
      if (waiting.length === 0 && isHeld(sql)) {
        handOn({ sql, values, callback });
        return undefined;
      }
      waiting.push({ sql, values, callback });
      next();
      return undefined;
    }
    while (waiting.length > 0) handOn(waiting.shift()!);
    const command = query(sql, values, callback) as Command | undefined;
    if (typeof command?.once === 'function') {
      unanswered++;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        unanswered--;
        next();
      };
      command.once('end', end);
      command.once('error', end);
    }
    return command;
  };
}

function isHeld(sql: unknown): boolean {
  const text = typeof sql === 'string' ? sql : (sql as { sql?: unknown } | null)?.sql;
  return typeof text === 'string' && text.startsWith(WITH_NEXT);
}

/** The error of a statement not sent because its transaction had already been rolled back. */
function notSent(cause: ServerError): ServerError {
  const error: ServerError = new Error(
    `Not sent: the transaction had been rolled back by an earlier statement (${cause.code}: ${cause.message})`,
    { cause },
  );
  error.code = cause.code;
  error.errno = cause.errno;
  error.sqlState = cause.sqlState;
  return error;
}
