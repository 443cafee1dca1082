import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, Pool, PoolConnection } from 'mysql2/promise';
import { Dialect, parseDatabaseUrl } from '../../src/config/database.options';
import { tempDir } from './processes';
import { createTestApp, TestApp } from './test-app';
import { createTestDatabase, TestDatabase } from './test-database';

/**
 * Copies of one database, for a suite that boots many apps each on a database in the same state
 * (the Swagger examples: each on a freshly seeded one) without migrating and filling each anew.
 * `prepare` fills the template once, through an app booted on it; every copy then holds exactly
 * its rows, auto-increment counters included, under the schema the migrations made.
 */
export interface DatabaseCopies {
  /** A database in the template's state, for one app (`createTestApp`'s `database`); drop() hands it back. */
  copy(): Promise<TestDatabase>;
  close(): Promise<void>;
}

/** A database that outlives the app booted on it. */
const kept = (url: string): TestDatabase => ({ url, drop: async () => undefined });

export async function databaseCopies(
  dialect: Dialect,
  prepare: (t: TestApp) => Promise<void>,
): Promise<DatabaseCopies> {
  return dialect === 'sqlite' ? sqliteCopies(prepare) : mysqlCopies(prepare);
}

async function prepared(database: TestDatabase, dialect: Dialect, prepare: (t: TestApp) => Promise<void>) {
  const t = await createTestApp(dialect, {}, { database });
  try {
    await prepare(t);
  } finally {
    await t.close();
  }
}

/** SQLite: a copy of the template's file (written whole when its app closed: no WAL left). */
async function sqliteCopies(prepare: (t: TestApp) => Promise<void>): Promise<DatabaseCopies> {
  const dir = tempDir('cloneworks-copies-');
  const template = join(dir, 'template.sqlite');
  await prepared(kept(`sqlite:${template}`), 'sqlite', prepare);
  if (existsSync(`${template}-wal`)) throw new Error('the template database still has a write-ahead log');
  let copies = 0;
  return {
    copy: async () => {
      const file = join(dir, `copy-${++copies}.sqlite`);
      copyFileSync(template, file);
      return {
        url: `sqlite:${file}`,
        drop: async () => {
          for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
        },
      };
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

interface TableOfTemplate {
  name: string;
  /** The columns an INSERT may write (not the generated ones), quoted. */
  columns: string;
}

/** The next auto-increment value of every table of `schema` that has one. */
async function counters(db: PoolConnection, schema: string): Promise<Array<{ name: string; next: number }>> {
  // MySQL 8 serves these figures from a cache for a day unless told not to; MariaDB reads them
  // live and has no such setting.
  await db.query('SET SESSION information_schema_stats_expiry = 0').catch(() => undefined);
  const [rows] = await db.query(
    `SELECT TABLE_NAME AS name, AUTO_INCREMENT AS next FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND AUTO_INCREMENT IS NOT NULL`,
    [schema],
  );
  return (rows as Array<{ name: string; next: number | string }>).map((r) => ({
    name: r.name,
    next: Number(r.next),
  }));
}

/**
 * MySQL/MariaDB: a few databases, each migrated once and then refilled from the template by DML
 * for every copy. Creating and dropping a database of some forty tables for each copy is DDL that
 * a loaded server runs slowly; the only DDL per copy here resets the auto-increment counters.
 */
async function mysqlCopies(prepare: (t: TestApp) => Promise<void>): Promise<DatabaseCopies> {
  const template = await createTestDatabase('mysql');
  const server = parseDatabaseUrl(process.env.TEST_DATABASE_URL!);
  const pool: Pool = createPool({
    host: server.host,
    port: server.port,
    user: server.username,
    password: server.password,
    connectionLimit: 4,
  });
  const made: TestDatabase[] = [template];
  try {
    await prepared(kept(template.url), 'mysql', prepare);
    const source = nameOf(template);
    const [tableRows] = await pool.query(
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
      [source],
    );
    const reader = await pool.getConnection();
    const templateCounters = new Map(
      (await counters(reader, source).finally(() => reader.release())).map(
        ({ name, next }) => [name, next] as const,
      ),
    );
    const [columnRows] = await pool.query(
      `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ? AND EXTRA NOT LIKE '%GENERATED%' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [source],
    );
    const columns = columnRows as Array<{ tableName: string; name: string }>;
    const tables: TableOfTemplate[] = (tableRows as Array<{ name: string }>).map((t) => ({
      name: t.name,
      columns: columns
        .filter((c) => c.tableName === t.name)
        .map((c) => `\`${c.name}\``)
        .join(', '),
    }));

    const idle: TestDatabase[] = [];
    const refill = async (target: string) => {
      const conn = await pool.getConnection();
      try {
        await conn.query('SET FOREIGN_KEY_CHECKS = 0');
        await conn.query('START TRANSACTION');
        for (const t of tables) await conn.query(`DELETE FROM \`${target}\`.\`${t.name}\``);
        for (const t of tables) {
          await conn.query(
            `INSERT INTO \`${target}\`.\`${t.name}\` (${t.columns}) SELECT ${t.columns} FROM \`${source}\`.\`${t.name}\``,
          );
        }
        await conn.query('COMMIT');
        // DELETE leaves a counter where it was: set back those that the last app moved (DDL, so
        // only where needed).
        for (const { name, next } of await counters(conn, target)) {
          const wanted = templateCounters.get(name);
          if (wanted !== undefined && next !== wanted)
            await conn.query(`ALTER TABLE \`${target}\`.\`${name}\` AUTO_INCREMENT = ${wanted}`);
        }
      } finally {
        await conn.query('SET FOREIGN_KEY_CHECKS = 1');
        conn.release();
      }
    };
    return {
      copy: async () => {
        let database = idle.pop();
        if (!database) {
          database = await createTestDatabase('mysql');
          made.push(database);
          // Its schema by the migrations, as any fresh database gets it.
          await prepared(kept(database.url), 'mysql', async () => undefined);
        }
        await refill(nameOf(database));
        const copy = database;
        return { url: copy.url, drop: async () => void idle.push(copy) };
      },
      close: async () => {
        for (const database of made) await database.drop();
        await pool.end();
      },
    };
  } catch (error) {
    for (const database of made) await database.drop();
    await pool.end();
    throw error;
  }
}

function nameOf(database: TestDatabase): string {
  return new URL(database.url).pathname.slice(1);
}
