// To Do face benchmark (issue 3, "Speed"). Builds the service, starts `node dist/main.js` on a
// fresh MariaDB/MySQL database and a free loopback port, then measures POST /todo/clone at
// several batch sizes, GET of a 2,000-task project, pastes, moves and deletes in sibling lists of
// 100 to 100,000 tasks and a mixed concurrent load, and checks the data afterwards. Every loop is
// bounded.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node bench/todo/run.mjs [--no-build] [--mixed-only | --paste-only | --clones-only]
//   [--paste-interleaved] (the long-list pastes in turns across the sizes, BENCH_PASTE_SAMPLES each)
//   [--paste-near-end] (each long-list paste also near the list's end, 41 tasks before it)
//   [--paste-watched] (the long lists watched while pasted into: each read once, so that the list
//   cache holds it, and one live socket subscribed to the account's tasks)
//   [--paste-counts] (per long-list paste, load-independent: the rows the database read for it and
//   its CPU, service and database: the service then runs as a database user of its own, whose
//   information_schema.USER_STATISTICS are its statements, with userstat switched on for the run)
//   BENCH_SECONDS (mixed load duration, default 20), BENCH_CLIENTS (default 16),
//   BENCH_MIX (mixed-load percentages of reads, clones and updates, default 70,20,10),
//   BENCH_HTTP (the mixed load's HTTP client: lean, the default, or node)
//   BENCH_REQUESTS (the mixed load stops after this many requests, or at BENCH_SECONDS if sooner;
//   each client then draws its requests from a seeded generator: two builds do the same work, and
//   their service CPU per request compares)
import { randomBytes } from 'node:crypto';
import { subtree } from './batches.mjs';
import { subscribedSocket } from '../lib/live-socket.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import {
  build,
  connect,
  createDatabase,
  dropDatabase,
  log,
  SERVER,
  serviceEnv,
  startService,
  stats,
} from '../lib/service.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
// Mixed-load shares in percent, reads/clones/updates (the issue's mix by default).
const MIX = (process.env.BENCH_MIX ?? '70,20,10').split(',').map(Number);
if (MIX.length !== 3 || MIX.some((x) => !(x >= 0)) || MIX[0] + MIX[1] + MIX[2] !== 100)
  throw new Error('BENCH_MIX must be three percentages that add up to 100, e.g. 70,20,10');

// The mixed load's HTTP client: `lean` (default, leanConnection) or `node` (node:http, as the setup uses).
const LEAN = (process.env.BENCH_HTTP ?? 'lean') === 'lean';
if (!['lean', 'node'].includes(process.env.BENCH_HTTP ?? 'lean'))
  throw new Error('BENCH_HTTP is lean or node');

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 0);

/** A seeded generator of numbers in [0, 1) (mulberry32). */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function main() {
  build();
  const admin = await connect(SERVER);
  const db = await createDatabase(admin, 'cw_bench');
  const token = `bench_${randomBytes(16).toString('hex')}`;
  const counts = process.argv.includes('--paste-counts') ? await countingUser(admin, db) : null;
  const env = serviceEnv(counts?.url ?? db.url, token, { DATABASE_POOL_SIZE: '20' });
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  try {
    const service = await startService({ env, nodeArgs });
    try {
      servicePid = service.pid;
      pasteCounters = counts && { ...counts, pid: service.pid };
      await run(service.port, token, db.name, admin);
    } finally {
      await service.stop(nodeArgs.length ? 'SIGINT' : 'SIGTERM');
    }
  } finally {
    await counts?.drop();
    await dropDatabase(admin, db.name);
    await admin.end();
  }
}

// --paste-counts: the service's own database user, and how to read what it has cost so far.
let pasteCounters = null;
// The service's process, whose CPU the mixed load reports per request.
let servicePid = 0;

