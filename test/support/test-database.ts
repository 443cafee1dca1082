import { randomBytes } from 'node:crypto';
import { Connection, createConnection } from 'mysql2/promise';
import { Dialect, parseDatabaseUrl } from '../../src/config/database.options';

/** The dialects this run covers: SQLite always, MySQL/MariaDB when TEST_DATABASE_URL names a server. */
export function testDialects(): Dialect[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'mysql'] : ['sqlite'];
}

/**
 * `describe` for a suite that needs a MariaDB server (several processes on one database, locks
 * SQLite does not have): skipped, with a warning, when TEST_DATABASE_URL is not set.
 */
export function describeOnMariaDb(name: string, suite: () => void): void {
  if (process.env.TEST_DATABASE_URL) return describe(name, suite);
  // Only when no server was asked for: with TEST_DATABASE_URL set, the suite always runs.
  console.warn(`skipped, TEST_DATABASE_URL is not set (MariaDB only): ${name}`);
  describe.skip(name, suite);
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file; the caller runs the migrations. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') return { url: 'sqlite::memory:', drop: async () => undefined };

  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const target = parseDatabaseUrl(serverUrl);
  const name = `cw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection({
    host: target.host,
    port: target.port,
    user: target.username,
    password: target.password,
  }).catch((error: Error) => {
    // Fail, never skip: a run that asked for MySQL/MariaDB must not pass without it.
    throw new Error(`TEST_DATABASE_URL is set but the server is unreachable: ${error.message}`);
  });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const conn = await createConnection({
        host: target.host,
        port: target.port,
        user: target.username,
        password: target.password,
      });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

/** A connection of the test's own to a test database's server (`url`: the database's), to read or hold rows. */
export function connectToDatabase(url: string): Promise<Connection> {
  const target = parseDatabaseUrl(url);
  return createConnection({
    host: target.host,
    port: target.port,
    user: target.username,
    password: target.password,
    database: target.database,
  });
}

export interface StoredOperation {
  status: string;
  lease_owner: string | null;
  attempts: number;
  details: string | null;
}

/** An operation's row as the test's own connection reads it: status, lease, attempts, details. */
export async function readOperation(conn: Connection, id: unknown): Promise<StoredOperation> {
  const [rows] = await conn.query(
    'SELECT status, lease_owner, attempts, details FROM operations WHERE id = ?',
    [id],
  );
  return (rows as StoredOperation[])[0];
}
