import { ACQUIRE_TIMEOUT_CODE } from './bounded-mysql';

// Errors that say nothing about the request and everything about reaching the database: the
// server is down, unreachable, hung (a bound ran out) or refusing connections. Answered 503.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  ACQUIRE_TIMEOUT_CODE,
  // SQLite: another process held the file's write lock longer than busy_timeout.
  'SQLITE_BUSY',
]);

interface DriverFailure {
  code?: unknown;
  fatal?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/**
 * True when the error (or the driver error TypeORM wrapped in it) means the database could not
 * be reached or did not answer in time, rather than that it refused this statement. mysql2 marks
 * every error that ended its connection `fatal` (a command on a connection it already closed has
 * no code, only that mark).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as DriverFailure | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (e.fatal === true) return true;
    e = (e.driverError ?? e.cause) as DriverFailure | undefined;
  }
  return false;
}
