import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { AppConfig } from '../../../config/app-config';
import { ServiceSecretsService } from '../../../secrets/service-secrets.service';
import { TaskTreeReader } from '../../../tasks/read/task-tree-reader.service';
import { TaskChangeFeed } from '../../../tasks/store/task-changes.service';
import { LiveBus, LiveMessage, LocalLiveBus, RedisLiveBus } from './live-bus';
import { LiveChannel, LiveEvent, RESYNC } from './live-events';
import { LiveOutbox, OutgoingFrame, streamOf, textFrame, writeFrames } from './live-frames';
import { LiveTickets } from './live-tickets';
import { AccountStream } from './live-stream';

/** Close codes of a live socket (docs/live-updates.md). */
export const LIVE_CLOSE = {
  invalidKey: { code: 4401, reason: 'key invalid' },
  expiredKey: { code: 4403, reason: 'key expired' },
  slow: { code: 4408, reason: 'too slow: events queued over the bound' },
  malformed: { code: 1007, reason: 'malformed message' },
  shutdown: { code: 1001, reason: 'server going away' },
  off: { code: 4404, reason: 'live updates are off' },
} as const;

interface LiveSocket {
  ws: WebSocket;
  /** Where its frames are written (null: through ws.send, one message at a time). */
  stream: Duplex | null;
  accountId: number;
  clientId: number;
  channels: Set<LiveChannel>;
  alive: boolean;
}

/**
 * Live updates of the To Do face: committed writes of the task store (whatever face made them)
 * go to every instance (LiveBus), where each account's stream puts them in commit order, brings
 * its outline along and turns them into the widget's events for that account's sockets.
 */
