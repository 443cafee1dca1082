// v1 face benchmark (issue 4, "Speed"): POOL.CLONE on the job service. Builds the service, starts
// one and then two `node dist/main.js` processes on a fresh MariaDB/MySQL database each (free
// loopback ports, rate limits off), and measures:
//   - submit→SUCCESS latency (POST /pools/{id}/clone, then, unless it answered SUCCESS, GET
//     /operations/{id} until SUCCESS, back to back or as toloka-kit does: BENCH_POLL below), at
//     rest (one client) and with 16 concurrent clients;
//   - sustained clone operations per second (operations finished per second while 32 clients
//     submit for BENCH_SECONDS), with one and with two processes.
// Every loop is bounded; data is checked afterwards (one new pool per operation).
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node bench/pools/run.mjs [--no-build]
//   BENCH_SECONDS (sustained phase, default 10), BENCH_CLIENTS (latency phase, default 16),
//   BENCH_BACKLOG (clones queued for the backlog phase, default 6000), BENCH_DIR (the build to run,
//   default the current directory: another worktree's build compares two versions),
//   BENCH_JOBS_CONCURRENCY (default 8), BENCH_PHASES (default latency,backlog), BENCH_PROCESSES (default 1,2),
//   BENCH_POLL (tight, the default, or toloka); JOBS_BATCH_SIZE and JOBS_DATABASE_CONNECTIONS pass through;
//   BENCH_NODE_ARGS (options for every process's node, e.g. a CPU profile); BENCH_DATABASE_PID (the
//   database server's process for the backlog phase's CPU split, when the host runs several);
//   BENCH_BACKLOG_BAD (percent of the backlog's clones whose source pool is deleted before the
//   workers start, spread evenly: each must end FAIL alone, default 0).
// The backlog phase measures the job service alone: an API-only process (JOBS_CONCURRENCY=0)
// queues BENCH_BACKLOG clones, then one or two worker processes start and work them off; the rate
// is taken between 10 % and 90 % of the completions, with the CPU each worker process, the
// API-only process and the database server used meanwhile (per clone, and in cores), and server
// counters per clone (statements, commits, index reads, row-lock waits).
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import {
  build,
  connect,
  createDatabase,
  dropDatabase,
  log,
  SERVER,
  databaseCpuMs,
  processCpuMs,
  sleep,
  startService,
  stats,
} from '../lib/service.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SUBMITTERS = 32;
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 6000);
const BAD_PERCENT = Number(process.env.BENCH_BACKLOG_BAD ?? 0);
if (!(BAD_PERCENT >= 0 && BAD_PERCENT < 100))
  throw new Error('BENCH_BACKLOG_BAD must be a percentage below 100');
// Clone i of the backlog names the pool to be deleted when the running share of bad ones steps up.
const isBad = (i) => Math.floor(((i + 1) * BAD_PERCENT) / 100) > Math.floor((i * BAD_PERCENT) / 100);
const BAD = Array.from({ length: BACKLOG }, (_, i) => isBad(i)).filter(Boolean).length;
const GOOD = BACKLOG - BAD;
const DIR = process.env.BENCH_DIR ?? process.cwd();
// How a client waits for an operation. `tight` (the default): GETs back to back, a probe of the
// service. `toloka` does what toloka-kit's TolokaClient.wait_operation does: an operation the POST
// answered finished is done; otherwise it sleeps 500 ms, then GETs /operations/{id} every second.
const POLL = process.env.BENCH_POLL ?? 'tight';
if (!['toloka', 'tight'].includes(POLL)) throw new Error(`BENCH_POLL must be toloka or tight, not ${POLL}`);
// The database server's process, when the host runs more than one (default: the first mysqld or
// mariadbd found), for the CPU split of the backlog phase.
const DATABASE_PID = process.env.BENCH_DATABASE_PID;
const PASSED_THROUGH = ['JOBS_BATCH_SIZE', 'JOBS_DATABASE_CONNECTIONS', 'JOBS_POLL_MS'];

const fmt = (s) => `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (n=${s.n})`;

// Each process on a port of its own, from the build in DIR.
// BENCH_NODE_ARGS adds options to every process's node (a CPU profile: "--cpu-prof --cpu-prof-dir=<dir>").
const NODE_ARGS = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
const startProcess = (env) => startService({ env, cwd: DIR, stdout: 'ignore', nodeArgs: NODE_ARGS });

