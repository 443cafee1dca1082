// Live updates benchmark. Builds the service, starts `node dist/main.js` on a fresh MariaDB/MySQL
// database and a free loopback port, and runs a mixed To Do load (reads of a project, creates,
// updates) for BENCH_SECONDS without live sockets, then on a like project with BENCH_SOCKETS
// sockets of the same account open; it reports both throughputs, the CPU time per request of the
// service, of the load and of the sockets apart, and the latency from sending a write to its event
// arriving on a socket (p50/p99 on BENCH_PROBES of the sockets), under that load and for paced
// writes (one every 50 ms, nothing else running). Every loop is bounded.
//
// The probes parse every message in this process: they time the latency and check that each of
// them got the same events in the same order. The other sockets only count frames, in a process
// of their own (sockets.mjs) run at the lowest priority (nice BENCH_SOCKETS_NICE, default 19): a
// real client is on another machine, so what the benchmark's own receiving costs should take as
// little as it can from the service it measures. Its CPU time is reported apart all the same.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node bench/live/run.mjs [--no-build]
//   BENCH_SECONDS (each phase, default 15), BENCH_CLIENTS (default 16), BENCH_SOCKETS (default 200),
//   BENCH_PROBES (default 10), BENCH_SOCKETS_NICE (default 19), BENCH_CPU_PROF (a directory: the
//   service writes a V8 CPU profile there, `--cpu-prof`)
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import WebSocket from 'ws';
import {
  build,
  connect,
  createDatabase,
  dropDatabase,
  log,
  percentile,
  processCpuMs,
  SERVER,
  serviceEnv,
  startService,
} from '../lib/service.mjs';
import { subscribedSocket } from '../lib/live-socket.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const PROBES = Math.min(SOCKETS, Number(process.env.BENCH_PROBES ?? 10));
const NICE = Number(process.env.BENCH_SOCKETS_NICE ?? 19);
const PROFILE_DIR = process.env.BENCH_CPU_PROF;

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
// first), for the writes of the last phase: the fan-out's share of the latency, without the
// write's own (queueing in the saturated service, commit).
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

function clientCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function mixed(call, projectId, ids, pid, socketsPid) {
  const cpu0 = [processCpuMs(pid), clientCpuMs(), processCpuMs(socketsPid)];
  const load = os.loadavg()[0];
  const deadline = Date.now() + SECONDS * 1000;
  let done = 0;
  let failed = 0;
  const writes = [];
  const worker = async (w) => {
    for (let i = 0; Date.now() < deadline; i++) {
      const r = (i * 7 + w * 13) % 10;
      const stamp = () => (performance.now() + performance.timeOrigin).toFixed(3);
      const answered = (text) => answers.set(text, performance.now() + performance.timeOrigin);
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
  const sorted = writes.sort((a, b) => a - b);
  const cpu = {
    service: (processCpuMs(pid) - cpu0[0]) / done,
    client: (clientCpuMs() - cpu0[1]) / done,
    sockets: (processCpuMs(socketsPid) - cpu0[2]) / done,
  };
  const loads = `load average ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`;
  return {
    rps: done / ((Date.now() - started) / 1000),
    done,
    failed,
    writeP50: percentile(sorted, 50),
    cpu,
    loads,
  };
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
    const call = client(port, token);
    // Each phase on a project of its own, seeded alike, so that both read lists of the same size.
    const seeded = async (label) => {
      const { id } = JSON.parse(await call('POST', '/todo/projects', { label }));
      const ids = [];
      for (let i = 0; i < 200; i++)
        ids.push(JSON.parse(await call('POST', '/todo/tasks', { text: `seed ${i}`, project: id })).id);
      return { id, ids };
    };
    const first = await seeded('without sockets');
    const second = await seeded('with sockets');
    const third = await seeded('paced');
    log(
      `live updates bench: ${os.cpus().length} cores, ${CLIENTS} clients, ${SECONDS} s per phase, mix 70/20/10 reads/creates/updates; ` +
        `${SOCKETS} sockets: ${PROBES} probes here, the rest counting in a process at nice ${NICE}`,
    );
    const without = await mixed(call, first.id, first.ids, service.pid);
    log(
      `without sockets: ${without.rps.toFixed(0)} req/s (${without.done} done, ${without.failed} failed), write p50 ${without.writeP50.toFixed(1)} ms, ${without.loads}`,
    );
    afterAnswer(); // nothing to pair in the phase without sockets
    const latencies = [];
    counter = socketProcess();
    const probes = await openSockets(port, call, SOCKETS, latencies, counter);
    const withSockets = await mixed(call, second.id, second.ids, service.pid, counter.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = [...latencies].sort((a, b) => a - b);
    const gaps = afterAnswer();
    log(
      `with ${SOCKETS} sockets: ${withSockets.rps.toFixed(0)} req/s (${withSockets.done} done, ${withSockets.failed} failed), write p50 ${withSockets.writeP50.toFixed(1)} ms, ${withSockets.loads}`,
    );
    log(`throughput cost: ${(100 * (1 - withSockets.rps / without.rps)).toFixed(1)} %`);
    const ms = (x) => `${x.toFixed(2)} ms`;
    log(
      `CPU per request, without sockets: service ${ms(without.cpu.service)}, load ${ms(without.cpu.client)}; ` +
        `with ${SOCKETS}: service ${ms(withSockets.cpu.service)} (+${(100 * (withSockets.cpu.service / without.cpu.service - 1)).toFixed(1)} %), ` +
        `load and probes ${ms(withSockets.cpu.client)}, counting sockets ${ms(withSockets.cpu.sockets)}`,
    );
    log(
      `under the mixed load, write sent → event on a socket (${PROBES} probes): p50 ${percentile(loaded, 50).toFixed(1)} ms, p99 ${percentile(loaded, 99).toFixed(1)} ms (${loaded.length} events); ` +
        `event on the first probe after its write's answer: p50 ${percentile(gaps, 50).toFixed(1)} ms, p99 ${percentile(gaps, 99).toFixed(1)} ms (${gaps.length} writes)`,
    );
    // Paced: one write every 50 ms, nothing else: the pipeline's own latency with 200 sockets.
    latencies.length = 0;
    const pacedUntil = Date.now() + Math.min(SECONDS, 10) * 1000;
    for (let i = 0; Date.now() < pacedUntil; i++) {
      const id = third.ids[i % third.ids.length];
      await call('PUT', `/todo/tasks/${id}`, {
        text: `live ${(performance.now() + performance.timeOrigin).toFixed(3)}`,
      });
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    const paced = [...latencies].sort((a, b) => a - b);
    log(
      `paced (a write every 50 ms), write sent → event on a socket: p50 ${percentile(paced, 50).toFixed(1)} ms, p99 ${percentile(paced, 99).toFixed(1)} ms (${paced.length} events), load average ${os.loadavg()[0].toFixed(1)}`,
    );
    // Every socket must have every event: the probes the same ones in the same order, the
    // counting sockets as many (the niced process may still be reading: a bounded wait).
    const expected = probes[0]?.order.length ?? 0;
    const sameOrder = probes.every((p) => p.order.join('\n') === probes[0].order.join('\n'));
    let counted = { counts: [], open: 0 };
    for (let i = 0; i < 50; i++) {
      counted = await counter.ask({ counts: true });
      if (counted.counts.every((n) => n >= expected)) break;
      await new Promise((r) => setTimeout(r, 200));
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