async function countingUser(admin, db) {
  const user = db.name;
  const password = randomBytes(12).toString('hex');
  await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
  await admin.query(`GRANT ALL PRIVILEGES ON \`${db.name}\`.* TO '${user}'@'%'`);
  const [[{ userstat }]] = await admin.query('SELECT @@GLOBAL.userstat AS userstat');
  await admin.query('SET GLOBAL userstat = 1');
  const url = new URL(db.url);
  url.username = user;
  url.password = password;
  return {
    url,
    /** Rows the server read for the user's statements, and its CPU for them in ms. */
    async database() {
      const [[row]] = await admin.query(
        'SELECT ROWS_READ AS rowsRead, CPU_TIME AS cpu FROM information_schema.USER_STATISTICS WHERE USER = ?',
        [user],
      );
      return { rows: Number(row?.rowsRead ?? NaN), cpu: Number(row?.cpu ?? NaN) * 1000 };
    },
    async drop() {
      await admin.query(`SET GLOBAL userstat = ${Number(userstat) ? 1 : 0}`).catch(() => undefined);
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    },
  };
}

/** The service's user and system CPU time so far in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function serviceUserSystemMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command's `)`.
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/** The service's CPU time so far in ms, all its threads (/proc/<pid>/task/<tid>/schedstat). */
function serviceCpuMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return ns / 1e6;
}

