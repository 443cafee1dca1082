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

/**
 * Every setting the service reads from the environment, validated once at start.
 * `.env.example` documents each variable; keep the two in step.
 */
export class AppConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  // mysql://user:pass@host:port/db, mariadb://…, or sqlite:<path> (sqlite::memory: for a throwaway database)
  @Matches(/^(mysql|mariadb):\/\/[^/]+\/[A-Za-z0-9_$-]+(\?.*)?$|^sqlite:.+$/, {
    message: 'DATABASE_URL must look like mysql://user:pass@host:3306/db, mariadb://…, or sqlite:<path>',
  })
  DATABASE_URL = 'sqlite:./data/cloneworks.sqlite';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 10;

  // Bounds on every wait for MySQL/MariaDB (README, Operations, "Outages"): opening a connection, getting one
  // from the pool, and one statement's answer (not applied to migrations). Past a bound the request
  // answers 503. 0 turns a bound off.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  DATABASE_CONNECT_TIMEOUT_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  DATABASE_ACQUIRE_TIMEOUT_MS = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  DATABASE_QUERY_TIMEOUT_MS = 5000;

  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsOptional()
  @IsString()
  @Matches(/^\S{16,200}$/, { message: 'BOOTSTRAP_API_TOKEN must be 16 to 200 characters without spaces' })
  BOOTSTRAP_API_TOKEN?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  // The largest body any route accepts (POST /todo/clone); routes opt into more than BODY_LIMIT_BYTES.
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_MAX_BYTES = 16 * 1024 * 1024;

  @Transform(toList)
  @IsString({ each: true })
  CORS_ORIGINS: string[] = ['*'];

  @Transform(toInt)
  @IsInt()
  @Min(0)
  AUTH_CACHE_TTL_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10000;

  // v2 tasks/copy (tasks-copy.md §4.5 item 4): above the sync limit a copy runs as a TASK.COPY
  // operation on the job service; above the hard limit it is refused (422 copy_tree_too_large).
  @Transform(toInt)
  @IsInt()
  @Min(1)
  COPY_SYNC_MAX_TASKS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  COPY_MAX_TASKS = 100000;

  // v2 face requests per token (tasks-copy.md §1.1), counted where every instance agrees; 0 turns a
  // window off.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  JSONAPI_RATE_LIMIT_PER_10S = 100;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  JSONAPI_RATE_LIMIT_PER_30MIN = 4000;

  // Where v2 request limits are counted: Redis, exactly, when set; else the database.
  @IsOptional()
  @Matches(/^rediss?:\/\/.+$/, { message: 'REDIS_URL must look like redis://host:6379 or rediss://…' })
  REDIS_URL?: string;

  // To Do face limits (todolist-rest.md §7); over them a request gets 413 TOO_LARGE.
  @Transform(toInt)
  @IsInt()
  @Min(1)
  TODO_CLONE_BATCH_LIMIT = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TODO_BATCH_LIMIT = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TODO_OPBATCH_LIMIT = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TODO_ASSIGNED_LIMIT = 200;

  // Memory for the To Do face's task list cache (built list bodies and per-task JSON), per
  // process; 0 builds every list afresh.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  TODO_LIST_CACHE_MB = 64;

  // Job service (README "Job service"): workers per process (0: this instance runs no jobs by
  // itself — tests and API-only instances), lease and heartbeat, poll interval (0: no poll timer),
  // attempts before an operation FAILs, and how long shutdown waits for running handlers.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(256)
  JOBS_CONCURRENCY = 4;

  // A short lease renewed often: a killed instance's operations are claimed again within a lease
  // and a poll (about 4 s), while a live one has two missed renewals of slack.
  @Transform(toInt)
  @IsInt()
  @Min(100)
  JOBS_LEASE_MS = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  JOBS_HEARTBEAT_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  JOBS_POLL_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  JOBS_MAX_ATTEMPTS = 5;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  JOBS_SHUTDOWN_GRACE_MS = 5000;

  // Per-account sliding windows (pools-and-operations.md §10); 0 turns a window off.
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_POOL_CLONE_PER_MINUTE = 20;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_POOL_CLONE_PER_DAY = 100;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_POOL_CREATE_PER_MINUTE = 20;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_POOL_CREATE_PER_DAY = 100;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PROJECT_CREATE_PER_MINUTE = 20;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PROJECT_CREATE_PER_DAY = 100;
}

export class ConfigError extends Error {}

/** Validates the environment; the first problem becomes one line that names the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  const [first] = validateSync(config, { whitelist: false, forbidUnknownValues: false });
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
