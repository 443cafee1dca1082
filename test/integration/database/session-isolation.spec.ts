import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { useHeldConnection } from '../../support/held-connection';
import { createTestApp, TestApp } from '../../support/test-app';
import { describeOnMariaDb } from '../../support/test-database';

// Each connection of the pool sends its isolation level only when it changes
// (src/database/session-isolation.ts): every transaction must still run at the level it asks for,
// or at the server's when it asks for none, whatever the connection served before.
type Level = IsolationLevel | undefined;

describeOnMariaDb('Isolation levels sent once per connection [mysql]', () => {
  let t: TestApp;
  let serverLevel: string;

  beforeAll(async () => {
    t = await createTestApp('mysql');
    const [global] = (await t.dataSource
      .query('SELECT @@GLOBAL.transaction_isolation AS level')
      .catch(() => t.dataSource.query('SELECT @@GLOBAL.tx_isolation AS level'))) as Array<{ level: string }>;
    serverLevel = global.level.replace('-', ' ');
  });
  afterAll(async () => {
    await t?.close();
  });
  // One connection held for the whole test: what it served before decides what is sent.
  const runner = useHeldConnection(() => t);

  let probe: number;
  let renames = 0;
  beforeAll(async () => {
    probe = (await t.newAccount('probe')).id;
  });
  const readProbe = async () =>
    ((await runner().query('SELECT name FROM accounts WHERE id = ?', [probe])) as Array<{ name: string }>)[0]
      .name;

  /**
   * The level the runner's transaction behaves at: it reads a row, another connection changes it
   * and commits, and it reads the row again. The same value: a snapshot (REPEATABLE READ); the
   * new one: READ COMMITTED. (InnoDB's own report, information_schema.innodb_trx, lags on MariaDB.)
   */
  async function levelIn(level: Level): Promise<string> {
    await runner().startTransaction(level);
    try {
      const before = await readProbe();
      await t.dataSource.query('UPDATE accounts SET name = ? WHERE id = ?', [`probe ${++renames}`, probe]);
      return (await readProbe()) === before ? 'REPEATABLE READ' : 'READ COMMITTED';
    } finally {
      await runner().commitTransaction();
    }
  }

  async function setStatements(work: () => Promise<unknown>): Promise<number> {
    const count = async () => {
      const [row] = (await runner().query("SHOW SESSION STATUS LIKE 'Com_set_option'")) as Array<{
        Value: string;
      }>;
      return Number(row.Value);
    };
    const before = await count();
    await work();
    return (await count()) - before;
  }

  it('runs every transaction at the level it asks for, or the server’s, in any order', async () => {
    const levels: Level[] = [
      'READ COMMITTED',
      undefined,
      'READ COMMITTED',
      'READ COMMITTED',
      'REPEATABLE READ',
      undefined,
      'READ COMMITTED',
      'REPEATABLE READ',
      'READ COMMITTED',
      undefined,
      undefined,
      'READ COMMITTED',
    ];
    const seen: string[] = [];
    for (const level of levels) seen.push(await levelIn(level));
    expect(seen).toEqual(levels.map((level) => level ?? serverLevel));
  });

  it('sends the level only when it changes', async () => {
    await levelIn('READ COMMITTED');
    // TypeORM alone would send one SET per transaction: five.
    expect(
      await setStatements(async () => {
        for (let i = 0; i < 5; i++) await levelIn('READ COMMITTED');
      }),
    ).toBe(0);
    // Back to the server's level, then to READ COMMITTED again: one SET each way.
    expect(await setStatements(() => levelIn(undefined))).toBe(1);
    expect(await setStatements(() => levelIn(undefined))).toBe(0);
    expect(await setStatements(() => levelIn('READ COMMITTED'))).toBe(1);
  });

  it('sends a held-back level as it was when no transaction follows', async () => {
    await levelIn(undefined);
    expect(
      await setStatements(async () => {
        await runner().query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
        await runner().query('SELECT 1');
      }),
    ).toBe(1);
    // As without the cache: the server keeps that level for the next transaction.
    expect(await levelIn(undefined)).toBe('READ COMMITTED');
    expect(await levelIn(undefined)).toBe(serverLevel);
  });
});
