// Live updates benchmark. Builds the service, starts `node dist/main.js` on a fresh MariaDB/MySQL
// database and a free loopback port, and measures what BENCH_SOCKETS open live sockets cost the
// mixed To Do load (reads of a project, creates, updates), and the latency from sending a write to
// its event arriving on a socket (p50/p99 on BENCH_PROBES of the sockets), under that load and for
// paced writes (one every 50 ms, nothing else running). Every loop is bounded.
//
// The throughput cost is measured in alternation within one process: the sockets are opened once,
// all on one account, and the mix runs in BENCH_SEGMENTS segments of BENCH_SEGMENT_SECONDS each,
// in turns on that account ("with sockets": every write is an event on each of them) and on a
// second account that has no socket ("without": its writes reach no socket and are not even
// published), in the order ABBA ABBA… (without, with, with, without, …). Every pair of segments
// starts from the same state: each of its two segments runs on a project of its own, fresh, seeded
// alike with 200 tasks (every project is made before the first segment), so the lists read do not
// grow over the run and each pair measures what the one before did; the same warm-up, on projects
// of its own, precedes all of them. Each adjacent pair
// (segments 1–2, 3–4, …) gives one cost, 1 − with / without; the line `throughput cost:` gives
// their median, each pair's figure, their middle half and extremes and the pooled figure (all
// requests over all time of each kind). Segments are short and pairs many: on a machine shared
// with other work a single pair swings by tens of points with that work's bursts, while the two
// segments of a pair see nearly the same conditions, and the median of many pairs moves less than
// one long pair (on a busy shared machine whole runs still differ by ten points and more, see
// BENCHMARKS.md); the swapped order of every other pair cancels what being first or second does.
// The service's CPU time per request with and without sockets, which depends far less on the
// machine's other load, comes beside it.
//
// The probes parse every message in this process: they time the latency and check that each of
// them got the same events in the same order. The other sockets only count frames, in a process
// of their own (sockets.mjs) run at the lowest priority (nice BENCH_SOCKETS_NICE, default 19), and
// read in turns, every BENCH_SOCKETS_READ_MS (default 50; 0: as data comes): a real client is on
// another machine, so what the benchmark's own receiving costs should take as little as it can
// from the service it measures. Its CPU time is reported apart all the same.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node bench/live/run.mjs [--no-build]
//   BENCH_SEGMENTS (an even number, default 32), BENCH_SEGMENT_SECONDS (default 1.25),
//   BENCH_WARMUP_SECONDS (on each account before the segments, default 2), BENCH_PACED_SECONDS
//   (default 10), BENCH_CLIENTS (default 16), BENCH_SOCKETS (default 200), BENCH_PROBES (default
//   10), BENCH_SOCKETS_NICE (default 19), BENCH_CPU_PROF (a directory: the service writes a V8 CPU
//   profile there, `--cpu-prof`, and this script when each segment ran; `node
//   bench/live/profile.mjs <dir>` splits the profile by segment kind). BENCH_SECONDS (each phase
//   of the earlier two-phase run; still the To Do bench's mix) is not read here.
import { randomBytes } from 'node:crypto';
import { fork, spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import {
  build,
  connect,
  createDatabase,
  databaseCpuMs,
  dropDatabase,
  log,
  percentile,
  processCpuMs,
  processCpuSplitMs,
  SERVER,
  serviceEnv,
  sleep,
  startService,
} from '../lib/service.mjs';
import { subscribedSocket } from '../lib/live-socket.mjs';

const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 32);
const SEGMENT_SECONDS = Number(process.env.BENCH_SEGMENT_SECONDS ?? 1.25);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
// Between segments: what one left in flight (events on their way) arrives before the next starts.
const SETTLE_MS = 200;
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const PROBES = Math.min(SOCKETS, Number(process.env.BENCH_PROBES ?? 10));
const NICE = Number(process.env.BENCH_SOCKETS_NICE ?? 19);
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
if (!(SEGMENTS >= 2 && SEGMENTS % 2 === 0))
  throw new Error('BENCH_SEGMENTS must be an even number, 2 or more');

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function client(port, token) {
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: {
            'remote-token': token,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
            else resolve(text);
          });
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
}

