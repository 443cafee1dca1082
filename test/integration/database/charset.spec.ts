import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Connection, createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../../src/config/database.options';
import { ensureBuilt, ROOT, runCli } from '../../support/processes';
import { describeOnMariaDb } from '../../support/test-database';

/** Runs `node dist/main.js` until it stops by itself (it must not get as far as serving). */
function runMain(databaseUrl: string) {
  return spawnSync(process.execPath, [join(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 30000,
  });
}

// MariaDB creates a database in latin1 unless told otherwise: 4-byte characters would be lost.
describeOnMariaDb('a MySQL/MariaDB database that is not utf8mb4 (MariaDB)', () => {
  let admin: Connection;
  const made: string[] = [];

  async function database(charset: string): Promise<{ name: string; url: string }> {
    const name = `cw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET ${charset}`);
    made.push(name);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    return { name, url: url.toString() };
  }

  async function tables(name: string): Promise<string[]> {
    const [rows] = await admin.query(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [name],
    );
    return (rows as Array<{ name: string }>).map((row) => row.name);
  }

  beforeAll(async () => {
    ensureBuilt();
    const server = parseDatabaseUrl(process.env.TEST_DATABASE_URL!);
    admin = await createConnection({
      host: server.host,
      port: server.port,
      user: server.username,
      password: server.password,
    });
  });

  afterAll(async () => {
    for (const name of made) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  });

  it('stops the start with one line before the migrations create a table', async () => {
    const { name, url } = await database('latin1');
    const result = runMain(url);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `cloneworks: could not start: the database ${name} has the default character set latin1, not utf8mb4: ` +
        `run ALTER DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ` +
        '(see "MySQL and MariaDB" in docs/deployment.md) (DATABASE_URL scheme mysql)',
    ]);
    expect(await tables(name)).toEqual([]);

    // Nor do the CLI's migrations create one.
    const cli = runCli(['migration:run'], { DATABASE_URL: url });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`the database ${name} has the default character set latin1`);
    expect(await tables(name)).toEqual([]);

    // The statement it names is the fix, on a database that has no table yet.
    await admin.query(`ALTER DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    expect(runCli(['account:create', 'acme', '--json'], { DATABASE_URL: url }).status).toBe(0);
  });

  it('stops the start with one line naming the tables that are not utf8mb4', async () => {
    const { url, name } = await database('utf8mb4 COLLATE utf8mb4_unicode_ci');
    expect(runCli(['migration:run'], { DATABASE_URL: url }).status).toBe(0);
    // A table made latin1 (a database altered after its tables were made, or a restore).
    await admin.query(`ALTER TABLE \`${name}\`.tasks CONVERT TO CHARACTER SET latin1`);
    await admin.query(`ALTER TABLE \`${name}\`.comments DEFAULT CHARACTER SET latin1`);
    const result = runMain(url);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'cloneworks: could not start: tables not in utf8mb4: comments, tasks: convert each with ALTER TABLE ' +
        '<name> CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ' +
        '(see "MySQL and MariaDB" in docs/deployment.md) (DATABASE_URL scheme mysql)',
    ]);

    await admin.query(
      `ALTER TABLE \`${name}\`.tasks CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await admin.query(
      `ALTER TABLE \`${name}\`.comments CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    expect(runCli(['account:create', 'acme', '--json'], { DATABASE_URL: url }).status).toBe(0);
  });
});