@Injectable()
export class LiveHub implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LiveHub.name);
  private ticketsOnceStarted: LiveTickets | null = null;
  private readonly bus: LiveBus;
  private readonly sockets = new Map<number, Set<LiveSocket>>();
  private readonly streams = new Map<number, AccountStream>();
  private readonly bufferBytes: number;
  private readonly outbox: LiveOutbox<LiveSocket>;
  private pinger: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly reader: TaskTreeReader,
    private readonly secrets: ServiceSecretsService,
    feed: TaskChangeFeed,
  ) {
    this.bufferBytes = config.LIVE_SOCKET_BUFFER_KB * 1024;
    this.outbox = new LiveOutbox<LiveSocket>(
      (accountId) => this.sockets.get(accountId),
      (socket, bytes, frames) => this.write(socket, bytes, frames),
      config.LIVE_FLUSH_MS,
      config.LIVE_FLUSH_SHARE / 100,
    );
    const bounds = {
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
    };
    this.bus = config.REDIS_URL ? new RedisLiveBus(config.REDIS_URL, bounds) : new LocalLiveBus();
    if (!config.LIVE_UPDATES) return;
    const everyAccount = Boolean(config.REDIS_URL);
    feed.subscribe({
      // Through Redis another instance may hold the account's sockets: every write is told.
      interested: (accountId) => everyAccount || this.sockets.has(accountId),
      changed: (change) => this.bus.publish({ change }),
    });
  }

  get enabled(): boolean {
    return this.config.LIVE_UPDATES;
  }

  /** Gives out and checks socket keys; there once the module has started. */
  get tickets(): LiveTickets {
    if (!this.ticketsOnceStarted) throw new Error('live socket keys are used before live updates started');
    return this.ticketsOnceStarted;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    // Without LIVE_TICKET_SECRET, one kept in the database: the widget opens its socket again with
    // the same key after a restart or on another instance, and a secret of one process would refuse
    // that key (4401) on every try, leaving the page deaf until it is reloaded.
    const secret = this.config.LIVE_TICKET_SECRET ?? (await this.secrets.shared('live_ticket'));
    this.ticketsOnceStarted = new LiveTickets(secret, this.config.LIVE_TICKET_TTL_S * 1000);
    await this.bus.start(
      {
        wants: (accountId) => this.streams.has(accountId),
        message: (message) => this.streams.get(message.change.accountId)?.receive(message),
        lost: () => {
          for (const stream of this.streams.values()) stream.resync();
        },
      },
      this.config.REDIS_URL ? await this.secrets.redisScope() : 'this process',
    );
    this.pinger = setInterval(() => this.ping(), this.config.LIVE_PING_S * 1000);
    this.pinger.unref();
  }

  /** Shutdown: what is queued goes out, then every socket is closed with 1001. */
  closeSockets(): void {
    this.outbox.flush();
    for (const set of this.sockets.values()) {
      for (const s of set) s.ws.close(LIVE_CLOSE.shutdown.code, LIVE_CLOSE.shutdown.reason);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    this.closeSockets();
    for (const stream of this.streams.values()) stream.stop();
    await this.bus.stop();
  }

  /** A WebSocket opened on GET /todo/api/v1?token=<key>&ws=1. */
  async open(ws: WebSocket, request: FastifyRequest): Promise<void> {
    if (!this.enabled) {
      ws.close(LIVE_CLOSE.off.code, LIVE_CLOSE.off.reason);
      return;
    }
    const query = request.query as Record<string, unknown> | undefined;
    const ticket = this.tickets.check(query?.token);
    if (ticket === 'invalid' || ticket === 'expired') {
      const close = ticket === 'invalid' ? LIVE_CLOSE.invalidKey : LIVE_CLOSE.expiredKey;
      ws.close(close.code, close.reason);
      return;
    }
    const socket: LiveSocket = {
      ws,
      stream: streamOf(ws),
      accountId: ticket.accountId,
      clientId: randomInt(1, 2 ** 47),
      channels: new Set(),
      alive: true,
    };
    ws.on('message', (data, binary) => this.command(socket, binary ? null : data.toString()));
    ws.on('pong', () => (socket.alive = true));
    ws.on('close', () => this.drop(socket));
    let set = this.sockets.get(socket.accountId);
    if (!set) this.sockets.set(socket.accountId, (set = new Set()));
    set.add(socket);
    let stream = this.streams.get(socket.accountId);
    if (!stream) {
      stream = new AccountStream(socket.accountId, this.reader, this.config.LIVE_REORDER_MS, {
        events: (message, events) => this.fanOut(socket.accountId, message, events),
        resync: () => this.fanOut(socket.accountId, null, resyncEvents()),
        failed: (error) => this.logger.error(`live updates of an account stopped: ${error.message}`),
      });
      this.streams.set(socket.accountId, stream);
    }
    const [first] = await Promise.all([
      this.bus.firstUse(
        ticket.id,
        Math.max(0, ticket.expiresAt - Date.now()),
        ticket.expiresAt - this.config.LIVE_TICKET_TTL_S * 1000,
      ),
      stream.ready(),
    ]);
    if (ws.readyState !== ws.OPEN) return;
    this.send(socket, { action: 'start', body: socket.clientId });
    // A key used before: the socket reconnected and may have missed events.
    if (!first) for (const event of resyncEvents()) this.send(socket, { action: 'event', body: event });
  }

  private command(socket: LiveSocket, text: string | null): void {
    let message: { action?: unknown; name?: unknown };
    try {
      message = JSON.parse(text ?? '') as typeof message;
    } catch {
      message = {};
    }
    const name = message.name;
    if (
      (message.action !== 'subscribe' && message.action !== 'unsubscribe') ||
      (name !== 'tasks' && name !== 'projects')
    ) {
      socket.ws.close(LIVE_CLOSE.malformed.code, LIVE_CLOSE.malformed.reason);
      return;
    }
    if (message.action === 'subscribe') socket.channels.add(name);
    else socket.channels.delete(name);
  }

  /**
   * Each event is serialised and framed once for all the account's sockets; the outbox writes the
   * frames of one turn of the event loop to each socket at once.
   */
  private fanOut(accountId: number, message: LiveMessage | null, events: LiveEvent[]): void {
    if (!this.sockets.has(accountId)) return;
    const frames = events.map((event): OutgoingFrame => {
      const frame: OutgoingFrame = {
        frame: textFrame(JSON.stringify({ action: 'event', body: { name: event.name, value: event.value } })),
        channel: event.name,
      };
      // The client whose request made it already shows it (`Remote-Client`).
      const origin = event.origin ?? message?.change.origin;
      if (origin?.startsWith('live:')) frame.skipClient = Number(origin.slice(5));
      return frame;
    });
    this.outbox.push(accountId, frames);
  }

  private send(socket: LiveSocket, body: unknown): void {
    const frame = textFrame(JSON.stringify(body));
    this.write(socket, frame, [{ frame, channel: 'tasks' }]);
  }

  /** A socket that cannot keep up is dropped rather than queue without bound. */
  private write(socket: LiveSocket, bytes: Buffer, frames: OutgoingFrame[]): void {
    if (socket.ws.readyState !== socket.ws.OPEN) return;
    // What is already queued counts: one event larger than the bound still goes to a socket that keeps up.
    if (socket.ws.bufferedAmount > this.bufferBytes) {
      this.logger.warn(`a live socket of account ${socket.accountId} fell behind and was dropped`);
      socket.ws.close(LIVE_CLOSE.slow.code, LIVE_CLOSE.slow.reason);
      // The close frame queues behind the rest; a socket that reads nothing goes at once.
      setTimeout(() => socket.ws.terminate(), 1000).unref();
      this.drop(socket);
      return;
    }
    writeFrames(socket.ws, socket.stream, bytes, frames);
  }

  private ping(): void {
    for (const set of this.sockets.values()) {
      for (const socket of set) {
        if (!socket.alive) {
          socket.ws.terminate();
          this.drop(socket);
          continue;
        }
        socket.alive = false;
        socket.ws.ping();
      }
    }
  }

  private drop(socket: LiveSocket): void {
    const set = this.sockets.get(socket.accountId);
    if (!set?.delete(socket)) return;
    if (set.size > 0) return;
    this.sockets.delete(socket.accountId);
    this.streams.get(socket.accountId)?.stop();
    this.streams.delete(socket.accountId);
  }

  /** The number of open sockets (tests, benchmarks). */
  get socketCount(): number {
    let n = 0;
    for (const set of this.sockets.values()) n += set.size;
    return n;
  }

  /** How many open sockets get their frames written as they are, and how many through ws.send (tests). */
  get socketPaths(): { frames: number; send: number } {
    const paths = { frames: 0, send: 0 };
    for (const set of this.sockets.values()) for (const s of set) paths[s.stream ? 'frames' : 'send']++;
    return paths;
  }
}

function resyncEvents(): LiveEvent[] {
  return [
    { name: 'tasks', value: RESYNC },
    { name: 'projects', value: RESYNC },
  ];
}
