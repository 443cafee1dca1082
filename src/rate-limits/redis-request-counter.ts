import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { DomainError } from '../common/domain-error';
import { FullWindow, RequestCounter, RequestWindow } from './request-windows';

// One atomic step for every window of a holder, so that instances never race: drop the buckets
// that left the window, and if a window is full answer which one stays full longest and for how
// long (the same rule as longestWait); otherwise count the request in each window's current bucket.
// KEYS[i]: window i's hash, bucket number → hits. ARGV: now (ms), then per window limit, length
// and bucket size (ms). Answers {0, 0}, or {window number from 1, wait in ms}.
const TAKE = `
local now = tonumber(ARGV[1])
local worst, worstWait = 0, -1
for i = 1, #KEYS do
  local limit, length, size = tonumber(ARGV[i * 3 - 1]), tonumber(ARGV[i * 3]), tonumber(ARGV[i * 3 + 1])
  local oldest = math.floor((now - length) / size)
  local flat = redis.call('HGETALL', KEYS[i])
  local live, total = {}, 0
  for j = 1, #flat, 2 do
    local bucket, hits = tonumber(flat[j]), tonumber(flat[j + 1])
    if bucket <= oldest then
      redis.call('HDEL', KEYS[i], flat[j])
    else
      live[#live + 1] = { bucket, hits }
      total = total + hits
    end
  end
  if total >= limit then
    table.sort(live, function(a, b) return a[1] < b[1] end)
    local left, wait = total, 0
    for _, entry in ipairs(live) do
      left = left - entry[2]
      if left < limit then
        wait = entry[1] * size + length - now
        break
      end
    end
    if wait > worstWait then worst, worstWait = i, wait end
  end
end
if worst > 0 then return { worst, worstWait } end
for i = 1, #KEYS do
  local length, size = tonumber(ARGV[i * 3]), tonumber(ARGV[i * 3 + 1])
  redis.call('HINCRBY', KEYS[i], string.format('%d', math.floor(now / size)), 1)
  redis.call('PEXPIRE', KEYS[i], length + size)
end
return { 0, 0 }
`;

const KEY_PREFIX = 'cloneworks:requests:';

type TakeCommand = (...keysAndArgs: Array<string | number>) => Promise<[number, number]>;

/**
 * Request counts in Redis (REDIS_URL): exact across instances, one round trip per request. Every
 * Redis wait is bounded (connect and command timeouts, no queue while disconnected): a Redis that
 * is down or hung makes v2 requests answer 503, and one unreachable at start stops the service.
 */
export class RedisRequestCounter extends RequestCounter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisRequestCounter.name);
  private readonly client: Redis;
  private readonly takeCommand: TakeCommand;
  private lastError?: string;
  /** The keys' prefix, with this database's scope once started. */
  private keyPrefix = KEY_PREFIX;

  constructor(
    url: string,
    bounds: { connectTimeoutMs: number; commandTimeoutMs: number },
    private readonly windows: RequestWindow[],
    /** This database's name on the Redis (ServiceSecretsService.redisScope): a token's counts are its own database's. */
    private readonly scope: () => Promise<string>,
  ) {
    super();
    this.client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: bounds.connectTimeoutMs || undefined,
      commandTimeout: bounds.commandTimeoutMs || undefined,
      // Reconnects in the background for as long as it takes; requests meanwhile answer 503.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    });
    this.client.on('error', (error: Error) => {
      this.lastError = error.message;
      this.logger.warn(`Redis: ${error.message}`);
    });
    this.client.defineCommand('cloneworksTake', { lua: TAKE });
    this.takeCommand = (this.client as unknown as { cloneworksTake: TakeCommand }).cloneworksTake.bind(
      this.client,
    );
  }

  async onModuleInit(): Promise<void> {
    this.keyPrefix = `${KEY_PREFIX}${await this.scope()}:`;
    try {
      await this.client.connect();
      await this.client.ping();
    } catch (error) {
      this.client.disconnect();
      // ioredis reports "Connection is closed"; the socket's own error says why.
      throw new Error(
        `REDIS_URL is set but Redis does not answer: ${this.lastError ?? (error as Error).message}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  async take(holder: string, now: number): Promise<FullWindow | null> {
    if (this.windows.length === 0) return null;
    let answer: [number, number];
    try {
      answer = await this.takeCommand(
        this.windows.length,
        ...this.windows.map((w) => `${this.keyPrefix}${holder}:${w.lengthMs}`),
        now,
        ...this.windows.flatMap((w) => [w.limit, w.lengthMs, w.bucketMs]),
      );
    } catch (error) {
      throw new DomainError(
        'REQUEST_SERVICE_UNAVAILABLE',
        'The request counter is unavailable; retry later',
        {
          cause: error,
        },
      );
    }
    const [window, waitMs] = answer.map(Number);
    return window === 0 ? null : { window: this.windows[window - 1], waitMs };
  }
}
