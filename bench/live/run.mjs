// Live updates benchmark. Builds the service, starts `node dist/main.js` on a fresh MariaDB/MySQL
// database and a free loopback port, and runs a mixed To Do load (reads of a project, creates,
// updates) for BENCH_SECONDS without live sockets, then on a like project with BENCH_SOCKETS
// sockets of the same account open; it reports both throughputs and the latency from sending a
// write to its event arriving on a socket (p50/p99 on BENCH_PROBES of the sockets), under that
// load and for paced writes (one every 50 ms, nothing else running). Every loop is bounded.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node bench/live/run.mjs [--no-build]
//   BENCH_SECONDS (each phase, default 15), BENCH_CLIENTS (default 16), BENCH_SOCKETS (default 200),
//   BENCH_PROBES (default 10)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import WebSocket from 'ws';
import {
  build,
  connect,
  createDatabase,
  dropDatabase,
  log,
  percentile,
  SERVER,
  startService,
} from '../lib/service.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const PROBES = Math.min(SOCKETS, Number(process.env.BENCH_PROBES ?? 10));

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

// A socket that counts the frames it receives without decoding them: the benchmark's client shares
// the cores with the service, so the sockets that only count (all but the probes) do the least a
// client can: an HTTP upgrade by hand, then each frame's header read to skip its payload (and a
// pong to every ping). The frames are counted all the same, every one.
function countingSocket(port, path) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let frames = 0;
    let upgraded = false;
    let started = false;
    let head = Buffer.alloc(0); // the response head, then a partial frame header
    let skip = 0; // payload bytes of the current frame still to come
    const send = (opcode, text) => {
      // Client frames are masked (RFC 6455 §5.3); a zero key leaves the payload as it is.
      const payload = Buffer.from(text);
      socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
    };
    const frame = (opcode) => {
      if (opcode === 9) send(10, '');
      else if (opcode === 1 && !started) {
        started = true;
        send(1, JSON.stringify({ action: 'subscribe', name: 'tasks' }));
        resolve({ close: () => socket.destroy(), open: () => !socket.destroyed, count: () => frames });
      } else if (opcode === 1 || opcode === 2) frames++;
    };
    const data = (chunk) => {
      let at = 0;
      while (at < chunk.length) {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - at);
          skip -= n;
          at += n;
          continue;
        }
        // A header: 2, 4 or 10 bytes (a server's frames are unmasked), perhaps split over chunks.
        const take = Math.min(10 - head.length, chunk.length - at);
        const h = head.length
          ? Buffer.concat([head, chunk.subarray(at, at + take)])
          : chunk.subarray(at, at + take);
        const short = h.length < 2 ? 0 : h[1] & 0x7f;
        const size = short < 126 ? 2 : short === 126 ? 4 : 10;
        if (h.length < size) {
          head = Buffer.from(h);
          return;
        }
        const length = short < 126 ? short : short === 126 ? h.readUInt16BE(2) : Number(h.readBigUInt64BE(2));
        at += size - head.length;
        head = Buffer.alloc(0);
        frame(h[0] & 0x0f);
        skip = length;
      }
    };
    socket.on('data', (chunk) => {
      if (upgraded) return data(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.subarray(0, 12).toString().includes(' 101')) return reject(new Error(head.toString()));
      upgraded = true;
      const rest = head.subarray(end + 4);
      head = Buffer.alloc(0);
      if (rest.length) data(rest);
    });
    socket.on('error', reject);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

// The probes decode every message (ws) and read the send time a write carries in its text.
async function probeSocket(port, path, latencies) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  let events = 0;
  await new Promise((resolve, reject) => {
    ws.once('message', () => {
      ws.send(JSON.stringify({ action: 'subscribe', name: 'tasks' }));
      resolve();
    });
    ws.once('error', reject);
  });
  ws.on('message', (data) => {
    events++;
    const text = data.toString();
    const at = text.indexOf('"text":"live ');
    if (at < 0) return;
    const sent = Number(text.slice(at + 13, text.indexOf('"', at + 13)));
    latencies.push(performance.now() + performance.timeOrigin - sent);
  });
  return { close: () => ws.terminate(), open: () => ws.readyState === WebSocket.OPEN, count: () => events };
}

async function openSockets(port, call, n, latencies) {
  const sockets = [];
  for (let i = 0; i < n; i++) {
    const { key } = JSON.parse(await call('GET', '/todo/api/v1'));
    const path = `/todo/api/v1?token=${encodeURIComponent(key)}&ws=1`;
    sockets.push(await (i < PROBES ? probeSocket(port, path, latencies) : countingSocket(port, path)));
  }
  return sockets;
}

