import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

export const SETTINGS: Array<{ name: string; meaning: string }> = [];

/** Declares a setting with its one-line meaning, which `--help` lists in declaration order. */
function Setting(meaning: string): PropertyDecorator {
  return (_target, name) => void SETTINGS.push({ name: String(name), meaning });
}

// 2^31 - 1: Node's timers fire at once when given more, and no count or size here needs more.
const INT_MAX = 2_147_483_647;

/** An integer setting: "is not an integer" comes before any range message (see loadConfig). */
function IntSetting(min: number, max = INT_MAX) {
  return applyDecorators(
    Transform(toInt),
    IsInt({ message: '$property is not an integer' }),
    Min(min),
    Max(max),
  );
}

/**
 * Every setting the service reads from the environment, validated once at start; each one's
 * `@Setting` is its `--help` line. `.env.example` and the README document them too.
 */
export class AppConfig {
  @Setting('TCP port to listen on (0: any free port)')
  @IntSetting(0, 65535)
  PORT = 3000;

  @Setting('address to listen on (containers use 0.0.0.0)')
  @IsString()
  HOST = '127.0.0.1';

  @Setting('mysql://user:pass@host:3306/db, mariadb://…, or sqlite:<path>')
  @Matches(/^(mysql|mariadb):\/\/[^/]+\/[A-Za-z0-9_$-]+(\?.*)?$|^sqlite:.+$/, {
    message: 'DATABASE_URL must look like mysql://user:pass@host:3306/db, mariadb://…, or sqlite:<path>',
  })
  DATABASE_URL = 'sqlite:./data/cloneworks.sqlite';

  @Setting('connections per process in the MySQL/MariaDB pool')
  @IntSetting(1, 500)
  DATABASE_POOL_SIZE = 16;

  // Bounds on every wait for MySQL/MariaDB (docs/deployment.md#outages): opening a connection,
  // getting one from the pool, and one statement's answer (not applied to migrations). Past a bound
  // the request answers 503. 0 turns a bound off.
  @Setting('bound on opening a MySQL/MariaDB connection, in ms (0: none)')
  @IntSetting(0)
  DATABASE_CONNECT_TIMEOUT_MS = 2000;

  @Setting('bound on waiting for a free pooled connection, in ms (0: none)')
  @IntSetting(0)
  DATABASE_ACQUIRE_TIMEOUT_MS = 3000;

  @Setting('bound on one statement (and one Redis command), in ms (0: none)')
  @IntSetting(0)
  DATABASE_QUERY_TIMEOUT_MS = 5000;

  @Setting('apply pending migrations at start (false: run `npm run migration:run` yourself)')
  @Transform(toBool)
  @IsBoolean({ message: '$property is not a boolean (true or false)' })
  MIGRATIONS_RUN = true;

  @Setting(
    'token of the default account made on an empty database (16-200 chars; unset: a random one, printed once)',
  )
  @IsOptional()
  @IsString()
  @Matches(/^\S{16,200}$/, { message: 'BOOTSTRAP_API_TOKEN must be 16 to 200 characters without spaces' })
  BOOTSTRAP_API_TOKEN?: string;