async function run(processes, mode = 'latency') {
  const root = await connect(SERVER);
  const { name: dbName, url: dbUrl } = await createDatabase(root, 'cw_bench_pools');
  const token = `bench_${randomBytes(16).toString('hex')}`;
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: dbUrl.toString(),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BOOTSTRAP_API_TOKEN: token,
    DATABASE_POOL_SIZE: '20',
    JOBS_CONCURRENCY: process.env.BENCH_JOBS_CONCURRENCY ?? '8',
    RATE_LIMIT_POOL_CLONE_PER_MINUTE: '0',
    RATE_LIMIT_POOL_CLONE_PER_DAY: '0',
    RATE_LIMIT_POOL_CREATE_PER_MINUTE: '0',
    RATE_LIMIT_POOL_CREATE_PER_DAY: '0',
    ...Object.fromEntries(PASSED_THROUGH.filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
  };
  const services = [await startProcess(mode === 'backlog' ? { ...env, JOBS_CONCURRENCY: '0' } : env)];
  if (mode === 'latency') for (let i = 1; i < processes; i++) services.push(await startProcess(env));
  const headers = { authorization: `OAuth ${token}`, 'content-type': 'application/json' };
  const call = async (i, method, path, body) => {
    const res = await fetch(`${services[i % services.length].url}${path}`, {
      method,
      headers: body === undefined ? { authorization: headers.authorization } : headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const sql = await connect(SERVER, dbName);
  try {
    const project = await call(0, 'POST', '/api/v1/projects', {
      public_name: 'bench',
      public_description: 'bench',
      task_spec: { input_spec: { image: { type: 'url' } }, output_spec: { label: { type: 'string' } } },
    });
    const poolFields = {
      project_id: project.body.id,
      private_name: 'bench source',
      will_expire: '2030-01-01T00:00:00',
      reward_per_assignment: 0.02,
      assignment_max_duration_seconds: 600,
      defaults: { default_overlap_for_new_task_suites: 3 },
      filter: { and: [{ or: [{ category: 'profile', key: 'country', operator: 'EQ', value: 'NL' }] }] },
      quality_control: { configs: [] },
      mixer_config: { real_tasks_count: 10, golden_tasks_count: 0, training_tasks_count: 0 },
    };
    const pool = await call(0, 'POST', '/api/v1/pools', poolFields);
    if (pool.status !== 201) throw new Error(`pool create failed: ${JSON.stringify(pool.body)}`);
    const sourceId = pool.body.id;
    if (mode === 'backlog') {
      const doomed =
        BAD > 0 ? await call(0, 'POST', '/api/v1/pools', { ...poolFields, private_name: 'doomed' }) : null;
      if (doomed && doomed.status !== 201)
        throw new Error(`pool create failed: ${JSON.stringify(doomed.body)}`);
      await workOffBacklog(processes, env, services, call, sql, sourceId, doomed?.body.id);
      return;
    }

    // One clone, timed from the POST until the client holds SUCCESS, polled as POLL says.
    let answeredDone = 0;
    const cloneOnce = async (client) => {
      const t0 = performance.now();
      const op = await call(client, 'POST', `/api/v1/pools/${sourceId}/clone`);
      if (op.status !== 202) throw new Error(`clone: ${op.status} ${JSON.stringify(op.body)}`);
      let status = op.body.status;
      if (status === 'SUCCESS') answeredDone++;
      for (let polls = 0; status !== 'SUCCESS'; polls++) {
        if (status === 'FAIL' || polls > 20_000) throw new Error(`operation ${op.body.id} ended ${status}`);
        await sleep(POLL === 'toloka' ? (polls === 0 ? 500 : 1000) : 0);
        status = (await call(client, 'GET', `/api/v1/operations/${op.body.id}`)).body.status;
      }
      return performance.now() - t0;
    };

    for (let i = 0; i < 20; i++) await cloneOnce(i); // warm-up
    answeredDone = 0;
    const rest = [];
    for (let i = 0; i < 200; i++) rest.push(await cloneOnce(i));
    log(
      `  at rest (1 client, 200 clones, ${POLL} polling): ${fmt(stats(rest))}; ${answeredDone} answered SUCCESS by the POST`,
    );
    // The same clones inside the service: from the enqueuing commit's clock to SUCCESS (0 for a
    // clone made in its request, which is written SUCCESS at once).
    const [inside] = await sql.query(
      `SELECT TIMESTAMPDIFF(MICROSECOND, submitted, finished) / 1000 AS ms FROM operations ` +
        `ORDER BY submitted DESC LIMIT 200`,
    );
    log(`    submitted→finished as stored: ${fmt(stats(inside.map((r) => Number(r.ms))))}`);

    const loaded = [];
    answeredDone = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < 40; i++) loaded.push(await cloneOnce(c));
      }),
    );
    log(
      `  ${CLIENTS} concurrent clients (${CLIENTS * 40} clones): ${fmt(stats(loaded))}; ` +
        `${answeredDone} answered SUCCESS by the POST`,
    );

    // Sustained: submitters POST as fast as they can for SECONDS; count what finished in the window.
    const [[{ n0 }]] = await sql.query(`SELECT COUNT(*) AS n0 FROM operations WHERE status = 'SUCCESS'`);
    let submitted = 0;
    const start = Date.now();
    const stopAt = start + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async (_, c) => {
        while (Date.now() < stopAt) {
          const res = await call(c, 'POST', `/api/v1/pools/${sourceId}/clone`);
          if (res.status !== 202) throw new Error(`clone: ${res.status}`);
          submitted++;
        }
      }),
    );
    const [[{ inWindow }]] = await sql.query(
      `SELECT COUNT(*) AS inWindow FROM operations WHERE status = 'SUCCESS'`,
    );
    const windowSeconds = (Date.now() - start) / 1000;
    const finishedInWindow = Number(inWindow) - Number(n0);
    // Drain (bounded) and check: every operation SUCCESS, one pool per clone operation.
    const drainUntil = Date.now() + 120_000;
    let pending;
    do {
      [[{ pending }]] = await sql.query(
        `SELECT COUNT(*) AS pending FROM operations WHERE status IN ('PENDING', 'RUNNING')`,
      );
      if (Number(pending) > 0) await sleep(100);
    } while (Number(pending) > 0 && Date.now() < drainUntil);
    const drainSeconds = (Date.now() - start) / 1000;
    const [[check]] = await sql.query(
      `SELECT (SELECT COUNT(*) FROM operations WHERE type = 'POOL.CLONE' AND status = 'SUCCESS') AS ok,
              (SELECT COUNT(*) FROM operations WHERE status <> 'SUCCESS') AS other,
              (SELECT COUNT(*) FROM pools) - 1 AS pools`,
    );
    log(
      `  sustained (${SUBMITTERS} submitters, ${SECONDS} s): submitted ${(submitted / windowSeconds).toFixed(0)}/s, ` +
        `finished ${(finishedInWindow / windowSeconds).toFixed(0)}/s in the window; ` +
        `all ${submitted} done after ${drainSeconds.toFixed(1)} s (${(submitted / drainSeconds).toFixed(0)}/s overall)`,
    );
    log(
      `  check: ${check.ok} clone operations SUCCESS, ${check.other} not SUCCESS, ${check.pools} new pools`,
    );
    if (Number(check.other) !== 0 || Number(check.ok) !== Number(check.pools))
      throw new Error('data check failed');
  } finally {
    await sql.end();
    await Promise.all(services.map((s) => s.stop()));
    await dropDatabase(root, dbName);
    await root.end();
  }
}

