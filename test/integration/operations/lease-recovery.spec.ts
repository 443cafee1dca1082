import type { Connection } from 'mysql2/promise';
import { createSourcePool, processesOnFreshDatabase, requestV1 } from '../../support/processes';
import { connectToDatabase, describeOnMariaDb, readOperation } from '../../support/test-database';

const TOKEN = 'lease-recovery-test-token-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// With the default job settings, an instance SIGKILLed in the middle of a handler leaves its
// operation to another instance within 5 s, and the operation's effect happens exactly once.
describeOnMariaDb('recovery of a killed instance’s operation with the default lease (MariaDB)', () => {
  let sql: Connection | undefined;
  let holder: Connection | undefined;
  const { services, database, start } = processesOnFreshDatabase(async () => {
    await sql?.end().catch(() => undefined);
    await holder?.end().catch(() => undefined);
  });

  it('finishes the operation on the survivor within 5 s, exactly once', async () => {
    // No JOBS_* setting: the defaults are what is tested.
    const env = { DATABASE_URL: database().url, BOOTSTRAP_API_TOKEN: TOKEN, LOG_LEVEL: 'error' };
    const [first] = await start(env, 2);
    const source = await createSourcePool(first, TOKEN);

    sql = await connectToDatabase(database().url);
    holder = await connectToDatabase(database().url);
    // The handler reads the source pool under a shared lock: holding the row stops it there,
    // inside its transaction, RUNNING under its instance's lease.
    await holder.beginTransaction();
    await holder.query('SELECT id FROM pools WHERE id = ? FOR UPDATE', [source.body.id]);
    const clone = await requestV1(first, TOKEN, 'POST', `/api/v1/pools/${String(source.body.id)}/clone`);
    expect(clone.status).toBe(202);
    const operation = () => readOperation(sql!, clone.body.id);
    const deadline = Date.now() + 10_000;
    let row = await operation();
    while (row.status !== 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`the clone never started: ${JSON.stringify(row)}`);
      await sleep(20);
      row = await operation();
    }
    // Whichever instance runs it is killed; the other one must finish it.
    const victim = services.find((s) => row.lease_owner?.includes(`:${s.child.pid}:`))!;
    expect(victim).toBeDefined();
    // Let its lease be renewed at least once, so that the recovery does not ride on a first lease.
    await sleep(1500);
    expect((await operation()).status).toBe('RUNNING');
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    await holder.rollback();

    while (row.status !== 'SUCCESS' && row.status !== 'FAIL') {
      if (Date.now() - killedAt > 15_000) throw new Error(`still ${row.status} 15 s after the kill`);
      await sleep(50);
      row = await operation();
    }
    const recoveredMs = Date.now() - killedAt;
    process.stdout.write(`lease recovery: SUCCESS ${recoveredMs} ms after the SIGKILL\n`);
    expect(row.status).toBe('SUCCESS');
    expect(recoveredMs).toBeLessThanOrEqual(5000);
    expect(Number(row.attempts)).toBe(2);
    const [pools] = await sql.query('SELECT id FROM pools WHERE id <> ?', [source.body.id]);
    expect((pools as Array<{ id: number }>).map((p) => String(p.id))).toEqual([
      String(JSON.parse(row.details!).pool_id),
    ]);
  }, 60_000);
});
