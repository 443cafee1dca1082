// v2 face benchmark (issue 5, "Speed"): POST /api/v2/tasks/copy with every copy flag on (except
// copy_as_task_template). Builds the service, starts `node dist/main.js` on a fresh MariaDB/MySQL
// database and a free loopback port (rate limits off), writes source trees of 10, 100, 1,000 and
// 5,000 tasks straight into the store (each task with 3 todos, 2 comments, 1 attachment with
// bytes, 2 subscribers, 2 tags, 2 custom field values and one dependency), then measures:
//   - 10 / 100 / 1,000 tasks synchronous (201), p50/p99 over a bounded number of runs;
//   - 5,000 tasks asynchronous (202), submit→SUCCESS (status polled in SQL every 5 ms, not over
//     HTTP), and the same span as the service wrote it in the operation (submitted→started,
//     submitted→finished, ms precision: no poll in it); five 10-task copies warm up first;
//   - the service's peak RSS during the 5,000-task copies (/proc/<pid>/status VmRSS every 10 ms,
//     and VmHWM);
//   - statements per copy, as MariaDB counts them for the service's own database user
//     (information_schema.USER_STATISTICS, with userstat switched on for the run and restored).
// Every copy is checked afterwards (task count, id map). Every loop is bounded.
//
//   - with --large (or --only-large, which skips the rows above): one asynchronous copy of 100,000
//     tasks, submit→SUCCESS, peak RSS, and the operation's progress as a poller sees it (every 50 ms).
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node bench/tasks-copy/run.mjs [--no-build] [--large]
//   [--sizes=10,1000] (only those rows) [--runs=400] (that many runs of every row: long enough for a
//   CPU profile of the service, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>")
//   [--warmup=2000] (that many 10-task copies before the measured ones, instead of 5: the figures of
//   a service whose copy path the JIT has compiled, as after a while in production; the default
//   measures the first copies after start, most of whose time is that compilation)
//   [--trace] (the service's texts to the database timed per connection, trace-statements.mjs, and
//   the large copies' medians printed at the end: where the connection waits for the service)
//   (or: npm run bench:copy). BENCH_NODE_ARGS passes options to the service's node.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  build,
  connect,
  createDatabase,
  dropDatabase,
  log,
  SERVER,
  sleep,
  startService,
  stats,
} from '../lib/service.mjs';
import { statementTimes } from './statement-times.mjs';

const LARGE = 100_000;
// --sizes=10,1000 keeps only those rows (quicker alternated before/after pairs).
const ONLY_SIZES = process.argv
  .find((a) => a.startsWith('--sizes='))
  ?.slice('--sizes='.length)
  .split(',')
  .map(Number);
// --runs=400 runs every row that many times instead of its default.
const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? Number.NaN);
const SIZES = [
  // [tasks, runs, mode]
  ...(process.argv.includes('--only-large')
    ? []
    : [
        [10, 30, 'sync'],
        [100, 20, 'sync'],
        [1000, 10, 'sync'],
        [5000, 3, 'async'],
      ]),
  // --large / --only-large: one copy of COPY_MAX_TASKS tasks (bounded to 15 minutes).
  ...(process.argv.includes('--large') || process.argv.includes('--only-large') ? [[LARGE, 1, 'async']] : []),
]
  .filter(([n]) => !ONLY_SIZES || ONLY_SIZES.includes(n))
  .map(([n, runs, mode]) => [n, RUNS > 0 ? RUNS : runs, mode]);
// --warmup=2000: that many warm-up copies instead of 5 (see above).
const WARMUP = Number(process.argv.find((a) => a.startsWith('--warmup='))?.slice('--warmup='.length) ?? 5);
const BRANCHING = 8;
const CHUNK = 1000;

const ms = (v) => `${v.toFixed(1)} ms`;

function memory(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/**
 * The service's CPU time so far in ms, all its threads (the first field of each thread's
 * /proc/<pid>/task/<tid>/schedstat, nanoseconds on the CPU): unlike wall time, it does not grow
 * while other processes hold the cores. 0 where /proc has no schedstat.
 */
function serviceCpuMs(pid) {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
  } catch {
    return 0;
  }
  return ns / 1e6;
}

