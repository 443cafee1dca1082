import { WITH_NEXT } from '../../../src/database/held-statements';
import { sendTogether } from '../../../src/database/sql';
import { spyRoundTrips } from '../../support/round-trip-spy';
import { describeEachDialect } from '../../support/test-app';

// sendTogether (src/database/sql.ts): statements that wait for no answer of one another, in one
// round trip on MySQL/MariaDB, each with its own answer; a failure fails them all and, in a
// transaction, leaves nothing written. Failures are matched by message: better-sqlite3's
// SqliteError is of the realm of the first test file that loaded it, no Error of a later one's.
describeEachDialect(
  'sendTogether',
  (t) => {
    it('answers each statement in order, in one round trip where rows lock', async () => {
      const account = await t().newAccount('together');
      const spy = spyRoundTrips();
      let answers: [Array<{ n: number | string }>, Array<{ name: string }>] | undefined;
      const trips = await spy.during(async () => {
        answers = await t().db.transaction((m) =>
          sendTogether<[Array<{ n: number | string }>, Array<{ name: string }>]>(m, t().db.sql, (q) => [
            q.query('SELECT 1 + 1 AS n'),
            q.query('SELECT name FROM accounts WHERE id = ?', [account.id]),
          ]),
        );
      });
      spy.restore();
      expect(Number(answers![0][0].n)).toBe(2);
      expect(answers![1]).toEqual([{ name: 'together' }]);
      if (t().dialect === 'mysql') {
        // START TRANSACTION goes with the first text too; COMMIT on its own.
        expect(trips).toEqual([
          'START TRANSACTION; SELECT 1 + 1 AS n; SELECT name FROM accounts WHERE id = ' + account.id,
          'COMMIT',
        ]);
      }
    });

    it('fails them all when one fails, and the transaction writes nothing', async () => {
      const account = await t().newAccount('before');
      await expect(
        t().db.transaction((m) =>
          sendTogether(m, t().db.sql, (q) => [
            q.query('UPDATE accounts SET name = ? WHERE id = ?', ['after', account.id]),
            q.query('SELECT 1 FROM no_such_table'),
            q.query('UPDATE accounts SET name = ? WHERE id = ?', ['later', account.id]),
          ]),
        ),
      ).rejects.toMatchObject({ message: expect.stringMatching(/no.such.table/) });
      const [row] = (await t().dataSource.query('SELECT name FROM accounts WHERE id = ?', [
        account.id,
      ])) as Array<{
        name: string;
      }>;
      expect(row.name).toBe('before');
    });

    it('sends statements marked WITH_NEXT with the COMMIT; one that fails fails it, and nothing is written', async () => {
      const account = await t().newAccount('held');
      const spy = spyRoundTrips();
      const trips = await spy.during(() =>
        t().db.transaction(async (m) => {
          await m.query('SELECT name FROM accounts WHERE id = ?', [account.id]);
          await m.query(`${WITH_NEXT}UPDATE accounts SET name = ? WHERE id = ?`, ['renamed', account.id]);
        }),
      );
      spy.restore();
      if (t().dialect === 'mysql')
        expect(trips[trips.length - 1]).toBe(
          `UPDATE accounts SET name = 'renamed' WHERE id = ${account.id}; COMMIT`,
        );
      const nameOf = async () =>
        (
          (await t().dataSource.query('SELECT name FROM accounts WHERE id = ?', [account.id])) as Array<{
            name: string;
          }>
        )[0].name;
      expect(await nameOf()).toBe('renamed');
      await expect(
        t().db.transaction(async (m) => {
          await m.query(`${WITH_NEXT}UPDATE accounts SET name = ? WHERE id = ?`, ['lost', account.id]);
          await m.query(`${WITH_NEXT}SELECT 1 FROM no_such_table`);
        }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/no.such.table/) });
      expect(await nameOf()).toBe('renamed');
    });

    it('writes nothing when statements held ahead of a streamed read fail', async () => {
      const account = await t().newAccount('held before a stream');
      await expect(
        t().db.transaction(async (m) => {
          await m.query(`${WITH_NEXT}UPDATE accounts SET name = ? WHERE id = ?`, ['lost', account.id]);
          await m.query(`${WITH_NEXT}SELECT 1 FROM no_such_table`);
          // A streamed read goes as its own command, without the held statements' text.
          if (t().dialect === 'mysql') {
            const rows = await m.queryRunner!.stream('SELECT id FROM accounts WHERE id = ?', [account.id]);
            await new Promise<void>((resolve) => {
              rows.on('end', () => resolve());
              rows.on('error', () => resolve());
              rows.resume();
            });
          }
        }),
      ).rejects.toBeDefined();
      const [row] = (await t().dataSource.query('SELECT name FROM accounts WHERE id = ?', [
        account.id,
      ])) as Array<{
        name: string;
      }>;
      expect(row.name).toBe('held before a stream');
    });
  },
  // No job runner polls meanwhile: every round trip counted is the test's.
  { JOBS_CONCURRENCY: '0' },
);
