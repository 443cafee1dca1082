import type { EntityManager } from 'typeorm';
import { allDone } from '../../../src/common/all-done';
import { WITH_NEXT } from '../../../src/database/held-statements';
import { useHeldConnection } from '../../support/held-connection';
import { createTestApp, TestApp } from '../../support/test-app';
import { describeOnMariaDb } from '../../support/test-database';

// After a deadlock the server has rolled the transaction back; a statement of it that was asked
// for at once with the failed one must not run then, on its own (src/database/stop-after-rollback.ts).
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function later(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describeOnMariaDb('Statements of a transaction rolled back by a deadlock [mysql]', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('mysql');
  });
  afterAll(async () => {
    await t?.close();
  });
  const runner = useHeldConnection(() => t);

  const nameOf = async (id: number) =>
    ((await t.dataSource.query('SELECT name FROM accounts WHERE id = ?', [id])) as Array<{ name: string }>)[0]
      .name;
  const rename = (m: Pick<EntityManager, 'query'>, ids: number[], name: string) =>
    m.query(`UPDATE accounts SET name = ? WHERE id IN (${ids.map(() => '?').join(', ')})`, [name, ...ids]);

  /**
   * The victim (on `runner`) locks x, then asks at once for y (held by the other) and for what
   * `alsoAsks` names; the other, heavier so that the server picks the victim, then asks for x.
   */
  async function deadlock(alsoAsks: (m: EntityManager, z: number) => Promise<unknown>) {
    const [x, y, z, ...heavy] = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.newAccount(`before-${i}`).then((a) => a.id)),
    );
    const victimLocked = later();
    const otherLocked = later();
    await runner().startTransaction();
    const victim = (async () => {
      await rename(runner().manager, [x], 'victim');
      victimLocked.resolve();
      await otherLocked.promise;
      await allDone([rename(runner().manager, [y], 'victim'), alsoAsks(runner().manager, z)]);
    })();
    const other = t.dataSource.transaction(async (m) => {
      await victimLocked.promise;
      // Row by row: on a table this small one UPDATE of several ids would scan, and lock, it all.
      for (const id of [y, ...heavy]) await rename(m, [id], 'other');
      otherLocked.resolve();
      // The victim's statement on y is waiting for this transaction's lock by then.
      await sleep(300);
      await rename(m, [x], 'other');
    });
    const outcomes = await Promise.allSettled([victim, other]);
    return { x, y, z, outcomes };
  }

  it('does not run a write queued behind the statement that deadlocked, nor the COMMIT', async () => {
    const { x, y, z, outcomes } = await deadlock((m, z) => rename(m, [z], 'leaked'));
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: 'ER_LOCK_DEADLOCK' } });
    expect(outcomes[1].status).toBe('fulfilled');
    await expect(runner().commitTransaction()).rejects.toMatchObject({ code: 'ER_LOCK_DEADLOCK' });
    await runner().rollbackTransaction();
    expect([await nameOf(x), await nameOf(y), await nameOf(z)]).toEqual(['other', 'other', 'before-2']);
  });

  it('fails every statement asked for after, up to the ROLLBACK; the connection then serves the next transaction', async () => {
    const { z, outcomes } = await deadlock((m, z) => rename(m, [z], 'leaked'));
    expect(outcomes[0].status).toBe('rejected');
    await expect(rename(runner().manager, [z], 'later')).rejects.toMatchObject({ code: 'ER_LOCK_DEADLOCK' });
    await runner().rollbackTransaction();
    expect(await nameOf(z)).toBe('before-2');

    await runner().startTransaction();
    await allDone([rename(runner().manager, [z], 'next'), runner().manager.query('SELECT 1')]);
    await runner().commitTransaction();
    expect(await nameOf(z)).toBe('next');
  });

  it('lets a START TRANSACTION sent without the ROLLBACK begin afresh', async () => {
    const { z, outcomes } = await deadlock((m, z) => rename(m, [z], 'leaked'));
    expect(outcomes[0].status).toBe('rejected');
    // Sent as is, past TypeORM's own bookkeeping: the server is in no transaction any more.
    await runner().query('START TRANSACTION');
    await rename(runner().manager, [z], 'afresh');
    await runner().commitTransaction();
    expect(await nameOf(z)).toBe('afresh');
  });

  it('hands a streamed read on in its turn, and holds the statements after it until it has ended', async () => {
    const ids = await Promise.all([0, 1].map((i) => t.newAccount(`streamed-${i}`).then((a) => a.id)));
    await runner().startTransaction();
    const slow = runner().query('SELECT SLEEP(0.2)');
    const renamed = rename(runner().manager, [ids[0]], 'first');
    // Both asked for by now: the rename waits for the slow statement's answer, and the streamed
    // read, which cannot wait, goes after it.
    await sleep(50);
    const stream = await runner().stream('SELECT name FROM accounts WHERE id IN (?, ?) ORDER BY name', ids);
    const names: string[] = [];
    for await (const row of stream) names.push((row as { name: string }).name);
    await allDone([slow, renamed]);
    await rename(runner().manager, [ids[1]], 'after');
    await runner().commitTransaction();
    expect(names).toEqual(['first', 'streamed-1']);
    expect([await nameOf(ids[0]), await nameOf(ids[1])]).toEqual(['first', 'after']);
  });

  it('holds a statement for the next at once while one is on the wire, in its order behind those waiting', async () => {
    const ids = await Promise.all([0, 1, 2].map((i) => t.newAccount(`held-${i}`).then((a) => a.id)));
    await runner().startTransaction();
    const m = runner().manager;
    const slow = m.query('SELECT SLEEP(0.3)');
    let heldAt = 0;
    const held = m.query(`${WITH_NEXT}UPDATE accounts SET name = 'held' WHERE id = ?`, [ids[0]]).then(() => {
      heldAt = Date.now();
    });
    const asked = Date.now();
    // Answered long before the statement on the wire: its caller goes on meanwhile.
    await held;
    expect(heldAt - asked).toBeLessThan(150);
    // Behind a statement waiting for its turn, one held keeps its order: it runs after that one.
    const waiting = rename(m, [ids[1]], 'waiting');
    const after = m.query(`${WITH_NEXT}UPDATE accounts SET name = CONCAT(name, '+') WHERE id = ?`, [ids[1]]);
    await allDone([slow, waiting, after]);
    await runner().commitTransaction();
    expect([await nameOf(ids[0]), await nameOf(ids[1]), await nameOf(ids[2])]).toEqual([
      'held',
      'waiting+',
      'held-2',
    ]);
  });

  it('keeps nothing held behind a statement that deadlocked', async () => {
    let held: Promise<unknown> | undefined;
    const { x, y, z, outcomes } = await deadlock((m, z) => {
      held = m.query(`${WITH_NEXT}UPDATE accounts SET name = 'held' WHERE id = ?`, [z]);
      return held;
    });
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: 'ER_LOCK_DEADLOCK' } });
    await expect(runner().commitTransaction()).rejects.toMatchObject({ code: 'ER_LOCK_DEADLOCK' });
    await runner().rollbackTransaction();
    expect([await nameOf(x), await nameOf(y), await nameOf(z)]).toEqual(['other', 'other', 'before-2']);
  });
});