async function main() {
  build();
  const admin = await connect(SERVER);
  const db = await createDatabase(admin, 'cw_bench');
  // The service runs as a user of its own, so the server's per-user counters are its statements.
  const dbUser = db.name;
  const dbPassword = randomBytes(12).toString('hex');
  await admin.query(`CREATE USER '${dbUser}'@'%' IDENTIFIED BY '${dbPassword}'`);
  await admin.query(`GRANT ALL PRIVILEGES ON \`${db.name}\`.* TO '${dbUser}'@'%'`);
  const [[{ userstat }]] = await admin.query('SELECT @@GLOBAL.userstat AS userstat');
  let counting = true;
  await admin.query('SET GLOBAL userstat = 1').catch(() => (counting = false));

  const dbUrl = new URL(db.url);
  dbUrl.username = dbUser;
  dbUrl.password = dbPassword;
  const token = `bench_${randomBytes(16).toString('hex')}`;
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: dbUrl.toString(),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BOOTSTRAP_API_TOKEN: token,
    JSONAPI_RATE_LIMIT_PER_10S: '0',
    JSONAPI_RATE_LIMIT_PER_30MIN: '0',
    // No background polling while statements are counted: the runner is woken by the enqueue.
    JOBS_POLL_MS: '600000',
  };
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  // --trace: every text the service sends timed (trace-statements.mjs), summed up at the end.
  const trace = process.argv.includes('--trace')
    ? join(os.tmpdir(), `cw-statement-times-${process.pid}.jsonl`)
    : undefined;
  if (trace) {
    env.BENCH_STATEMENT_TIMES = trace;
    nodeArgs.push(
      '--import',
      pathToFileURL(fileURLToPath(new URL('./trace-statements.mjs', import.meta.url))).href,
    );
  }
  let service;
  try {
    service = await startService({ env, nodeArgs });
    await run({ port: service.port, token, admin, dbName: db.name, dbUser, pid: service.pid, counting });
    if (trace) for (const line of statementTimes(trace)) log(line);
  } finally {
    if (trace) rmSync(trace, { force: true });
    await service?.stop();
    await admin.query(`SET GLOBAL userstat = ${Number(userstat) ? 1 : 0}`).catch(() => undefined);
    await admin.query(`DROP USER IF EXISTS '${dbUser}'@'%'`);
    await dropDatabase(admin, db.name);
    await admin.end();
  }
}

function client(port, token, accountId) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const started = performance.now();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: `/api/v2${path}`,
          agent,
          headers: {
            'x-auth-token': token,
            'x-organization-id': String(accountId()),
            ...(payload
              ? { 'content-type': 'application/vnd.api+json', 'content-length': payload.length }
              : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode,
              headers: res.headers,
              json: text ? JSON.parse(text) : null,
              ms: performance.now() - started,
            });
          });
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
}

const sqlNow = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