  @Setting('fatal | error | warn | info | debug | trace | silent (JSON lines on stdout)')
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Setting('largest JSON body of most routes, in bytes')
  @IntSetting(1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Setting('largest body any route accepts (POST /todo/clone), in bytes')
  @IntSetting(1024)
  BODY_LIMIT_MAX_BYTES = 16 * 1024 * 1024;

  @Setting('comma-separated origins allowed by CORS; * allows any')
  @Transform(toList)
  @IsString({ each: true })
  CORS_ORIGINS: string[] = ['*'];

  @Setting('how long a token lookup is cached, in ms (a revoked token works this long)')
  @IntSetting(0)
  AUTH_CACHE_TTL_MS = 5000;

  @Setting('how long SIGTERM waits for requests and jobs before exiting 1, in ms')
  @IntSetting(0)
  SHUTDOWN_TIMEOUT_MS = 10000;

  // v2 tasks/copy (docs/v2.md#sync-and-async): above the sync limit a copy runs as a TASK.COPY
  // operation on the job service; above the hard limit it is refused (422 copy_tree_too_large).
  @Setting('v2 copies of more tasks than this run as TASK.COPY operations (202)')
  @IntSetting(1)
  COPY_SYNC_MAX_TASKS = 1000;

  @Setting('v2 copies of more tasks than this are refused (422)')
  @IntSetting(1)
  COPY_MAX_TASKS = 100000;

  @Setting(
    'unfinished v2 copy operations (TASK.COPY, TASK_LIST.COPY, PROJECT.COPY) an account may have (429 above)',
  )
  @IntSetting(1)
  COPY_MAX_CONCURRENT_PER_ACCOUNT = 5;

  // v2 face requests per token, counted where every instance agrees (the database, or Redis with
  // REDIS_URL); 0 turns a window off.
  @Setting('v2 requests per token in 10 s, for all instances together (0: no limit)')
  @IntSetting(0)
  JSONAPI_RATE_LIMIT_PER_10S = 100;

  @Setting('v2 requests per token in 30 min, for all instances together (0: no limit)')
  @IntSetting(0)
  JSONAPI_RATE_LIMIT_PER_30MIN = 4000;

  // Where v2 request limits are counted: Redis, exactly, when set; else the database.
  @Setting('redis://host:6379 to count v2 request limits in Redis (unset: in the database)')
  @IsOptional()
  @Matches(/^rediss?:\/\/.+$/, { message: 'REDIS_URL must look like redis://host:6379 or rediss://…' })
  REDIS_URL?: string;

  // To Do face limits (docs/todo.md#limits); over them a request gets 413 TOO_LARGE.
  @Setting('items in one POST /todo/clone batch')
  @IntSetting(1)
  TODO_CLONE_BATCH_LIMIT = 10000;

  @Setting('entries of other To Do `batch` lists')
  @IntSetting(1)
  TODO_BATCH_LIMIT = 1000;

  @Setting('steps in one To Do `opbatch`')
  @IntSetting(1)
  TODO_OPBATCH_LIMIT = 500;

  @Setting("user ids in one To Do task's `assigned`")
  @IntSetting(1)
  TODO_ASSIGNED_LIMIT = 200;

  // Memory for the To Do face's task list cache (built list bodies and per-task JSON), per
  // process; 0 builds every list afresh.
  @Setting('memory per process for cached To Do task lists, in MiB (0: no cache)')
  @IntSetting(0)
  TODO_LIST_CACHE_MB = 64;

  // Live updates of the To Do face (docs/live-updates.md): GET /todo/api/v1 and its WebSocket.
  @Setting('serve live updates to the To Do widget (GET /todo/api/v1 and its WebSocket)')
  @Transform(toBool)
  @IsBoolean({ message: '$property is not a boolean (true or false)' })
  LIVE_UPDATES = true;

  @Setting('how long a live-updates socket key may open (and reopen) a socket, in seconds')
  @IntSetting(10)
  LIVE_TICKET_TTL_S = 3600;

  @Setting(
    'secret that signs live-updates socket keys (16+ chars; unset: one the service makes at its first start and keeps in the database, shared by every instance and restart)',
  )
  @IsOptional()
  @IsString()
  @Matches(/^\S{16,}$/, { message: 'LIVE_TICKET_SECRET must be at least 16 characters without spaces' })
  LIVE_TICKET_SECRET?: string;

  @Setting('events a live socket may have queued unsent before it is dropped, in KiB')
  @IntSetting(16)
  LIVE_SOCKET_BUFFER_KB = 1024;

  @Setting('ping interval of live sockets, in seconds (a socket that missed a pong is dropped)')
  @IntSetting(1)
  LIVE_PING_S = 30;

  @Setting(
    'how long live updates wait for an earlier write of a project before telling clients to reload, in ms',
  )
  @IntSetting(0)
  LIVE_REORDER_MS = 200;

  // 25 ms: with 200 sockets under a stream of writes, half the fan-out's CPU of a 10 ms gap and a
  // fifth of one write per turn (BENCHMARKS.md, "Live updates: a 25 ms gap"), for at most 25 ms
  // more before an event, which a person watching a list does not see; the first event after a
  // quiet spell still goes at once.
  @Setting(
    'least time between two writes of events to a live socket, in ms (events closer together share one write; 0: one per turn of the event loop)',
  )
  @IntSetting(0, 1000)
  LIVE_FLUSH_MS = 25;

  // 25 %: with 200 sockets of one account a flush takes ~2 ms, under the 25 ms gap's bound; with
  // thousands, the gap grows with the flush instead of the writes taking most of the event loop.
  @Setting(
    'the most of the time writing events to live sockets may take, in percent: a write to every socket that took d ms puts the next at least 100·d/this ms after its start',
  )
  @IntSetting(1, 100)
  LIVE_FLUSH_SHARE = 25;

  // Job service (README "Job service"): workers per process (0: this instance runs no jobs by
  // itself — tests and API-only instances), lease and heartbeat, poll interval (0: no poll timer),
  // attempts before an operation FAILs, and how long shutdown waits for running handlers.
  @Setting('job transactions (one operation or a batch) run at once per process (0: none)')
  @IntSetting(0, 256)
  JOBS_CONCURRENCY = 4;

  // A short lease renewed often: a killed instance's operations are claimed again within a lease
  // and a poll (about 4 s), while a live one has two missed renewals of slack.
  @Setting("lease of a running operation, in ms; a dead instance's work is reclaimed after it")
  @IntSetting(100)
  JOBS_LEASE_MS = 3000;

  @Setting("how often a running operation's lease is renewed, in ms (at most half the lease)")
  @IntSetting(50)
  JOBS_HEARTBEAT_MS = 1000;

  @Setting('how often to look for work from other instances or crashes, in ms (0: never)')
  @IntSetting(0)
  JOBS_POLL_MS = 1000;

  @Setting('claims before an operation that keeps failing ends as FAIL')
  @IntSetting(1)
  JOBS_MAX_ATTEMPTS = 5;

  // Operations of a type whose handler can run several at once (POOL.CLONE) are claimed and run
  // up to this many per transaction (docs/operations.md#batches); 1 runs each on its own.
  @Setting('operations of one type run in one transaction at most (1: no batches)')
  @IntSetting(1, 1000)
  JOBS_BATCH_SIZE = 128;

  // Of DATABASE_POOL_SIZE, this many connections form a pool of the job service's own
  // (docs/operations.md#connections): requests cannot take them, nor the job service the rest.
  @Setting('connections of DATABASE_POOL_SIZE kept for the job service on MySQL/MariaDB (0: shared)')
  @IntSetting(0, 499)
  JOBS_DATABASE_CONNECTIONS = 6;

  // A clone handed to a free worker of its own instance takes a few ms; toloka-kit's
  // wait_operation sleeps 500 ms before its first poll unless the POST answered a finished
  // operation (docs/clients.md), so the request waits this long for that worker's outcome.
  @Setting(
    'how long POST /api/v1/pools/{id}/clone waits for a clone its own instance runs at once, in ms (0: answers RUNNING at once)',
  )
  @IntSetting(0, 5000)
  POOL_CLONE_ANSWER_WAIT_MS = 100;

  @Setting('how long shutdown lets running operations finish, in ms')
  @IntSetting(0)
  JOBS_SHUTDOWN_GRACE_MS = 5000;

  // v1 per-account sliding windows (docs/v1.md#rate-limits); 0 turns a window off.
  @Setting('v1 pool clones per account per minute (0: no limit)')
  @IntSetting(0)
  RATE_LIMIT_POOL_CLONE_PER_MINUTE = 20;

  @Setting('v1 pool clones per account per day (0: no limit)')
  @IntSetting(0)
  RATE_LIMIT_POOL_CLONE_PER_DAY = 100;

  @Setting('v1 pool creates per account per minute (0: no limit)')
  @IntSetting(0)
  RATE_LIMIT_POOL_CREATE_PER_MINUTE = 20;

  @Setting('v1 pool creates per account per day (0: no limit)')
  @IntSetting(0)
  RATE_LIMIT_POOL_CREATE_PER_DAY = 100;

  @Setting('v1 project creates per account per minute (0: no limit)')
  @IntSetting(0)
  RATE_LIMIT_PROJECT_CREATE_PER_MINUTE = 20;

  @Setting('v1 project creates per account per day (0: no limit)')
  @IntSetting(0)
  RATE_LIMIT_PROJECT_CREATE_PER_DAY = 100;
}

export class ConfigError extends Error {}

/**
 * Connections of DATABASE_POOL_SIZE that form the job service's own pool (MySQL/MariaDB, an
 * instance that runs jobs): JOBS_DATABASE_CONNECTIONS, leaving requests at least one.
 */
export function jobsConnections(config: AppConfig): number {
  if (config.JOBS_CONCURRENCY === 0 || config.DATABASE_URL.startsWith('sqlite:')) return 0;
  return Math.min(config.JOBS_DATABASE_CONNECTIONS, config.DATABASE_POOL_SIZE - 1);
}

/**
 * Transactions the job service runs at once: JOBS_CONCURRENCY, but with a pool of its own no more
 * than leave a connection each to the claim and the heartbeat, so that a lease is never renewed
 * late for want of a connection (a worker without one would only wait for it anyway).
 */
export function jobsLanes(config: AppConfig): number {
  const share = jobsConnections(config);
  if (share === 0) return config.JOBS_CONCURRENCY;
  return Math.max(1, Math.min(config.JOBS_CONCURRENCY, share - 2));
}

/** Validates the environment; the first problem becomes one line that names the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  // stopAtFirstError: a property's first failing check is its type check (declared first), so a
  // word in PORT says "not an integer" rather than a range it cannot be compared with.
  const [first] = validateSync(config, {
    whitelist: false,
    forbidUnknownValues: false,
    stopAtFirstError: true,
  });
  if (first) {
    const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    const text = message.startsWith(first.property) ? message : `${first.property} ${message}`;
    // The value is not echoed: it may be a token or a URL with a password.
    throw new ConfigError(`Invalid configuration: ${text}`);
  }
  if (config.JOBS_HEARTBEAT_MS * 2 > config.JOBS_LEASE_MS) {
    // One late renewal must not cost a running operation its lease.
    throw new ConfigError('Invalid configuration: JOBS_HEARTBEAT_MS must be at most half of JOBS_LEASE_MS');
  }
  return config;
}

/** `node dist/main.js --help`: every setting with its default and meaning, from the definitions above. */
export function settingsHelp(): string {
  const defaults = new AppConfig();
  const lines = SETTINGS.flatMap(({ name, meaning }) => {
    const value: unknown = defaults[name as keyof AppConfig];
    const shown = value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value);
    return [`  ${name}=${shown}`, `      ${meaning}`];
  });
  return [
    'Usage: node dist/main.js [--help]',
    '',
    'Starts the cloneworks service. Settings are environment variables, shown here with their',
    'defaults (a .env file in the working directory is read too); a bad value stops the start',
    'with one line naming it.',
    '',
    ...lines,
    '',
  ].join('\n');
}
