// What every benchmark under bench/ does around its measurements: build the service, make a
// fresh MariaDB/MySQL database, start `node dist/main.js` on a free loopback port and stop it.
// Each script keeps its own environment for the service (it passes `env` whole).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';

/** The MariaDB/MySQL server the benchmarks use (a fresh database on it per run). */
export const SERVER = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306';

export const log = (line) => process.stdout.write(`${line}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `npm run build`, unless the script was given --no-build. */
export function build() {
  if (process.argv.includes('--no-build')) return;
  const result = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}

/** A connection to the server of `url` (a URL or its text) as its user, to `database` if named. */
export function connect(url, database) {
  const server = new URL(url);
  return createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username) || 'root',
    password: decodeURIComponent(server.password),
    database,
  });
}

/**
 * Creates a database `<prefix>_<random hex>` through `admin`; its name, and the URL of SERVER
 * with that database (for DATABASE_URL). Drop it with dropDatabase.
 */
export async function createDatabase(admin, prefix, collation = 'utf8mb4_unicode_ci') {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE ${collation}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return { name, url };
}

export function dropDatabase(admin, name) {
  return admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * The environment of a benchmark's service: this process's own, the database and token, loopback,
 * warnings only, then `extra`.
 */
export function serviceEnv(databaseUrl, token, extra = {}) {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl.toString(),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BOOTSTRAP_API_TOKEN: token,
    ...extra,
  };
}

/**
 * The node options that `npm start` of the tree in `cwd` gives the service (its package.json's
 * `start` script, the options before `dist/main.js`), so that a benchmark measures the service as
 * it ships; a tree whose `start` has none gets none. BENCH_PLAIN_NODE=1: none, Node's defaults.
 */
export function shippedNodeArgs(cwd) {
  if (process.env.BENCH_PLAIN_NODE === '1') return [];
  const start = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')).scripts?.start ?? '';
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node') return [];
  const main = words.indexOf('dist/main.js');
  return words.slice(1, main < 0 ? words.length : main).filter((w) => w.startsWith('--'));
}

/**
 * Starts `node [npm start's options] [nodeArgs] dist/main.js` in `cwd` with exactly `env` and
 * PORT set to a free loopback port, and waits (at most 60 s) until GET /health/live answers.
 * `stdout`: 'inherit' or 'ignore' (errors always reach stderr). `stop(signal)` ends it: SIGTERM
 * by default, SIGKILL if it has not exited 5 s later.
 */
export async function startService({ env, cwd = process.cwd(), nodeArgs = [], stdout = 'inherit' }) {
  const port = await freePort();
  const child = spawn(process.execPath, [...shippedNodeArgs(cwd), ...nodeArgs, 'dist/main.js'], {
    cwd,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', stdout, 'inherit'],
  });
  let exited = child.exitCode !== null;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (signal = 'SIGTERM') => {
    if (!exited) child.kill(signal);
    for (let i = 0; i < 100 && !exited; i++) await sleep(50);
    if (!exited) child.kill('SIGKILL');
  };
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`the service exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i >= 600) {
      await stop();
      throw new Error('the service did not start within 60 s');
    }
    await sleep(100);
  }
  return { child, pid: child.pid, port, url, stop };
}

/** The p-th percentile of ascending `sorted` (NaN when empty). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** p50, p99 and max of `samples`, and how many there were. */
export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    n: sorted.length,
  };
}

/** CPU time (ms, user + system) a process has used so far, from Linux /proc; NaN elsewhere. */
export function processCpuMs(pid) {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ 100
  } catch {
    return NaN;
  }
}

/** The user and system CPU time (ms) a process has used so far, from Linux /proc; NaN elsewhere. */
export function processCpuSplitMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: (Number(fields[11]) * 1000) / 100, system: (Number(fields[12]) * 1000) / 100 };
  } catch {
    return { user: NaN, system: NaN };
  }
}

/**
 * The CPU time (ms) the database server on this host has used so far (mysqld or mariadbd; others'
 * queries count too), NaN when no such process is found.
 */
let databasePid;
export function databaseCpuMs() {
  databasePid ??= readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .find((d) => {
      try {
        return /^(mysqld|mariadbd)$/.test(readFileSync(`/proc/${d}/comm`, 'utf8').trim());
      } catch {
        return false;
      }
    });
  return databasePid ? processCpuMs(databasePid) : NaN;
}