// A probe decodes every message (ws, JSON): it times the latency from the send time a write carries
// in its text, and keeps the order of the events it got, to compare with the other probes'.
async function probeSocket(port, path, latencies, arrivals) {
  const ws = await subscribedSocket(`ws://127.0.0.1:${port}${path}`);
  const order = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    const value = message.body?.value;
    order.push(`${message.action}:${value?.type}:${value?.id}`);
    const text = value?.data?.task?.text;
    if (typeof text !== 'string' || !text.startsWith('live ')) return;
    const now = performance.now() + performance.timeOrigin;
    latencies.push(now - Number(text.slice(5)));
    arrivals?.set(text, now);
  });
  return { close: () => ws.terminate(), open: () => ws.readyState === WebSocket.OPEN, order };
}

// The counting sockets' process, at the lowest priority; `ask` sends a message and waits for the answer.
function socketProcess() {
  const child = fork(new URL('./sockets.mjs', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    os.setPriority(child.pid, NICE);
  } catch {
    // not allowed here: it runs at the same priority, its CPU time is still reported
  }
  const ask = (message) =>
    new Promise((resolve, reject) => {
      child.once('message', (answer) => (answer.error ? reject(new Error(answer.error)) : resolve(answer)));
      child.send(message);
    });
  return { pid: child.pid, ask, stop: () => child.disconnect() };
}

// When the first probe got each event, and when each write's answer came, by the write's text.
const arrivals = new Map();
const answers = new Map();

// The event's arrival on the first probe less its write's answer (negative: the event came
// first), for the writes of the segments with sockets since the last call: the fan-out's share
// of the latency, without the write's own (queueing in the saturated service, commit).
function afterAnswer() {
  const out = [];
  for (const [text, at] of answers) if (arrivals.has(text)) out.push(arrivals.get(text) - at);
  answers.clear();
  arrivals.clear();
  return out.sort((a, b) => a - b);
}

async function openSockets(port, call, n, latencies, counter) {
  const probes = [];
  const paths = [];
  for (let i = 0; i < n; i++) {
    const { key } = JSON.parse(await call('GET', '/todo/api/v1'));
    const path = `/todo/api/v1?token=${encodeURIComponent(key)}&ws=1`;
    if (i < PROBES) probes.push(await probeSocket(port, path, latencies, i === 0 ? arrivals : null));
    else paths.push(path);
  }
  if (paths.length) await counter.ask({ open: { port, paths } });
  return probes;
}

// CLOCK_MONOTONIC in µs, the clock of a V8 CPU profile's timestamps on Linux.
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

// The machine's CPU time so far, in clock ticks: all of it, and idle (with I/O wait), from /proc/stat.
function machineCpu() {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: ticks.reduce((a, b) => a + b, 0), idle: ticks[3] + ticks[4] };
}

// The share of the machine's CPU time left idle between two machineCpu readings (0–1).
const idleShare = (from, to) => (to.idle - from.idle) / (to.total - from.total);

function clientCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// One segment of the mixed load on `project` for `seconds`: its requests, its writes' latencies and
// the CPU time each process used meanwhile (ms). `track`: note each write's answer time (the
// segments with sockets, to pair with its event's arrival).
async function mixed(call, project, seconds, pids, track) {
  const cpu0 = [
    processCpuSplitMs(pids.service),
    clientCpuMs(),
    processCpuMs(pids.sockets),
    databaseCpuMs(),
    machineCpu(),
  ];
  const load = os.loadavg()[0];
  const deadline = Date.now() + seconds * 1000;
  const { id: projectId, ids } = project;
  let done = 0;
  let failed = 0;
  const writes = [];
  const worker = async (w) => {
    for (let i = 0; Date.now() < deadline; i++) {
      const r = (i * 7 + w * 13) % 10;
      const stamp = () => (performance.now() + performance.timeOrigin).toFixed(3);
      const answered = (text) => track && answers.set(text, performance.now() + performance.timeOrigin);
      try {
        if (r < 7) await call('GET', `/todo/tasks/projects/${projectId}`);
        else if (r < 9) {
          const t0 = performance.now();
          const text = `live ${stamp()}`;
          const { id } = JSON.parse(await call('POST', '/todo/tasks', { text, project: projectId }));
          answered(text);
          ids.push(id);
          writes.push(performance.now() - t0);
        } else {
          const id = ids[(i * 31 + w) % ids.length];
          const t0 = performance.now();
          const text = `live ${stamp()}`;
          await call('PUT', `/todo/tasks/${id}`, { text });
          answered(text);
          writes.push(performance.now() - t0);
        }
        done++;
      } catch {
        failed++;
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
  const ms = Date.now() - started;
  return {
    rps: done / (ms / 1000),
    ms,
    done,
    failed,
    writes,
    cpu: {
      // System time apart: on loopback a socket write's system call also runs the receiver's TCP path.
      serviceUser: processCpuSplitMs(pids.service).user - cpu0[0].user,
      serviceSystem: processCpuSplitMs(pids.service).system - cpu0[0].system,
      client: clientCpuMs() - cpu0[1],
      sockets: processCpuMs(pids.sockets) - cpu0[2],
      database: databaseCpuMs() - cpu0[3],
      idle: idleShare(cpu0[4], machineCpu()),
    },
    loads: `load average ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
  };
}

/** The segments of one kind taken together: req/s over their time, write p50, CPU per request. */
function pooled(segments) {
  const sum = (f) => segments.reduce((a, s) => a + f(s), 0);
  const done = sum((s) => s.done);
  const writes = segments.flatMap((s) => s.writes).sort((a, b) => a - b);
  return {
    rps: done / (sum((s) => s.ms) / 1000),
    done,
    failed: sum((s) => s.failed),
    writeP50: percentile(writes, 50),
    cpu: {
      service: sum((s) => s.cpu.serviceUser + s.cpu.serviceSystem) / done,
      serviceSystem: sum((s) => s.cpu.serviceSystem) / done,
      client: sum((s) => s.cpu.client) / done,
      sockets: sum((s) => s.cpu.sockets) / done,
      database: sum((s) => s.cpu.database) / done,
      idle: sum((s) => s.cpu.idle * s.ms) / sum((s) => s.ms),
    },
  };
}

const signed = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

// The q-quantile of xs, interpolated between the two nearest (q = 0.5: the median).
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
};
const median = (xs) => quantile(xs, 0.5);

// The second account (no socket ever opens on it), through the tree's CLI on the same database.
function secondAccount(databaseUrl, token) {
  const result = spawnSync(
    process.execPath,
    ['dist/cli.js', 'account:create', 'bench-without-sockets', '--json'],
    {
      env: serviceEnv(databaseUrl, token),
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (result.status !== 0) throw new Error(`account:create failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()).token;
}

async function main() {
  build();
  const admin = await connect(SERVER);
  const db = await createDatabase(admin, 'cw_live_bench', 'utf8mb4_bin');
  const token = `bench-live-${randomBytes(12).toString('hex')}`;
  let service;
  let counter;
  try {
    service = await startService({
      nodeArgs: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
      env: serviceEnv(db.url, token, { JOBS_CONCURRENCY: '0', DATABASE_POOL_SIZE: '20' }),
      stdout: 'ignore',
    });
    const { port } = service;
    const withCall = client(port, token);
    const withoutCall = client(port, secondAccount(db.url, token));
    // Both accounts get the same projects, seeded alike: one for the warm-up, one for each pair of
    // segments, and the paced one. A project's 200 tasks are created 8 at a time.
    const seeded = async (call, label) => {
      const { id } = JSON.parse(await call('POST', '/todo/projects', { label }));
      const ids = [];
      const create = async (w) => {
        for (let i = w; i < 200; i += 8)
          ids.push(JSON.parse(await call('POST', '/todo/tasks', { text: `seed ${i}`, project: id })).id);
      };
      await Promise.all(Array.from({ length: 8 }, (_, w) => create(w)));
      return { id, ids };
    };
    const projectsOf = async (call) => {
      const warmup = await seeded(call, 'warm-up');
      const pairs = [];
      for (let p = 0; p < SEGMENTS / 2; p++) pairs.push(await seeded(call, `mix ${p + 1}`));
      return { warmup, pairs };
    };
    const kinds = {
      without: { call: withoutCall, projects: await projectsOf(withoutCall), segments: [] },
      with: { call: withCall, projects: await projectsOf(withCall), segments: [] },
    };
    await seeded(withoutCall, 'paced');
    const paced = await seeded(withCall, 'paced');
    log(
      `live updates bench: ${os.cpus().length} cores, ${CLIENTS} clients, mix 70/20/10 reads/creates/updates, ` +
        `${SEGMENTS} segments of ${SEGMENT_SECONDS} s alternating ABBA between an account with ${SOCKETS} sockets and one without; ` +
        `${PROBES} probes here, the rest counting in a process at nice ${NICE}`,
    );
    const latencies = [];
    counter = socketProcess();
    const pids = { service: service.pid, sockets: counter.pid };
    const probes = await openSockets(port, withCall, SOCKETS, latencies, counter);
    // The same warm-up for both accounts, sockets open; then what it left behind is dropped.
    for (const kind of ['without', 'with'])
      await mixed(kinds[kind].call, kinds[kind].projects.warmup, WARMUP_SECONDS, pids, false);
    await sleep(SETTLE_MS);
    latencies.length = 0;
    afterAnswer();
    const spans = [];
    for (let i = 0; i < SEGMENTS; i++) {
      // ABBA: pairs alternate which kind goes first.
      const kind = (Math.floor(i / 2) + i) % 2 === 0 ? 'without' : 'with';
      const { call, projects, segments } = kinds[kind];
      const project = projects.pairs[Math.floor(i / 2)];
      const from = monotonicUs();
      const s = await mixed(call, project, SEGMENT_SECONDS, pids, kind === 'with');
      segments.push(s);
      spans.push({ kind, from, to: monotonicUs() });
      log(
        `segment ${i + 1} of ${SEGMENTS}, ${kind === 'with' ? `with ${SOCKETS} sockets` : 'without sockets'}: ` +
          `${s.rps.toFixed(0)} req/s (${s.done} done, ${s.failed} failed), ${s.loads}`,
      );
      // What a segment left in flight (events on their way) settles before the next one.
      await sleep(SETTLE_MS);
    }
    // With a profile: when each segment ran, on the clock of the profile's timestamps (profile.mjs).
    // Node makes the profile's directory only when it writes the profile, at the service's exit.
    if (PROFILE_DIR) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      writeFileSync(path.join(PROFILE_DIR, `segments-${service.pid}.json`), JSON.stringify(spans));
    }
    const loaded = [...latencies].sort((a, b) => a - b);
    const gaps = afterAnswer();
    const without = pooled(kinds.without.segments);
    const withSockets = pooled(kinds.with.segments);
    log(
      `without sockets: ${without.rps.toFixed(0)} req/s over ${SEGMENTS / 2} segments (${without.done} done, ${without.failed} failed), write p50 ${without.writeP50.toFixed(1)} ms`,
    );
    log(
      `with ${SOCKETS} sockets: ${withSockets.rps.toFixed(0)} req/s over ${SEGMENTS / 2} segments (${withSockets.done} done, ${withSockets.failed} failed), write p50 ${withSockets.writeP50.toFixed(1)} ms`,
    );
    const costs = kinds.with.segments.map((s, k) => 100 * (1 - s.rps / kinds.without.segments[k].rps));
    const pct = (x) => `${x.toFixed(1)} %`;
    log(
      `throughput cost: ${pct(median(costs))} (median of ${costs.length} pairs: ${costs.map((c) => c.toFixed(1)).join(', ')} %; ` +
        `middle half ${pct(quantile(costs, 0.25))} to ${pct(quantile(costs, 0.75))}, all ${pct(Math.min(...costs))} to ${pct(Math.max(...costs))}; pooled ${pct(100 * (1 - withSockets.rps / without.rps))})`,
    );
    const ms = (x) => `${x.toFixed(2)} ms`;
    log(
      `CPU per request, without sockets: service ${ms(without.cpu.service)} (system ${ms(without.cpu.serviceSystem)}), load ${ms(without.cpu.client)}, counting sockets ${ms(without.cpu.sockets)}; ` +
        `with ${SOCKETS}: service ${ms(withSockets.cpu.service)} (${signed(100 * (withSockets.cpu.service / without.cpu.service - 1))} %; system ${ms(withSockets.cpu.serviceSystem)}), ` +
        `load and probes ${ms(withSockets.cpu.client)}, counting sockets ${ms(withSockets.cpu.sockets)} (the bench's, not the service's)`,
    );
    log(
      `database CPU per request: ${ms(without.cpu.database)} without sockets, ${ms(withSockets.cpu.database)} with; ` +
        `the machine idle ${pct(100 * without.cpu.idle)} of the time without sockets, ${pct(100 * withSockets.cpu.idle)} with`,
    );
    log(
      `under the mixed load, write sent → event on a socket (${PROBES} probes): p50 ${percentile(loaded, 50).toFixed(1)} ms, p99 ${percentile(loaded, 99).toFixed(1)} ms (${loaded.length} events); ` +
        `event on the first probe after its write's answer: p50 ${percentile(gaps, 50).toFixed(1)} ms, p99 ${percentile(gaps, 99).toFixed(1)} ms (${gaps.length} writes)`,
    );
    // Paced: one write every 50 ms, nothing else: the pipeline's own latency with 200 sockets.
    latencies.length = 0;
    const pacedUntil = Date.now() + PACED_SECONDS * 1000;
    for (let i = 0; Date.now() < pacedUntil; i++) {
      const id = paced.ids[i % paced.ids.length];
      await withCall('PUT', `/todo/tasks/${id}`, {
        text: `live ${(performance.now() + performance.timeOrigin).toFixed(3)}`,
      });
      await sleep(50);
    }
    await sleep(500);
    const pacedLatencies = [...latencies].sort((a, b) => a - b);
    log(
      `paced (a write every 50 ms), write sent → event on a socket: p50 ${percentile(pacedLatencies, 50).toFixed(1)} ms, p99 ${percentile(pacedLatencies, 99).toFixed(1)} ms (${pacedLatencies.length} events), load average ${os.loadavg()[0].toFixed(1)}`,
    );
    // Every socket must have every event: the probes the same ones in the same order, the
    // counting sockets as many (the niced process may still be reading: a bounded wait).
    const expected = probes[0]?.order.length ?? 0;
    const sameOrder = probes.every((p) => p.order.join('\n') === probes[0].order.join('\n'));
    let counted = { counts: [], open: 0 };
    for (let i = 0; i < 50; i++) {
      counted = await counter.ask({ counts: true });
      if (counted.counts.every((n) => n >= expected)) break;
      await sleep(200);
    }
    const counts = counted.counts;
    log(
      `events on each probe: ${expected}, ${sameOrder ? 'the same order on every probe' : 'ORDER DIFFERS between probes'}; ` +
        `frames on each counting socket: ${counts.length ? `${Math.min(...counts)}–${Math.max(...counts)}` : 'none'}; ` +
        `sockets still open: ${probes.filter((p) => p.open()).length + counted.open} of ${SOCKETS}`,
    );
    if (!sameOrder || counts.some((n) => n !== expected)) process.exitCode = 1;
    for (const p of probes) p.close();
  } finally {
    counter?.stop();
    await service?.stop();
    await dropDatabase(admin, db.name);
    await admin.end();
    agent.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
