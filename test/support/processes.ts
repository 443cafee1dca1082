import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, TestDatabase } from './test-database';

export const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'dist/main.js');
const CLI = join(ROOT, 'dist/cli.js');

/** Process tests run the built service, as production does; `npm test` builds before Jest runs. */
export function ensureBuilt(): void {
  if (existsSync(MAIN) && existsSync(CLI)) return;
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

export function tempDir(prefix = 'cloneworks-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node dist/main.js` on a free loopback port and waits until it is listening. */
export async function startService(env: Record<string, string>, timeoutMs = 20000): Promise<ServiceProcess> {
  ensureBuilt();
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('is listening on')) {
    if (child.exitCode !== null) throw new Error(`service exited early (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not start in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function runCli(
  args: string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  ensureBuilt();
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface ProcessAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** A v1 request to a service process, as toloka-kit sends it (`Authorization: OAuth <token>`). */
export async function requestV1(
  service: ServiceProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ProcessAnswer> {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      authorization: `OAuth ${token}`,
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A v1 project and a pool in it, the source that clone tests copy; `pool`: more of the pool's fields. */
export async function createSourcePool(
  service: ServiceProcess,
  token: string,
  pool: Record<string, unknown> = {},
): Promise<ProcessAnswer> {
  const project = await requestV1(service, token, 'POST', '/api/v1/projects', {
    public_name: 'p',
    public_description: 'd',
    task_spec: { input_spec: {}, output_spec: {} },
  });
  expect(project.status).toBe(201);
  const source = await requestV1(service, token, 'POST', '/api/v1/pools', {
    project_id: project.body.id,
    private_name: 'source',
    will_expire: '2030-01-01T00:00:00',
    reward_per_assignment: 0.01,
    assignment_max_duration_seconds: 60,
    defaults: { default_overlap_for_new_task_suites: 1 },
    ...pool,
  });
  expect(source.status).toBe(201);
  return source;
}

export interface ProcessesOnFreshDatabase {
  /** Every process the suite started, SIGKILLed after it. */
  services: ServiceProcess[];
  /** The suite's database, made before its tests. */
  database(): TestDatabase;
  /**
   * Starts `count` processes with `env`: the first alone (it migrates and creates the account),
   * the others together once it listens. Returns them, in `services` too.
   */
  start(env: Record<string, string>, count: number): Promise<ServiceProcess[]>;
}

/**
 * A suite of `node dist/main.js` processes on one fresh MariaDB database. After the suite the
 * processes are SIGKILLed, then `release` ends the test's own connections (one that still holds a
 * lock would keep DROP DATABASE waiting), then the database is dropped.
 */
export function processesOnFreshDatabase(
  release: () => Promise<unknown> = () => Promise.resolve(),
): ProcessesOnFreshDatabase {
  let database: TestDatabase | undefined;
  const services: ServiceProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('mysql');
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await release();
    await database?.drop();
  });
  return {
    services,
    database: () => {
      if (!database) throw new Error('the database is made in beforeAll');
      return database;
    },
    start: async (env, count) => {
      const first = await startService(env);
      services.push(first);
      const others = await Promise.all(Array.from({ length: count - 1 }, () => startService(env)));
      services.push(...others);
      return [first, ...others];
    },
  };
}
