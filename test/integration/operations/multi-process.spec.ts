import { createSourcePool, processesOnFreshDatabase, requestV1 } from '../../support/processes';
import { connectToDatabase, describeOnMariaDb } from '../../support/test-database';

const TOKEN = 'multi-process-test-token-0123456789';
const CLONES = 300;
const LEASE_MS = 1500;

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

// Three `node dist/main.js` processes share one MariaDB database; one is SIGKILLed while its
// handlers are inside their transactions. Every operation must still end SUCCESS exactly once.
describeOnMariaDb('job service across three processes on one MariaDB database', () => {
  const { services, database, start } = processesOnFreshDatabase();

  it('runs 300 clones exactly once although one process is killed mid-handler', async () => {
    const env = {
      DATABASE_URL: database().url,
      BOOTSTRAP_API_TOKEN: TOKEN,
      JOBS_CONCURRENCY: '4',
      JOBS_LEASE_MS: String(LEASE_MS),
      JOBS_HEARTBEAT_MS: '300',
      JOBS_POLL_MS: '100',
      RATE_LIMIT_POOL_CLONE_PER_MINUTE: '0',
      RATE_LIMIT_POOL_CLONE_PER_DAY: '0',
      LOG_LEVEL: 'error',
    };
    // The first one migrates and creates the account; the others find both.
    await start(env, 3);
    const [first, victim] = services;

    const source = await createSourcePool(first, TOKEN, {
      filter: { and: [{ category: 'profile', key: 'country', operator: 'EQ', value: 'NL' }] },
    });

    const sql = await connectToDatabase(database().url);
    try {
      // Hold the source pool's row: every clone handler reads it with a shared lock, so each one
      // waits inside its transaction, RUNNING under its process's lease, until we let go.
      // Submitting (a plain read of the pool) is not blocked.
      await sql.beginTransaction();
      await sql.query('SELECT id FROM pools WHERE id = ? FOR UPDATE', [source.body.id]);

      // The first clones go to the victim alone: it claims them right after its own commits (the
      // others only on their poll), so it holds some, whatever the batches the others claim.
      const ids: string[] = [];
      await pool(
        Array.from({ length: CLONES }, (_, i) => i),
        24,
        async (i) => {
          const target = i < 30 ? victim : services[i % 3];
          const res = await requestV1(target, TOKEN, 'POST', `/api/v1/pools/${String(source.body.id)}/clone`);
          expect(res.status).toBe(202);
          ids.push(String(res.body.id));
        },
      );

      const ownedByVictim = async () => {
        const [rows] = await sql.query(
          "SELECT COUNT(*) AS n FROM operations WHERE status = 'RUNNING' AND lease_owner LIKE ?",
          [`%:${victim.child.pid}:%`],
        );
        return Number((rows as Array<{ n: number }>)[0].n);
      };
      const deadline = Date.now() + 10_000;
      while ((await ownedByVictim()) < 4) {
        if (Date.now() > deadline) throw new Error('the victim never ran its handlers');
        await new Promise((r) => setTimeout(r, 20));
      }
      await victim.stop('SIGKILL');
      const killedAt = Date.now();
      await sql.rollback();
      const orphans = await ownedByVictim();
      expect(orphans).toBeGreaterThanOrEqual(4);

      // Recovery within lease time plus a poll interval (with margin for a loaded machine).
      const settleDeadline = Date.now() + 30_000;
      let counts: Record<string, number> = {};
      for (;;) {
        const [rows] = await sql.query('SELECT status, COUNT(*) AS n FROM operations GROUP BY status');
        counts = Object.fromEntries(
          (rows as Array<{ status: string; n: number }>).map((r) => [r.status, Number(r.n)]),
        );
        if ((counts.SUCCESS ?? 0) + (counts.FAIL ?? 0) >= CLONES || Date.now() > settleDeadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(counts).toEqual({ SUCCESS: CLONES });
      // Recovery of the killed instance's operations: lease time plus a poll interval, plus the
      // time the survivors need for their own backlog (reported, bounded loosely on a busy CI box).
      const recoveryMs = Date.now() - killedAt;
      process.stdout.write(
        `multi-process: all ${CLONES} operations SUCCESS ${recoveryMs} ms after the SIGKILL\n`,
      );
      expect(recoveryMs).toBeLessThan(LEASE_MS + 100 + 15_000);

      const [ops] = await sql.query(
        "SELECT id, details, attempts, finished FROM operations WHERE type = 'POOL.CLONE'",
      );
      const operations = ops as Array<{ id: string; details: string; attempts: number; finished: Date }>;
      // Batches ran (one transaction, one finish time for its operations), each operation once.
      const finishTimes = new Set(operations.map((o) => o.finished.getTime()));
      expect(finishTimes.size).toBeLessThan(CLONES / 2);
      expect(operations.map((o) => o.id).sort()).toEqual([...ids].sort());
      const newPools = operations.map((o) => String(JSON.parse(o.details).pool_id));
      expect(new Set(newPools).size).toBe(CLONES);
      expect(operations.filter((o) => Number(o.attempts) > 1).length).toBeGreaterThanOrEqual(orphans);

      const [pools] = await sql.query('SELECT id, body, status FROM pools WHERE id <> ?', [source.body.id]);
      const rows = pools as Array<{ id: string; body: string; status: string }>;
      expect(rows).toHaveLength(CLONES);
      expect(rows.map((p) => String(p.id)).sort()).toEqual([...newPools].sort());
      expect(rows.every((p) => p.status === 'CLOSED' && JSON.parse(p.body).private_name === 'source')).toBe(
        true,
      );
    } finally {
      await sql.end();
    }
  }, 60_000);
});