// Server-wide counters read with each mark of the backlog phase (other clients count too).
const STATUS = [
  'Questions',
  'Com_commit',
  'Handler_read_next',
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
];
async function serverStatus(sql) {
  const [rows] = await sql.query(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${STATUS.map(() => '?').join(', ')})`,
    STATUS,
  );
  return Object.fromEntries(rows.map((row) => [row.Variable_name, Number(row.Value)]));
}

// Queues BACKLOG clones through the API-only process, then starts the worker processes and times
// the middle 80 % of the completions (process start-up left out).
// With BENCH_BACKLOG_BAD, `doomedId` names the pool that BAD of the clones copy; it is deleted once
// they are queued, so each of them fails when it runs.
async function workOffBacklog(processes, env, services, call, sql, sourceId, doomedId) {
  let next = 0;
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      for (let i = next++; i < BACKLOG; i = next++) {
        const res = await call(0, 'POST', `/api/v1/pools/${isBad(i) ? doomedId : sourceId}/clone`);
        if (res.status !== 202) throw new Error(`clone: ${res.status}`);
      }
    }),
  );
  if (doomedId) await sql.query('DELETE FROM pools WHERE id = ?', [doomedId]);
  const lastBefore = doomedId ?? sourceId;
  const workers = await Promise.all(Array.from({ length: processes }, () => startProcess(env)));
  services.push(...workers);
  const marks = new Map();
  // CPU (ms) of each worker process, of the API-only process and of the database server, read
  // with each mark: the split of the work between them over the middle 80 %.
  const cpu = () => ({
    workers: workers.map((w) => processCpuMs(w.pid)),
    api: processCpuMs(services[0].pid),
    database: DATABASE_PID ? processCpuMs(DATABASE_PID) : databaseCpuMs(),
  });
  const cpuAt = new Map();
  const statusAt = new Map();
  const deadline = Date.now() + 300_000;
  for (;;) {
    // The newest pool's id, read from the primary key's end: the clones' pools are numbered on
    // from the source's (a fresh database), and the poll costs the database nothing measurable. Counting SUCCESS rows every 20 ms read up to BACKLOG index entries a
    // time, ~100–280 per clone, work of the benchmark's own within the window it measures.
    // A transaction run again (a deadlock) leaves a gap in the ids: the end is confirmed by count,
    // of every operation ended (the bad ones make no pool).
    const [[{ newest }]] = await sql.query(`SELECT MAX(id) AS newest FROM pools`);
    let n = Number(newest) - Number(lastBefore);
    if (n >= GOOD) {
      const [[{ done }]] = await sql.query(
        `SELECT COUNT(*) AS done FROM operations WHERE status IN ('SUCCESS', 'FAIL')`,
      );
      n = Math.min(n, Number(done) - BAD);
    }
    const now = performance.now();
    for (const share of [0.1, 0.9, 1])
      if (n >= share * GOOD && !marks.has(share)) {
        marks.set(share, now);
        cpuAt.set(share, cpu());
        statusAt.set(share, await serverStatus(sql));
      }
    if (n >= GOOD || Date.now() > deadline) break;
    await sleep(20);
  }
  const seconds = (marks.get(0.9) - marks.get(0.1)) / 1000;
  const rate = (0.8 * GOOD) / seconds;
  const [from, to] = [cpuAt.get(0.1), cpuAt.get(0.9)];
  const share = (ms) =>
    `${(ms / 1000 / seconds).toFixed(2)} cores, ${((ms * 1000) / (0.8 * GOOD)).toFixed(0)} µs/clone`;
  const load = os.loadavg()[0].toFixed(1);
  log(
    `    CPU over the middle 80 % (${seconds.toFixed(2)} s, load average ${load}): ` +
      to.workers.map((ms, i) => `worker ${i + 1} ${share(ms - from.workers[i])}`).join('; ') +
      `; API-only process ${share(to.api - from.api)}; database ${share(to.database - from.database)}`,
  );
  const perClone = (name) => ((statusAt.get(0.9)[name] - statusAt.get(0.1)[name]) / (0.8 * GOOD)).toFixed(2);
  log(
    `    database per clone (the whole server): ${STATUS.map((name) => `${name} ${perClone(name)}`).join(', ')}`,
  );
  const [[check]] = await sql.query(
    `SELECT (SELECT COUNT(*) FROM operations WHERE type = 'POOL.CLONE' AND status = 'SUCCESS') AS ok,
            (SELECT COUNT(*) FROM operations WHERE type = 'POOL.CLONE' AND status = 'FAIL') AS failed,
            (SELECT COUNT(*) FROM pools) - 1 AS pools`,
  );
  const bad = BAD > 0 ? ` (${BAD} of them, ${BAD_PERCENT} %, of a deleted pool)` : '';
  log(
    `  backlog of ${BACKLOG} clones${bad} worked off by ${processes} worker process${processes > 1 ? 'es' : ''}: ` +
      `${rate.toFixed(0)} clones made/s (10 %→90 % of them); check: ${check.ok} SUCCESS, ${check.failed} FAIL, ${check.pools} new pools`,
  );
  if (Number(check.ok) !== GOOD || Number(check.failed) !== BAD || Number(check.pools) !== GOOD)
    throw new Error('data check failed');
}

async function main() {
  build();
  const [version] = await (async () => {
    const c = await connect(SERVER);
    const [[row]] = await c.query('SELECT VERSION() AS v');
    await c.end();
    return [row.v];
  })();
  log(
    `cloneworks v1 clone benchmark — ${os.cpus().length} cores, Node ${process.version}, database ${version}`,
  );
  const phases = (process.env.BENCH_PHASES ?? 'latency,backlog').split(',');
  for (const mode of phases) {
    for (const processes of (process.env.BENCH_PROCESSES ?? '1,2').split(',').map(Number)) {
      log(`${processes} process${processes > 1 ? 'es' : ''} (${mode}):`);
      await run(processes, mode);
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
