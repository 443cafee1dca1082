import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { boundedMysqlDriver, DatabaseBounds } from '../database/bounded-mysql';
import { formatStatement } from '../database/sql-format';
import { ALL_ENTITIES } from '../database/entity-list';
import { ALL_MIGRATIONS } from '../database/migration-list';

export type Dialect = 'mysql' | 'sqlite';

export interface DatabaseTarget {
  dialect: Dialect;
  /** For MySQL/MariaDB: parsed connection parts. For SQLite: the file path or ':memory:'. */
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  database: string;
}

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    return { dialect: 'sqlite', database: path === ':memory:' ? path : resolve(path) };
  }
  const parsed = new URL(url);
  return {
    dialect: 'mysql',
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.replace(/^\//, ''),
  };
}

export interface PoolSettings {
  poolSize: number;
  connectTimeoutMs: number;
  /** Read on every use: DatabaseModule sets the statement bound once the migrations have run. */
  bounds: DatabaseBounds;
}

/** For one-off tools (the CLI's migrations): a small pool, no bound on how long a statement runs. */
export const TOOL_POOL: PoolSettings = {
  poolSize: 2,
  connectTimeoutMs: 10000,
  bounds: { acquireTimeoutMs: 0, queryTimeoutMs: 0 },
};

export function databaseOptions(url: string, pool: PoolSettings): DataSourceOptions {
  const target = parseDatabaseUrl(url);
  const common = {
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false as const,
  };
  if (target.dialect === 'sqlite') {
    if (target.database !== ':memory:') mkdirSync(dirname(target.database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.database,
      // WAL lets readers in other processes (the CLI) work while the service writes.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    database: target.database,
    charset: 'utf8mb4_unicode_ci',
    // Every DATETIME(3) column holds UTC; mysql2 converts with this offset both ways.
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectorPackage: 'mysql2',
    driver: boundedMysqlDriver(pool.bounds),
    connectTimeout: pool.connectTimeoutMs,
    poolSize: pool.poolSize,
    extra: {
      connectionLimit: pool.poolSize,
      waitForConnections: true,
      enableKeepAlive: true,
      // A transaction's START TRANSACTION goes in one text with its first statement
      // (session-isolation.ts), and a write sends statements that wait for no answer together
      // (sendTogether). Every value is still bound by queryFormat, never spliced by a caller.
      multipleStatements: true,
      // The same text as mysql2's own format, built with less CPU and garbage (sql-format.ts).
      queryFormat: formatStatement,
    },
  };
}
