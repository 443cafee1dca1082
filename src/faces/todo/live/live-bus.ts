import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { TaskChange } from '../../../tasks/store/task-changes.service';

/** A committed change on its way to every instance (its `origin` names the live client that made it). */
export interface LiveMessage {
  change: TaskChange;
}

/**
 * Which database a message's change was committed to (ServiceSecretsService.redisScope): services
 * of several databases may share one Redis, and their account ids overlap, so a message of another
 * database is never delivered.
 */
export type LiveScope = string;

export interface LiveBusHandlers {
  /** Whether this instance has sockets of the account (a message for none is not even decoded). */
  wants(accountId: number): boolean;
  message(message: LiveMessage): void;
  /** Messages may have been lost (Redis reconnected): every subscriber must reload. */
  lost(): void;
}

/** Carries changes to every instance's sockets: in process, or through Redis pub/sub. */
export interface LiveBus {
  /** `scope`: this service's database (LiveScope); messages of another are skipped. */
  start(handlers: LiveBusHandlers, scope: LiveScope): Promise<void>;
  publish(message: LiveMessage): void;
  /**
   * Marks a socket key as used; false if it may have been already (a reconnect: it may have missed
   * events). `issuedAt`: when the key was given out.
   */
  firstUse(ticketId: string, ttlMs: number, issuedAt: number): Promise<boolean>;
  stop(): Promise<void>;
}

const CHANNEL = 'cloneworks:todo-live';

/**
 * The shape of a change on the channel. Raised whenever that shape changes (2: an insert names its
 * anchor task instead of a counted position; 3: a message names its database's scope), so that an
 * instance reading a message of another version — instances of two releases sharing one Redis
 * during an upgrade — tells its sockets to reload instead of applying a change it would read
 * wrongly, or one of another database.
 */
export const LIVE_MESSAGE_FORMAT = 3;

/** A message of another release's shape (LIVE_MESSAGE_FORMAT). */
export class ForeignLiveMessage extends Error {}

// On the channel: `<account id> <JSON>`, so that an instance with no socket of the account skips
// the message without parsing it, and one with sockets parses it once for all of them.
function encode(message: LiveMessage, scope: LiveScope): string {
  const change = { ...message.change, revisions: [...message.change.revisions] };
  return `${message.change.accountId} ${JSON.stringify({ format: LIVE_MESSAGE_FORMAT, scope, ...message, change })}`;
}

function accountOf(text: string): number {
  return Number(text.slice(0, text.indexOf(' ')));
}

/** The message, or null if it is another database's (its scope is not `scope`). */
function decode(text: string, scope: LiveScope): LiveMessage | null {
  const raw = JSON.parse(text.slice(text.indexOf(' ') + 1)) as {
    format?: number;
    scope?: string;
    change: Omit<TaskChange, 'revisions'> & { revisions: Array<[string, number]> };
  };
  if (raw.format !== LIVE_MESSAGE_FORMAT) {
    throw new ForeignLiveMessage(`a live message of format ${raw.format ?? 1}, not ${LIVE_MESSAGE_FORMAT}`);
  }
  if (raw.scope !== scope) return null;
  return { change: { ...raw.change, revisions: new Map(raw.change.revisions) } as TaskChange };
}

/** One process: the change goes straight to this process's sockets. */
export class LocalLiveBus implements LiveBus {
  private handlers: LiveBusHandlers | null = null;
  private readonly used = new Map<string, number>();
  private readonly startedAt = Date.now();

  start(handlers: LiveBusHandlers): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }

  publish(message: LiveMessage): void {
    if (this.handlers?.wants(message.change.accountId)) this.handlers.message(message);
  }

  firstUse(ticketId: string, ttlMs: number, issuedAt: number): Promise<boolean> {
    const now = Date.now();
    if (this.used.size > 10_000) for (const [id, until] of this.used) if (until <= now) this.used.delete(id);
    // The keys used are remembered by this process only: one given out before it started may have
    // opened a socket on the process before it (a restart), whose events this socket missed.
    const first = !this.used.has(ticketId) && issuedAt >= this.startedAt;
    this.used.set(ticketId, now + ttlMs);
    return Promise.resolve(first);
  }

  stop(): Promise<void> {
    this.handlers = null;
    return Promise.resolve();
  }
}

/** Several instances: every change is published on one Redis channel that each instance reads. */
export class RedisLiveBus implements LiveBus {
  private readonly logger = new Logger(RedisLiveBus.name);
  private readonly origin = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private handlers: LiveBusHandlers | null = null;
  private scope: LiveScope = '';
  private connectedOnce = false;

  constructor(url: string, bounds: { connectTimeoutMs: number; commandTimeoutMs: number }) {
    const options = {
      lazyConnect: true,
      connectTimeout: bounds.connectTimeoutMs || undefined,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
    };
    this.pub = new Redis(url, {
      ...options,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: bounds.commandTimeoutMs || undefined,
    });
    // Named, so that an operator (or a test) can tell this process's subscriber in CLIENT LIST.
    this.sub = new Redis(url, { ...options, connectionName: `cloneworks-live-${process.pid}` });
    for (const client of [this.pub, this.sub]) {
      client.on('error', (error: Error) => this.logger.warn(`Redis (live updates): ${error.message}`));
    }
    // A subscriber that was cut off may have missed messages: every socket reloads.
    this.sub.on('ready', () => {
      if (this.connectedOnce) this.handlers?.lost();
      this.connectedOnce = true;
    });
    this.sub.on('close', () => {
      if (this.connectedOnce) this.handlers?.lost();
    });
    this.sub.on('message', (_channel: string, text: string) => {
      try {
        if (!this.handlers?.wants(accountOf(text))) return;
        const message = decode(text, this.scope);
        if (message) this.handlers.message(message);
      } catch (error) {
        if (error instanceof ForeignLiveMessage) {
          // Another release's instance wrote it: its change is lost to these sockets, which reload.
          this.logger.warn(`${error.message} (instances of two releases share REDIS_URL): sockets reload`);
          this.handlers?.lost();
        } else this.logger.error(`a live message could not be read: ${(error as Error).message}`);
      }
    });
  }

  async start(handlers: LiveBusHandlers, scope: LiveScope): Promise<void> {
    this.handlers = handlers;
    this.scope = scope;
    try {
      await this.pub.connect();
      await this.sub.connect();
      await this.sub.subscribe(CHANNEL);
    } catch (error) {
      this.pub.disconnect();
      this.sub.disconnect();
      throw new Error(`REDIS_URL is set but Redis does not answer: ${(error as Error).message}`);
    }
  }

  publish(message: LiveMessage): void {
    this.pub.publish(CHANNEL, encode(message, this.scope)).catch((error: Error) => {
      // The write committed but its event is lost: every socket reloads.
      this.logger.warn(`a live event could not be published: ${error.message}`);
      this.handlers?.lost();
    });
  }

  async firstUse(ticketId: string, ttlMs: number): Promise<boolean> {
    try {
      return (
        (await this.pub.set(`cloneworks:live-ticket:${ticketId}`, this.origin, 'PX', ttlMs, 'NX')) === 'OK'
      );
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    this.handlers = null;
    await Promise.all([this.pub, this.sub].map((client) => client.quit().catch(() => client.disconnect())));
  }
}