function client(port, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  // `raw`: do not parse the reply (mixed-load reads; the client shares the machine's 2 cores).
  return (method, path, body, raw = false) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const started = performance.now();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: `/todo${path}`,
          agent,
          headers: {
            'remote-token': token,
            'content-type': 'application/json',
            ...(payload ? { 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          // A raw read only counts its bytes: the client shares the 2 cores with the service.
          const keep = !(raw && res.statusCode === 200);
          const chunks = [];
          let bytes = 0;
          res.on('data', (c) => {
            bytes += c.length;
            if (keep) chunks.push(c);
          });
          res.on('end', () => {
            const text = keep ? Buffer.concat(chunks).toString('utf8') : '';
            const ms = performance.now() - started;
            if (res.statusCode !== 200) resolve({ ok: false, status: res.statusCode, text, ms });
            else
              resolve({
                ok: true,
                status: 200,
                json: raw ? bytes : text ? JSON.parse(text) : null,
                ms,
              });
          });
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
}

// Per connection of the mixed load's lean client: one buffer its socket reads into, reused.
const READ_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * The mixed load's client: one keep-alive HTTP/1.1 connection per worker, one request at a time
 * (as the widget's browser sends them), on a raw socket that reads into one reused buffer. It
 * reads every byte of every body as the `client` above does, with far fewer callbacks and no
 * buffer per chunk: with ~2 MB list bodies, Node's HTTP client spent as much CPU on the 2 shared
 * cores as the service did. Answers the same `{ ok, status, text, json, ms }`; every reply must
 * carry a Content-Length (Fastify sets one for every body it sends).
 */
function leanConnection(port, token) {
  let pending = null;
  let head = Buffer.alloc(0);
  let status = 0;
  let remaining = -1;
  let keep = null;
  let bytes = 0;
  const fail = (error) => {
    const p = pending;
    pending = null;
    p?.reject(error);
  };
  const finish = () => {
    const p = pending;
    pending = null;
    const ms = performance.now() - p.started;
    const text = keep ? Buffer.concat(keep).toString('utf8') : '';
    if (status !== 200) p.resolve({ ok: false, status, text, ms });
    else p.resolve({ ok: true, status, json: p.raw ? bytes : text ? JSON.parse(text) : null, ms });
  };
  const body = (chunk, from, to) => {
    const n = Math.min(to - from, remaining);
    bytes += n;
    remaining -= n;
    if (keep) keep.push(Buffer.from(chunk.subarray(from, from + n)));
    if (remaining === 0) finish();
    return from + n;
  };
  const onread = (nread, buffer) => {
    if (!pending) return fail(new Error('bytes arrived with no request in flight'));
    if (remaining >= 0) {
      if (body(buffer, 0, nread) < nread) fail(new Error('more bytes than the reply announced'));
      return;
    }
    // Still in the head (small): found in this read alone, or gathered over several.
    const read =
      head.length === 0 ? buffer.subarray(0, nread) : Buffer.concat([head, buffer.subarray(0, nread)]);
    const end = read.indexOf('\r\n\r\n');
    if (end < 0) {
      head = Buffer.from(read);
      return;
    }
    head = Buffer.alloc(0);
    const lines = read.subarray(0, end).toString('latin1').split('\r\n');
    status = Number(lines[0].split(' ')[1]);
    const length = lines.find((l) => /^content-length:/i.test(l));
    if (!length) return fail(new Error(`a reply without Content-Length: ${lines[0]}`));
    remaining = Number(length.split(':')[1]);
    bytes = 0;
    keep = pending.raw && status === 200 ? null : [];
    const rest = read.subarray(end + 4);
    if (remaining === 0) {
      finish();
      if (rest.length > 0) fail(new Error('more bytes than the reply announced'));
    } else if (body(rest, 0, rest.length) < rest.length)
      fail(new Error('more bytes than the reply announced'));
  };
  const socket = net.connect({
    host: '127.0.0.1',
    port,
    noDelay: true,
    onread: { buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES), callback: onread },
  });
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the connection closed')));
  const request = (method, path, payload, raw = false) =>
    new Promise((resolve, reject) => {
      if (pending) return reject(new Error('one request at a time per connection'));
      const data = payload === undefined ? null : Buffer.from(JSON.stringify(payload));
      pending = { resolve, reject, raw, started: performance.now() };
      remaining = -1;
      const head = `${method} /todo${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nremote-token: ${token}\r\n`;
      socket.write(
        data
          ? Buffer.concat([
              Buffer.from(`${head}content-type: application/json\r\ncontent-length: ${data.length}\r\n\r\n`),
              data,
            ])
          : `${head}\r\n`,
      );
    });
  return { request, close: () => socket.destroy() };
}

/** 2,000 tasks: 100 roots, each with 4 children, each child with 3 grandchildren + 1 more level. */
function tree2000(tag) {
  return subtree(2000, tag)
    .map((item, i) => (i < 100 ? { ...item, parent: null } : item))
    .map((item, i) => (i >= 100 && i < 500 ? { ...item, parent: `temp://${tag}-${(i - 100) % 100}` } : item));
}

/**
 * The new ids of a clone of `size` items, each once: the answer keys every new id twice, by client
 * id and by batch position ("0", "1", …), so its values hold each id twice.
 */
function newIds(answer, size) {
  const ids = Array.from({ length: size }, (_, i) => answer[String(i)]);
  if (ids.some((id) => typeof id !== 'number')) throw new Error('a clone answer lacks a batch position');
  return ids;
}

async function must(call, method, path, body) {
  const res = await call(method, path, body);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res.json;
}

async function run(port, token, dbName, admin) {
  const call = client(port, token);
  log(
    `To Do face benchmark — MariaDB/MySQL ${(await admin.query('SELECT VERSION() AS v'))[0][0].v}, ` +
      `${os.cpus().length} cores, Node ${process.version}`,
  );

  // Setup over HTTP: project A (reads), B (mixed load), C (clone destination).
  const projectA = (await must(call, 'POST', '/projects', { label: 'A' })).id;
  const projectB = (await must(call, 'POST', '/projects', { label: 'B' })).id;
  const projectC = (await must(call, 'POST', '/projects', { label: 'C' })).id;
  const started = performance.now();
  await must(call, 'POST', '/clone', { project: projectA, batch: tree2000('a') });
  const bIds = newIds(await must(call, 'POST', '/clone', { project: projectB, batch: tree2000('b') }), 2000);
  log(`setup: two 2,000-task projects over HTTP in ${fmt(performance.now() - started)}`);
  // Clone targets: random tasks of a third 2,000-task tree, so each paste shifts one real sibling
  // list (as the widget's paste after a task does), not one ever-growing list.
  const anchors = newIds(
    await must(call, 'POST', '/clone', { project: projectC, batch: tree2000('c') }),
    2000,
  );
  const pick = (i) => anchors[(i * 7919) % anchors.length];

  // Warm-up (JIT, pools, caches).
  for (let i = 0; i < 50; i++) {
    await must(call, 'GET', `/tasks/projects/${projectA}`);
    await must(call, 'POST', '/clone', { batch: subtree(3, `w${i}`), targetId: pick(i + 1) });
  }

  if (process.argv.includes('--clones-only')) {
    await sequentialClones(call, pick);
    return;
  }
  if (!process.argv.includes('--mixed-only')) {
    await sequentialMeasures(call, pick, projectA);
    await longListPastes(call, port);
  }
  if (!process.argv.includes('--paste-only'))
    await mixedLoad(call, port, token, admin, dbName, projectB, bIds);
}

/**
 * A paste of 3 tasks right after the first task of one sibling list of 100, 10,000 and 100,000
 * tasks (each list the root list of its own project, built with clones of up to 10,000 roots):
 * bounded to 20 pastes or 30 s per size, whichever comes first, one size after the other. With
 * `--paste-interleaved`, the three lists are built first and then pasted into in turns (100,
 * 10,000, 100,000, then the next round starting one size later), BENCH_PASTE_SAMPLES pastes per
 * size (default 60) or 90 s in all: drift of the machine then falls on every size alike.
 */
async function longListPastes(call, port) {
  const interleaved = process.argv.includes('--paste-interleaved');
  const nearEnd = process.argv.includes('--paste-near-end');
  const watched = process.argv.includes('--paste-watched');
  const samplesPerSize = interleaved ? Number(process.env.BENCH_PASTE_SAMPLES ?? 60) : 20;
  if (!(samplesPerSize > 0)) throw new Error('BENCH_PASTE_SAMPLES must be a positive number');
  log(
    `\nPOST /todo/clone of 3 tasks after the first task of a long sibling list, sequential${
      interleaved ? ', sizes in turns' : ''
    }${nearEnd ? ', and near its end' : ''}${watched ? ', the lists watched (read once, one live socket)' : ''}:`,
  );
  const lengths = [100, 10_000, 100_000];
  const lists = [];
  const socket = watched ? await liveSocket(call, port) : null;
  const counters = pasteCounters;
  const costs = async () =>
    counters && { ...(await counters.database()), service: serviceCpuMs(counters.pid) };
  const pasteAfter = async (list, targetId, samples, tag) => {
    const batch = [0, 1, 2].map((k) => ({
      id: `temp://p${tag}${list.length}-${samples.length}-${k}`,
      parent: null,
      text: `paste ${samples.length} ${k}`,
    }));
    const before = await costs();
    const res = await call('POST', '/clone', { targetId, batch });
    if (!res.ok) throw new Error(`paste into ${list.length}: ${res.status} ${res.text}`);
    samples.push(res.ms);
    if (!before) return;
    // Told after the commit, the watchers may still be at work: let them finish first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = await costs();
    samples.costs ??= { rows: [], cpu: [], service: [] };
    for (const key of ['rows', 'cpu', 'service']) samples.costs[key].push(after[key] - before[key]);
  };
  const paste = async (list) => {
    await pasteAfter(list, list.first, list.samples, '');
    if (nearEnd) await pasteAfter(list, list.tail[list.tail.length - 41], list.endSamples, 'e');
  };
  const report = (list) => {
    const line = (samples, where) => {
      const s = stats(samples);
      const c = samples.costs;
      const per = c
        ? `; per paste, medians: rows read ${stats(c.rows).p50}, CPU service ${fmt(stats(c.service).p50)}, database ${fmt(stats(c.cpu).p50)}`
        : '';
      log(
        `  ${String(list.length).padStart(7)} siblings${where}: p50 ${fmt(s.p50)}  p99 ${fmt(s.p99)}  (n=${s.n})${per}`,
      );
    };
    line(list.samples, nearEnd ? ', after the first' : '');
    if (nearEnd) line(list.endSamples, ', near the end  ');
  };
  for (const length of lengths) {
    const list = await longList(call, length);
    lists.push(list);
    // Read once: the list cache holds the project's list from here on, and patches it per paste.
    if (watched) await must(call, 'GET', `/tasks/projects/${list.project}`);
    if (interleaved) continue;
    const stop = performance.now() + 30_000;
    for (let i = 0; i < samplesPerSize && performance.now() < stop; i++) await paste(list);
    report(list);
    list.movesAndDeletes = await moveAndDelete(call, list.first, list.tail.slice(-40));
  }
  if (interleaved) {
    const stop = performance.now() + 90_000;
    for (let i = 0; i < samplesPerSize && performance.now() < stop; i++) {
      for (let k = 0; k < lists.length; k++) await paste(lists[(i + k) % lists.length]);
    }
    for (const list of lists) report(list);
    for (const list of lists)
      list.movesAndDeletes = await moveAndDelete(call, list.first, list.tail.slice(-40));
  }
  if (socket) {
    // The watchers kept up: the socket heard every paste, and a list read now is served as patched.
    const pastes = lists.reduce((n, list) => n + list.samples.length + list.endSamples.length, 0);
    const stop = performance.now() + 5_000;
    while (socket.clones() < pastes && performance.now() < stop) await new Promise((r) => setTimeout(r, 20));
    log(
      `  live socket: ${socket.clones()} clone-task events for ${pastes} pastes, ${socket.resyncs()} resyncs`,
    );
    socket.close();
  }
  log(
    '\nPUT /todo/move of a task from near the end of the list to after its first task, and DELETE of a task, sequential:',
  );
  for (const { length, movesAndDeletes } of lists) {
    const m = stats(movesAndDeletes.moves);
    const d = stats(movesAndDeletes.deletes);
    log(
      `  ${String(length).padStart(7)} siblings: move p50 ${fmt(m.p50)}  p99 ${fmt(m.p99)}  (n=${m.n}); delete p50 ${fmt(d.p50)}  p99 ${fmt(d.p99)}  (n=${d.n})`,
    );
  }
}

/** The root list of a new project, `length` tasks made by clones of up to 10,000 roots. */
async function longList(call, length) {
  const project = (await must(call, 'POST', '/projects', { label: `L${length}` })).id;
  let first;
  let tail = [];
  for (let made = 0; made < length; made += 10_000) {
    const n = Math.min(10_000, length - made);
    const batch = Array.from({ length: n }, (_, i) => ({
      id: `temp://l${length}-${made + i}`,
      parent: null,
      text: `long ${made + i}`,
    }));
    const ids = newIds(await must(call, 'POST', '/clone', { project, batch }), n);
    // A clone into the project with no target goes to the top of its root list: the latest
    // batch starts the list, the first one ends it.
    first = ids[0];
    tail = tail.length ? tail : ids;
  }
  return { length, project, first, tail, samples: [], endSamples: [], movesAndDeletes: null };
}

/** One live socket of the account, subscribed to its tasks, counting what it hears. */
async function liveSocket(call, port) {
  const { key } = await must(call, 'GET', '/api/v1');
  const ws = await subscribedSocket(
    `ws://127.0.0.1:${port}/todo/api/v1?token=${encodeURIComponent(key)}&ws=1`,
  );
  let clones = 0;
  let resyncs = 0;
  ws.on('message', (data) => {
    const value = JSON.parse(data.toString()).body?.value;
    if (value?.type === 'clone-task' && value.data?.batch?.[0]?.text?.startsWith('paste ')) clones++;
    if (value?.type === 'resync') resyncs++;
  });
  // The subscription is read before any later write is told: a ping round trip.
  await new Promise((resolve) => {
    ws.once('pong', resolve);
    ws.ping();
  });
  return { clones: () => clones, resyncs: () => resyncs, close: () => ws.terminate() };
}

/** 20 moves of tasks near the list's end to after its first task, and 20 deletes (30 s at most). */
async function moveAndDelete(call, first, near) {
  const moves = [];
  const deletes = [];
  const stop = performance.now() + 30_000;
  for (let i = 0; i < 20 && performance.now() < stop; i++) {
    const res = await call('PUT', `/move/${near[i]}`, { targetId: first });
    if (!res.ok) throw new Error(`move: ${res.status} ${res.text}`);
    moves.push(res.ms);
  }
  for (let i = 20; i < 40 && performance.now() < stop; i++) {
    const res = await call('DELETE', `/tasks/${near[i]}`, {});
    if (!res.ok) throw new Error(`delete: ${res.status} ${res.text}`);
    deletes.push(res.ms);
  }
  return { moves, deletes };
}

async function sequentialMeasures(call, pick, projectA) {
  await sequentialClones(call, pick);
  await sequentialReads(call, projectA);
}

async function sequentialClones(call, pick) {
  log('\nPOST /todo/clone (connected subtree, temp ids, after a target), sequential:');
  const sizes = [
    [1, 200],
    [3, 200],
    [10, 200],
    [100, 100],
    [1000, 30],
    [10000, 5],
  ];
  for (const [size, reps] of sizes) {
    const samples = [];
    for (let i = 0; i < reps; i++) {
      const res = await call('POST', '/clone', {
        targetId: pick(i),
        batch: subtree(size, `s${size}-${i}`),
      });
      if (!res.ok) throw new Error(`clone ${size}: ${res.status} ${res.text}`);
      // Each new id is keyed twice: by client id and by batch position.
      if (Object.keys(res.json).length !== 2 * size)
        throw new Error(`clone ${size}: ${Object.keys(res.json).length} keys`);
      samples.push(res.ms);
    }
    const s = stats(samples);
    log(`  ${String(size).padStart(6)} tasks: p50 ${fmt(s.p50)}  p99 ${fmt(s.p99)}  (n=${s.n})`);
  }
}

async function sequentialReads(call, projectA) {
  log('\nGET /todo/tasks/projects/:id of the 2,000-task project, sequential:');
  {
    const samples = [];
    for (let i = 0; i < 300; i++) {
      const res = await call('GET', `/tasks/projects/${projectA}`);
      if (!res.ok || res.json.length !== 2000) throw new Error('GET project A failed');
      samples.push(res.ms);
    }
    const s = stats(samples);
    log(`  p50 ${fmt(s.p50)}  p99 ${fmt(s.p99)}  (n=${s.n})`);
  }

  log('\nPUT /todo/tasks/:id with a batch of 1,000 full replacements (project A), sequential:');
  {
    const ids = (await must(call, 'GET', `/tasks/projects/${projectA}`)).slice(0, 1000).map((x) => x.id);
    const samples = [];
    for (let i = 0; i < 30; i++) {
      const body = {
        text: `put ${i}`,
        batch: ids.slice(1).map((id) => ({ id, text: `put ${i} ${id}`, checked: i % 2 === 0 })),
      };
      const res = await call('PUT', `/tasks/${ids[0]}`, body);
      if (!res.ok) throw new Error(`PUT batch: ${res.status} ${res.text}`);
      samples.push(res.ms);
    }
    const s = stats(samples);
    log(`  p50 ${fmt(s.p50)}  p99 ${fmt(s.p99)}  (n=${s.n})`);
  }
}

async function mixedLoad(call, port, token, admin, dbName, projectB, bIds) {
  log(
    `\nMixed load on project B: ${CLIENTS} clients, ${SECONDS} s (${MIX[0]}% GET project, ${MIX[1]}% clone of 3, ${MIX[2]}% PUT; ${LEAN ? 'lean' : 'node:http'} client):`,
  );
  const before = await must(call, 'GET', `/tasks/projects/${projectB}`);
  // The hot sibling list is B's root list (its first 100 tasks): half of the clones land after a
  // random root there, the other half after any task of B.
  const hotList = before.filter((x) => x.parent === null).map((x) => x.id);
  const clones = [];
  const latencies = [];
  const byKind = { get: [], clone: [], put: [] };
  const errors = [];
  let requests = 0;
  let sent = 0;
  let readBytes = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const worker = async (w) => {
    if (!LEAN) return load(w, call);
    const connection = leanConnection(port, token);
    try {
      await load(w, connection.request);
    } finally {
      connection.close();
    }
  };
  const load = async (w, call) => {
    const random = REQUESTS > 0 ? seeded(w + 1) : Math.random;
    for (let n = 0; performance.now() < deadline && (REQUESTS === 0 || sent < REQUESTS); n++) {
      sent++;
      const roll = random();
      let res;
      let kind = 'get';
      if (roll < MIX[0] / 100) {
        res = await call('GET', `/tasks/projects/${projectB}`, undefined, true);
        if (res.ok) readBytes += res.json;
      } else if (roll < (MIX[0] + MIX[1]) / 100) {
        kind = 'clone';
        const target =
          random() < 0.5
            ? hotList[Math.floor(random() * hotList.length)]
            : bIds[Math.floor(random() * bIds.length)];
        const tag = `m${w}-${n}`;
        const batch = [
          { id: `${tag}-r1`, parent: 1, text: `mixed ${tag} root` },
          { id: `${tag}-c`, parent: `${tag}-r1`, text: `mixed ${tag} child` },
          { id: `${tag}-r2`, parent: 1, text: `mixed ${tag} root 2` },
        ];
        res = await call('POST', '/clone', { targetId: target, batch });
        if (res.ok) clones.push({ target, map: res.json, tag });
      } else {
        kind = 'put';
        const id = bIds[Math.floor(random() * bIds.length)];
        res = await call('PUT', `/tasks/${id}`, {
          id,
          text: `updated by ${w}-${n}`,
          checked: n % 2 === 0,
          collapsed: false,
          assigned: [],
          due_date: '2031-05-01T00:00:00.000Z',
          completion_date: null,
          edited_date: '2030-11-02T08:15:00.000Z',
          priority: 2,
        });
      }
      requests++;
      latencies.push(res.ms);
      byKind[kind].push(res.ms);
      if (!res.ok) errors.push(`${res.status} ${res.text}`);
    }
  };
  const loadStart = performance.now();
  const databaseStart = await pasteCounters?.database();
  const cpuStart = serviceCpuMs(servicePid);
  const splitStart = serviceUserSystemMs(servicePid);
  await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
  const elapsed = (performance.now() - loadStart) / 1000;
  const cpu = serviceCpuMs(servicePid) - cpuStart;
  const split = serviceUserSystemMs(servicePid);
  const databaseEnd = await pasteCounters?.database();
  const s = stats(latencies);
  log(
    `  ${requests} requests, ${(requests / elapsed).toFixed(0)} req/s, p50 ${fmt(s.p50)}, p99 ${fmt(s.p99)}, errors ${errors.length}`,
  );
  log(
    `    service CPU ${(cpu / 1000).toFixed(2)} s, ${(cpu / Math.max(1, requests)).toFixed(3)} ms per request` +
      ` (user ${((split.user - splitStart.user) / Math.max(1, requests)).toFixed(3)},` +
      ` system ${((split.system - splitStart.system) / Math.max(1, requests)).toFixed(3)};` +
      ` load average ${os.loadavg()[0].toFixed(2)})`,
  );
  if (databaseEnd)
    log(
      `    database (the service's user): ${((databaseEnd.rows - databaseStart.rows) / requests).toFixed(1)} rows read,` +
        ` ${((databaseEnd.cpu - databaseStart.cpu) / requests).toFixed(3)} ms CPU per request`,
    );
  log(
    `    list bodies read: ${(readBytes / 1e6).toFixed(0)} MB, ${(readBytes / 1e6 / Math.max(1, byKind.get.length)).toFixed(2)} MB each on average`,
  );
  for (const [kind, samples] of Object.entries(byKind)) {
    const k = stats(samples);
    log(`    ${kind.padEnd(5)} n=${k.n} p50 ${fmt(k.p50)} p99 ${fmt(k.p99)}`);
  }
  if (errors.length) log(`  first error: ${errors[0]}`);

  // Integrity: nothing lost, nothing unexpected, clones where they belong, original order intact.
  const after = await must(call, 'GET', `/tasks/projects/${projectB}`);
  const problems = [];
  const expected = new Set([...bIds, ...clones.flatMap((c) => newIds(c.map, 3))]);
  const seen = new Set(after.map((x) => x.id));
  if (after.length !== expected.size) problems.push(`expected ${expected.size} tasks, found ${after.length}`);
  for (const id of expected) if (!seen.has(id)) problems.push(`task ${id} lost`);
  for (const id of seen) if (!expected.has(id)) problems.push(`unexpected task ${id}`);
  const list = (parent) => after.filter((x) => x.parent === parent).map((x) => x.id);
  const byId = new Map(after.map((x) => [x.id, x]));
  for (const c of clones) {
    const r1 = c.map[`${c.tag}-r1`];
    const r2 = c.map[`${c.tag}-r2`];
    const child = c.map[`${c.tag}-c`];
    const target = byId.get(c.target);
    const siblings = list(target.parent);
    const ti = siblings.indexOf(c.target);
    const i1 = siblings.indexOf(r1);
    if (i1 <= ti || siblings[i1 + 1] !== r2)
      problems.push(`clone ${c.tag}: roots not consecutive after ${c.target}`);
    if (byId.get(child)?.parent !== r1) problems.push(`clone ${c.tag}: child misplaced`);
    if (byId.get(r1)?.parent !== target.parent)
      problems.push(`clone ${c.tag}: root not in the target's list`);
  }
  const original = new Set(bIds);
  const origOrder = before.map((x) => x.id);
  const nowOrder = after.map((x) => x.id).filter((id) => original.has(id));
  if (origOrder.join(',') !== nowOrder.join(',')) problems.push('the original tasks changed order');
  // The stored order: sparse keys (`sort_key`: distinct and non-negative in each list, which then
  // reads 0..n-1), or, in builds before them, dense positions (`position`: exactly 0..n-1).
  const [[sparse]] = await admin.query(
    `SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_schema = ? AND table_name = 'tasks' AND column_name = 'sort_key'`,
    [dbName],
  );
  const [bad] = await admin.query(
    `SELECT COUNT(*) AS lists FROM (SELECT project_key, parent_key FROM \`${dbName}\`.tasks
       GROUP BY account_id, project_key, parent_key HAVING ${
         Number(sparse.n)
           ? 'MIN(sort_key) < 0 OR COUNT(DISTINCT sort_key) <> COUNT(*)'
           : 'MIN(position) <> 0 OR MAX(position) <> COUNT(*) - 1 OR COUNT(DISTINCT position) <> COUNT(*)'
       }) bad`,
  );
  if (Number(bad[0].lists) !== 0)
    problems.push(
      `${bad[0].lists} sibling lists have ${Number(sparse.n) ? 'negative or repeated order keys' : 'positions other than 0..n-1'}`,
    );
  log(
    `\nIntegrity after the mixed load: ${problems.length === 0 ? 'OK' : `${problems.length} problems`}` +
      ` (${clones.length} clones checked, ${after.length} tasks)`,
  );
  for (const p of problems.slice(0, 10)) log(`  ${p}`);
  if (problems.length || errors.length) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
