import { makeProject, makeTasks } from '../../factories/task.factory';
import { readAnchors } from '../../../src/tasks/store/order-keys.table';
import { describeEachDialect, TestAccount } from '../../support/test-app';

// A clone group reads every member's anchor with the keys next to it in one statement
// (readAnchors). Each anchor must cost index ranges around it, not a scan of its whole list (with
// several anchors in one SELECT, MariaDB read each anchor's list from one end for every subquery),
// nor a count of the tasks before it: the change event names the anchor, not its position.
describeEachDialect('readAnchors', (t) => {
  const LENGTH = 3000;
  let account: TestAccount;

  beforeEach(async () => {
    account = await t().newAccount();
  });

  it('reads anchors and their neighbours by a few index rows, not by their lists', async () => {
    const { db } = t();
    const project = await makeProject(t(), account);
    const ids = await makeTasks(
      t(),
      account,
      Array.from({ length: LENGTH }, () => ({})),
      { project },
    );
    const keys = new Map(
      (
        (await db.dataSource.query('SELECT id, sort_key FROM tasks WHERE account_id = ?', [
          account.id,
        ])) as Array<{
          id: number;
          sort_key: number | string;
        }>
      ).map((r) => [Number(r.id), Number(r.sort_key)]),
    );
    const at = [10, 0, 25, LENGTH - 1];
    await db.transaction(async (m) => {
      const readsBefore = await rowsRead(m, db.dialect);
      const anchors = await readAnchors(
        m,
        db.sql,
        account.id,
        at.map((i) => ids[i]),
      );
      const rows = (await rowsRead(m, db.dialect)) - readsBefore;
      expect(
        at.map((i) => {
          const anchor = anchors.find((a) => a.id === ids[i])!;
          return [anchor.previous, anchor.key, anchor.next];
        }),
      ).toEqual(
        at.map((i) => [
          i > 0 ? keys.get(ids[i - 1])! : null,
          keys.get(ids[i])!,
          i < LENGTH - 1 ? keys.get(ids[i + 1])! : null,
        ]),
      );
      // The anchors and their neighbours, a few index rows each: nothing up to the anchor at the
      // end of the list (a count there read 3,000), let alone the 4 × 3 whole lists a scan reads.
      if (db.dialect === 'mysql') expect(rows).toBeLessThan(100);
    });
  });
});

/** Index rows this connection has read so far (MySQL/MariaDB; 0 elsewhere). */
async function rowsRead(m: { query: (sql: string) => Promise<unknown> }, dialect: string): Promise<number> {
  if (dialect !== 'mysql') return 0;
  const rows = (await m.query(
    "SHOW SESSION STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_prev', 'Handler_read_key')",
  )) as Array<{ Value: string }>;
  return rows.reduce((sum, r) => sum + Number(r.Value), 0);
}