// CPU time (ms) the service process has used so far (Linux /proc; NaN elsewhere): per request it
// is what the fan-out costs whatever else runs on the machine, which the throughput is not.
function serviceCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ 100
  } catch {
    return NaN;
  }
}

function clientCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function mixed(call, projectId, ids, pid) {
  const cpu0 = [serviceCpuMs(pid), clientCpuMs()];
  const deadline = Date.now() + SECONDS * 1000;
  let done = 0;
  let failed = 0;
  const writes = [];
  const worker = async (w) => {
    for (let i = 0; Date.now() < deadline; i++) {
      const r = (i * 7 + w * 13) % 10;
      const stamp = () => (performance.now() + performance.timeOrigin).toFixed(3);
      try {
        if (r < 7) await call('GET', `/todo/tasks/projects/${projectId}`);
        else if (r < 9) {
          const t0 = performance.now();
          const { id } = JSON.parse(
            await call('POST', '/todo/tasks', { text: `live ${stamp()}`, project: projectId }),
          );
          ids.push(id);
          writes.push(performance.now() - t0);
        } else {
          const id = ids[(i * 31 + w) % ids.length];
          const t0 = performance.now();
          await call('PUT', `/todo/tasks/${id}`, { text: `live ${stamp()}` });
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
  const cpu = { service: (serviceCpuMs(pid) - cpu0[0]) / done, client: (clientCpuMs() - cpu0[1]) / done };
  return { rps: done / ((Date.now() - started) / 1000), done, failed, writeP50: percentile(sorted, 50), cpu };
}

async function main() {
  build();
  const admin = await connect(SERVER);
  const db = await createDatabase(admin, 'cw_live_bench', 'utf8mb4_bin');
  const token = `bench-live-${randomBytes(12).toString('hex')}`;
  let service;
  try {
    service = await startService({
      env: {
        ...process.env,
        DATABASE_URL: db.url.toString(),
        HOST: '127.0.0.1',
        BOOTSTRAP_API_TOKEN: token,
        LOG_LEVEL: 'warn',
        JOBS_CONCURRENCY: '0',
        DATABASE_POOL_SIZE: '20',
      },
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
      `live updates bench: ${os.cpus().length} cores, ${CLIENTS} clients, ${SECONDS} s per phase, mix 70/20/10 reads/creates/updates`,
    );
    const without = await mixed(call, first.id, first.ids, service.pid);
    log(
      `without sockets: ${without.rps.toFixed(0)} req/s (${without.done} done, ${without.failed} failed), write p50 ${without.writeP50.toFixed(1)} ms`,
    );
    const latencies = [];
    const sockets = await openSockets(port, call, SOCKETS, latencies);
    const withSockets = await mixed(call, second.id, second.ids, service.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = [...latencies].sort((a, b) => a - b);
    log(
      `with ${SOCKETS} sockets: ${withSockets.rps.toFixed(0)} req/s (${withSockets.done} done, ${withSockets.failed} failed), write p50 ${withSockets.writeP50.toFixed(1)} ms`,
    );
    log(`throughput cost: ${(100 * (1 - withSockets.rps / without.rps)).toFixed(1)} %`);
    log(
      `CPU per request, service / client: without sockets ${without.cpu.service.toFixed(2)} / ${without.cpu.client.toFixed(2)} ms, ` +
        `with ${SOCKETS} sockets ${withSockets.cpu.service.toFixed(2)} / ${withSockets.cpu.client.toFixed(2)} ms ` +
        `(service +${(100 * (withSockets.cpu.service / without.cpu.service - 1)).toFixed(1)} %)`,
    );
    log(
      `under the mixed load, write sent → event on a socket (${PROBES} probes): p50 ${percentile(loaded, 50).toFixed(1)} ms, p99 ${percentile(loaded, 99).toFixed(1)} ms (${loaded.length} events)`,
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
      `paced (a write every 50 ms), write sent → event on a socket: p50 ${percentile(paced, 50).toFixed(1)} ms, p99 ${percentile(paced, 99).toFixed(1)} ms (${paced.length} events)`,
    );
    const received = sockets.reduce((n, s) => n + s.count(), 0);
    log(
      `frames received on all sockets: ${received}; sockets still open: ${sockets.filter((s) => s.open()).length}`,
    );
    for (const s of sockets) s.close();
  } finally {
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