async function insertRows(sql, table, columns, rows) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const marks = `(${columns.map(() => '?').join(', ')})`;
    await sql.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => marks).join(', ')}`,
      part.flat(),
    );
  }
}

/**
 * One source tree of `n` tasks (a complete 8-ary tree; every 7th task closed), written with
 * multi-row INSERTs: ids from the `tasks` id allocator, 3 todos (one closed), 2 comments, 1
 * attachment with its own 1 KB blob, 2 subscribers, 2 tags and 2 custom field values per task, and
 * one dependency per task (task i waits on task i − 1; the root waits on a task outside the tree).
 */
async function makeTree(sql, s, n, label) {
  const now = sqlNow();
  const [update] = await sql.query(
    "UPDATE id_allocators SET next_id = LAST_INSERT_ID(next_id + ?) WHERE name = 'tasks'",
    [n + 1],
  );
  const start = Number(update.insertId) - (n + 1);
  const ids = Array.from({ length: n }, (_, i) => start + i);
  const external = start + n;
  const [[top]] = await sql.query(
    'SELECT COALESCE(MAX(sort_key) + 1, 0) AS next FROM tasks WHERE account_id = ? AND project_key = ? AND parent_key = 0',
    [s.accountId, s.sourceProjectId],
  );
  const rootPosition = Number(top.next);
  const tasks = [];
  for (let i = 0; i <= n; i++) {
    const outside = i === n;
    const parent = i === 0 || outside ? null : ids[Math.floor((i - 1) / BRANCHING)];
    const closed = !outside && i > 0 && i % 7 === 0;
    const position = i === 0 ? rootPosition : outside ? rootPosition + 1 : (i - 1) % BRANCHING;
    tasks.push([
      outside ? external : ids[i],
      s.accountId,
      s.sourceProjectId,
      parent,
      position,
      outside ? `${label} outside` : i === 0 ? label : `${label} task ${i}`,
      closed ? 1 : 0,
      now,
      closed ? now : null,
      now,
      `<p>Step ${i} of ${label}</p>`,
      '2030-03-01',
      '17:00',
      s.sourceListId,
      closed ? s.closedStatusId : s.openStatusId,
      position,
      120,
      120,
      JSON.stringify(['onboarding', `tag-${i % 5}`]),
      JSON.stringify({ [s.customFields[0]]: `Gold ${i}`, [s.customFields[1]]: `Note ${i}` }),
    ]);
  }
  await insertRows(
    sql,
    'tasks',
    [
      'id',
      'account_id',
      'project_id',
      'parent_id',
      // Dense positions are valid sparse order keys (distinct, non-negative).
      'sort_key',
      'title',
      'closed',
      'created_at',
      'closed_at',
      'updated_at',
      'description',
      'start_date',
      'due_time',
      'task_list_id',
      'workflow_status_id',
      'placement',
      'initial_estimate',
      'remaining_time',
      'tag_list',
      'custom_fields',
    ],
    tasks,
  );
  await insertRows(
    sql,
    'todos',
    [
      'account_id',
      'task_id',
      'description',
      'position',
      'closed_at',
      'due_date',
      'assignee_id',
      'created_at',
    ],
    ids.flatMap((id) => [
      [s.accountId, id, 'Prepare', 1, null, '2030-03-05', s.people[0], now],
      [s.accountId, id, 'Review', 2, null, null, null, now],
      [s.accountId, id, 'Done already', 3, now, null, null, now],
    ]),
  );
  await insertRows(
    sql,
    'comments',
    ['account_id', 'task_id', 'body', 'creator_id', 'created_at', 'updated_at'],
    ids.flatMap((id) => [
      [s.accountId, id, '<p>First comment</p>', s.people[0], now, now],
      [s.accountId, id, '<p>Second comment</p>', s.people[1], now, now],
    ]),
  );
  const [[blobTop]] = await sql.query('SELECT COALESCE(MAX(id), 0) AS top FROM blobs');
  const firstBlob = Number(blobTop.top) + 1;
  await insertRows(
    sql,
    'blobs',
    ['id', 'account_id', 'sha256', 'size', 'content', 'created_at'],
    ids.map((id, i) => {
      const bytes = Buffer.alloc(1024, `brief of task ${id}\n`);
      return [firstBlob + i, s.accountId, randomBytes(32).toString('hex'), bytes.length, bytes, now];
    }),
  );
  await insertRows(
    sql,
    'attachments',
    ['account_id', 'task_id', 'name', 'content_type', 'size', 'blob_id', 'created_at'],
    ids.map((id, i) => [s.accountId, id, 'brief.txt', 'text/plain', 1024, firstBlob + i, now]),
  );
  await insertRows(
    sql,
    'task_subscribers',
    ['task_id', 'person_id', 'account_id'],
    ids.flatMap((id) => s.people.map((p) => [id, p, s.accountId])),
  );
  // Dependency ids from their counter, as the service takes them (a build from before the counter
  // has no row for it: there, past the largest id).
  const [reserved] = await sql.query(
    "UPDATE id_allocators SET next_id = LAST_INSERT_ID(next_id + ?) WHERE name = 'task_dependencies'",
    [2 * n],
  );
  const [[depTop]] = await sql.query('SELECT COALESCE(MAX(id), 0) AS top FROM task_dependencies');
  let next = reserved.affectedRows ? Number(reserved.insertId) - 2 * n : Number(depTop.top) + 1;
  const deps = [];
  const pair = (blocker, waiter) => {
    const forward = next++;
    const reverse = next++;
    deps.push([forward, s.accountId, blocker, waiter, 1, reverse, now]);
    deps.push([reverse, s.accountId, waiter, blocker, 2, forward, now]);
  };
  for (let i = 1; i < n; i++) pair(ids[i - 1], ids[i]);
  pair(external, ids[0]);
  await insertRows(
    sql,
    'task_dependencies',
    ['id', 'account_id', 'task_id', 'dependent_task_id', 'type_id', 'reverse_id', 'created_at'],
    deps,
  );
  return ids[0];
}

async function run({ port, token, admin, dbName, dbUser, pid, counting }) {
  let accountId = 0;
  const call = client(port, token, () => accountId);
  const sql = await connect(new URL(SERVER), dbName);
  const [[account]] = await sql.query('SELECT id FROM accounts ORDER BY id LIMIT 1');
  accountId = Number(account.id);
  const [[{ v }]] = await admin.query('SELECT VERSION() AS v');
  log(
    `v2 face benchmark — POST /api/v2/tasks/copy — MariaDB/MySQL ${v}, ${os.cpus().length} cores, Node ${process.version}`,
  );

  const make = async (type, attributes) => {
    const res = await call('POST', `/${type}`, { data: { type, attributes } });
    if (res.status !== 201) throw new Error(`POST ${type}: ${res.status} ${JSON.stringify(res.json)}`);
    return Number(res.json.data.id);
  };
  const workflowId = await make('workflows', { name: 'Default' });
  const openStatusId = await make('workflow_statuses', {
    name: 'To do',
    category_id: 1,
    workflow_id: workflowId,
    position: 1,
  });
  const closedStatusId = await make('workflow_statuses', {
    name: 'Done',
    category_id: 3,
    workflow_id: workflowId,
    position: 2,
  });
  const people = [
    await make('people', { first_name: 'Mia', last_name: 'Member' }),
    await make('people', { first_name: 'Max', last_name: 'Member' }),
  ];
  const customFields = [
    await make('custom_fields', { name: 'Tier', customizable_type: 'tasks', data_type_id: 1 }),
    await make('custom_fields', { name: 'Note', customizable_type: 'tasks', data_type_id: 1 }),
  ];
  const project = (name) =>
    make('projects', { name, workflow_id: workflowId, task_custom_fields_ids: customFields });
  const sourceProjectId = await project('Templates');
  const sourceListId = await make('task_lists', { name: 'Templates', project_id: sourceProjectId });
  const targetProjectId = await project('Copies');
  const targetListId = await make('task_lists', { name: 'Copies', project_id: targetProjectId });
  for (const person of people) await make('memberships', { project_id: targetProjectId, person_id: person });
  const setup = {
    accountId,
    sourceProjectId,
    sourceListId,
    openStatusId,
    closedStatusId,
    people,
    customFields,
  };

  const built = performance.now();
  const roots = {};
  for (const [n] of SIZES) roots[n] = await makeTree(sql, setup, n, `Template ${n}`);
  // --sizes without 10 (--sizes=5000, say) still warms up: the first copy measured would
  // otherwise include the compilation of the whole copy path. Not before the large copy alone.
  if (!roots[10] && !process.argv.includes('--only-large'))
    roots[10] = await makeTree(sql, setup, 10, 'Warm-up 10');
  log(
    `setup: source trees of ${SIZES.map(([n]) => n).join(', ')} tasks written in ${ms(performance.now() - built)}`,
  );

  const statements = async () => {
    if (!counting) return NaN;
    const [[row]] = await admin.query(
      'SELECT SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS AS n FROM information_schema.USER_STATISTICS WHERE USER = ?',
      [dbUser],
    );
    return Number(row?.n ?? NaN);
  };
  // The server's CPU time for the service's statements so far, in ms (userstat), load-independent
  // like serviceCpuMs.
  const databaseCpuMs = async () => {
    if (!counting) return NaN;
    const [[row]] = await admin.query(
      'SELECT CPU_TIME AS cpu FROM information_schema.USER_STATISTICS WHERE USER = ?',
      [dbUser],
    );
    return Number(row?.cpu ?? NaN) * 1000;
  };
  const body = (n, i) => ({
    data: {
      type: 'tasks',
      attributes: {
        title: `Copy of ${n} #${i}`,
        template_id: roots[n],
        project_id: targetProjectId,
        task_list_id: targetListId,
        workflow_status_id: openStatusId,
        private: false,
        copy_description: true,
        copy_assignee: true,
        copy_subscribers: true,
        copy_tags: true,
        copy_date: true,
        copy_repeat: true,
        copy_estimate: true,
        copy_custom_fields: true,
        copy_attachments: true,
        copy_comments: true,
        copy_open_todos: true,
        copy_closed_todos: true,
        copy_open_subtasks: true,
        copy_closed_subtasks: true,
        copy_task_dependencies: true,
      },
    },
  });
  const problems = [];
  const check = (n, copy, label) => {
    const counts = copy?.meta?.copy?.counts ?? copy?.counts;
    const map = copy?.meta?.copy?.task_id_map ?? copy?.task_id_map;
    if (!counts || counts.tasks !== n || Object.keys(map).length !== n)
      problems.push(`${label}: ${JSON.stringify(counts)}`);
    else if (
      counts.todos !== 3 * n ||
      counts.comments !== 2 * n ||
      counts.attachments !== n ||
      counts.task_dependencies !== n
    )
      problems.push(`${label}: related rows ${JSON.stringify(counts)}`);
  };

  // Warm-up (JIT, pools): small copies.
  const warmups = roots[10] ? WARMUP : 0;
  if (!(warmups >= 0)) throw new Error(`--warmup: not a number of copies (${WARMUP})`);
  for (let i = 0; i < warmups; i++) {
    const res = await call('POST', '/tasks/copy', body(10, `w${i}`));
    if (res.status !== 201) throw new Error(`warm-up: ${res.status} ${JSON.stringify(res.json)}`);
  }
  log(`warm-up: ${warmups} copies of 10 tasks`);

  const figures = {};
  for (const [n, runs, mode] of SIZES) {
    const samples = [];
    const counted = [];
    // Async: the operation's own times, written by the service (ms precision), free of the poll.
    const server = { toStart: [], toFinish: [] };
    // Async: the submit's own answer (202), the reads that decide to queue included.
    const submits = [];
    let peak = 0;
    const baseline = memory(pid).rss;
    const cpuBefore = { service: serviceCpuMs(pid), database: await databaseCpuMs() };
    for (let i = 0; i < runs; i++) {
      const before = await statements();
      if (mode === 'sync') {
        const res = await call('POST', '/tasks/copy', body(n, i));
        if (res.status !== 201)
          throw new Error(`copy ${n}: ${res.status} ${JSON.stringify(res.json).slice(0, 500)}`);
        samples.push(res.ms);
        check(n, res.json, `copy ${n} #${i}`);
      } else {
        let sampling = true;
        const bound = n >= LARGE ? 90_000 : 6000;
        const sampler = (async () => {
          for (let k = 0; sampling && k < bound; k++) {
            peak = Math.max(peak, memory(pid).rss);
            await sleep(10);
          }
        })();
        const started = performance.now();
        const res = await call('POST', '/tasks/copy', body(n, i));
        submits.push(res.ms);
        if (res.status !== 202)
          throw new Error(`copy ${n}: ${res.status} ${JSON.stringify(res.json).slice(0, 500)}`);
        const id = res.json.data.id;
        let row;
        const seen = [];
        for (let k = 0; k < bound; k++) {
          [[row]] = await admin.query(
            `SELECT status, progress, details FROM \`${dbName}\`.operations WHERE id = ?`,
            [id],
          );
          if (seen.at(-1) !== row.progress) seen.push(row.progress);
          if (row.status === 'SUCCESS' || row.status === 'FAIL') break;
          await sleep(n >= LARGE ? 50 : 5);
        }
        if (n >= LARGE) {
          const steps = seen.slice(1).map((p, k) => p - seen[k]);
          log(
            `  progress seen by a poller: ${seen.length} values, largest step ${Math.max(...steps)} % (${seen.join(' ')})`,
          );
        }
        samples.push(performance.now() - started);
        sampling = false;
        await sampler;
        if (row.status !== 'SUCCESS') throw new Error(`copy ${n}: operation ${row.status}: ${row.details}`);
        check(n, JSON.parse(row.details), `copy ${n} #${i}`);
        const [[times]] = await admin.query(
          `SELECT TIMESTAMPDIFF(MICROSECOND, submitted, started) / 1000 AS toStart, TIMESTAMPDIFF(MICROSECOND, submitted, finished) / 1000 AS toFinish FROM \`${dbName}\`.operations WHERE id = ?`,
          [id],
        );
        server.toStart.push(Number(times.toStart));
        server.toFinish.push(Number(times.toFinish));
        const done = await call('GET', `/operations/${id}`);
        if (done.status !== 303) problems.push(`operation ${id}: GET answered ${done.status}`);
      }
      const after = await statements();
      // The async run's final GET /operations is outside the copy: measured separately below.
      counted.push(after - before);
    }
    // CPU per copy, averaged over the runs (it includes the few statements of the counting itself).
    const cpu = {
      service: (serviceCpuMs(pid) - cpuBefore.service) / runs,
      database: ((await databaseCpuMs()) - cpuBefore.database) / runs,
    };
    const s = stats(samples);
    figures[n] = { ...s, statements: counted, cpu };
    log(
      `  ${String(n).padStart(5)} tasks ${mode.padEnd(5)}: p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}  (n=${s.n})` +
        `  statements/copy ${[...new Set(counted)].join(', ')}` +
        `  CPU/copy: service ${ms(cpu.service)}, database ${ms(cpu.database)}` +
        (mode === 'async' ? `  VmRSS before ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB` : ''),
    );
    if (mode === 'async') {
      log(
        `        as the operation row says: submitted→started p50 ${ms(stats(server.toStart).p50)}, submitted→finished p50 ${ms(stats(server.toFinish).p50)} (${server.toFinish.map((v) => v.toFixed(0)).join(', ')} ms); the submit's answer (202) p50 ${ms(stats(submits).p50)}`,
      );
    }
  }
  // What one GET /api/v2/operations/:id costs (subtracted from the async statement count above).
  {
    const [[op]] = await admin.query(`SELECT id FROM \`${dbName}\`.operations LIMIT 1`);
    // None without an async row (--sizes).
    if (op) {
      const before = await statements();
      await call('GET', `/operations/${op.id}`);
      log(
        `  (one GET /api/v2/operations/:id: ${(await statements()) - before} statements, included in the async figure)`,
      );
    }
  }
  const mem = memory(pid);
  log(
    `service memory at the end: VmRSS ${mem.rss.toFixed(0)} MB, VmHWM (peak over the whole run) ${mem.hwm.toFixed(0)} MB`,
  );

  const [[total]] = await sql.query('SELECT COUNT(*) AS n FROM tasks WHERE project_id = ?', [
    targetProjectId,
  ]);
  const expected = warmups * 10 + SIZES.reduce((sum, [n, runs]) => sum + n * runs, 0);
  if (Number(total.n) !== expected)
    problems.push(`target project has ${total.n} tasks, expected ${expected}`);
  log(`integrity: ${problems.length === 0 ? 'OK' : `${problems.length} problems`} (${total.n} copied tasks)`);
  for (const p of problems.slice(0, 10)) log(`  ${p}`);
  await sql.end();
  if (problems.length) process.exitCode = 1;
  return figures;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
